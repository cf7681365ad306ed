"""Pages of subsidy applications: a guardian applies online, officials enter on a guardian's
behalf, review and confirm, record hukou moves and deaths; lists filter, paginate, flag overdue
applications and run a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from huimin.core import rules as core_rules
from huimin.core.models import Person, User
from huimin.subsidy import services
from huimin.subsidy.models import Application, ApplicationDecision

from .conftest import BEICHENG, JIEZHOU, child_id

APPLY = "/subsidy/apply/"
LIST = "/subsidy/applications/"
ENTER = "/subsidy/applications/new/"
BULK = "/subsidy/applications/bulk/"


def detail(application: Application) -> str:
    return f"/subsidy/applications/{application.pk}/"


def field_error(field: str, message: str, form: str = "") -> str:
    """A field's error as rendered; ``form`` is the prefix of a form on the application page."""
    name = f"{form}_{field}" if form else field
    return f'<ul class="errorlist" id="id_{name}_error"><li>{message}</li></ul>'


def form_data(**fields: str) -> dict[str, str]:
    data = {
        "child_name": "王小明",
        "child_resident_id": child_id(dt.date(2024, 3, 15)),
        "birth_certificate": "Q140123456",
        "region": BEICHENG,
        "relation": "mother",
        "phone": "13835901234",
        "account_holder": "applicant",
        "bank_name": "中国农业银行运城分行",
        "bank_account": "6228480012345678901",
    }
    data.update(fields)
    return data


def set_today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(services, "today", lambda: day)
    monkeypatch.setattr("huimin.core.services.today", lambda: day)


@pytest.fixture
def other_township(make_user) -> User:
    return make_user("jiezhou", User.Role.TOWNSHIP_OFFICIAL, (JIEZHOU,), full_name="钱伟")


# --------------------------------------------------------------------------- the guardian


def test_a_guardian_applies_through_the_page_and_sees_the_application(client, guardian, today):
    client.force_login(guardian)
    data = form_data()

    response = client.post(APPLY, data)

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{APPLY}#application-{application.pk}"
    assert (application.channel, application.status) == ("online", "submitted")
    assert application.applicant_id == guardian.person_id
    content = client.get(APPLY).content.decode()
    assert (
        f"已提交育儿补贴申请（编号 {application.pk}），等待乡镇（街道）审核。"
        "按孩子的出生日期，预计可领取育儿补贴 8,100 元，共 27 个月。"
    ) in content
    assert f'id="application-{application.pk}"' in content
    assert "王小明" in content
    assert '<span class="tag warn">待乡镇审核</span>' in content
    assert "2026-12-01" in content  # 30 working days after 2026-10-20
    assert "剩余 30 个工作日" in content
    assert '<td>2025年</td><td class="num">12</td><td class="num">3,600</td>' in content
    assert '<td>2027年</td><td class="num">3</td><td class="num">900</td>' in content
    assert core_rules.mask_resident_id(data["child_resident_id"]) in content
    assert data["child_resident_id"] not in content
    assert "6228***********8901" in content


def test_invalid_input_shows_every_error_next_to_its_field_keeps_values_and_creates_nothing(
    client, guardian, today
):
    client.force_login(guardian)
    good = child_id(dt.date(2024, 3, 15))
    wrong_check = "0" if good[-1] != "0" else "1"
    people = Person.objects.count()

    response = client.post(
        APPLY,
        form_data(
            child_resident_id=good[:17] + wrong_check,
            birth_certificate="q12",
            relation="",
            bank_name="",
            phone="123",
        ),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        field_error(
            "child_resident_id",
            f"孩子身份证号：居民身份证号码校验码错误：按前17位计算，第18位应为“{good[-1]}”，"
            f"您填写的是“{wrong_check}”。请核对号码是否抄错。",
        )
        in content
    )
    assert (
        field_error(
            "birth_certificate",
            "出生医学证明编号应为1个大写字母加9位数字（例如Q140123456），您填写的是“Q12”。",
        )
        in content
    )
    assert field_error("relation", "请选择申请人与孩子的关系。") in content
    assert field_error("bank_name", "请填写开户银行。") in content
    assert (
        field_error("phone", "手机号码应为以1开头的11位数字，或带区号的固定电话（如03592021234）。")
        in content
    )
    assert 'value="王小明"' in content
    assert 'value="q12"' in content
    assert 'value="6228480012345678901"' in content
    assert f'<option value="{BEICHENG}" selected>' in content
    assert Application.objects.count() == 0
    assert Person.objects.count() == people


