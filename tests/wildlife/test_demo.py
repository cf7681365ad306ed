"""Pinglu's demo (issue 13, item 9): four policy years, 38 claims in every state, the January
2025 payout of 32 maize claims totalling exactly 157,800.00 yuan, payouts a little over
500,000 yuan, the farmer login in 窑头村."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.core.models import User
from huimin.wildlife.models import Claim, PayoutBatch, Policy
from tests.demo_snapshot import demo_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    demo_city(seed=2025, scale="small", today=dt.date(2026, 11, 29), log=lambda _: None)


def test_pinglu_has_four_policy_years_with_the_demo_table(demo):
    policies = Policy.objects.filter(region__code="140829").order_by("year")
    assert [p.year for p in policies] == [2023, 2024, 2025, 2026]
    for p in policies:
        assert (p.premium_fen, p.province_owes_fen, p.limit_fen) == (
            500_000_00,
            200_000_00,
            8_000_000_00,
        )
        assert p.standards.count() == 8
        assert p.standards.get(crop="玉米", stage="成熟期").yuan_per_mu == 1150


def test_38_claims_in_every_state_and_the_january_payout(demo):
    claims = Claim.objects.filter(policy__region__code="140829")
    assert claims.count() == 38
    assert set(claims.values_list("status", flat=True)) == set(Claim.Status.values)
    january = PayoutBatch.objects.get(created_at__isnull=False, name__contains="2025年1月")
    lines = january.lines.select_related("claim")
    assert lines.count() == 32
    assert {line.claim.crop for line in lines} == {"玉米"}
    assert january.total_fen == 157_800_00
    assert sum(line.amount_fen for line in lines) == 157_800_00
    assert sum(claims.values_list("paid_fen", flat=True)) == 157_800_00
    assessed = sum(a or 0 for a in claims.values_list("amount_fen", flat=True))
    assert 500_000_00 < assessed < 510_000_00


def test_the_farmer_login_lives_in_yaotou_and_has_a_claim_to_confirm(demo):
    farmer = User.objects.get(username="farmer")
    assert farmer.has_usable_password()
    assert farmer.person.region.name == "窑头村"
    mine = Claim.objects.filter(farmer=farmer.person)
    assert set(mine.values_list("status", flat=True)) == {"paid", "surveyed"}
