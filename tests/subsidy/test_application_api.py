"""The subsidy JSON API for applications and the roster: a guardian applies, a second
application is refused with its reason, officials review and confirm within their regions
(404 outside them, 403 for the wrong role), numbers are masked, lists run a constant number of
queries."""

from __future__ import annotations

import datetime as dt
import io
from typing import get_args

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from huimin.core import rules as core_rules
from huimin.core.models import Event, Person, User
from huimin.subsidy import api, services
from huimin.subsidy.imports import ROSTER_COLUMNS
from huimin.subsidy.models import Application, ApplicationDecision, PaymentBatch, PaymentLine

from .conftest import BEICHENG, JIEZHOU, child_id

API = "/api/subsidy"


def post(client, url: str, data: dict | None = None):
    return client.post(API + url, data or {}, content_type="application/json")


def body(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "child_name": "王小明",
        "child_resident_id": child_id(dt.date(2024, 3, 15)),
        "birth_certificate": "Q140123456",
        "region_code": BEICHENG,
        "relation": "mother",
        "bank_name": "中国农业银行运城分行",
        "bank_account": "6228480012345678901",
        "phone": "13835901234",
    }
    data.update(fields)
    return data


def state(application: Application) -> tuple[str, int, int]:
    application.refresh_from_db()
    return application.status, application.decisions.count(), Event.objects.count()


# --------------------------------------------------------------------------- applying


def test_a_guardian_applies_and_sees_the_application_masked_with_its_clock(client, guardian, today):
    client.force_login(guardian)
    data = body()

    response = post(client, "/applications", data)

    assert response.status_code == 201
    out = response.json()
    application = Application.objects.get()
    number = str(data["child_resident_id"])
    assert out["id"] == application.pk
    assert out["child"] == {
        "id": application.child_id,
        "name": "王小明",
        "resident_id": core_rules.mask_resident_id(number),
        "birth_date": "2024-03-15",
        "sex": application.child.sex,
    }
    assert out["applicant"]["name"] == "王丽"
    assert out["applicant"]["resident_id"] == guardian.person.masked_resident_id
    assert (out["status"], out["status_label"], out["channel"], out["channel_label"]) == (
        "submitted",
        "待乡镇审核",
        "online",
        "网上申请",
    )
    assert (out["relation"], out["relation_label"]) == ("mother", "母亲")
    assert (out["region_code"], out["region_name"]) == (BEICHENG, "北城街道")
    assert out["bank_account"] == "6228***********8901"
    assert out["phone"] == "138****1234"
    assert (out["account_holder"], out["account_name"]) == ("applicant", "王丽")
    assert out["submitted_on"] == "2026-10-20"
    assert out["clock"] == {
        "deadline": "2026-12-01",
        "working_days_left": 30,
        "overdue": False,
        "pending_year": None,
    }
    assert (out["deadline"], out["working_days_left"], out["overdue"]) == ("2026-12-01", 30, False)
    assert out["deadline_provisional"] is False
    assert out["decisions"] == []
    assert out["lines"] == []
    assert (out["entitlement_total_months"], out["entitlement_total_amount"]) == (27, "8100.00")
    assert out["entitlement"] == [
        {"year": 2025, "months": 12, "amount": "3600.00", "paid": False},
        {"year": 2026, "months": 12, "amount": "3600.00", "paid": False},
        {"year": 2027, "months": 3, "amount": "900.00", "paid": False},
    ]
    assert number not in response.content.decode()

    mine = client.get(f"{API}/applications").json()
    assert (mine["count"], [item["id"] for item in mine["items"]]) == (1, [application.pk])
    assert client.get(f"{API}/applications/{application.pk}").json() == out


def test_a_second_application_for_the_same_child_is_409_in_chinese_whoever_files_it(
    client, guardian, township, today
):
    client.force_login(guardian)
    data = body()
    first = post(client, "/applications", data).json()

    again = post(client, "/applications", body(child_resident_id=data["child_resident_id"]))

    message = (
        f"该孩子已有育儿补贴申请（编号{first['id']}，2026-10-20网上申请，当前状态：待乡镇审核）。"
        "每个孩子只能由一位父母或监护人申请一次；如需更改银行账号等信息，请联系户籍所在地乡镇。"
    )
    assert again.status_code == 409
    assert again.json() == {
        "detail": message,
        "code": "duplicate",
        "errors": [{"field": "child_resident_id", "message": message}],
    }
    client.force_login(township)
    father = core_rules.resident_id_build("140802", dt.date(1990, 1, 2), 11)
    by_official = post(
        client,
        "/applications",
        body(
            child_resident_id=data["child_resident_id"],
            birth_certificate="Q140999999",
            relation="father",
            applicant_name="王强",
            applicant_resident_id=father,
        ),
    )
    assert (by_official.status_code, by_official.json()["detail"]) == (409, message)
    assert Application.objects.count() == 1


