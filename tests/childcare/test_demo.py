"""The childcare part of the small demo city: an institution in every county, the demo
operator's own, findings as the compliance engine opens them, deterministic for a seed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from huimin.childcare import rules, services
from huimin.childcare.models import (
    Enrollment,
    Filing,
    Finding,
    InclusiveRecognition,
    Institution,
    OperatorBinding,
)
from huimin.childcare.selectors import institution_scope, recognition_current
from huimin.core import rules as core_rules
from huimin.core.demo import DemoContext
from huimin.core.selectors import working_deadline
from tests.demo_snapshot import demo_city

TODAY = dt.date(2026, 11, 29)


def _own() -> QuerySet[Institution]:
    """The childcare demo's institutions: the demonstration demo adds the city's 16
    demonstration institutions (huimin/demonstration/demo.py), which these tests do not
    describe."""
    return Institution.objects.filter(demonstration_titles__isnull=True)


@pytest.fixture
def small_city(db) -> DemoContext:
    return demo_city(seed=2025, scale="small", today=TODAY)


def test_the_small_demo_city_has_an_institution_in_every_county(small_city):
    counties = sorted(
        _own().values_list("region__parent__code", flat=True)  # townships
    )
    assert counties == sorted(code for code, _name in core_rules.COUNTIES)
    names = set(_own().values_list("name", flat=True))
    assert {"盐湖区综合托育服务中心", "临猗县童乐托育园", "万荣县幼儿园托班"} <= names
    assert set(_own().values_list("kind", flat=True)) >= {
        "independent",
        "kindergarten",
    }
    statuses = list(_own().values_list("status", flat=True))
    assert (statuses.count("filed"), statuses.count("filing"), statuses.count("registered")) == (
        11,
        1,
        1,
    )


def test_the_demo_operator_keeps_the_records_of_the_yanhu_centre(small_city):
    operator = small_city.users["operator"]
    binding = OperatorBinding.objects.select_related("institution__region").get(user=operator)
    centre = binding.institution
    assert (centre.name, centre.region.name, centre.status) == (
        "盐湖区综合托育服务中心",
        "北城街道",
        "filed",
    )
    assert list(institution_scope(operator)) == [centre]
    assert recognition_current(centre, TODAY) is not None
    assert not centre.findings.filter(status="open").exists()
    toddlers = centre.classes.get(name="托小一班")  # full: one more child overfills it
    assert toddlers.enrollments.filter(status="active").count() == 15
    assert toddlers.caregivers.count() == 3


def test_some_findings_of_the_kinds_the_issue_names_exist(small_city):
    open_rules = set(Finding.objects.filter(status="open").values_list("rule", flat=True))
    assert {
        "class_over_capacity",
        "staff_health_certificate",
        "morning_check_missing",
        "recording_retention",
        "child_age_out_of_range",
    } <= open_rules
    with_findings = Institution.objects.filter(findings__status="open").distinct().count()
    assert 0 < with_findings < Institution.objects.count()


def test_the_findings_are_the_ones_the_compliance_engine_opens(small_city):
    before = set(
        Finding.objects.filter(status="open").values_list("institution", "rule", "subject")
    )
    for institution in _own():
        services.compliance_refresh(institution=institution, on=TODAY)
    after = set(Finding.objects.filter(status="open").values_list("institution", "rule", "subject"))
    assert after == before


def test_every_child_fits_a_class_or_has_an_age_finding(small_city):
    age_findings = set(
        Finding.objects.filter(status="open", rule="child_age_out_of_range").values_list(
            "institution_id", "subject"
        )
    )
    outgrown = 0
    for e in Enrollment.objects.filter(status="active").select_related("child", "care_class"):
        std = rules.CLASS_STANDARDS[rules.ClassKind(e.care_class.kind)]
        months = rules.age_in_months(e.child.birth_date, TODAY)
        if not std.min_months <= months < std.max_months:
            outgrown += 1
            assert (e.institution_id, f"幼儿：{e.child.name}") in age_findings
        assert rules.age_in_months(e.child.birth_date, e.enrolled_on) < 36
        assert e.admission_check_on <= e.enrolled_on
    assert outgrown == len(age_findings) > 0


def test_children_have_valid_ids_from_the_county_of_their_institution(small_city):
    for e in Enrollment.objects.select_related("child__region", "institution__region"):
        parsed = core_rules.resident_id_parse(e.child.resident_id, today=TODAY)
        county = e.institution.region.code[:6]
        assert (parsed.birth_date, parsed.address_code) == (e.child.birth_date, county)
        assert e.child.region.code.startswith(county)


def test_filings_awaiting_the_county_have_deadlines_from_the_working_day_calendar(small_city):
    waiting = Filing.objects.filter(status="submitted")
    assert waiting.exists()
    for filing in waiting:
        submitted = timezone.localdate(filing.submitted_at)
        assert filing.deadline == working_deadline(start=submitted, working_days=5)


def test_about_a_third_are_recognised_as_inclusive(small_city):
    own = _own()
    recognised = InclusiveRecognition.objects.filter(
        institution__in=own, status="recognised", valid_from__lte=TODAY, valid_to__gte=TODAY
    )
    assert recognised.count() == round(own.count() / 3)
    assert InclusiveRecognition.objects.filter(status="applied").exists()


def test_institutions_that_filed_have_every_material_the_filing_needs(small_city):
    for institution in _own().exclude(status="registered"):
        problems = rules.filing_problems(
            uploaded=institution.documents.values_list("material", flat=True),
            serves_meals=institution.serves_meals,
            premises_owned=institution.premises_owned,
            lease_years=institution.lease_years,
        )
        assert problems == [], institution.name
    document = Institution.objects.get(name="盐湖区综合托育服务中心").documents.first()
    assert document is not None
    with document.file.open("rb") as handle:
        assert handle.read(8) == b"%PDF-1.4"


def test_the_demo_city_finds_this_builder_without_core_importing_childcare():
    from huimin.childcare import demo
    from huimin.core.demo import app_demo_builders

    assert demo.build in app_demo_builders()


def test_a_demo_change_filing_shows_what_changed_old_and_new(small_city):
    from huimin.core.timeline import changes_made_at

    changes = Filing.objects.filter(kind=Filing.Kind.CHANGE).select_related("institution")
    assert changes.exists()
    for filing in changes:
        shown = changes_made_at(filing.institution, at=filing.submitted_at)
        label = filing.summary.removeprefix("变更：")
        assert shown is not None
        assert len(shown) == 1
        changed_label, old, new = shown[0]
        assert label.startswith(changed_label)  # 核定托位数, or 全日托收费 (without its unit)
        assert old != new
