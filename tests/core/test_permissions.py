"""Least privilege (issue 11, item 24): every role's grants, each with its reason; the grants
removed in the review are refused through pages and API alike, and nothing is read or changed.
The childcare side (rosters, compliance runs) is in tests/childcare/test_least_privilege.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huimin.core.models import AccessLog, Person, User
from huimin.core.rules import GRANTS, ROLE_PERMISSIONS, Perm, Role


def test_every_role_has_its_grants_and_every_grant_its_reason():
    assert set(GRANTS) == set(Role)
    for role, grants in GRANTS.items():
        assert ROLE_PERMISSIONS[role] == frozenset(grants)
        for perm, reason in grants.items():
            assert isinstance(perm, Perm)
            assert len(reason.strip()) >= 10, (role, perm)


@pytest.mark.parametrize(
    ("role", "granted"),
    [
        (
            Role.EVALUATOR,
            {Perm.REGION_VIEW, Perm.INSTITUTION_VIEW, Perm.DEMO_VIEW, Perm.DEMO_SCORE},
        ),
        (
            Role.FINANCE,
            {
                Perm.PERSON_VIEW,
                Perm.PERSON_UNMASK,
                Perm.REGION_VIEW,
                Perm.SUBSIDY_VIEW,
                Perm.BATCH_MAKE,
                Perm.BATCH_CHECK,
                Perm.WILDLIFE_VIEW,
                Perm.WILDLIFE_PAY,
                Perm.DEMO_VIEW,
                Perm.DEMO_PAY,
            },
        ),
        (
            Role.FEDERATION,
            {
                Perm.PERSON_VIEW,
                Perm.REGION_VIEW,
                Perm.DISABILITY_VIEW,
                Perm.DISABILITY_REQUEST,
                Perm.DISABILITY_HANDLE,
                Perm.OUTREACH_VIEW,  # its winter-warmth home visits and their follow-ups
                Perm.OUTREACH_MANAGE,
            },
        ),
        (
            Role.ADJUSTER,
            {Perm.REGION_VIEW, Perm.WILDLIFE_VIEW, Perm.WILDLIFE_HANDLE, Perm.WILDLIFE_PAY},
        ),
        (Role.DOCTOR, {Perm.REGION_VIEW, Perm.DISABILITY_VIEW, Perm.DISABILITY_ASSESS}),
        (
            Role.CITIZEN,
            {
                Perm.PERSON_VIEW,
                Perm.SUBSIDY_APPLY,
                Perm.WILDLIFE_REPORT,
                Perm.DISABILITY_REQUEST,
            },
        ),
    ],
)
def test_roles_outside_the_offices_hold_only_what_they_need(role, granted):
    assert ROLE_PERMISSIONS[role] == frozenset(granted)


@pytest.mark.parametrize(
    ("role", "removed"),
    [
        (Role.EVALUATOR, Perm.ROSTER_VIEW),
        (Role.FINANCE, Perm.PERSON_EXPORT),
        (Role.FEDERATION, Perm.PERSON_EDIT),
        (Role.FEDERATION, Perm.PERSON_UNMASK),
        (Role.TOWNSHIP_OFFICIAL, Perm.PERSON_EXPORT),
        (Role.TOWNSHIP_OFFICIAL, Perm.SUPERVISION_VIEW),
        (Role.TOWNSHIP_OFFICIAL, Perm.ROSTER_VIEW),
        (Role.CITY_ADMIN, Perm.ROSTER_VIEW),
    ],
)
def test_the_grants_removed_in_the_review_stay_removed(role, removed):
    assert removed not in ROLE_PERMISSIONS[role]


def test_finance_does_not_export_the_registry(client, make_user, wanrong_person):
    client.force_login(make_user("finance", User.Role.FINANCE, ("140800",)))

    response = client.get(reverse("person_export"))

    assert response.status_code == 403


def test_the_federation_neither_edits_nor_reveals_a_person(client, make_user, wanrong_person):
    user = make_user("federation", User.Role.FEDERATION, ("140822",))
    client.force_login(user)
    before = Person.objects.values().get(pk=wanrong_person.pk)

    reveal = client.post(f"/api/people/{wanrong_person.pk}/reveal", {}, "application/json")
    edit = client.patch(
        f"/api/people/{wanrong_person.pk}",
        {"name": "改名", "region_code": "140822101"},
        "application/json",
    )
    page = client.get(reverse("person_detail", args=[wanrong_person.pk]))

    assert (reveal.status_code, edit.status_code, page.status_code) == (403, 403, 200)
    assert wanrong_person.resident_id not in page.content.decode()
    assert Person.objects.values().get(pk=wanrong_person.pk) == before
    assert not AccessLog.objects.exists()


def test_a_township_neither_exports_the_registry_nor_reads_supervision(client, make_user):
    client.force_login(make_user("beicheng", User.Role.TOWNSHIP_OFFICIAL, ("140802100",)))

    assert client.get(reverse("person_export")).status_code == 403
    assert client.get(reverse("supervision_inspection_list")).status_code == 403
    assert client.get("/api/supervision/inspections").status_code == 403
    assert client.get("/api/supervision/letters").status_code == 403