def test_a_child_who_turned_3_applies_through_the_page_for_the_months_owed(client, guardian, today):
    client.force_login(guardian)

    response = client.post(APPLY, form_data(child_resident_id=child_id(dt.date(2023, 9, 1))))

    application = Application.objects.get()
    assert response.status_code == 302
    assert (
        f"已提交育儿补贴申请（编号 {application.pk}），等待乡镇（街道）审核。"
        "按孩子的出生日期，预计可领取育儿补贴 6,300 元，共 21 个月。"
    ) in client.get(APPLY).content.decode()


def test_a_child_owed_nothing_is_refused_on_the_page_with_the_reason(client, guardian, today):
    client.force_login(guardian)

    response = client.post(APPLY, form_data(child_resident_id=child_id(dt.date(2021, 5, 1))))

    assert response.status_code == 200
    assert (
        field_error(
            "child_resident_id",
            "孩子出生于2021-05-01，已于2024-05-01年满3周岁，"
            "在育儿补贴制度实施（2025-01-01）前已满3周岁，不在育儿补贴范围内。",
        )
        in response.content.decode()
    )
    assert Application.objects.count() == 0


def test_the_hukou_select_lists_townships_and_villages_grouped_by_county(client, guardian):
    client.force_login(guardian)
    content = client.get(APPLY).content.decode()

    assert '<optgroup label="盐湖区">' in content
    assert '<optgroup label="河津市">' in content
    assert f'<option value="{BEICHENG}">北城街道</option>' in content


def test_an_official_on_the_apply_page_is_sent_to_the_counter_form(client, township):
    client.force_login(township)
    response = client.get(APPLY)
    assert (response.status_code, response["Location"]) == (302, ENTER)


# --------------------------------------------------------------------------- counter and duplicates


def counter_data(**fields: str) -> dict[str, str]:
    father = core_rules.resident_id_build("140802", dt.date(1990, 1, 1), 11)
    return form_data(
        applicant_name="张伟", applicant_resident_id=father, relation="father", **fields
    )


def test_a_township_official_enters_an_application_at_the_counter(client, township, today):
    client.force_login(township)

    response = client.post(ENTER, counter_data())

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(application)
    assert (application.channel, application.filed_by_id) == ("counter", township.pk)
    assert application.applicant.name == "张伟"
    content = client.get(detail(application)).content.decode()
    assert "已代办育儿补贴申请" in content
    assert "乡镇代办" in content


def test_a_second_application_for_the_same_child_is_refused_with_the_reason(
    client, apply, township, today
):
    existing = apply(dt.date(2024, 3, 15))
    client.force_login(township)

    response = client.post(
        ENTER,
        counter_data(
            child_resident_id=existing.child.resident_id,
            child_name=existing.child.name,
            birth_certificate="Q149999999",
        ),
    )

    content = response.content.decode()
    assert response.status_code == 200
    message = (
        f"该孩子已有育儿补贴申请（编号{existing.pk}，2026-10-20网上申请，当前状态：待乡镇审核）。"
        "每个孩子只能由一位父母或监护人申请一次；如需更改银行账号等信息，请联系户籍所在地乡镇。"
    )
    assert field_error("child_resident_id", message) in content
    assert content.count("该孩子已有育儿补贴申请") == 1  # once, next to the field (item 22)
    assert Application.objects.count() == 1


