"""Pages and API ask the same selector with the same permission (issue 11, item 6): parents'
complaints are read by the officials who record and decide them, inspectors' declared
conflicts by the inspector who declared them — on /supervision/… and /api/supervision/… alike;
every other role gets 403 on both."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from huimin.core.models import User
from huimin.supervision import services
from tests.supervision.conftest import CITY, TODAY, CountySetup


@pytest.fixture
def recorded(county_setup: CountySetup, fixed_now, make_user) -> dict[str, User]:
    """A complaint about the operator's institution, a conflict declared by an inspector, and
    one user of every role that has a supervision menu."""
    setup = county_setup
    services.complaint_record(
        actor=setup.official,
        institution_id=setup.institutions[0].pk,
        received_on=TODAY,
        summary="家长反映午睡室无人看护",
    )
    services.conflict_declare(
        actor=setup.inspectors[0],
        institution_id=setup.institutions[1].pk,
        reason="配偶在该机构任职",
    )
    return {
        "city": make_user("city", User.Role.CITY_ADMIN, (CITY,)),
        "county": setup.official,
        "beicheng": make_user("beicheng", User.Role.TOWNSHIP_OFFICIAL, ("140802100",)),
        "operator": setup.operator,
        "inspector": setup.inspectors[0],
        "evaluator": make_user("evaluator", User.Role.EVALUATOR, (CITY,)),
    }


#: who → (complaints, conflicts): the rows each role gets, None for 403.
EXPECTED = {
    "city": (1, None),
    "county": (1, None),
    "beicheng": (None, None),
    "operator": (None, None),
    "inspector": (None, 1),
    "evaluator": (None, None),
}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize(
    ("column", "page", "api"),
    [
        (0, "supervision_complaint_list", "/api/supervision/complaints"),
        (1, "supervision_conflict_list", "/api/supervision/conflicts"),
    ],
)
def test_page_and_api_agree_for_every_role(recorded, who, column, page, api):
    client = Client()
    client.force_login(recorded[who])
    expected = EXPECTED[who][column]

    on_page = client.get(reverse(page))
    on_api = client.get(api)

    if expected is None:
        assert (on_page.status_code, on_api.status_code) == (403, 403)
        assert "家长反映" not in on_api.content.decode()
        assert "配偶" not in on_api.content.decode()
    else:
        assert (on_page.status_code, on_api.status_code) == (200, 200)
        assert on_page.context["page"].paginator.count == on_api.json()["count"] == expected
