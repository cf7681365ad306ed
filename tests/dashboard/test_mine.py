"""我的办事 and the inbox (issue 16 item 6): a citizen sees only their own matters, each with
its state, next step and deadline; the inbox lists their messages newest first, opening one is
a POST that marks it read; other roles are refused; the pages and the API take a constant
number of queries."""

# ruff: noqa: F811 - the modules' fixtures are imported, then named as test arguments

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huimin.core.models import Notification, User
from huimin.dashboard.mine import matters_of_citizen
from huimin.subsidy import services as subsidy_services
from tests.subsidy.conftest import (  # noqa: F401 - fixtures
    TODAY,
    apply,
    county,
    guardian,
    today,
    township,
)


@pytest.fixture
def neighbour(make_person, make_user) -> User:
    """Another guardian of the same township, with a child of her own."""
    person = make_person("140802100", name="赵敏", sex="F", birth=dt.date(1991, 1, 2))
    return make_user("zhaomin", User.Role.CITIZEN, (), person=person)


@pytest.fixture
def neighbours_application(neighbour, today):
    from tests.subsidy.conftest import child_id

    return subsidy_services.application_submit(
        actor=neighbour,
        data=subsidy_services.ApplicationInput(
            child_name="赵小宝",
            child_resident_id=child_id(dt.date(2024, 8, 8)),
            birth_certificate="Q160000001",
            region_code="140802100",
            relation="mother",
            bank_name="中国农业银行运城分行",
            bank_account="6228480012345678902",
        ),
    )


def _queries(client, url: str, method: str = "get") -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


# --------------------------------------------------------------------------- the page


def test_a_citizen_sees_only_their_own_matters(
    client, apply, guardian, township, neighbour, neighbours_application
):
    first = apply(child_name="王小明")
    second = apply(child_name="王小红", birth=dt.date(2025, 3, 1))
    subsidy_services.application_review(actor=township, application_id=first.pk, approve=True)

    matters = matters_of_citizen(guardian)
    assert [(m.title, m.status, m.next_step, m.deadline) for m in matters.subsidy] == [
        ("王小红的育儿补贴", "submitted", "等待乡镇（街道）审核，无需再交材料", second.deadline),
        ("王小明的育儿补贴", "township_approved", "已通过乡镇审核，等待县级确认", first.deadline),
    ]
    assert first.deadline == dt.date(2026, 12, 1)  # 30 working days after TODAY
    assert (matters.payments, matters.wildlife, matters.disability, matters.followups) == (
        [],
        [],
        [],
        [],
    )
    assert [m.title for m in matters_of_citizen(neighbour).all] == ["赵小宝的育儿补贴"]

    client.force_login(guardian)
    page = client.get("/me/").content.decode()
    assert "王小明的育儿补贴" in page
    assert "王小红的育儿补贴" in page
    assert "赵小宝" not in page  # the neighbour's child never appears
    assert "等待县级确认" in page
    assert "期限 2026年12月1日" in page


def test_other_roles_are_refused_my_pages(client, township, county):
    for user in (township, county):
        client.force_login(user)
        for url in ("/me/", "/me/inbox/", "/api/me/matters", "/api/me/inbox"):
            assert client.get(url).status_code == 403, (user.username, url)
    client.logout()
    assert client.get("/me/").status_code == 302  # to the login page
    assert client.get("/api/me/matters").status_code == 401


def test_the_citizen_menu_has_my_matters_and_the_header_the_unread_count(
    client, apply, guardian, township
):
    application = apply()
    subsidy_services.application_review(actor=township, application_id=application.pk, approve=True)
    client.force_login(guardian)
    home = client.get("/home/").content.decode()
    assert 'href="/me/"' in home
    assert 'data-unread="2"' in home
    assert "2条未读消息" in home
    client.force_login(township)
    assert 'href="/me/"' not in client.get("/home/").content.decode()
    client.logout()
    assert 'href="/me/"' not in client.get("/").content.decode()


# --------------------------------------------------------------------------- the inbox


