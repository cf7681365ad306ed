"""A bearer-token write in subsidy needs no CSRF token (issue 11, item 7)."""

from __future__ import annotations

from huimin.subsidy.models import Application
from tests.core.test_api_tokens import token_client


def test_a_token_reviews_an_application(apply, township):
    application = apply()
    client, auth = token_client(township)

    response = client.post(
        f"/api/subsidy/applications/{application.pk}/review",
        {"approve": True},
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 200
    assert Application.objects.get(pk=application.pk).status == "township_approved"
