"""The demo city's workforce training: the partner college's courses and 盐湖区's own, staff
enrolled and some completed (their hours in the childcare training records), institutions
short of the yearly hours, and the ``operator`` login's staff with one who met them."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.childcare.models import TrainingRecord
from huimin.core.models import User
from huimin.demonstration import selectors
from huimin.demonstration.models import Course, CourseEnrolment
from tests.demo_snapshot import demo_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    demo_city(seed=2025, scale="small", today=dt.date(2026, 11, 29), log=lambda _: None)


def test_the_demo_has_the_three_kinds_of_course_with_the_partner_college(demo):
    courses = {(c.kind, c.provider, c.hours, c.region.code) for c in Course.objects.all()}
    assert courses == {
        ("pre_service", "运城幼儿师范高等专科学校", 40, "140800"),
        ("in_service", "运城幼儿师范高等专科学校", 72, "140800"),
        ("head", "运城幼儿师范高等专科学校", 32, "140800"),
        ("in_service", "盐湖区妇幼保健计划生育服务中心", 16, "140802"),
    }


def test_completions_wrote_the_training_records_and_institutions_fall_short(demo):
    completed = CourseEnrolment.objects.filter(status="completed")
    assert completed.count() == 3  # the head's course, 72 hours and 16 hours
    assert all(e.training is not None for e in completed)
    assert TrainingRecord.objects.filter(pk__in=completed.values("training")).count() == (
        completed.count()
    )
    year = Course.objects.order_by("starts_on").first().starts_on.year
    short = selectors.institutions_short_for_user(
        user=User.objects.get(username="yanhu"), year=year
    )
    assert [r.institution.name for r in short][:1] == ["盐湖区综合托育服务中心"]
    rows = selectors.staff_hours_for_operator(user=User.objects.get(username="operator"), year=year)
    assert [r.missing for r in rows].count(0) == 1
    assert sum(1 for r in rows if r.missing) == len(rows) - 1