def test_a_township_official_enters_an_application_at_the_counter(client, township, today):
    client.force_login(township)
    mother = core_rules.resident_id_build("140802", dt.date(1992, 2, 2), 12)

    response = post(
        client,
        "/applications",
        body(applicant_name="李娟", applicant_resident_id=mother, account_holder="child"),
    )

    assert response.status_code == 201
    out = response.json()
    assert (out["channel"], out["filed_by"], out["account_name"]) == ("counter", "赵丽娟", "王小明")
    assert out["applicant"]["resident_id"] == core_rules.mask_resident_id(mother)


def test_a_child_who_turned_3_is_still_owed_months_and_may_apply(client, guardian, today):
    client.force_login(guardian)

    response = post(client, "/applications", body(child_resident_id=child_id(dt.date(2023, 9, 1))))

    assert response.status_code == 201
    assert response.json()["child"]["birth_date"] == "2023-09-01"
    assert Application.objects.get().status == Application.Status.SUBMITTED


def test_every_problem_is_reported_at_once_and_nothing_is_created(client, guardian, today):
    client.force_login(guardian)

    response = post(
        client,
        "/applications",
        body(
            child_resident_id=child_id(dt.date(2021, 12, 1)),
            birth_certificate="140123456",
            relation="father",
            bank_account="12-34",
        ),
    )

    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields == {
        "child_resident_id": "孩子出生于2021-12-01，已于2024-12-01年满3周岁，"
        "在育儿补贴制度实施（2025-01-01）前已满3周岁，不在育儿补贴范围内。",
        "birth_certificate": "出生医学证明编号应为1个大写字母加9位数字（例如Q140123456），"
        "您填写的是“140123456”。",
        "bank_account": "银行账号应为12至30位数字，请去掉空格以外的符号后重新填写。",
        "relation": "申请人的身份证号码显示为女性，与“父亲”不符，请核对关系或申请人身份证号码。",
    }
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"relation": "aunt"}, "relation"),
        ({"account_holder": 1}, "account_holder"),
        ({"bank_account": 6228480012345678901}, "bank_account"),
        ({"unknown": "x"}, "unknown"),
        ({"child_name": "王\x00明"}, "child_name"),
    ],
)
def test_malformed_bodies_are_422_and_create_nothing(client, guardian, today, change, field):
    client.force_login(guardian)

    response = post(client, "/applications", body(**change))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert [e["field"] for e in response.json()["errors"]] == [f"payload.{field}"]
    assert Application.objects.count() == 0


def test_finance_officers_and_strangers_cannot_apply(client, maker, today):
    assert post(client, "/applications", body()).status_code == 401
    client.force_login(maker)
    response = post(client, "/applications", body())
    assert (response.status_code, response.json()["detail"]) == (403, "您的角色无权进行此操作。")
    assert Application.objects.count() == 0


# --------------------------------------------------------------------------- scope


def test_an_official_of_another_county_gets_404_and_nothing_changes(
    client, apply, township, wanrong_official, today
):
    application = apply()
    # passed on by the township: only the county's confirmation is left
    services.application_review(actor=township, application_id=application.pk, approve=True)
    client.force_login(wanrong_official)
    before = state(application)

    assert client.get(f"{API}/applications/{application.pk}").status_code == 404
    listed = client.get(f"{API}/applications").json()
    assert (listed["count"], listed["items"]) == (0, [])
    confirm = post(client, f"/applications/{application.pk}/confirm", {"approve": True})
    assert confirm.status_code == 404
    assert confirm.json()["detail"] == "未找到该记录，或您无权查看。"
    move = post(
        client,
        f"/applications/{application.pk}/hukou-move",
        {"moved_on": "2026-10-01", "region_code": "140822100"},
    )
    assert move.status_code == 404
    assert client.get(f"{API}/applications?region=140802").status_code == 404
    assert state(application) == before


