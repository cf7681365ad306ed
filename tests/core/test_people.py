import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from huimin.core import rules
from huimin.core.models import AccessLog, Event, Person, User

NEW_ID = rules.resident_id_build("140822", dt.date(2024, 5, 20), 32)


@pytest.fixture
def official(client, wanrong_official):
    client.force_login(wanrong_official)
    return wanrong_official


def test_person_is_registered_with_birth_date_and_sex_from_the_id(client, official):
    response = client.post(
        "/api/people",
        {
            "resident_id": NEW_ID.lower(),
            "name": "王小宝",
            "region_code": "140822101",
            "phone": "138 3590 1234",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["birth_date"], body["sex"], body["resident_id"], body["phone"]) == (
        "2024-05-20",
        "F",
        rules.mask_resident_id(NEW_ID),
        "138****1234",
    )
    assert Person.objects.get().resident_id == NEW_ID


@pytest.mark.parametrize(
    ("resident_id", "detail"),
    [
        (
            "140822240520032",
            "这是15位的旧身份证号码，不再受理：请填写18位居民身份证号码（第二代身份证）。",
        ),
        (
            NEW_ID[:17] + ("1" if NEW_ID[17] != "1" else "2"),
            f"居民身份证号码校验码错误：按前17位计算，第18位应为“{NEW_ID[17]}”，"
            f"您填写的是“{'1' if NEW_ID[17] != '1' else '2'}”。请核对号码是否抄错。",
        ),
    ],
)
def test_a_bad_resident_id_is_refused_with_the_problem_and_nothing_is_created(
    client, official, resident_id, detail
):
    response = client.post(
        "/api/people",
        {"resident_id": resident_id, "name": "王小宝", "region_code": "140822"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert response.json()["errors"] == [{"field": "resident_id", "message": detail}]
    assert Person.objects.count() == 0


def test_a_bad_resident_id_on_the_page_shows_the_message_next_to_the_field(client, official):
    response = client.post(
        "/people/new/", {"resident_id": "140822240520032", "name": "王小宝", "region": "140822"}
    )
    assert response.status_code == 200
    assert "这是15位的旧身份证号码，不再受理" in response.content.decode()
    assert Person.objects.count() == 0


def test_a_second_registration_of_the_same_id_is_refused(client, official, wanrong_person):
    response = client.post(
        "/api/people",
        {"resident_id": wanrong_person.resident_id, "name": "重复", "region_code": "140822"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"居民身份证号码{wanrong_person.masked_resident_id}已登记，不能重复登记。"
        "请在人员列表中按身份证号查找该人员。"
    )
    assert Person.objects.count() == 1


def test_strict_input_types_refuse_a_number_for_a_string(client, official):
    response = client.post(
        "/api/people",
        {"resident_id": 140822, "name": "王", "region_code": "1"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数有误：resident_id：应为文字。"


def test_numbers_are_masked_in_lists_pages_and_exports(client, official, wanrong_person):
    full = (wanrong_person.resident_id, wanrong_person.phone, wanrong_person.bank_account)
    api_item = client.get("/api/people").json()["items"][0]
    assert (api_item["resident_id"], api_item["phone"], api_item["bank_account"]) == (
        "1408" + "*" * 14,
        "138****1234",
        "6217***********8901",
    )
    for url in ("/people/", f"/people/{wanrong_person.pk}/", f"/api/people/{wanrong_person.pk}"):
        content = client.get(url).content.decode()
        assert not any(number in content for number in full), url
    export = client.get("/people/export.xlsx")
    cells = [
        c
        for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert wanrong_person.masked_resident_id in cells
    assert not any(number in cells for number in full)
    assert AccessLog.objects.count() == 0


def test_an_unmasked_view_leaves_an_access_log_row(client, official, wanrong_person):
    response = client.post(
        f"/api/people/{wanrong_person.pk}/reveal",
        {"purpose": "核对账号"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["resident_id"] == wanrong_person.resident_id
    log = AccessLog.objects.get()
    assert (log.actor, log.object_id, log.fields, log.purpose) == (
        official,
        wanrong_person.pk,
        "身份证号、联系电话、银行账号",
        "核对账号",
    )


def test_an_unmasked_view_on_the_page_is_logged_and_on_the_timeline(
    client, official, wanrong_person
):
    response = client.post(
        f"/people/{wanrong_person.pk}/reveal/", {"purpose": "核对"}, HTTP_HX_REQUEST="true"
    )
    assert wanrong_person.resident_id in response.content.decode()
    assert AccessLog.objects.filter(actor=official).count() == 1
    detail = client.get(f"/people/{wanrong_person.pk}/").content.decode()
    assert "查看完整信息" in detail
    assert "用途：核对" in detail


def test_a_role_that_does_not_need_the_numbers_cannot_unmask(client, make_user, wanrong_person):
    citizen = make_user("other", User.Role.CITIZEN, person=None)
    client.force_login(citizen)
    response = client.post(
        f"/api/people/{wanrong_person.pk}/reveal", {}, content_type="application/json"
    )
    assert response.status_code == 404  # not even in scope
    assert AccessLog.objects.count() == 0


def test_a_citizen_sees_their_own_numbers_without_a_log(client, make_user, wanrong_person):
    citizen = make_user("self", User.Role.CITIZEN, person=wanrong_person)
    client.force_login(citizen)
    assert (
        wanrong_person.resident_id in client.get(f"/people/{wanrong_person.pk}/").content.decode()
    )
    assert AccessLog.objects.count() == 0


def test_a_death_is_recorded_as_an_event_and_cannot_be_undone(client, official, wanrong_person):
    response = client.post(
        f"/api/people/{wanrong_person.pk}/status",
        {"to_status": "deceased", "reason": "死亡医学证明 No.2026-118"},
        content_type="application/json",
    )
    assert response.status_code == 200
    event = Event.objects.get()
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        official,
        "active",
        "deceased",
        "死亡医学证明 No.2026-118",
    )
    history_rows = wanrong_person.history.count()
    refused = client.post(
        f"/api/people/{wanrong_person.pk}/status",
        {"to_status": "active", "reason": "误操作"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json()["detail"] == "当前状态为“已死亡”，不能变更为“正常”。"
    wanrong_person.refresh_from_db()
    assert wanrong_person.status == "deceased"
    assert (Event.objects.count(), wanrong_person.history.count()) == (1, history_rows)


def test_every_change_is_in_the_history_with_actor_and_before_after(
    client, official, wanrong_person
):
    response = client.patch(
        f"/api/people/{wanrong_person.pk}",
        {
            "name": "李秀英",
            "region_code": "140822102",
            "phone": "13900001111",
            "bank_account": "6217000012345678901",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    timeline = client.get(f"/api/people/{wanrong_person.pk}/timeline").json()
    change = timeline[-1]
    assert (change["title"], change["actor"]) == ("修改", "wanrong")
    assert ["联系电话", "138****1234", "139****1111"] in change["changes"]
    assert ["户籍所在地", "荣河镇", "汉薛镇"] in change["changes"]


def test_the_edit_page_shows_masked_numbers_and_keeps_them_when_unchanged(
    client, official, wanrong_person
):
    page = client.get(f"/people/{wanrong_person.pk}/edit/").content.decode()
    assert wanrong_person.phone not in page
    assert wanrong_person.bank_account not in page
    response = client.post(
        f"/people/{wanrong_person.pk}/edit/",
        {
            "name": "李秀兰",
            "region": "140822101",
            "phone": wanrong_person.masked_phone,
            "bank_name": "山西银行",
            "bank_account": wanrong_person.masked_bank_account,
        },
    )
    assert response.status_code == 302
    stored = Person.objects.get(pk=wanrong_person.pk)
    assert (stored.name, stored.phone, stored.bank_account, stored.bank_name) == (
        "李秀兰",
        "13835901234",
        "6217000012345678901",
        "山西银行",
    )
    assert AccessLog.objects.count() == 0


def test_a_citizen_does_not_see_the_audit_trail(client, make_user, wanrong_person):
    client.force_login(make_user("self", User.Role.CITIZEN, person=wanrong_person))
    assert client.get(f"/api/people/{wanrong_person.pk}/timeline").status_code == 403
    assert "变更记录" not in client.get(f"/people/{wanrong_person.pk}/").content.decode()
