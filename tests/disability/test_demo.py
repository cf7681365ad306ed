"""The disability demo (issue 14, item 8): about 190 home-service cases of 2025 in 万荣县 and
other counties through the services, objections, overdue cases, and the federation and doctor
logins see their work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from huimin.core.models import User
from huimin.disability import selectors
from huimin.disability.models import Case, Certificate, Objection
from tests.demo_snapshot import demo_city

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def demo(db):
    lines: list[str] = []
    demo_city(seed=2025, scale="small", today=TODAY, log=lines.append)
    return lines


def test_about_190_cases_of_2025_with_visits_postings_certificates(demo):
    of_2025 = Case.objects.filter(requested_at__year=2025)
    assert 185 <= of_2025.count() <= 200
    assert of_2025.filter(region__path__startswith="140800/140822/").count() >= 110
    assert {c[:6] for c in of_2025.values_list("region__code", flat=True)} == {
        "140822",
        "140802",
        "140829",
    }
    assert Certificate.objects.count() >= 160
    assert Objection.objects.count() >= 3
    assert of_2025.filter(status=Case.Status.NOT_QUALIFIED).count() >= 3
    assert of_2025.filter(multiple_in_household=True).count() >= 4
    for cert in Certificate.objects.all()[:50]:
        assert cert.number == f"{cert.person.resident_id}{cert.category}{cert.grade}"
    rates = selectors.on_time_by_month(of_2025)
    completed = sum(m.completed for m in rates)
    on_time = sum(m.on_time for m in rates)
    assert 0 < completed - on_time < completed * 0.2  # a few late, most on time


def test_federation_and_doctor_see_their_work(demo, client):
    federation = User.objects.get(username="federation")
    doctor = User.objects.get(username="doctor")
    assert selectors.overdue_for_user(user=federation, today=TODAY).count() >= 3
    assert selectors.queue_for_user(user=federation).count() >= 2
    waiting = selectors.case_list_for_user(
        user=doctor, filters=selectors.CaseFilters(status=Case.Status.VISITED)
    ).filter(team__doctor=doctor)
    assert waiting.count() >= 2
    client.force_login(federation)
    home = client.get(reverse("home")).content.decode()
    assert "上门办证逾期未办结" in home
    client.force_login(doctor)
    assert "待我评定的残疾人" in client.get(reverse("home")).content.decode()