def test_a_guardian_sees_only_their_own_applications(client, apply, make_user, make_person, today):
    application = apply()
    other = make_person(BEICHENG, name="刘芳", sex="F", birth=dt.date(1990, 6, 6))
    stranger = make_user("liufang", User.Role.CITIZEN, (), person=other)
    client.force_login(stranger)

    assert client.get(f"{API}/applications/{application.pk}").status_code == 404
    assert client.get(f"{API}/applications").json()["count"] == 0


# --------------------------------------------------------------------------- decisions


def test_the_township_reviews_and_the_county_confirms(client, apply, township, county, today):
    application = apply()
    client.force_login(township)

    reviewed = post(client, f"/applications/{application.pk}/review", {"approve": True})

    assert reviewed.status_code == 200
    assert (reviewed.json()["status"], reviewed.json()["status_label"]) == (
        "township_approved",
        "待县级确认",
    )
    client.force_login(county)
    confirmed = post(
        client, f"/applications/{application.pk}/confirm", {"approve": True, "reason": "材料齐全"}
    )

    assert confirmed.status_code == 200
    out = confirmed.json()
    assert (out["status"], out["clock"], out["deadline"], out["overdue"]) == (
        "confirmed",
        None,
        None,
        False,
    )
    assert [
        (d["level"], d["level_label"], d["outcome"], d["outcome_label"], d["reason"], d["actor"])
        for d in out["decisions"]
    ] == [
        ("township", "乡镇审核", "approve", "通过", "", "赵丽娟"),
        ("county", "县级确认", "approve", "通过", "材料齐全", "李晓梅"),
    ]
    again = post(client, f"/applications/{application.pk}/confirm", {"approve": True})
    assert again.status_code == 409
    assert again.json()["detail"] == "该申请当前状态为“已确认”，不在“待县级确认”环节，无法办理。"


def test_a_refusal_needs_a_reason_and_then_reaches_the_guardian(
    client, apply, township, guardian, today
):
    application = apply()
    client.force_login(township)
    before = state(application)

    silent = post(client, f"/applications/{application.pk}/review", {"approve": False})

    assert silent.status_code == 422
    assert silent.json()["detail"] == "不通过时请填写原因，申请人将看到这段说明。"
    assert state(application) == before
    refused = post(
        client,
        f"/applications/{application.pk}/review",
        {"approve": False, "reason": "出生医学证明编号与证件不符"},
    )
    assert refused.json()["status"] == "rejected"
    client.force_login(guardian)
    seen = client.get(f"{API}/applications/{application.pk}").json()
    assert [(d["outcome"], d["reason"]) for d in seen["decisions"]] == [
        ("reject", "出生医学证明编号与证件不符")
    ]


@pytest.mark.parametrize(
    ("who", "step"),
    [
        ("county", "review"),
        ("guardian", "review"),
        ("maker", "review"),
        ("township", "confirm"),
        ("guardian", "confirm"),
    ],
)
def test_the_wrong_role_gets_403_and_nothing_changes(client, apply, request, today, who, step):
    application = apply()
    before = state(application)
    client.force_login(request.getfixturevalue(who))

    response = post(client, f"/applications/{application.pk}/{step}", {"approve": True})

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert state(application) == before


@pytest.mark.parametrize("payload", [{"approve": "true"}, {"approve": 1}, {}, {"approve": None}])
def test_a_decision_must_say_true_or_false(client, apply, township, today, payload):
    application = apply()
    client.force_login(township)

    response = post(client, f"/applications/{application.pk}/review", payload)

    assert response.status_code == 422
    assert application.decisions.count() == 0


# --------------------------------------------------------------------------- changes


