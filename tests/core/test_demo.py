import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from huimin.core import rules
from huimin.core.demo import DEMO_ACCOUNTS, demo_city_build
from huimin.core.models import Person, Region, User
from tests.demo_snapshot import demo_city

#: The core builders' people: 20 per county in the small city, and the records of the two
#: citizens (the guardian and the farmer).
CORE_PEOPLE = 13 * 20 + 2


def _people_of_other_modules() -> int:
    """People the other modules' demo builders register (children, guardians, staff)."""
    from huimin.childcare.models import Enrollment, Staff
    from huimin.core.models import HouseholdMember
    from huimin.disability.models import Case
    from huimin.outreach.models import Beneficiary, FollowUp, Visit
    from huimin.subsidy.models import Application
    from huimin.wildlife.models import Claim

    ids = set(Enrollment.objects.values_list("child_id", flat=True))
    ids |= set(Enrollment.objects.values_list("guardian_id", flat=True))
    ids |= set(Staff.objects.values_list("person_id", flat=True))
    ids |= set(Application.objects.values_list("child_id", flat=True))
    ids |= set(Application.objects.values_list("applicant_id", flat=True))
    ids |= set(Claim.objects.values_list("farmer_id", flat=True))
    ids |= set(Case.objects.values_list("person_id", flat=True))  # disability home service
    # outreach: the families it visits and serves (its volunteers are people already there)
    households = set(Visit.objects.values_list("household_id", flat=True))
    households |= set(Beneficiary.objects.values_list("household_id", flat=True))
    ids |= set(
        HouseholdMember.objects.filter(household_id__in=households).values_list(
            "person_id", flat=True
        )
    )
    for model in (Visit, Beneficiary, FollowUp):
        ids |= set(model.objects.values_list("person_id", flat=True))
    ids.discard(None)
    ids.discard(User.objects.get(username="citizen").person_id)  # a core person, applying
    ids.discard(User.objects.get(username="farmer").person_id)  # a core person, reporting
    return len(ids)


def _people() -> list[tuple[str, str, str]]:
    return list(
        Person.objects.order_by("resident_id").values_list("resident_id", "name", "region__code")
    )


def _childcare() -> list[tuple[str, ...]]:
    """The childcare demo's institutions, children in their classes and findings."""
    from huimin.childcare.models import Enrollment, Finding, Institution

    institutions = Institution.objects.values_list("name", "kind", "status", "region__code")
    children = Enrollment.objects.values_list(
        "institution__name", "care_class__name", "child__resident_id", "child__name"
    )
    findings = Finding.objects.values_list("institution__name", "rule", "subject", "message")
    return sorted(
        [tuple(map(str, row)) for row in institutions]
        + [tuple(map(str, row)) for row in children]
        + [tuple(map(str, row)) for row in findings]
    )


def _build_then_roll_back(seed: int) -> tuple[list[tuple[str, str, str]], list[tuple[str, ...]]]:
    with transaction.atomic():
        demo_city_build(seed=seed, scale="small", today=dt.date(2026, 11, 29), log=lambda _: None)
        people, childcare = _people(), _childcare()
        assert len(people) == CORE_PEOPLE + _people_of_other_modules()
        transaction.set_rollback(True)
    return people, childcare


def test_the_demo_city_is_deterministic_for_a_seed(db):
    """The builder itself, three times (the other tests copy one build: tests/demo_snapshot):
    the same seed gives the same people and the same childcare institutions, children and
    findings; another seed other people and institutions."""
    people, childcare = _build_then_roll_back(7)
    assert childcare
    assert _build_then_roll_back(7) == (people, childcare)
    other_people, other_childcare = _build_then_roll_back(8)
    assert other_people != people
    assert other_childcare != childcare


def test_the_demo_city_has_the_13_counties_and_valid_ids_from_them(db):
    demo_city(seed=2025, scale="small", today=dt.date(2026, 11, 29))
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).values_list("code", "name"))
    assert counties == list(rules.COUNTIES)
    county_codes = {code for code, _ in rules.COUNTIES}
    today = dt.date(2026, 11, 29)
    for number, birth, sex in Person.objects.values_list("resident_id", "birth_date", "sex"):
        parsed = rules.resident_id_parse(number, today=today)
        assert (parsed.birth_date, parsed.sex) == (birth, sex)
        assert number[:6] in county_codes
    assert Person.objects.count() == CORE_PEOPLE + _people_of_other_modules()
    demo_usernames = {a.username for a in DEMO_ACCOUNTS}
    assert demo_usernames <= set(User.objects.values_list("username", flat=True))
    # the other accounts (institutions' operators, other counties' officials) cannot log in
    assert not any(
        u.has_usable_password() for u in User.objects.exclude(username__in=demo_usernames)
    )
    assert {u.role for u in User.objects.all()} == set(User.Role.values)


def test_seed_demo_refuses_a_database_with_data_and_if_empty_skips(db, capsys):
    call_command("seed_demo", "--scale", "small")
    with pytest.raises(CommandError, match="数据库中已有数据，未生成演示数据"):
        call_command("seed_demo")
    call_command("seed_demo", "--if-empty")
    assert "保留现有数据" in capsys.readouterr().out
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == 13
