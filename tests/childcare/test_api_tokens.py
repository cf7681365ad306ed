"""A bearer-token write in childcare needs no CSRF token (issue 11, item 7)."""

from __future__ import annotations

from huimin.childcare.models import Finding, Institution
from tests.core.test_api_tokens import token_client


def test_a_token_re_evaluates_compliance(institution, yanhu_official):
    Institution.objects.filter(pk=institution.pk).update(fire_safety_manager="")
    client, auth = token_client(yanhu_official)

    response = client.post(
        f"/api/childcare/institutions/{institution.pk}/compliance",
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 200
    assert [f["rule"] for f in response.json()] == ["fire_safety_manager"]
    assert list(Finding.objects.values_list("rule", flat=True)) == ["fire_safety_manager"]