def test_a_citizen_typing_another_familys_child_is_told_once_and_nothing_more(
    client, apply, make_person, make_user, today
):
    """Issue 11, items 8 and 22: the message once, without the other application's details."""
    existing = apply(dt.date(2024, 3, 15))
    person = make_person(BEICHENG, name="陌生人", sex="F", birth=dt.date(1988, 8, 8))
    client.force_login(make_user("stranger", User.Role.CITIZEN, (), person=person))

    response = client.post(
        APPLY,
        form_data(
            child_resident_id=existing.child.resident_id,
            child_name=existing.child.name,
            birth_certificate="Q149999999",
        ),
    )

    content = response.content.decode()
    assert response.status_code == 200
    message = (
        "该孩子已有育儿补贴申请，每个孩子只能由一位父母或监护人申请一次。"
        "如有疑问，请携带户口簿到孩子户籍所在地的乡镇（街道）便民服务中心"
        "或县（市、区）卫生健康局咨询。"
    )
    assert field_error("child_resident_id", message) in content
    assert content.count("该孩子已有育儿补贴申请") == 1
    assert f"编号{existing.pk}" not in content
    assert "待乡镇审核" not in content
    assert Application.objects.count() == 1


def test_the_counter_form_offers_only_the_officials_regions(client, township):
    client.force_login(township)
    content = client.get(ENTER).content.decode()

    assert f'<option value="{BEICHENG}">北城街道</option>' in content
    assert f'value="{JIEZHOU}"' not in content
    assert 'name="applicant_resident_id"' in content


# --------------------------------------------------------------------------- scope


def test_a_township_official_outside_the_region_gets_404_and_changes_nothing(
    client, apply, other_township
):
    application = apply()
    client.force_login(other_township)

    assert client.get(detail(application)).status_code == 404
    response = client.post(f"{detail(application)}review/", {"outcome": "approve"})

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not ApplicationDecision.objects.exists()


def test_a_citizen_cannot_open_the_officials_pages(client, guardian, apply):
    application = apply()
    client.force_login(guardian)

    assert client.get(LIST)["Location"] == APPLY
    assert client.get(detail(application))["Location"] == APPLY
    assert client.post(f"{detail(application)}review/", {"outcome": "approve"}).status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


# --------------------------------------------------------------------------- review and confirm


def test_review_then_confirm_through_the_pages(client, apply, township, county, guardian):
    application = apply()
    client.force_login(township)
    page = client.get(detail(application)).content.decode()
    assert "乡镇审核" in page
    assert f'action="{detail(application)}review/"' in page

    response = client.post(f"{detail(application)}review/", {"outcome": "approve"})

    assert response["Location"] == detail(application)
    application.refresh_from_db()
    assert application.status == "township_approved"
    client.force_login(county)
    page = client.get(detail(application)).content.decode()
    assert f'action="{detail(application)}confirm/"' in page

    client.post(f"{detail(application)}confirm/", {"outcome": "approve", "reason": "材料齐全"})

    application.refresh_from_db()
    assert application.status == "confirmed"
    content = client.get(detail(application)).content.decode()
    assert f"编号 {application.pk}：已确认。" in content
    assert "材料齐全" in content
    assert "李晓梅" in content  # the county official's decision
    client.force_login(guardian)
    assert '<span class="tag ok">已确认</span>' in client.get(APPLY).content.decode()


def test_a_refusal_without_a_reason_is_shown_on_the_page_and_changes_nothing(
    client, apply, township
):
    application = apply()
    client.force_login(township)

    response = client.post(f"{detail(application)}review/", {"outcome": "reject", "reason": ""})

    assert response.status_code == 200
    assert field_error("reason", "不通过时请填写原因，申请人将看到这段说明。", "decide") in (
        response.content.decode()
    )
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not ApplicationDecision.objects.exists()


def test_a_refusal_with_its_reason_reaches_the_guardian(client, apply, township, guardian):
    application = apply()
    client.force_login(township)
    client.post(
        f"{detail(application)}review/", {"outcome": "reject", "reason": "出生医学证明编号有误"}
    )

    client.force_login(guardian)
    content = client.get(APPLY).content.decode()

    assert '<span class="tag bad">未通过</span>' in content
    assert "出生医学证明编号有误" in content