def test_a_hukou_move_a_death_and_a_new_account_are_recorded(client, confirmed, township, today):
    moved = confirmed()
    died = confirmed(dt.date(2025, 2, 2))
    client.force_login(township)

    # the account first: once the child has moved, 解州镇 handles the application (item 1)
    bank = post(
        client,
        f"/applications/{moved.pk}/bank",
        {
            "bank_name": "运城农商银行",
            "bank_account": "6230910012345678",
            "account_holder": "child",
        },
    )
    move = post(
        client,
        f"/applications/{moved.pk}/hukou-move",
        {"moved_on": "2026-09-01", "region_code": JIEZHOU, "reason": "随父母迁入解州镇"},
    )
    death = post(client, f"/applications/{died.pk}/death", {"died_on": "2026-08-08"})
    after_move = post(
        client,
        f"/applications/{moved.pk}/bank",
        {"bank_name": "中国银行", "bank_account": "6216610012345678", "account_holder": "child"},
    )
    assert after_move.status_code == 403

    assert move.status_code == 200
    out = move.json()
    assert (out["region_code"], out["previous_region_code"], out["region_from_year"]) == (
        JIEZHOU,
        BEICHENG,
        2027,
    )
    assert death.status_code == 200
    assert (death.json()["last_year"], death.json()["stop_reason"]) == (
        2026,
        "孩子于2026-08-08死亡",
    )
    assert Person.objects.get(pk=died.child_id).status == Person.Status.DECEASED
    assert bank.status_code == 200
    assert (bank.json()["bank_name"], bank.json()["bank_account"], bank.json()["account_name"]) == (
        "运城农商银行",
        "6230********5678",
        moved.child.name,
    )


def test_a_guardian_corrects_their_own_account_but_not_anothers(
    client, apply, guardian, make_user, make_person, today
):
    application = apply()
    other = make_person(BEICHENG, name="刘芳", sex="F", birth=dt.date(1990, 6, 6))
    stranger = make_user("liufang", User.Role.CITIZEN, (), person=other)
    new_account = {"bank_name": "运城农商银行", "bank_account": "6230910012345678"}

    client.force_login(stranger)
    refused = post(client, f"/applications/{application.pk}/bank", new_account)
    client.force_login(guardian)
    done = post(client, f"/applications/{application.pk}/bank", new_account)

    assert refused.status_code == 404
    assert (done.status_code, done.json()["bank_account"]) == (200, "6230********5678")
    application.refresh_from_db()
    assert application.bank_account == "6230910012345678"


def test_a_future_date_of_death_is_refused_in_chinese(client, confirmed, township, today):
    application = confirmed()
    client.force_login(township)

    response = post(client, f"/applications/{application.pk}/death", {"died_on": "2026-10-21"})

    assert response.status_code == 422
    assert response.json()["detail"] == "死亡日期2026-10-21晚于今天，请核对。"
    application.refresh_from_db()
    assert application.last_year is None


# --------------------------------------------------------------------------- roster


