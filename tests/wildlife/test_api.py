"""GET /api/wildlife/estimate (public) and the claims endpoints."""

from __future__ import annotations

import pytest

from huimin.wildlife.models import Claim

pytestmark = pytest.mark.django_db

URL = "/api/wildlife/estimate"
GOOD = {
    "county": "140829",
    "crop": "玉米",
    "stage": "成熟期",
    "area_mu": "2.37",
    "loss_percent": 35,
}


def test_the_estimate_needs_no_login_and_rounds_half_up(client, policy):
    response = client.get(URL, {**GOOD, "date": "2026-06-15"})

    assert response.status_code == 200
    body = response.json()
    assert body["amount"] == "953.93"
    assert body["yuan_per_mu"] == "1150.00"
    assert (body["policy"]["year"], body["policy"]["county_name"]) == (2026, "平陆县")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"county": "140822"}, "date", "万荣县没有保险期间"),
        ({"county": "999999"}, "county", "不是运城市的县"),
        ({"crop": "水稻"}, "crop", "没有作物“水稻”"),
        ({"stage": "抽穗期"}, "stage", "玉米没有“抽穗期”"),
        ({"area_mu": "0"}, "area_mu", "应大于0亩"),
        ({"area_mu": "-2"}, "area_mu", "应大于0亩"),
        ({"area_mu": "2.375"}, "area_mu", "最多保留两位小数"),
        ({"area_mu": "两亩"}, "area_mu", "不是数字"),
        ({"loss_percent": "0"}, "loss_percent", "不能小于 1"),
        ({"loss_percent": "101"}, "loss_percent", "不能大于 100"),
        ({"loss_percent": "35.5"}, "loss_percent", "应为整数"),
        ({"date": "2025-06-15"}, "date", "没有保险期间包含2025-06-15"),
        ({"date": "2026-13-01"}, "date", "YYYY-MM-DD"),
    ],
)
def test_each_bad_input_of_the_estimate_is_a_422_naming_the_problem(
    client, policy, changes, field, words
):
    response = client.get(URL, {**GOOD, "date": "2026-06-15", **changes})

    assert response.status_code == 422
    body = response.json()
    assert words in body["detail"]
    assert any(e["field"].endswith(field) for e in body["errors"])


def test_the_estimate_page_shows_the_amount(client, policy):
    response = client.get("/wildlife/estimate/", {**GOOD, "date": "2026-06-15"})
    assert response.status_code == 200
    assert "953.93" in response.content.decode()


def test_the_farmer_lists_only_their_claims(client, report, farmer, make_person, make_user):
    mine = report()
    other = make_user("other", "citizen", (), person=make_person("140829102201", name="王五"))
    report(actor=other)
    client.force_login(farmer)

    body = client.get("/api/wildlife/claims").json()

    assert [c["id"] for c in body["items"]] == [mine.pk]


def test_the_adjuster_accepts_and_rejects_through_the_api(client, report, adjuster):
    first, second = report(), report()
    client.force_login(adjuster)

    accepted = client.post(f"/api/wildlife/claims/{first.pk}/accept")
    rejected = client.post(
        f"/api/wildlife/claims/{second.pk}/reject",
        {"exclusion": "reserve", "note": "进入湿地保护区"},
        content_type="application/json",
    )
    again = client.post(f"/api/wildlife/claims/{first.pk}/accept")

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert rejected.json()["exclusion_label"] == "未经批准进入自然保护区造成的损失"
    assert again.status_code == 409
    assert Claim.objects.get(pk=second.pk).status == "rejected"


def test_the_farmer_confirms_through_the_api(client, surveyed, farmer):
    claim = surveyed()
    client.force_login(farmer)
    body = client.post(f"/api/wildlife/claims/{claim.pk}/confirm").json()
    assert (body["status"], body["amount"]) == ("agreed", "953.93")
    assert body["payment_due"]
