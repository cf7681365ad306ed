"""Seeing is not acting (issue 11, items 1 and 24): everyone who may see an institution is not
thereby allowed to re-run its compliance check (it opens and closes findings). The township,
the city, an inspector and an outside evaluator are refused and no finding changes; the
operator and the county that files it may."""

from __future__ import annotations

import pytest
from django.test import Client

from huimin.childcare import services
from huimin.childcare.models import Finding, Institution
from huimin.core.errors import Forbidden
from huimin.core.models import User

ROLES = [
    ("beicheng", User.Role.TOWNSHIP_OFFICIAL, ("140802100",)),
    ("city", User.Role.CITY_ADMIN, ("140800",)),
    ("inspector", User.Role.INSPECTOR, ("140800",)),
    ("evaluator", User.Role.EVALUATOR, ("140800",)),
]


def findings(institution: Institution) -> list[tuple]:
    return list(
        Finding.objects.filter(institution=institution)
        .order_by("pk")
        .values_list("rule", "status", "message")
    )


@pytest.mark.parametrize(("username", "role", "regions"), ROLES)
def test_who_only_sees_an_institution_may_not_rerun_its_compliance(
    institution, make_user, username, role, regions
):
    Institution.objects.filter(pk=institution.pk).update(fire_safety_manager="")
    user = make_user(username, role, regions)
    before = findings(institution)

    with pytest.raises(Forbidden, match="您的角色无权维护托育机构的记录。"):
        services.institution_compliance_refresh(actor=user, institution_id=institution.pk)
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/api/childcare/institutions/{institution.pk}/compliance",
        content_type="application/json",
    )

    assert response.status_code == 403
    assert findings(institution) == before == []


@pytest.mark.parametrize("who", ["operator", "yanhu_official"])
def test_the_operator_and_the_county_rerun_compliance(institution, request, who):
    Institution.objects.filter(pk=institution.pk).update(fire_safety_manager="")
    actor = request.getfixturevalue(who)

    found = services.institution_compliance_refresh(actor=actor, institution_id=institution.pk)

    assert [f.rule for f in found] == ["fire_safety_manager"]
