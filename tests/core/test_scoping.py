"""An official of 万荣县 reaches nothing of 平陆县: not through the API, the pages or exports,
and an attempt changes nothing."""

import io

import pytest
from openpyxl import load_workbook

from huimin.core.models import AccessLog, Event, Person, User

FORBIDDEN_READS = [
    "/api/people/{id}",
    "/api/people/{id}/timeline",
    "/people/{id}/",
    "/people/{id}/edit/",
]


def _snapshot(person: Person) -> tuple:
    person.refresh_from_db()
    return (
        person.name,
        person.phone,
        person.bank_account,
        person.region_id,
        person.status,
        person.history.count(),
        AccessLog.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize("url", FORBIDDEN_READS)
def test_wanrong_official_gets_404_reading_a_pinglu_record(
    client, wanrong_official, pinglu_person, url
):
    client.force_login(wanrong_official)
    response = client.get(url.format(id=pinglu_person.pk))
    assert response.status_code == 404
    assert "1408" not in response.content.decode()  # not even masked numbers leak


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        (
            "patch",
            "/api/people/{id}",
            {"name": "改名", "region_code": "140822101", "phone": "13900000000"},
        ),
        ("post", "/api/people/{id}/status", {"to_status": "deceased", "reason": "测试"}),
        ("post", "/api/people/{id}/reveal", {"purpose": "测试"}),
    ],
)
def test_wanrong_official_gets_404_writing_a_pinglu_record_through_the_api_and_nothing_changes(
    client, wanrong_official, pinglu_person, method, url, body
):
    client.force_login(wanrong_official)
    before = _snapshot(pinglu_person)
    response = getattr(client, method)(
        url.format(id=pinglu_person.pk), body, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该记录，或您无权查看。"
    assert _snapshot(pinglu_person) == before


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/people/{id}/edit/", {"name": "改名", "region": "140822101", "phone": "13900000000"}),
        ("/people/{id}/status/", {"to_status": "deceased", "reason": "测试"}),
        ("/people/{id}/reveal/", {"purpose": "测试"}),
    ],
)
def test_wanrong_official_gets_404_writing_a_pinglu_record_through_the_pages_and_nothing_changes(
    client, wanrong_official, pinglu_person, url, data
):
    client.force_login(wanrong_official)
    before = _snapshot(pinglu_person)
    response = client.post(url.format(id=pinglu_person.pk), data)
    assert response.status_code == 404
    assert "未找到" in response.content.decode()
    assert _snapshot(pinglu_person) == before


def test_wanrong_official_cannot_list_or_export_pinglu(
    client, wanrong_official, pinglu_person, wanrong_person
):
    client.force_login(wanrong_official)
    assert client.get("/api/people", {"region": "140829"}).status_code == 404
    assert client.get("/people/export.xlsx", {"region": "140829"}).status_code == 404
    assert client.get("/people/", {"region": "140829"}).status_code == 404

    listed = client.get("/api/people").json()
    assert [p["id"] for p in listed["items"]] == [wanrong_person.pk]

    export = client.get("/people/export.xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["李秀英"]


def test_township_official_sees_only_their_township(client, make_user, make_person):
    official = make_user("beicheng", User.Role.TOWNSHIP_OFFICIAL, ("140802100",))
    mine = make_person("140802100", name="北城居民")
    make_person("140802101", name="东城居民")
    client.force_login(official)
    assert [p["name"] for p in client.get("/api/people").json()["items"]] == [mine.name]


def test_city_administrator_sees_every_county(client, make_user, pinglu_person, wanrong_person):
    admin = make_user("cityadmin", User.Role.CITY_ADMIN, ("140800",))
    client.force_login(admin)
    assert client.get("/api/people").json()["count"] == 2


def test_citizen_sees_only_their_own_record(client, make_user, pinglu_person, wanrong_person):
    citizen = make_user("guardian", User.Role.CITIZEN, person=pinglu_person)
    client.force_login(citizen)
    items = client.get("/api/people").json()["items"]
    assert [p["id"] for p in items] == [pinglu_person.pk]
    assert client.get(f"/api/people/{wanrong_person.pk}").status_code == 404


def test_a_role_without_people_access_gets_403(client, make_user, pinglu_person):
    inspector = make_user("inspector", User.Role.INSPECTOR, ("140800",))
    client.force_login(inspector)
    assert client.get("/api/people").status_code == 403
    assert client.get("/people/").status_code == 403
    assert "无权" in client.get("/people/").content.decode()


def test_user_without_regions_sees_nothing(client, make_user, pinglu_person):
    official = make_user("nobody", User.Role.COUNTY_OFFICIAL)
    client.force_login(official)
    assert client.get("/api/people").json()["count"] == 0
