"""Workforce training: completion writes the staff member's childcare training record (hours
counted once), certificates are unique, and the institutions whose staff fall short of the
yearly hours are listed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huimin.childcare.models import Staff, TrainingRecord
from huimin.core.errors import Duplicate, NotFound
from huimin.demonstration import rules, selectors, services

pytestmark = pytest.mark.django_db


def test_completion_records_the_hours_once_and_the_certificate(demo_setup, staff):
    today = timezone.localdate()
    course = services.course_create(
        actor=demo_setup.admin,
        title="婴幼儿回应性照护在岗培训",
        provider="运城幼儿师范高等专科学校",
        kind="in_service",
        hours=72,
        starts_on=today - dt.timedelta(days=10),
    )
    enrolments = [
        services.enrolment_add(actor=demo_setup.admin, course_id=course.pk, staff_id=s.pk)
        for s in staff
    ]
    with pytest.raises(Duplicate):
        services.enrolment_add(actor=demo_setup.admin, course_id=course.pk, staff_id=staff[0].pk)
    services.enrolment_complete(
        actor=demo_setup.admin,
        enrolment_id=enrolments[0].pk,
        completed_on=today,
        certificate_no="YC2026-0001",
    )
    assert TrainingRecord.objects.get(staff=staff[0]).hours == 72
    assert Staff.objects.get(pk=staff[0].pk).training_hours == 72
    with pytest.raises(Duplicate):
        services.enrolment_complete(
            actor=demo_setup.admin,
            enrolment_id=enrolments[1].pk,
            completed_on=today,
            certificate_no="YC2026-0001",
        )
    assert TrainingRecord.objects.filter(staff=staff[1]).count() == 0
    short = selectors.institutions_short_for_user(user=demo_setup.admin, year=today.year)
    assert [(r.institution, r.staff, r.short) for r in short] == [
        (demo_setup.institutions[0], 2, 1)
    ]
    assert rules.TRAINING_HOURS_PER_YEAR == 72


def test_another_county_cannot_enrol_or_see_the_staff(demo_setup, staff):
    course = services.course_create(
        actor=demo_setup.admin,
        title="托育机构负责人培训",
        provider="运城幼儿师范高等专科学校",
        kind="head",
        hours=40,
        starts_on=timezone.localdate(),
    )
    with pytest.raises(NotFound):
        services.enrolment_add(
            actor=demo_setup.other_official, course_id=course.pk, staff_id=staff[0].pk
        )