def test_the_inbox_lists_newest_first_and_opening_a_message_marks_it_read(
    client, apply, guardian, township
):
    application = apply(child_name="王小明")
    subsidy_services.application_review(actor=township, application_id=application.pk, approve=True)
    submitted, reviewed = Notification.objects.filter(recipient=guardian).order_by("id")
    client.force_login(guardian)

    page = client.get("/me/inbox/").content.decode()
    assert page.index("育儿补贴申请已通过乡镇审核") < page.index("育儿补贴申请已受理")
    assert page.count('class="msg unread"') == 2

    # reading a message's page is no write
    assert client.get(f"/me/inbox/{reviewed.pk}/").status_code == 200
    reviewed.refresh_from_db()
    assert reviewed.read_at is None
    assert client.get(f"/me/inbox/{reviewed.pk}/open/").status_code == 405

    response = client.post(f"/me/inbox/{reviewed.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/me/inbox/{reviewed.pk}/"
    reviewed.refresh_from_db()
    assert reviewed.read_at is not None
    message = client.get(response["Location"]).content.decode()
    assert f'href="/subsidy/apply/#application-{application.pk}"' in message  # to the matter
    assert client.get("/me/inbox/").content.decode().count('class="msg unread"') == 1
    unread = client.get("/me/inbox/?unread=1").content.decode()
    assert "育儿补贴申请已受理" in unread
    assert "育儿补贴申请已通过乡镇审核" not in unread

    client.post("/me/inbox/read-all/")
    submitted.refresh_from_db()
    assert submitted.read_at is not None


def test_another_citizens_message_is_not_found_and_stays_unread(client, apply, guardian, neighbour):
    apply()
    message = Notification.objects.get(recipient=guardian)
    client.force_login(neighbour)
    assert client.get(f"/me/inbox/{message.pk}/").status_code == 404
    assert client.post(f"/me/inbox/{message.pk}/open/").status_code == 404
    assert client.post(f"/api/me/inbox/{message.pk}/read").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None
    assert "育儿补贴申请已受理" not in client.get("/me/inbox/").content.decode()


def test_the_inbox_is_paged_twenty_a_page(client, guardian):
    for n in range(25):
        Notification.objects.create(recipient=guardian, title=f"消息{n:02d}", body="")
    client.force_login(guardian)
    first = client.get("/me/inbox/").content.decode()
    assert first.count('class="msg ') == 20
    assert "消息24" in first
    assert "消息04" not in first
    second = client.get("/me/inbox/?page=2").content.decode()
    assert second.count('class="msg ') == 5
    assert "消息00" in second


# --------------------------------------------------------------------------- the API


def test_the_api_gives_the_citizen_their_matters_and_messages(
    client, apply, guardian, township, neighbour, neighbours_application
):
    application = apply(child_name="王小明")
    subsidy_services.application_review(actor=township, application_id=application.pk, approve=True)
    client.force_login(guardian)
    matters = client.get("/api/me/matters").json()
    assert matters["subsidy"] == [
        {
            "kind": "subsidy",
            "kind_label": "育儿补贴申请",
            "id": application.pk,
            "title": "王小明的育儿补贴",
            "status": "township_approved",
            "status_label": "待县级确认",
            "next_step": "已通过乡镇审核，等待县级确认",
            "deadline": "2026-12-01",
            "url": f"/subsidy/apply/#application-{application.pk}",
            "done": False,
        }
    ]
    assert (matters["payments"], matters["wildlife"], matters["disability"]) == ([], [], [])

    inbox = client.get("/api/me/inbox").json()
    assert (inbox["count"], inbox["unread_count"]) == (2, 2)
    assert [m["title"] for m in inbox["items"]] == [
        "育儿补贴申请已通过乡镇审核",
        "育儿补贴申请已受理",
    ]
    newest = inbox["items"][0]["id"]
    read = client.post(f"/api/me/inbox/{newest}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    after = client.get("/api/me/inbox?unread=true").json()
    assert (after["count"], after["unread_count"]) == (1, 1)
    assert client.post("/api/me/inbox/999999/read").status_code == 404


# --------------------------------------------------------------------------- queries


def test_my_pages_take_as_many_queries_for_one_matter_or_message_as_for_five(
    client, apply, guardian, township
):
    first = apply(child_name="王一")
    subsidy_services.application_review(actor=township, application_id=first.pk, approve=True)
    client.force_login(guardian)
    urls = ["/me/", "/me/inbox/", "/api/me/matters", "/api/me/inbox", "/home/"]
    one = {url: _queries(client, url) for url in urls}
    for n in range(4):
        application = apply(child_name=f"王{n}{n}", birth=dt.date(2024, 1 + n, 3))
        subsidy_services.application_review(
            actor=township, application_id=application.pk, approve=True
        )
    five = {url: _queries(client, url) for url in urls}
    assert five == one
    assert Notification.objects.filter(recipient=guardian).count() == 10
