"""A bearer-token write in supervision needs no CSRF token (issue 11, item 7)."""

from __future__ import annotations

from huimin.supervision.models import DrawPlan
from tests.core.test_api_tokens import token_client


def test_a_token_creates_a_plan(county_setup, fixed_now):
    client, auth = token_client(county_setup.official)

    response = client.post(
        "/api/supervision/plans",
        {"name": "2026年第四季度双随机抽查", "region_code": "140802", "target_count": 2},
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 201
    plan = DrawPlan.objects.get()
    assert (plan.name, plan.created_by_id, plan.status) == (
        "2026年第四季度双随机抽查",
        county_setup.official.pk,
        "draft",
    )