def test_a_county_official_cannot_review_for_the_township(client, apply, county):
    application = apply()
    client.force_login(county)

    assert client.post(f"{detail(application)}review/", {"outcome": "approve"}).status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_bulk_review_passes_the_checked_rows_and_says_why_others_failed(
    client, apply, township, county
):
    first, second, done = apply(), apply(), apply()
    services.application_review(actor=township, application_id=done.pk, approve=True)
    client.force_login(township)

    response = client.post(
        BULK,
        {"action": "review", "ids": [first.pk, second.pk, done.pk], "query": "status=submitted"},
        follow=True,
    )

    content = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{LIST}?status=submitted"
    assert "已审核通过 2 件。" in content
    assert (
        f"1 件未能审核通过：编号 {done.pk}（{done.child.name}）：该申请当前状态为“待县级确认”，"
        "不在“待乡镇审核”环节，无法办理。"
    ) in content
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: "township_approved",
        second.pk: "township_approved",
        done.pk: "township_approved",
    }


def test_bulk_confirm_by_the_county(client, apply, township, county):
    applications = [apply(), apply()]
    for a in applications:
        services.application_review(actor=township, application_id=a.pk, approve=True)
    client.force_login(county)
    page = client.get(LIST).content.decode()
    assert "批量确认" in page
    assert f'name="ids" value="{applications[0].pk}"' in page

    response = client.post(
        BULK, {"action": "confirm", "ids": [a.pk for a in applications]}, follow=True
    )

    assert "已确认 2 件。" in response.content.decode()
    assert set(Application.objects.values_list("status", flat=True)) == {"confirmed"}


def test_bulk_confirm_by_a_township_official_is_refused(client, apply, township):
    application = apply()
    client.force_login(township)

    assert client.post(BULK, {"action": "confirm", "ids": [application.pk]}).status_code == 403


# --------------------------------------------------------------------------- changes


def test_a_hukou_move_out_of_the_city_stops_payment_after_that_year(client, confirmed, township):
    application = confirmed()
    client.force_login(township)

    response = client.post(
        f"{detail(application)}hukou/", {"moved_on": "2026-09-01", "out_of_city": "on"}
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.last_year, application.stop_reason) == (2026, "2026-09-01户籍迁出本市")
    content = client.get(detail(application)).content.decode()
    assert "已登记户籍迁出本市：2026年度后停发。" in content
    assert "2026-09-01户籍迁出本市，2026年度后停发" in content


def test_a_hukou_move_without_a_destination_is_refused_on_the_page(client, confirmed, township):
    application = confirmed()
    client.force_login(township)

    response = client.post(f"{detail(application)}hukou/", {"moved_on": "2026-09-01"})

    content = response.content.decode()
    assert response.status_code == 200
    assert field_error("region", "请选择迁入地，或勾选“迁出本市”。", "move") in content
    assert '<details class="action" id="move" open>' in content
    application.refresh_from_db()
    assert application.last_year is None


def test_a_hukou_move_within_the_city_is_paid_by_the_new_place_next_year(
    client, confirmed, township
):
    application = confirmed()
    client.force_login(township)

    client.post(f"{detail(application)}hukou/", {"moved_on": "2026-09-01", "region": JIEZHOU})

    application.refresh_from_db()
    assert (application.region.code, application.region_from_year) == (JIEZHOU, 2027)


def test_a_death_in_the_future_is_refused_next_to_the_date(client, confirmed, township):
    application = confirmed()
    client.force_login(township)

    response = client.post(f"{detail(application)}death/", {"died_on": "2026-12-01"})

    assert field_error("died_on", "死亡日期2026-12-01晚于今天，请核对。", "death") in (
        response.content.decode()
    )
    application.refresh_from_db()
    assert application.last_year is None


