"""The demo city holds the reference city's picture: 6 provincial and 10 city-level
demonstration institutions, 670,000 yuan of city awards paid from a finished round, and a
round in progress in which the ``evaluator`` login has scoring to do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from huimin.core.models import User
from huimin.demonstration import selectors
from huimin.demonstration.models import Application, Award, Round
from tests.demo_snapshot import demo_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    demo_city(seed=2025, scale="small", today=dt.date(2026, 11, 29), log=lambda _: None)


def test_6_provincial_and_10_city_level_demonstration_institutions(demo):
    titles = selectors.titles_current()
    assert titles.filter(level="provincial").count() == 6
    assert titles.filter(level="city").count() == 10


def test_670000_yuan_of_city_awards_paid_from_a_finished_round(demo):
    finished = Round.objects.get(name="2025年市级示范托育机构创建")
    assert (finished.status, finished.level) == ("closed", "city")
    assert (finished.paid_fen, finished.reserved_fen, finished.left_fen) == (
        670_000_00,
        0,
        30_000_00,
    )
    paid = Award.objects.filter(status="paid")
    assert paid.count() == 10
    assert paid.aggregate(s=Sum("amount_fen"))["s"] == 670_000_00
    assert all(a.amount_fen >= 50_000_00 for a in paid)
    assert set(paid.values_list("requested_by__username", "paid_by__username")) == {
        ("finance", "finance2")
    }


def test_a_round_in_progress_and_the_evaluator_has_scoring_to_do(demo):
    current = Round.objects.get(name="2026年市级示范托育机构创建")
    assert current.status == "open"
    statuses = set(Application.objects.filter(round=current).values_list("status", flat=True))
    assert statuses == {"submitted", "recommended", "scoring"}
    evaluator = User.objects.get(username="evaluator")
    todo = selectors.assignment_list_for_user(user=evaluator, status="assigned")
    assert [a.application.institution.name for a in todo] == ["永济市小脚丫托育中心"]


def test_the_policy_library_and_the_operators_reading(demo):
    from huimin.demonstration.models import PolicyDocument

    assert PolicyDocument.objects.count() == 7
    operator = User.objects.get(username="operator")
    assert selectors.policies_unread_for_user(operator).count() == 5
    assert sorted(d.title for d in selectors.policy_search("示范")) == [
        "运城市普惠托育机构认定扶持实施办法",
        "运城市试点托育机构评估细则",
    ]


def test_the_dashboard_shows_the_awards_paid_from_its_data(demo, client):
    admin = User.objects.get(username="admin")
    d = selectors.dashboard_for_user(user=admin, today=dt.date(2026, 11, 29))
    assert (d.paid_fen, d.paid_count, d.provincial, d.city_level) == (670_000_00, 10, 6, 10)
    assert ("2025年市级示范托育机构创建", 700_000_00, 670_000_00, 0) in d.by_round
    client.force_login(admin)
    page = client.get("/demonstration/dashboard/").content.decode()
    assert '<div class="stat" id="paid-total">670,000.00</div>' in page
