"""The childcare JSON API: scoping, the compliance findings a change opens, the filing clock,
refused decisions, strict input, the operating subsidy, constant query counts."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huimin.childcare import api, rules, services
from huimin.childcare.models import Enrollment, Filing, FilingDocument, Institution, Staff
from huimin.core.models import Event, Person, User
from huimin.core.selectors import working_deadline

from .conftest import TODAY, resident_id

API = "/api/childcare"

NEW_INSTITUTION = {
    "name": "盐湖区小太阳托育园",
    "kind": "independent",
    "region_code": "140802100",
    "address": "运城市盐湖区北城街道河东东街88号",
    "legal_person": "赵丽",
    "capacity": 60,
    "fee_full_day": 120_000,
    "monitoring_coverage_percent": 100,
    "recording_retention_days": 90,
    "fire_safety_manager": "孙伟",
}


def post(client, url: str, data: dict | None = None):
    return client.post(API + url, data or {}, content_type="application/json")


def patch(client, url: str, data: dict):
    return client.patch(API + url, data, content_type="application/json")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def wanrong_official(make_user) -> User:
    return make_user("wanrong", User.Role.COUNTY_OFFICIAL, ("140822",), full_name="王建国")


def upload_materials(client, institution: Institution) -> None:
    for material in rules.FILING_MATERIALS:
        response = client.post(
            f"{API}/institutions/{institution.pk}/documents",
            {"material": material, "file": SimpleUploadedFile(f"{material}.pdf", b"%PDF-1.4")},
        )
        assert response.status_code == 201, response.json()


@pytest.fixture
def submitted_filing(client, institution, operator, media) -> Filing:
    """The institution's first filing, with every material uploaded, awaiting the county."""
    client.force_login(operator)
    upload_materials(client, institution)
    response = post(client, f"/institutions/{institution.pk}/filings", {"kind": "initial"})
    assert response.status_code == 201, response.json()
    return Filing.objects.get()


# --------------------------------------------------------------------------- scoping


def test_an_operator_registers_their_institution_and_lists_only_it(
    client, operator, yanhu_official, today
):
    services.institution_register(
        actor=yanhu_official,
        region_code="140802101",
        name="东城街道社区托育点",
        kind="community",
        address="运城市盐湖区东城街道人民北路3号",
        legal_person="周娜",
        capacity=30,
    )
    client.force_login(operator)

    response = post(client, "/institutions", NEW_INSTITUTION)

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["status"], body["status_label"], body["region_code"]) == (
        "盐湖区小太阳托育园",
        "registered",
        "已登记，未备案",
        "140802100",
    )
    assert (body["enrolled"], body["open_findings"], body["inclusive"]) == (
        0,
        2,
        False,
    )  # no emergency plan, no drill yet
    listed = client.get(f"{API}/institutions").json()
    assert (listed["count"], [i["id"] for i in listed["items"]]) == (1, [body["id"]])
    client.force_login(yanhu_official)
    assert client.get(f"{API}/institutions").json()["count"] == 2


def test_a_second_registration_by_the_same_operator_is_refused(client, institution, operator):
    client.force_login(operator)
    response = post(client, "/institutions", NEW_INSTITUTION)
    assert response.status_code == 422
    assert response.json()["detail"] == "您的账号已绑定一家托育机构，不能再登记新的机构。"
    assert Institution.objects.count() == 1