def test_a_death_stops_payment_after_that_year(client, confirmed, township):
    application = confirmed()
    client.force_login(township)

    client.post(f"{detail(application)}death/", {"died_on": "2026-08-01"})

    application.refresh_from_db()
    assert application.last_year == 2026
    assert Person.objects.get(pk=application.child_id).status == "deceased"


def test_a_bank_account_change_from_the_detail_page(client, confirmed, township):
    application = confirmed()
    client.force_login(township)

    response = client.post(
        f"{detail(application)}bank/",
        {"account_holder": "applicant", "bank_name": "运城农商银行", "bank_account": "12ab"},
    )
    assert (
        field_error(
            "bank_account", "银行账号应为12至30位数字，请去掉空格以外的符号后重新填写。", "bank"
        )
        in response.content.decode()
    )

    client.post(
        f"{detail(application)}bank/",
        {
            "account_holder": "applicant",
            "bank_name": "运城农商银行",
            "bank_account": "6230123456789012",
        },
    )

    application.refresh_from_db()
    assert (application.bank_name, application.bank_account) == ("运城农商银行", "6230123456789012")


# --------------------------------------------------------------------------- list


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [LIST, f"{LIST}?status=submitted", f"{LIST}export.xlsx"])
def test_the_list_runs_the_same_queries_for_2_and_25_applications(client, apply, township, url):
    for _ in range(2):
        apply()
    client.force_login(township)
    client.get(url)  # warm caches (content types, session)
    few = _queries(client, url)
    for _ in range(23):
        apply()

    assert _queries(client, url) == few


def test_the_list_runs_the_same_queries_when_deadlines_are_provisional(
    client, apply, township, monkeypatch
):
    set_today(monkeypatch, dt.date(2026, 12, 15))  # 30 working days reach into 2027
    apply()
    client.force_login(township)
    client.get(LIST)
    few = _queries(client, LIST)
    for _ in range(10):
        apply()

    content = client.get(LIST).content.decode()
    assert _queries(client, LIST) == few
    assert content.count('<span class="tag warn provisional"') == 11


def test_the_list_masks_ids_and_flags_an_application_past_its_deadline(
    client, apply, township, monkeypatch
):
    late = apply()
    set_today(monkeypatch, dt.date(2026, 11, 20))
    fresh = apply()  # deadline in 2027, after the calendar's end: pending
    set_today(monkeypatch, dt.date(2026, 12, 10))
    client.force_login(township)

    content = client.get(LIST).content.decode()

    assert content.count('class="row-overdue"') == 1
    assert '<span class="tag bad overdue">已逾期 7 个工作日</span>' in content
    assert late.child.masked_resident_id in content
    assert late.child.resident_id not in content
    overdue_only = client.get(LIST, {"overdue": "on"}).content.decode()
    assert f'href="{detail(late)}"' in overdue_only
    assert f'href="{detail(fresh)}"' not in overdue_only


def test_the_list_filters_by_name_full_id_status_and_region(client, apply, township, county):
    wang = apply(child_name="王小明")
    li = apply(child_name="李小红")
    services.application_review(actor=township, application_id=li.pk, approve=True)
    client.force_login(county)

    def ids(**params: str) -> set[int]:
        response = client.get(LIST, params, headers={"HX-Request": "true"})
        content = response.content.decode()
        assert "<html" not in content
        return {a for a in (wang.pk, li.pk) if f'href="{detail(Application(pk=a))}"' in content}

    assert ids(q="王小明") == {wang.pk}
    assert ids(q=li.child.resident_id) == {li.pk}
    assert ids(q=li.child.resident_id[:10]) == set()  # a part of an ID finds nothing
    assert ids(status="township_approved") == {li.pk}
    assert ids(region=BEICHENG) == {wang.pk, li.pk}
    assert ids(region=JIEZHOU) == set()
    assert ids(submitted_from="2026-10-21") == set()
    assert client.get(LIST, {"region": "140829"}).status_code == 404  # 平陆县: not theirs