def roster(rows: list[list[object]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(ROSTER_COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("名册.xlsx", buffer.getvalue())


def roster_row(child: str, certificate: str) -> list[object]:
    mother = core_rules.resident_id_build("140821", dt.date(1993, 3, 3), 20)
    return [
        "张一",
        child,
        certificate,
        "北城街道",
        "李娟",
        mother,
        "母亲",
        "中国农业银行运城分行",
        "6228480012345678901",
        "",
        "",
    ]


def test_a_roster_is_imported_through_the_api(client, township, today):
    client.force_login(township)
    rows = [
        roster_row(child_id(dt.date(2025, 1, 1)), "Q140000001"),
        roster_row(child_id(dt.date(2025, 1, 2)), "Q140000002"),
    ]
    rows[1][0] = "张二"

    response = client.post(f"{API}/roster", {"file": roster(rows)})

    assert (response.status_code, response.json()) == (201, {"created": 2})
    assert set(Application.objects.values_list("channel", "status")) == {("roster", "submitted")}


def test_a_roster_with_a_bad_row_is_422_with_every_row_error(client, township, today):
    client.force_login(township)
    child = child_id(dt.date(2025, 1, 1))
    rows = [roster_row(child, "Q140000001"), roster_row(child, "Q140000002")]

    response = client.post(f"{API}/roster", {"file": roster(rows)})

    assert response.status_code == 422
    out = response.json()
    message = "第2、3行的儿童身份证号相同：同一儿童只能申请一次，请删除重复的行。"
    assert out["rows"] == [
        {"row": 2, "column": "儿童身份证号", "message": message},
        {"row": 3, "column": "儿童身份证号", "message": message},
    ]
    assert out["code"] == "import_rejected"
    assert out["detail"].startswith("文件中有2处错误，未导入任何数据")
    assert Application.objects.count() == 0


def test_a_roster_that_is_no_workbook_or_from_a_guardian_is_refused(client, guardian, township):
    client.force_login(guardian)
    refused = client.post(f"{API}/roster", {"file": roster([])})
    assert (refused.status_code, refused.json()["detail"]) == (
        403,
        "只有县级、乡镇工作人员可以导入育儿补贴名册。",
    )
    client.force_login(township)
    garbage = client.post(f"{API}/roster", {"file": SimpleUploadedFile("a.xlsx", b"nope")})
    assert garbage.status_code == 422
    assert garbage.json()["detail"].startswith("无法读取该文件")


# --------------------------------------------------------------------------- the schema


def test_input_enumerations_match_the_models():
    def values(choices) -> set[str]:
        return {str(v) for v in choices.values}

    assert set(get_args(api.ApplicationStatus)) == values(Application.Status)
    assert set(get_args(api.ApplicationChannel)) == values(Application.Channel)
    assert set(get_args(api.RelationValue)) == values(Application.Relation)
    assert set(get_args(api.HolderValue)) == values(Application.Holder)
    assert set(get_args(api.BatchStatus)) == values(PaymentBatch.Status)
    assert set(get_args(api.LineStatus)) == values(PaymentLine.Status)
    levels = {str(v) for v in ApplicationDecision.Level.values}
    assert levels == {"township", "county"}


# --------------------------------------------------------------------------- query counts


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/applications?page_size=100",
        f"{API}/applications?status=submitted&region=140802&overdue=false",
        f"{API}/applications?q=王",
    ],
)
def test_the_application_list_runs_a_constant_number_of_queries(
    client, apply, township, county, today, url
):
    for n in range(3):
        apply(dt.date(2024, 1 + n, 10))
    client.force_login(county)
    client.get(url)  # warm caches (content types, sessions)
    few = _queries(client, url)
    for n in range(20):
        application = apply(dt.date(2024, 1 + n % 12, 11 + n % 15))
        if n % 4 == 0:
            services.application_review(actor=township, application_id=application.pk, approve=True)

    assert client.get(url).json()["count"] >= 15
    assert _queries(client, url) == few


def test_a_guardians_list_runs_a_constant_number_of_queries(client, apply, guardian, today):
    url = f"{API}/applications"
    apply()
    client.force_login(guardian)
    client.get(url)
    few = _queries(client, url)
    for n in range(10):
        apply(dt.date(2025, 1 + n, 1))

    assert client.get(url).json()["count"] == 11
    assert _queries(client, url) == few


STRANGER_MESSAGE = (
    "该孩子已有育儿补贴申请，每个孩子只能由一位父母或监护人申请一次。"
    "如有疑问，请携带户口簿到孩子户籍所在地的乡镇（街道）便民服务中心"
    "或县（市、区）卫生健康局咨询。"
)


@pytest.mark.parametrize("who", ["stranger", "other_county"])
def test_a_duplicate_tells_someone_else_only_that_it_exists_and_where_to_ask(
    client, guardian, make_person, make_user, today, who
):
    """Issue 11, item 8: no number, date, channel or status of another family's application."""
    client.force_login(guardian)
    data = body()
    first = post(client, "/applications", data).json()
    if who == "stranger":
        person = make_person(BEICHENG, name="陌生人", sex="F", birth=dt.date(1988, 8, 8))
        user = make_user("stranger", User.Role.CITIZEN, (), person=person)
        extra: dict[str, object] = {}
    else:
        user = make_user("pinglu_town", User.Role.TOWNSHIP_OFFICIAL, ("140829102",))
        extra = {
            "region_code": "140829102",
            "applicant_name": "段卫东",
            "applicant_resident_id": core_rules.resident_id_build(
                "140829", dt.date(1990, 1, 2), 13
            ),
            "relation": "father",
        }
    client.force_login(user)

    again = post(
        client,
        "/applications",
        body(child_resident_id=data["child_resident_id"], birth_certificate="Q140555555", **extra),
    )

    assert again.status_code == 409
    assert again.json() == {
        "detail": STRANGER_MESSAGE,
        "code": "duplicate",
        "errors": [{"field": "child_resident_id", "message": STRANGER_MESSAGE}],
    }
    text = again.content.decode()
    for secret in (str(first["id"]), "2026-10-20", "网上申请", "待乡镇审核"):
        assert secret not in text
    assert Application.objects.count() == 1
