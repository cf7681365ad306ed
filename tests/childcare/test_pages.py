"""The childcare pages: scoping (404 outside one's county, an operator sees only their own),
constant query counts on the lists, forms that refuse bad input with the Chinese message and
change nothing, and the county's filing and recognition decisions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from huimin.childcare import rules, services
from huimin.childcare.models import (
    Enrollment,
    Filing,
    FilingDocument,
    Finding,
    InclusiveRecognition,
    Institution,
)
from huimin.core.models import Person, User
from tests.childcare.conftest import TODAY, resident_id


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _bulk_institutions(city, n: int, *, prefix: str = "机构", region: str = "140802100") -> None:
    rows = [
        Institution(
            name=f"{prefix}{i:03d}",
            kind="independent",
            region=city[region],
            address="运城市盐湖区学苑路",
            legal_person="张三",
            capacity=60,
            status=Institution.Status.FILED,
        )
        for i in range(n)
    ]
    Institution.objects.bulk_create(rows)
    Finding.objects.bulk_create(
        Finding(
            institution=i,
            rule="fire_safety_manager",
            severity="serious" if i.pk % 2 else "major",
            subject="安全：消防",
            message="未明确消防安全管理人。",
            found="未指定",
            required="指定1名",
        )
        for i in Institution.objects.filter(name__startswith=prefix)
    )


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode(errors="replace")


# --------------------------------------------------------------------------- query counts


@pytest.mark.parametrize(
    "url",
    [
        "/childcare/institutions/",
        "/childcare/institutions/?with_findings=any&region=140802",
        "/childcare/findings/",
        "/childcare/institutions/export.xlsx",
    ],
)
def test_institution_lists_for_a_county_official_run_the_same_queries_for_10_and_300(
    client, city, yanhu_official, url
):
    client.force_login(yanhu_official)
    _bulk_institutions(city, 10, prefix="甲")
    client.get(url)  # warm caches (content types, sessions)
    few, _ = _queries(client, url)
    _bulk_institutions(city, 290, prefix="乙")
    many, body = _queries(client, url)
    assert many == few
    if not url.endswith(".xlsx"):
        assert "共 300 家机构" in body


def test_filings_list_runs_the_same_queries_whatever_it_holds(client, city, yanhu_official):
    client.force_login(yanhu_official)
    _bulk_institutions(city, 60, prefix="丙")

    def file_some(n: int) -> None:
        Filing.objects.bulk_create(
            Filing(
                institution=i,
                kind="initial",
                submitted_by=yanhu_official,
                deadline=TODAY + dt.timedelta(days=i.pk % 9),
            )
            for i in Institution.objects.filter(filings__isnull=True)[:n]
        )

    file_some(3)
    client.get("/childcare/filings/")
    few, _ = _queries(client, "/childcare/filings/")
    file_some(57)
    many, body = _queries(client, "/childcare/filings/")
    assert many == few
    assert "共 60 件" in body


# --------------------------------------------------------------------------- scoping


def test_an_official_of_another_county_gets_404_on_an_institution_page(
    client, institution, wanrong_official
):
    client.force_login(wanrong_official)
    assert client.get(f"/childcare/institutions/{institution.pk}/").status_code == 404
    assert client.get(f"/childcare/institutions/{institution.pk}/filing/").status_code == 404
    listing = client.get("/childcare/institutions/").content.decode()
    assert institution.name not in listing


def test_the_county_official_sees_the_institution_page(client, institution, yanhu_official):
    client.force_login(yanhu_official)
    response = client.get(f"/childcare/institutions/{institution.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert institution.name in body
    assert "北城街道" in body
    assert "登记入托" not in body  # record keeping is the operator's


def test_an_operator_going_to_the_list_lands_on_their_own_institution(
    client, operator, institution
):
    client.force_login(operator)
    response = client.get("/childcare/institutions/")
    assert response.status_code == 302
    assert response["Location"] == f"/childcare/institutions/{institution.pk}/"
    assert client.get("/childcare/findings/")["Location"] == response["Location"]


def test_an_operator_without_an_institution_is_sent_to_register_one(client, make_user):
    client.force_login(make_user("newop", User.Role.OPERATOR, ("140802",)))
    response = client.get("/childcare/mine/")
    assert response["Location"] == "/childcare/institutions/new/"
    assert "登记托育机构" in client.get(response["Location"]).content.decode()


def test_an_operator_sees_only_their_own_institution(client, institution, make_user, today):
    other = make_user("other_op", User.Role.OPERATOR, ("140802",))
    theirs = services.institution_register(
        actor=other,
        region_code="140802101",
        name="东城小太阳托育园",
        kind="community",
        address="运城市盐湖区东城街道",
        legal_person="刘洋",
        capacity=40,
    )
    client.force_login(other)
    assert client.get(f"/childcare/institutions/{institution.pk}/").status_code == 404
    assert client.get(f"/childcare/institutions/{theirs.pk}/").status_code == 200
    assert client.get(f"/childcare/institutions/{institution.pk}/edit/").status_code == 404


def test_a_filing_document_downloads_only_within_scope(
    client, operator, institution, wanrong_official, yanhu_official
):
    document = services.document_upload(
        actor=operator,
        institution_id=institution.pk,
        material="business_licence",
        upload=SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4 licence", "application/pdf"),
    )
    client.force_login(wanrong_official)
    assert client.get(f"/childcare/documents/{document.pk}/").status_code == 404
    client.force_login(yanhu_official)
    response = client.get(f"/childcare/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 licence"
    assert "attachment" in response["Content-Disposition"]


# --------------------------------------------------------------------------- findings


def test_the_findings_page_lists_an_institution_with_its_finding(
    client, institution, yanhu_official, operator
):
    services.institution_update(
        actor=operator, institution_id=institution.pk, fire_safety_manager=""
    )
    client.force_login(yanhu_official)
    body = client.get("/childcare/findings/").content.decode()
    assert institution.name in body
    assert "未明确消防安全管理人" in body
    assert "严重 1" in body


def test_the_findings_page_leaves_out_institutions_without_findings(
    client, institution, yanhu_official
):
    client.force_login(yanhu_official)
    body = client.get("/childcare/findings/").content.decode()
    assert institution.name not in body
    assert "共 0 家机构有未整改的合规问题" in body


def test_the_sixteenth_child_enrolled_on_the_page_shows_the_overfilled_class(
    client, operator, toddler_class, enrol
):
    for i in range(15):
        enrol(toddler_class, name=f"幼儿{i:02d}")
    client.force_login(operator)
    response = client.post(
        f"/childcare/classes/{toddler_class.pk}/enrol/",
        _enrol_data(child_name="第十六名"),
        follow=True,
    )
    body = response.content.decode()
    assert "已登记入托" in body
    assert "班级超员" in body
    assert "托小班“小一班”在托16人，超过上限15人。" in body
    assert "16 / 15" in body


# --------------------------------------------------------------------------- bad input


def _enrol_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "child_name": "王小宝",
        "child_resident_id": resident_id(dt.date(2025, 5, 10)),
        "guardian_name": "李娟",
        "guardian_resident_id": resident_id(dt.date(1992, 3, 3), male=False),
        "guardian_relation": "母亲",
        "care_type": "full_day",
        "hukou_region_code": "",
        "enrolled_on": TODAY.isoformat(),
        "agreement_signed_on": TODAY.isoformat(),
        "admission_check_on": TODAY.isoformat(),
        "vaccination_complete": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_enrolling_without_complete_vaccination_shows_the_message_and_saves_nothing(
    client, operator, toddler_class
):
    client.force_login(operator)
    people = Person.objects.count()
    response = client.post(
        f"/childcare/classes/{toddler_class.pk}/enrol/",
        _enrol_data(vaccination_complete=None, child_name="赵小萌"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "预防接种不完整的幼儿不能入托，请先补种。" in body
    assert 'value="赵小萌"' in body  # what was typed is kept
    assert Enrollment.objects.count() == 0
    assert Person.objects.count() == people


def test_a_bad_child_resident_id_stands_next_to_that_field_and_nothing_is_saved(
    client, operator, toddler_class
):
    client.force_login(operator)
    people = Person.objects.count()
    response = client.post(
        f"/childcare/classes/{toddler_class.pk}/enrol/",
        _enrol_data(child_resident_id="140802240520032"),
    )
    body = response.content.decode()
    assert "这是15位的旧身份证号码，不再受理" in body
    assert body.index("这是15位的旧身份证号码") > body.index('name="child_resident_id"')
    assert body.index("这是15位的旧身份证号码") < body.index('name="guardian_name"')
    assert Enrollment.objects.count() == 0
    assert Person.objects.count() == people


def test_a_child_of_three_is_refused_with_the_service_message_by_the_field(
    client, operator, toddler_class
):
    client.force_login(operator)
    response = client.post(
        f"/childcare/classes/{toddler_class.pk}/enrol/",
        _enrol_data(child_resident_id=resident_id(dt.date(2023, 1, 5)), child_name="大宝"),
    )
    body = response.content.decode()
    assert "大宝入托时已满3周岁，托育机构只招收3岁以下婴幼儿。" in body
    assert Enrollment.objects.count() == 0


def test_a_food_sample_kept_less_long_than_taken_is_refused(client, operator, institution):
    client.force_login(operator)
    response = client.post(
        f"/childcare/institutions/{institution.pk}/food-samples/new/",
        {
            "on": TODAY.isoformat(),
            "dish": "番茄炒蛋",
            "grams": "150",
            "sampled_at": "2026-11-25T11:30",
            "kept_until": "2026-11-25T10:30",
        },
    )
    assert response.status_code == 200
    assert "保存截止时间应晚于留样时间。" in response.content.decode()
    assert not institution.food_samples.exists()


def test_registering_without_a_name_keeps_what_was_typed(client, make_user):
    client.force_login(make_user("newop", User.Role.OPERATOR, ("140802",)))
    response = client.post(
        "/childcare/institutions/new/",
        {
            "name": "",
            "kind": "independent",
            "region": "140802100",
            "address": "运城市盐湖区学苑路8号",
            "legal_person": "王芳",
            "capacity": "80",
            "full_day": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "运城市盐湖区学苑路8号" in body
    assert "全日托，请填写收费标准" in body
    assert Institution.objects.count() == 0


def test_an_operator_registers_and_is_bound_to_the_institution(client, make_user, today):
    user = make_user("newop", User.Role.OPERATOR, ("140802",))
    client.force_login(user)
    response = client.post(
        "/childcare/institutions/new/",
        {
            "name": "解州镇童心托育园",
            "kind": "independent",
            "region": "140802102",
            "address": "运城市盐湖区解州镇",
            "legal_person": "王芳",
            "capacity": "80",
            "full_day": "on",
            "fee_full_day": "1280.50",
            "serves_meals": "on",
            "lease_years": "5",
            "monitoring_coverage_percent": "100",
            "recording_retention_days": "90",
            "fire_safety_manager": "李强",
        },
    )
    institution = Institution.objects.get()
    assert response["Location"] == f"/childcare/institutions/{institution.pk}/"
    assert (institution.fee_full_day, institution.region.code, institution.lease_years) == (
        128_050,
        "140802102",
        5,
    )
    assert client.get("/childcare/mine/")["Location"] == response["Location"]


# --------------------------------------------------------------------------- filing


def _upload_all(client, institution) -> None:
    for material in rules.filing_materials_required(serves_meals=institution.serves_meals):
        response = client.post(
            f"/childcare/institutions/{institution.pk}/documents/",
            {
                "material": material,
                "file": SimpleUploadedFile(f"{material}.pdf", b"%PDF-1.4", "application/pdf"),
            },
        )
        assert response.status_code == 302, response.content.decode()


def test_an_upload_of_the_wrong_type_is_refused_by_the_field(client, operator, institution):
    client.force_login(operator)
    response = client.post(
        f"/childcare/institutions/{institution.pk}/documents/",
        {
            "material": "premises",
            "file": SimpleUploadedFile("租赁合同.docx", b"PK", "application/msword"),
        },
    )
    assert "文件“租赁合同.docx”的格式不支持，请上传 PDF、JPG 或 PNG 文件。" in (
        response.content.decode()
    )
    assert not FilingDocument.objects.exists()


def test_filing_is_submitted_counted_down_and_returned_with_what_is_missing(
    client, operator, institution, yanhu_official
):
    client.force_login(operator)
    early = client.post(
        f"/childcare/institutions/{institution.pk}/filing/submit/", {"kind": "initial"}
    )
    assert "还不能提交备案：缺少营业执照或事业单位法人证书" in early.content.decode()
    assert not Filing.objects.exists()

    _upload_all(client, institution)
    response = client.post(
        f"/childcare/institutions/{institution.pk}/filing/submit/", {"kind": "initial"}
    )
    assert response.status_code == 302
    filing = Filing.objects.get()
    assert filing.deadline == dt.date(2026, 12, 2)  # 5 working days after Wed 2026-11-25

    client.force_login(yanhu_official)
    listing = client.get("/childcare/filings/").content.decode()
    assert institution.name in listing
    assert "剩余 5 个工作日" in listing

    refused = client.post(
        f"/childcare/filings/{filing.pk}/", {"decision": "return", "missing": [], "note": ""}
    )
    assert "退回补正时，请勾选缺少或不合格的材料" in refused.content.decode()
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SUBMITTED

    client.post(
        f"/childcare/filings/{filing.pk}/",
        {"decision": "return", "missing": ["fire_safety"], "note": "消防验收意见书已过期"},
    )
    filing.refresh_from_db()
    institution.refresh_from_db()
    assert (filing.status, filing.missing, institution.status) == (
        Filing.Status.RETURNED,
        ["fire_safety"],
        Institution.Status.REGISTERED,
    )
    detail = client.get(f"/childcare/filings/{filing.pk}/").content.decode()
    assert (
        '<li class="missing">✗ 消防安全检查合格证明 <span class="small">（退回补正）</span></li>'
        in detail
    )
    client.force_login(operator)
    page = client.get(f"/childcare/institutions/{institution.pk}/filing/").content.decode()
    assert "消防安全检查合格证明" in page
    assert "消防验收意见书已过期" in page


def test_an_overdue_filing_is_flagged(client, institution, operator, yanhu_official):
    Filing.objects.create(
        institution=institution,
        kind="initial",
        submitted_by=operator,
        deadline=dt.date(2026, 11, 20),
    )
    client.force_login(yanhu_official)
    body = client.get("/childcare/filings/").content.decode()
    assert "已逾期 3 个工作日" in body  # Mon 23, Tue 24, Wed 25
    assert "row-overdue" in body


# --------------------------------------------------------------------------- recognition


def test_recognition_page_shows_the_fee_above_the_cap_and_refuses_to_recognise(
    client, filed_institution, operator, yanhu_official
):
    Institution.objects.filter(pk=filed_institution.pk).update(fee_full_day=180_000)
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    [problem] = rules.inclusive_problems(
        fees_fen={"full_day": 180_000}, caps_fen={"full_day": 150_000}, serious_findings=0
    )
    assert "1,800" in problem
    client.force_login(yanhu_official)
    page = client.get(f"/childcare/recognitions/{application.pk}/").content.decode()
    assert "高于上限" in page
    assert problem in page

    response = client.post(
        f"/childcare/recognitions/{application.pk}/", {"decision": "recognise", "reasons": ""}
    )
    body = response.content.decode()
    assert "不符合普惠认定条件" in body
    assert problem in body
    application.refresh_from_db()
    assert application.status == InclusiveRecognition.Status.APPLIED


def test_a_recognised_institution_shows_its_operating_subsidy(
    client, filed_institution, operator, yanhu_official, toddler_class, enrol
):
    enrol(toddler_class, name="王小宝")
    enrol(toddler_class, name="李小贝")
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    client.force_login(yanhu_official)
    response = client.post(
        f"/childcare/recognitions/{application.pk}/", {"decision": "recognise", "reasons": "符合"}
    )
    assert response.status_code == 302
    body = client.get(f"/childcare/institutions/{filed_institution.pk}/").content.decode()
    assert "普惠托育机构" in body
    assert "<strong>1,000</strong>" in body  # 2 children × 500 yuan
    assert "在托 2 人 × 500 元/人·月" in body


# --------------------------------------------------------------------------- pages render


@pytest.mark.parametrize("tab", ["care", "health", "safety", "staff", "history"])
def test_every_tab_renders_for_the_operator_and_the_official(
    client, operator, yanhu_official, toddler_class, enrol, tab
):
    enrol(toddler_class, name="王小宝")
    url = f"/childcare/institutions/{toddler_class.institution_id}/?tab={tab}"
    for user in (operator, yanhu_official):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        partial = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tabs-block")
        assert partial.content.decode().startswith('<div id="tabs-block">')


def test_the_care_tab_shows_masked_ids_only(client, operator, toddler_class, enrol):
    enrollment = enrol(toddler_class, name="王小宝")
    client.force_login(operator)
    body = client.get(f"/childcare/institutions/{toddler_class.institution_id}/").content.decode()
    assert enrollment.child.masked_resident_id in body
    assert enrollment.child.resident_id not in body


def test_attendance_form_records_present_absent_and_morning_checks(
    client, operator, toddler_class, enrol
):
    a, b = enrol(toddler_class, name="王小宝"), enrol(toddler_class, name="李小贝")
    client.force_login(operator)
    url = f"/childcare/classes/{toddler_class.pk}/attendance/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "date": TODAY.isoformat(),
            f"present_{a.pk}": "on",
            f"morning_{a.pk}": "on",
            f"reason_{b.pk}": "发烧",
        },
    )
    assert response.status_code == 302
    assert sorted(
        Enrollment.objects.filter(attendance__date=TODAY).values_list(
            "child__name", "attendance__present", "attendance__absence_reason"
        )
    ) == [("李小贝", False, "发烧"), ("王小宝", True, "")]
    assert a.health_checks.get(date=TODAY).morning


def test_export_is_an_xlsx_of_the_filtered_list(client, city, yanhu_official):
    _bulk_institutions(city, 4, prefix="丁")
    client.force_login(yanhu_official)
    response = client.get("/childcare/institutions/export.xlsx?q=丁001")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("机构名称", "县（市、区）", "乡镇（街道）")
    assert [r[:3] for r in rows[1:]] == [("丁001", "盐湖区", "北城街道")]


# --------------------------------------------------------------------------- record forms


def _record_forms(institution, care_class, enrollment, staff) -> list[tuple[str, dict, str]]:
    """Each operator form: its URL, a valid POST, and where the change shows."""
    day = TODAY.isoformat()
    i, c = institution.pk, care_class.pk
    return [
        (f"/childcare/institutions/{i}/classes/new/", {"name": "托大三班", "kind": "older"}, ""),
        (f"/childcare/classes/{c}/caregivers/", {"caregiver_ids": [staff.pk]}, ""),
        (f"/childcare/classes/{c}/outdoor/", {"on": day, "minutes": "130"}, "130 分钟"),
        (
            f"/childcare/institutions/{i}/food-samples/new/",
            {
                "on": day,
                "dish": "番茄炒蛋",
                "grams": "150",
                "sampled_at": "2026-11-25T11:30",
                "kept_until": "2026-11-27T12:00",
            },
            "番茄炒蛋",
        ),
        (
            f"/childcare/institutions/{i}/guidance-visits/new/",
            {"on": day, "partner": "盐湖区妇幼保健院", "notes": "膳食营养指导"},
            "膳食营养指导",
        ),
        (
            f"/childcare/institutions/{i}/safety-records/new/",
            {"kind": "drill", "on": day, "title": "消防疏散演练", "details": ""},
            "消防疏散演练",
        ),
        (
            f"/childcare/institutions/{i}/staff/new/",
            {
                "name": "孙丽",
                "resident_id": resident_id(dt.date(1988, 4, 2), male=False),
                "role": "cook",
                "full_time": "on",
                "hired_on": day,
                "health_cert_on": day,
                "criminal_check_on": day,
            },
            "孙丽",
        ),
        (
            f"/childcare/staff/{staff.pk}/edit/",
            {"role": "caregiver", "full_time": "on", "qualification": "保育师（三级）"},
            "保育师（三级）",
        ),
        (
            f"/childcare/staff/{staff.pk}/training/",
            {"date": day, "topic": "急救", "hours": "4"},
            "",
        ),
        (
            f"/childcare/enrollments/{enrollment.pk}/withdraw/",
            {"on": day, "reason": "随父母迁居外地"},
            "",
        ),
    ]


def test_each_record_form_renders_saves_and_is_the_operators_only(
    client, operator, yanhu_official, toddler_class, enrol
):
    enrollment = enrol(toddler_class, name="王小宝")
    staff = toddler_class.caregivers.first()
    forms = _record_forms(toddler_class.institution, toddler_class, enrollment, staff)
    client.force_login(yanhu_official)
    for url, _data, _shows in forms:
        assert client.get(url).status_code == 403, url
    client.force_login(operator)
    for url, data, shows in forms:
        assert client.get(url).status_code == 200, url
        response = client.post(url, data, follow=True)
        body = response.content.decode()
        assert response.redirect_chain, (url, body[body.find("errorlist") :][:300])
        if shows:
            assert shows in body, url
    enrollment.refresh_from_db()
    staff.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert (staff.qualification, staff.training_hours) == ("保育师（三级）", 4)
    assert toddler_class.institution.classes.filter(name="托大三班").exists()


def test_a_closed_institution_shows_no_record_forms(client, operator, institution):
    Institution.objects.filter(pk=institution.pk).update(status=Institution.Status.CLOSED)
    client.force_login(operator)
    body = client.get(f"/childcare/institutions/{institution.pk}/").content.decode()
    assert "新增班级" not in body
    assert client.get(f"/childcare/institutions/{institution.pk}/edit/").status_code == 403


def test_applying_for_recognition_from_the_page(client, operator, filed_institution):
    client.force_login(operator)
    body = client.get(f"/childcare/institutions/{filed_institution.pk}/").content.decode()
    assert "申请普惠认定" in body
    response = client.post(
        f"/childcare/institutions/{filed_institution.pk}/recognition/", follow=True
    )
    assert "已提交普惠认定申请" in response.content.decode()
    assert filed_institution.recognitions.get().status == InclusiveRecognition.Status.APPLIED
    again = client.post(f"/childcare/institutions/{filed_institution.pk}/recognition/", follow=True)
    assert "已有一份待认定的申请" in again.content.decode()
    assert filed_institution.recognitions.count() == 1


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/childcare/institutions/?q=盐湖", "家机构"),
        ("/childcare/findings/?with_findings=serious", "家机构有未整改的合规问题"),
        ("/childcare/filings/?status=submitted", "共 0 件"),
        ("/childcare/recognitions/?status=applied", "共 0 件"),
    ],
)
def test_list_filters_answer_htmx_with_the_rows_only(
    client, yanhu_official, institution, url, marker
):
    client.force_login(yanhu_official)
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows")
    body = response.content.decode()
    assert marker in body
    assert "<html" not in body


def test_a_region_filter_outside_ones_county_is_404(client, wanrong_official):
    client.force_login(wanrong_official)
    assert client.get("/childcare/institutions/?region=140802").status_code == 404


@pytest.mark.parametrize("tab", ["care", "health", "safety", "staff", "history"])
def test_the_institution_page_runs_the_same_queries_for_2_and_8_children(
    client, operator, toddler_class, enrol, hire, tab
):
    client.force_login(operator)
    institution = toddler_class.institution
    url = f"/childcare/institutions/{institution.pk}/?tab={tab}"
    counts = []
    for n in (2, 8):
        while institution.enrollments.count() < n:
            enrol(toddler_class, name=f"幼儿{institution.enrollments.count():02d}")
        hire(institution, f"保育员{n}")
        client.get(url)
        counts.append(_queries(client, url)[0])
    assert counts[0] == counts[1]


def test_home_pages_show_the_childcare_figures(client, institution, operator, yanhu_official):
    client.force_login(yanhu_official)
    home = client.get("/home/").content.decode()
    card = '<div class="muted small">{}</div><div class="stat">{}</div>'
    assert card.format("托育机构", 1) in home
    assert card.format("待办理备案", 0) in home
    assert card.format("严重合规问题", 0) in home
    client.force_login(operator)
    assert card.format("本机构未整改问题", 0) in client.get("/home/").content.decode()