def test_the_list_paginates_by_50(client, apply, township):
    for _ in range(51):
        apply()
    client.force_login(township)

    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()

    assert "共 51 件。" in first
    assert first.count('name="ids"') == 50
    assert second.count('name="ids"') == 1
    assert "第 2 / 2 页" in second


def test_the_export_is_the_filtered_list_with_masked_numbers(client, apply, township):
    wang = apply(child_name="王小明")
    apply(child_name="李小红")
    client.force_login(township)

    response = client.get(f"{LIST}export.xlsx", {"q": "王小明"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "孩子姓名", "孩子身份证号（脱敏）", "出生日期")
    assert len(rows) == 2
    assert rows[1][:3] == (wang.pk, "王小明", wang.child.masked_resident_id)
    assert rows[1][7:10] == ("盐湖区", "北城街道", None)
    assert rows[1][12:15] == ("待乡镇审核", "2026-12-01", "剩余 30 个工作日")
    assert rows[1][17] == "6228***********8901"


# --------------------------------------------------------------------------- home page


def test_home_pages_show_what_waits_and_what_is_overdue(
    client, apply, township, county, guardian, monkeypatch
):
    apply()
    second = apply()
    services.application_review(actor=township, application_id=second.pk, approve=True)
    set_today(monkeypatch, dt.date(2026, 12, 10))

    client.force_login(township)
    township_home = client.get("/home/").content.decode()
    client.force_login(county)
    county_home = client.get("/home/").content.decode()
    client.force_login(guardian)
    guardian_home = client.get("/home/").content.decode()

    def stat(label: str, value: int) -> str:
        return f'<div class="muted small">{label}</div><div class="stat">{value}</div>'

    assert stat("待乡镇审核的补贴申请", 1) in township_home
    assert stat("逾期未办结的补贴申请", 2) in township_home
    assert stat("待县级确认的补贴申请", 1) in county_home
    assert stat("我的育儿补贴申请", 2) in guardian_home
    assert "件（审核中 2 件）" in guardian_home


def test_an_empty_submission_names_every_required_field_and_creates_nothing(client, guardian):
    client.force_login(guardian)
    response = client.post("/subsidy/apply/", {})
    assert response.status_code == 200
    content = response.content.decode()
    for message in ("请填写孩子姓名。", "请选择孩子户籍所在地。", "请填写开户银行。"):
        assert message in content
    assert Application.objects.count() == 0


def test_required_messages_read_as_sentences_in_english(client, guardian):
    client.force_login(guardian)
    client.cookies["django_language"] = "en"
    content = client.post("/subsidy/apply/", {}).content.decode()
    assert "Enter Child&#x27;s name." in content


def test_a_guardian_corrects_the_account_of_her_own_application(client, guardian, apply):
    application = apply()
    client.force_login(guardian)
    url = f"/subsidy/apply/{application.pk}/bank/"
    bad = client.post(
        url, {"account_holder": "applicant", "bank_name": "中国银行", "bank_account": "12ab"}
    )
    assert bad.status_code == 200
    assert "银行账号应为12至30位数字" in bad.content.decode()
    assert 'value="12ab"' in bad.content.decode()
    application.refresh_from_db()
    assert application.bank_account == "6228480012345678901"

    good = client.post(
        url,
        {
            "account_holder": "applicant",
            "bank_name": "中国银行运城分行",
            "bank_account": "6216610012345678",
        },
    )
    assert good.status_code == 302
    application.refresh_from_db()
    assert (application.bank_name, application.bank_account) == (
        "中国银行运城分行",
        "6216610012345678",
    )


def test_a_guardian_cannot_touch_anothers_application(client, apply, make_person, make_user):
    application = apply()
    other = make_user(
        "other", User.Role.CITIZEN, (), person=make_person(BEICHENG, name="赵敏", sex="F")
    )
    client.force_login(other)
    response = client.post(
        f"/subsidy/apply/{application.pk}/bank/",
        {
            "account_holder": "applicant",
            "bank_name": "中国银行",
            "bank_account": "6216610012345678",
        },
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.bank_account == "6228480012345678901"
