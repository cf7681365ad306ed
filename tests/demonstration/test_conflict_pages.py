"""The evaluator declares a conflict of interest on a page; the city can then not assign them
to that institution; others have no such page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huimin.demonstration.models import Assignment, Conflict

pytestmark = pytest.mark.django_db


def test_the_evaluator_declares_a_conflict_and_is_not_assigned(client, demo_setup, walk):
    s = demo_setup
    evaluator = s.evaluators[0]
    client.force_login(evaluator)
    url = reverse("demonstration_conflict_list")
    found = client.get(url, {"q": "综合托育"})
    assert [i.name for i, _done in found.context["found"]] == ["盐湖区综合托育服务中心"]
    institution = s.institutions[0]
    response = client.post(url, {"institution": institution.pk, "reason": "配偶在该机构任保育员"})
    assert response.status_code == 302
    conflict = Conflict.objects.get()
    assert (conflict.evaluator, conflict.institution, conflict.reason) == (
        evaluator,
        institution,
        "配偶在该机构任保育员",
    )
    assert [(i.name, done) for i, done in client.get(url, {"q": "综合托育"}).context["found"]] == [
        ("盐湖区综合托育服务中心", True)
    ]
    application = walk(totals=None)
    client.force_login(s.admin)
    detail = reverse("demonstration_application_detail", args=[application.pk])
    ids = [str(e.pk) for e in s.evaluators[:3]]
    refused = client.post(detail, {"action": "assign", "evaluator": ids})
    assert refused.status_code == 422
    assert "周敏与盐湖区综合托育服务中心有利害关系，不能参与评估。" in refused.content.decode()
    assert Assignment.objects.count() == 0


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "请填写利害关系。"),
        ("亲属\x00任职", "含有不可见的控制字符"),
        ("长" * 201, "不能超过200个字符"),
    ],
)
def test_a_bad_reason_is_refused_with_a_message(client, demo_setup, reason, message):
    s = demo_setup
    client.force_login(s.evaluators[0])
    response = client.post(
        reverse("demonstration_conflict_list"),
        {"institution": s.institutions[0].pk, "reason": reason},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Conflict.objects.count() == 0


def test_an_unknown_institution_is_not_found(client, demo_setup):
    client.force_login(demo_setup.evaluators[0])
    response = client.post(
        reverse("demonstration_conflict_list"), {"institution": 987654, "reason": "亲属任职"}
    )
    assert response.status_code == 404
    assert Conflict.objects.count() == 0


def test_only_evaluators_declare_conflicts(client, demo_setup):
    s = demo_setup
    for user in (s.admin, s.official, s.operators[0], s.finance):
        client.force_login(user)
        url = reverse("demonstration_conflict_list")
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"institution": s.institutions[0].pk, "reason": "亲属"}).status_code
            == 403
        )
    assert Conflict.objects.count() == 0


def test_the_conflict_page_takes_a_constant_number_of_queries(client, demo_setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from huimin.demonstration import services

    s = demo_setup
    evaluator = s.evaluators[0]
    services.conflict_declare(
        actor=evaluator, institution_id=s.institutions[0].pk, reason="亲属任职"
    )
    client.force_login(evaluator)
    url = reverse("demonstration_conflict_list")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, {"q": "托育"}).status_code == 200
    for institution in s.institutions[1:]:
        services.conflict_declare(actor=evaluator, institution_id=institution.pk, reason="曾任顾问")
    with CaptureQueriesContext(connection) as three:
        assert client.get(url, {"q": "托育"}).status_code == 200
    assert len(three) == len(one)
