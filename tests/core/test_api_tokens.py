"""Bearer-token writes (issue 11, item 7): a request carrying ``Authorization: Bearer`` is
authenticated by its token and needs no CSRF token; a browser session's writes still do.
The other modules' token writes are in tests/<app>/test_api_tokens.py."""

from __future__ import annotations

from django.test import Client

from huimin.core.models import AccessLog, Person, User
from huimin.core.services import api_token_create


def token_client(user: User) -> tuple[Client, dict[str, str]]:
    """A client that enforces CSRF as a real browser-less integrator meets it, and the header
    of a fresh token of ``user``."""
    _token, key = api_token_create(user=user, name="对接系统")
    return Client(enforce_csrf_checks=True), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_token_reveals_a_person_without_a_csrf_token(wanrong_official, wanrong_person):
    client, auth = token_client(wanrong_official)

    response = client.post(
        f"/api/people/{wanrong_person.pk}/reveal",
        {"purpose": "核对补贴发放"},
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 200
    assert response.json()["resident_id"] == wanrong_person.resident_id
    log = AccessLog.objects.get()
    assert (log.actor_id, log.object_id, log.purpose) == (
        wanrong_official.pk,
        wanrong_person.pk,
        "核对补贴发放",
    )


def test_a_token_write_is_the_tokens_user_even_with_a_session_of_another(
    make_user, wanrong_official, wanrong_person
):
    """The session cookie of someone else does not make the request theirs."""
    client, auth = token_client(wanrong_official)
    client.force_login(make_user("pinglu", User.Role.COUNTY_OFFICIAL, ("140829",)))

    response = client.post(
        f"/api/people/{wanrong_person.pk}/status",
        {"to_status": "moved_out", "reason": "户口迁移证 No.123"},
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 200
    assert Person.objects.get(pk=wanrong_person.pk).status == "moved_out"


def test_a_bad_token_is_401_and_changes_nothing(wanrong_person):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/api/people/{wanrong_person.pk}/reveal",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer hm_not-a-token",
    )

    assert response.status_code == 401
    assert not AccessLog.objects.exists()


def test_a_session_write_still_needs_its_csrf_token(wanrong_official, wanrong_person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wanrong_official)

    response = client.post(
        f"/api/people/{wanrong_person.pk}/reveal", {}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "CSRF" in response.json()["detail"]
    assert not AccessLog.objects.exists()


def test_an_anonymous_write_without_csrf_token_is_401(wanrong_person):
    """Found by the API fuzzing: no session and no token is a 401 in the documented error
    shape, not ninja's CSRF refusal."""
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/api/people/{wanrong_person.pk}/reveal", {}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert not AccessLog.objects.exists()