def test_an_official_of_another_county_gets_404_and_nothing_changes(
    client, institution, submitted_filing, wanrong_official
):
    before = Institution.objects.values().get(pk=institution.pk)
    events, history = Event.objects.count(), institution.history.count()
    client.force_login(wanrong_official)

    responses = [
        client.get(f"{API}/institutions/{institution.pk}"),
        patch(client, f"/institutions/{institution.pk}", {"name": "改名", "capacity": 200}),
        post(client, f"/filings/{submitted_filing.pk}/decision", {"acknowledge": True}),
        client.get(f"{API}/institutions/{institution.pk}/findings"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert {r.json()["detail"] for r in responses} == {"未找到该记录，或您无权查看。"}
    assert Institution.objects.values().get(pk=institution.pk) == before
    assert Filing.objects.get().status == "submitted"
    assert (Event.objects.count(), institution.history.count()) == (events, history)
    assert client.get(f"{API}/filings").json()["count"] == 0
    assert client.get(f"{API}/institutions").json()["count"] == 0


def test_a_citizen_may_not_list_institutions_and_a_stranger_must_log_in(client, make_user, db):
    assert client.get(f"{API}/institutions").status_code == 401
    client.force_login(make_user("citizen", User.Role.CITIZEN))
    response = client.get(f"{API}/institutions")
    assert (response.status_code, response.json()["detail"]) == (403, "您的角色无权进行此操作。")


# --------------------------------------------------------------------------- compliance


def test_the_sixteenth_child_of_a_toddler_class_opens_two_findings(
    client, toddler_class, enrol, operator, institution
):
    for i in range(15):
        enrol(toddler_class, name=f"幼儿{i:02d}")
    client.force_login(operator)
    child_id = resident_id(TODAY - dt.timedelta(days=18 * 31))

    response = post(
        client,
        f"/institutions/{institution.pk}/enrollments",
        {
            "class_id": toddler_class.pk,
            "child_resident_id": child_id,
            "child_name": "第十六名",
            "guardian_resident_id": resident_id(dt.date(1993, 6, 1), male=False),
            "guardian_name": "刘洋",
            "guardian_relation": "母亲",
            "enrolled_on": "2026-11-25",
            "agreement_signed_on": "2026-11-24",
            "admission_check_on": "2026-11-20",
            "vaccination_complete": True,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["child"]["name"], body["class_name"], body["status"]) == (
        "第十六名",
        "小一班",
        "active",
    )
    assert body["child"]["resident_id"] == "1408" + "*" * 14
    findings = client.get(f"{API}/institutions/{institution.pk}/findings").json()
    assert [
        (f["rule"], f["rule_label"], f["severity"], f["subject"], f["message"])
        + (f["found"], f["required"])
        for f in findings
    ] == [
        (
            "carer_ratio",
            "保育人员配比不足",
            "serious",
            "班级：小一班",
            "托小班“小一班”在托16人，保育人员3名，低于1:5的配比，至少需要4名。",
            "3名",
            "至少4名",
        ),
        (
            "class_over_capacity",
            "班级超员",
            "serious",
            "班级：小一班",
            "托小班“小一班”在托16人，超过上限15人。",
            "16人",
            "不超过15人",
        ),
    ]
    item = client.get(f"{API}/institutions").json()["items"][0]
    assert (item["enrolled"], item["open_findings"], item["open_serious"]) == (16, 2, 2)


def test_re_evaluating_now_finds_a_change_made_elsewhere(client, institution, yanhu_official):
    Institution.objects.filter(pk=institution.pk).update(fire_safety_manager="")
    client.force_login(yanhu_official)
    assert client.get(f"{API}/institutions/{institution.pk}/findings").json() == []

    response = post(client, f"/institutions/{institution.pk}/compliance")

    assert response.status_code == 200
    assert [(f["rule"], f["message"]) for f in response.json()] == [
        ("fire_safety_manager", "未明确消防安全管理人。")
    ]
    ranking = client.get(f"{API}/findings").json()
    assert [(i["id"], i["open_serious"]) for i in ranking["items"]] == [(institution.pk, 1)]


def test_a_day_of_attendance_without_checks_samples_or_outdoor_time_opens_findings(
    client, toddler_class, enrol, operator, institution
):
    first, second = enrol(toddler_class, name="张一"), enrol(toddler_class, name="李二")
    third = enrol(toddler_class, name="王三")
    client.force_login(operator)

    response = post(
        client,
        f"/institutions/{institution.pk}/attendance",
        {
            "date": "2026-11-24",
            "present": [first.pk, second.pk],
            "absent": {str(third.pk): "发热"},
            "morning_checked": [first.pk],
        },
    )

    assert response.status_code == 200
    assert response.json() == {"date": "2026-11-24", "recorded": 3}
    findings = client.get(f"{API}/institutions/{institution.pk}/findings").json()
    assert [(f["rule"], f["message"]) for f in findings] == [
        ("food_sample_missing", "2026-11-24提供餐食，但没有食品留样记录。"),
        ("morning_check_missing", "李二于2026-11-24出勤，但没有晨检记录。"),
        ("outdoor_time", "“小一班”2026-11-24户外活动0分钟，不足120分钟。"),
    ]


# --------------------------------------------------------------------------- filing


def test_a_filing_before_national_day_is_due_five_working_days_later(
    client, institution, operator, media, monkeypatch
):
    submitted_on = dt.date(2026, 9, 29)
    # 9-30, then the holiday 10-01..10-07, then 10-08, 10-09, the make-up Saturday 10-10, 10-12.
    assert working_deadline(start=submitted_on, working_days=5) == dt.date(2026, 10, 12)
    monkeypatch.setattr(services, "today", lambda: submitted_on)
    client.force_login(operator)
    upload_materials(client, institution)

    response = post(client, f"/institutions/{institution.pk}/filings", {"kind": "initial"})

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["status"], body["deadline"]) == (
        "initial",
        "submitted",
        "2026-10-12",
    )
    assert (body["working_days_left"], body["overdue"]) == (5, False)
    monkeypatch.setattr(services, "today", lambda: dt.date(2026, 10, 13))
    listed = client.get(f"{API}/filings").json()["items"]
    assert [(f["deadline"], f["working_days_left"], f["overdue"]) for f in listed] == [
        ("2026-10-12", -1, True)
    ]
    assert client.get(f"{API}/institutions/{institution.pk}").json()["status"] == "filing"


def test_a_filing_without_every_material_is_refused(client, institution, operator):
    client.force_login(operator)
    response = post(client, f"/institutions/{institution.pk}/filings", {"kind": "initial"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("还不能提交备案：缺少营业执照或事业单位法人证书")
    assert Filing.objects.count() == 0


def test_the_county_acknowledges_a_filing_once_and_a_second_time_is_refused(
    client, institution, submitted_filing, yanhu_official
):
    client.force_login(yanhu_official)
    url = f"/filings/{submitted_filing.pk}/decision"

    first = post(client, url, {"acknowledge": True, "note": "材料齐全"})

    assert first.status_code == 200
    assert (first.json()["status"], first.json()["working_days_left"]) == ("acknowledged", None)
    filing_before = Filing.objects.values().get()
    events = Event.objects.count()

    refused = post(client, url, {"acknowledge": True, "note": "再次确认"})

    assert refused.status_code == 409
    assert refused.json()["detail"] == "当前状态为“已备案”，不能变更为“已备案”。"
    assert Filing.objects.values().get() == filing_before
    assert Event.objects.count() == events
    assert Institution.objects.get(pk=institution.pk).status == "filed"


def test_a_filing_returned_without_saying_what_is_missing_is_refused(
    client, submitted_filing, yanhu_official
):
    client.force_login(yanhu_official)
    response = post(client, f"/filings/{submitted_filing.pk}/decision", {"acknowledge": False})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "退回补正时，请勾选缺少或不合格的材料，或写明需要补正的内容。"
    )
    assert Filing.objects.get().status == "submitted"


def test_a_returned_filing_lists_the_missing_materials(client, submitted_filing, yanhu_official):
    client.force_login(yanhu_official)
    response = post(
        client,
        f"/filings/{submitted_filing.pk}/decision",
        {"acknowledge": False, "missing": ["fire_safety"], "note": "消防证明已过期"},
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["missing_labels"]) == (
        "returned",
        ["消防安全检查合格证明"],
    )


def test_an_upload_of_the_wrong_format_is_refused(client, institution, operator, media):
    client.force_login(operator)
    response = client.post(
        f"{API}/institutions/{institution.pk}/documents",
        {"material": "premises", "file": SimpleUploadedFile("租赁合同.docx", b"PK")},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "文件“租赁合同.docx”的格式不支持，请上传 PDF、JPG 或 PNG 文件。"
    )
    assert FilingDocument.objects.count() == 0


def test_a_change_to_a_filed_institution_is_filed_again_and_omitted_fields_are_kept(
    client, filed_institution, operator
):
    client.force_login(operator)
    response = patch(
        client,
        f"/institutions/{filed_institution.pk}",
        {"capacity": 150, "phone": None, "summary": "扩建后增加托位"},
    )
    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["name"]) == (150, "盐湖区综合托育服务中心")
    filings = client.get(f"{API}/filings").json()["items"]
    assert [(f["kind"], f["summary"], f["deadline"]) for f in filings] == [
        ("change", "扩建后增加托位", "2026-12-02")
    ]


# --------------------------------------------------------------------------- strict input


@pytest.mark.parametrize(
    ("url", "body", "detail"),
    [
        (
            "/institutions",
            {**NEW_INSTITUTION, "capacity": "60"},
            "请求参数有误：capacity：应为整数。",
        ),
        (
            "/institutions",
            {**NEW_INSTITUTION, "owner": "郭敏"},
            "请求参数有误：owner：不接受此字段。",
        ),
        (
            "/institutions",
            {**NEW_INSTITUTION, "full_day": 1},
            "请求参数有误：full_day：应为 true 或 false。",
        ),
        (
            "/institutions",
            {**NEW_INSTITUTION, "kind": "private"},
            "请求参数有误：kind：应为以下之一："
            "'independent', 'kindergarten', 'employer' or 'community'。",
        ),
        (
            "/institutions",
            {**NEW_INSTITUTION, "name": "托育\x00中心"},
            "请求参数有误：name：含有不可见的控制字符，请删除后重新输入。",
        ),
        (
            "/institutions/{id}/staff",
            {"resident_id": "x", "name": "王芳", "role": "caregiver", "hired_on": 20250901},
            "请求参数有误：hired_on：应为 YYYY-MM-DD 格式的日期。",
        ),
    ],
)
def test_bad_input_is_refused_with_a_chinese_detail_and_nothing_is_created(
    client, institution, operator, url, body, detail
):
    client.force_login(operator)
    counts = (Institution.objects.count(), Staff.objects.count())
    response = post(client, url.format(id=institution.pk), body)
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert (Institution.objects.count(), Staff.objects.count()) == counts


def test_a_child_cannot_be_enrolled_into_another_institutions_class(
    client, institution, toddler_class, yanhu_official
):
    other = services.institution_register(
        actor=yanhu_official,
        region_code="140802101",
        **{k: v for k, v in NEW_INSTITUTION.items() if k != "region_code"},
    )
    client.force_login(yanhu_official)
    response = post(
        client,
        f"/institutions/{other.pk}/enrollments",
        {
            "class_id": toddler_class.pk,
            "child_resident_id": resident_id(dt.date(2025, 5, 1)),
            "child_name": "错班",
            "guardian_resident_id": resident_id(dt.date(1990, 1, 1), male=False),
            "guardian_name": "李娟",
            "enrolled_on": "2026-11-25",
            "agreement_signed_on": "2026-11-25",
            "admission_check_on": "2026-11-25",
            "vaccination_complete": True,
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "所选班级不属于该机构，请选择本机构的班级。"
    assert (Enrollment.objects.count(), Person.objects.count()) == (0, 3)


def test_input_enumerations_match_the_rules():
    assert set(get_args(api.Material)) == set(rules.FILING_MATERIALS)
    assert set(get_args(api.ClassKind)) == set(rules.ClassKind)
    assert set(get_args(api.CareType)) == set(rules.CareType)
    assert set(get_args(api.InstitutionKind)) == set(rules.InstitutionKind)
    assert set(get_args(api.StaffRole)) == set(Staff.Role.values)


# --------------------------------------------------------------------------- recognition


@pytest.mark.parametrize(
    ("kind", "rate", "amount"),
    [("independent", "500.00", "1500.00"), ("kindergarten", "300.00", "900.00")],
)
def test_the_operating_subsidy_is_children_enrolled_times_the_monthly_rate(
    client, filed_institution, toddler_class, enrol, operator, yanhu_official, kind, rate, amount
):
    Institution.objects.filter(pk=filed_institution.pk).update(kind=kind)
    for name in ("张一", "李二", "王三"):
        enrol(toddler_class, name=name)
    subsidy_url = f"{API}/institutions/{filed_institution.pk}/subsidy"
    client.force_login(operator)
    assert client.get(subsidy_url).json()["monthly_amount"] == "0.00"
    applied = post(client, f"/institutions/{filed_institution.pk}/recognitions")
    assert applied.status_code == 201
    client.force_login(yanhu_official)

    decided = post(client, f"/recognitions/{applied.json()['id']}/decision", {"recognise": True})

    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["valid_from"], decided.json()["valid_to"]) == (
        "recognised",
        "2026-11-25",
        "2029-11-24",
    )
    assert client.get(subsidy_url).json() == {
        "institution_id": filed_institution.pk,
        "kind": kind,
        "kind_label": Institution.Kind(kind).label,
        "inclusive": True,
        "inclusive_valid_to": "2029-11-24",
        "subsidy_suspended": False,
        "enrolled": 3,
        "monthly_rate": rate,
        "monthly_amount": amount,
    }


def test_a_fee_above_the_cap_is_not_recognised_and_the_application_stays_open(
    client, filed_institution, operator, yanhu_official
):
    Institution.objects.filter(pk=filed_institution.pk).update(fee_full_day=180_000)
    client.force_login(operator)
    applied = post(client, f"/institutions/{filed_institution.pk}/recognitions").json()
    client.force_login(yanhu_official)
    response = post(client, f"/recognitions/{applied['id']}/decision", {"recognise": True})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "不符合普惠认定条件：全日托收费1,800元/月，高于普惠价格上限1,500元/月。"
    )
    listed = client.get(f"{API}/institutions/{filed_institution.pk}/recognitions").json()
    assert [r["status"] for r in listed] == ["applied"]


# --------------------------------------------------------------------------- records


def test_resident_ids_are_masked_in_enrollment_and_staff_lists(
    client, toddler_class, enrol, operator, institution
):
    enrollment = enrol(toddler_class, name="王小宝")
    client.force_login(operator)
    numbers = [
        enrollment.child.resident_id,
        enrollment.guardian.resident_id,
        *Staff.objects.values_list("person__resident_id", flat=True),
    ]
    enrollments = client.get(f"{API}/institutions/{institution.pk}/enrollments")
    staff = client.get(f"{API}/institutions/{institution.pk}/staff")
    assert (enrollments.json()["count"], staff.json()["count"]) == (1, 3)
    assert enrollments.json()["items"][0]["guardian"]["resident_id"] == (
        enrollment.guardian.masked_resident_id
    )
    for content in (enrollments.content.decode(), staff.content.decode()):
        assert not any(number in content for number in numbers)


def test_a_withdrawn_child_cannot_be_withdrawn_again(client, toddler_class, enrol, operator):
    enrollment = enrol(toddler_class)
    client.force_login(operator)
    url = f"/enrollments/{enrollment.pk}/withdrawal"
    assert post(client, url, {"date": "2026-11-25", "reason": "搬家"}).json()["status"] == (
        "withdrawn"
    )
    refused = post(client, url, {"date": "2026-11-25", "reason": "重复"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == "当前状态为“已退托”，不能变更为“已退托”。"
    assert Enrollment.objects.get().withdrawn_on == dt.date(2026, 11, 25)


def test_staff_checks_and_training_hours_are_recorded(client, institution, operator, today):
    client.force_login(operator)
    number = resident_id(dt.date(1988, 4, 2), male=False)
    hired = post(
        client,
        f"/institutions/{institution.pk}/staff",
        {
            "resident_id": number,
            "name": "孟晓燕",
            "role": "health_worker",
            "hired_on": "2026-03-01",
            "health_cert_on": "2025-11-25",
            "criminal_check_on": "2026-03-01",
        },
    )
    assert hired.status_code == 201
    staff_id = hired.json()["id"]
    findings = client.get(f"{API}/institutions/{institution.pk}/findings").json()
    assert [f["message"] for f in findings] == ["孟晓燕的健康证明已于2026-11-25过期，须每年体检。"]

    renewed = patch(client, f"/staff/{staff_id}", {"health_cert_on": "2026-11-20"})
    trained = post(
        client,
        f"/staff/{staff_id}/trainings",
        {"date": "2026-11-21", "topic": "婴幼儿急救", "hours": 8},
    )

    assert (renewed.status_code, trained.status_code) == (200, 201)
    assert renewed.json()["resident_id"] == "1408" + "*" * 14
    assert client.get(f"{API}/institutions/{institution.pk}/findings").json() == []
    staff = client.get(f"{API}/institutions/{institution.pk}/staff").json()["items"]
    assert [(s["name"], s["training_hours"]) for s in staff if s["id"] == staff_id] == [
        ("孟晓燕", 8)
    ]


def test_a_light_food_sample_and_short_outdoor_time_are_findings(
    client, toddler_class, enrol, operator, institution
):
    child = enrol(toddler_class)
    client.force_login(operator)
    post(
        client,
        f"/institutions/{institution.pk}/attendance",
        {"date": "2026-11-24", "present": [child.pk], "morning_checked": [child.pk]},
    )

    sample = post(
        client,
        f"/institutions/{institution.pk}/food-samples",
        {
            "date": "2026-11-24",
            "dish": "番茄炒蛋",
            "grams": 100,
            "sampled_at": "2026-11-24T11:30:00",
            "kept_until": "2026-11-27T11:30:00+08:00",
        },
    )
    outdoor = post(
        client, f"/classes/{toddler_class.pk}/outdoor", {"date": "2026-11-24", "minutes": 90}
    )

    assert (sample.status_code, outdoor.status_code) == (201, 200)
    assert sample.json()["sampled_at"] == "2026-11-24T11:30:00+08:00"
    findings = client.get(f"{API}/institutions/{institution.pk}/findings").json()
    assert [(f["rule"], f["message"]) for f in findings] == [
        ("food_sample_weight", "2026-11-24“番茄炒蛋”留样100克，不足125克。"),
        ("outdoor_time", "“小一班”2026-11-24户外活动90分钟，不足120分钟。"),
    ]


# --------------------------------------------------------------------------- query counts


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _register(official: User, count: int, start: int) -> None:
    for i in range(start, start + count):
        services.institution_register(
            actor=official,
            region_code="140802100" if i % 2 else "140802101",
            name=f"托育机构{i:03d}",
            kind="independent" if i % 3 else "community",
            address=f"运城市盐湖区{i}号",
            legal_person="张三",
            capacity=50,
            fire_safety_manager="" if i % 4 else "王强",
        )


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/institutions?page_size=100",
        f"{API}/findings?page_size=100",
        f"{API}/institutions?with_findings=serious&region=140802",
    ],
)
def test_the_institution_lists_run_a_constant_number_of_queries(client, yanhu_official, today, url):
    client.force_login(yanhu_official)
    _register(yanhu_official, 10, 0)
    client.get(url)  # warm caches (content types, sessions)
    few = _queries(client, url)
    _register(yanhu_official, 50, 10)
    assert client.get(url).json()["count"] >= 30
    assert _queries(client, url) == few


def test_the_filing_list_runs_a_constant_number_of_queries(client, yanhu_official, today):
    def file_closures(start: int, count: int) -> None:
        for i in range(start, start + count):
            institution = services.institution_register(
                actor=yanhu_official,
                region_code="140802100",
                name=f"拟注销机构{i:03d}",
                kind="independent",
                address=f"运城市盐湖区{i}号",
                legal_person="张三",
                capacity=50,
            )
            Institution.objects.filter(pk=institution.pk).update(status="filed")
            services.filing_submit(
                actor=yanhu_official,
                institution_id=institution.pk,
                kind="closure",
                summary="停办，幼儿已转入其他机构",
            )

    client.force_login(yanhu_official)
    url = f"{API}/filings?page_size=100"
    file_closures(0, 3)
    client.get(url)
    few = _queries(client, url)
    file_closures(3, 20)
    assert client.get(url).json()["count"] == 23
    assert _queries(client, url) == few


def test_a_head_without_the_qualifications_is_a_finding_until_recorded(
    client, institution, operator
):
    client.force_login(operator)
    hired = post(
        client,
        f"/institutions/{institution.pk}/staff",
        {
            "resident_id": resident_id(dt.date(1980, 2, 2), male=False),
            "name": "张秀兰",
            "role": "head",
            "hired_on": "2024-09-01",
            "health_cert_on": "2026-11-01",
            "criminal_check_on": "2026-11-01",
            "education": "vocational",
            "experience_years": 5,
        },
    )
    assert hired.status_code == 201
    findings = client.get(f"{API}/institutions/{institution.pk}/findings").json()
    assert [(f["rule"], f["message"]) for f in findings] == [
        ("head_qualification", "机构负责人张秀兰学历中专，低于大专，未参加机构负责人培训。")
    ]
    patched = client.patch(
        f"{API}/staff/{hired.json()['id']}",
        {"education": "college", "head_training": True},
        content_type="application/json",
    )
    assert (patched.status_code, patched.json()["education"]) == (200, "college")
    assert client.get(f"{API}/institutions/{institution.pk}/findings").json() == []
