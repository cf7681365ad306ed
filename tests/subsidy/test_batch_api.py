"""The subsidy JSON API for payment batches: a finance officer creates a batch, a background
task builds it, its stored totals match the sum of its lines, a second finance officer checks
it; scope, roles, masked lines, constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huimin.core.models import Event
from huimin.subsidy import services
from huimin.subsidy.models import PaymentBatch, PaymentLine

API = "/api/subsidy"


def post(client, url: str, data: dict | None = None):
    return client.post(API + url, data or {}, content_type="application/json")


@pytest.fixture
def children(confirmed):
    """Three confirmed children of 北城街道 and what 2026 owes them."""
    return {
        "甲": confirmed(dt.date(2023, 10, 21), child_name="甲"),  # 2026: 10 months
        "乙": confirmed(dt.date(2024, 3, 15), child_name="乙"),  # 2026: 12 months
        "丙": confirmed(dt.date(2025, 1, 1), child_name="丙"),  # 2026: 12 months
    }


@pytest.fixture
def built(client, children, maker, django_capture_on_commit_callbacks) -> PaymentBatch:
    """A 盐湖区 batch for 2026 created through the API and built by its task."""
    client.force_login(maker)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/batches", {"year": 2026, "region_code": "140802"})
    assert response.status_code == 201
    return PaymentBatch.objects.get(pk=response.json()["id"])


def batch_state(batch: PaymentBatch) -> tuple[str, int, int, int]:
    batch.refresh_from_db()
    return (
        batch.status,
        batch.decisions.count(),
        batch.lines.filter(status=PaymentLine.Status.PENDING).count(),
        Event.objects.count(),
    )


# --------------------------------------------------------------------------- creating


def test_finance_creates_a_batch_whose_totals_match_its_lines(
    client, children, maker, today, django_capture_on_commit_callbacks
):
    client.force_login(maker)

    with django_capture_on_commit_callbacks(execute=True):
        created = post(client, "/batches", {"year": 2026, "region_code": "140802"})

    assert created.status_code == 201
    first = created.json()
    assert (first["status"], first["percent"], first["name"], first["totals_match"]) == (
        "created",
        0,
        "盐湖区2026年度育儿补贴第1批",
        None,
    )
    out = client.get(f"{API}/batches/{first['id']}").json()
    assert {
        key: out[key]
        for key in (
            "year",
            "region_code",
            "region_name",
            "status",
            "status_label",
            "percent",
            "expected",
            "processed",
            "line_count",
            "total_amount",
            "paid_count",
            "paid_amount",
            "failed_count",
            "month_amount",
            "created_by",
            "totals_match",
            "decisions",
        )
    } == {
        "year": 2026,
        "region_code": "140802",
        "region_name": "盐湖区",
        "status": "built",
        "status_label": "待复核",
        "percent": 100,
        "expected": 3,
        "processed": 3,
        "line_count": 3,
        "total_amount": "10200.00",
        "paid_count": 0,
        "paid_amount": "0.00",
        "failed_count": 0,
        "month_amount": "300.00",
        "created_by": "周建军",
        "totals_match": True,
        "decisions": [],
    }
    assert out["totals"] == {
        "lines": 3,
        "amount": "10200.00",
        "pending": 3,
        "paid": 0,
        "paid_amount": "0.00",
        "failed": 0,
        "failed_amount": "0.00",
        "cancelled": 0,
    }
    listed = client.get(f"{API}/batches").json()
    assert (listed["count"], listed["items"][0]["id"], listed["items"][0]["total_amount"]) == (
        1,
        first["id"],
        "10200.00",
    )


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ({"year": 2024, "region_code": "140802"}, "发放年度应在2025年至2026年之间。"),
        ({"year": 2027, "region_code": "140802"}, "发放年度应在2025年至2026年之间。"),
        ({"year": 2026, "region_code": "140802100"}, "发放区域请选择全市或一个县（市、区）。"),
    ],
)
def test_a_batch_for_a_wrong_year_or_region_is_refused_in_chinese(
    client, maker, today, payload, detail
):
    client.force_login(maker)

    response = post(client, "/batches", payload)

    assert (response.status_code, response.json()["detail"]) == (422, detail)
    assert PaymentBatch.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    [{"year": "2026", "region_code": "140802"}, {"year": 2026}, {"year": True, "region_code": "1"}],
)
def test_a_malformed_batch_body_is_422(client, maker, today, payload):
    client.force_login(maker)

    assert post(client, "/batches", payload).status_code == 422
    assert PaymentBatch.objects.count() == 0


@pytest.mark.parametrize("who", ["county", "township", "guardian"])
def test_only_finance_creates_batches(client, request, today, who):
    client.force_login(request.getfixturevalue(who))

    response = post(client, "/batches", {"year": 2026, "region_code": "140802"})

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert PaymentBatch.objects.count() == 0


# --------------------------------------------------------------------------- checking


def test_a_second_finance_officer_approves_the_batch(client, built, checker, today):
    client.force_login(checker)

    response = post(client, f"/batches/{built.pk}/decision", {"approve": True, "reason": "已核对"})

    assert response.status_code == 200
    out = response.json()
    assert (out["status"], out["status_label"], out["totals_match"]) == (
        "approved",
        "已复核，待发放",
        True,
    )
    assert [
        (d["outcome"], d["outcome_label"], d["reason"], d["actor"]) for d in out["decisions"]
    ] == [("approve", "复核通过", "已核对", "刘芳")]


def test_the_maker_cannot_check_their_own_batch_and_nothing_changes(client, built, maker, today):
    before = batch_state(built)
    client.force_login(maker)

    response = post(client, f"/batches/{built.pk}/decision", {"approve": True})

    assert response.status_code == 403
    assert response.json()["detail"] == "制单人不能复核自己创建的批次，请由另一位财务人员复核。"
    assert batch_state(built) == before


def test_a_batch_sent_back_needs_a_reason_and_voids_its_lines(client, built, checker, today):
    client.force_login(checker)
    before = batch_state(built)

    silent = post(client, f"/batches/{built.pk}/decision", {"approve": False})
    assert (silent.status_code, silent.json()["detail"]) == (422, "退回时请填写原因。")
    assert batch_state(built) == before

    response = post(
        client, f"/batches/{built.pk}/decision", {"approve": False, "reason": "金额待核"}
    )
    out = response.json()
    assert (out["status"], out["totals_match"], out["totals"]["cancelled"]) == (
        "rejected",
        None,
        3,
    )
    again = post(client, f"/batches/{built.pk}/decision", {"approve": True})
    assert again.status_code == 409


def test_a_county_official_cannot_check_a_batch(client, built, county, today):
    client.force_login(county)
    before = batch_state(built)

    response = post(client, f"/batches/{built.pk}/decision", {"approve": True})

    assert response.status_code == 403
    assert batch_state(built) == before


# --------------------------------------------------------------------------- scope and lines


def test_officials_see_the_batches_of_their_regions_only(
    client, built, county, wanrong_official, guardian, today
):
    client.force_login(county)
    assert client.get(f"{API}/batches").json()["count"] == 1
    assert client.get(f"{API}/batches/{built.pk}").status_code == 200

    client.force_login(wanrong_official)
    assert client.get(f"{API}/batches").json()["count"] == 0
    assert client.get(f"{API}/batches/{built.pk}").status_code == 404
    assert client.get(f"{API}/batches/{built.pk}/lines").status_code == 404

    client.force_login(guardian)
    assert client.get(f"{API}/batches").status_code == 403


def test_the_lines_of_a_batch_are_masked_filtered_and_paginated(client, built, children, today):
    url = f"{API}/batches/{built.pk}/lines"

    page = client.get(url, {"page_size": 2}).json()

    assert (page["count"], page["page"], page["page_size"], len(page["items"])) == (3, 1, 2, 2)
    first = page["items"][0]
    child = children["甲"].child
    assert first == {
        "id": first["id"],
        "application_id": children["甲"].pk,
        "child": {"id": child.pk, "name": "甲", "resident_id": child.masked_resident_id},
        "year": 2026,
        "months": 10,
        "amount": "3000.00",
        "region_code": "140802100",
        "region_name": "北城街道",
        "account_name": "王丽",
        "bank_name": "中国农业银行运城分行",
        "bank_account": "6228***********8901",
        "status": "pending",
        "status_label": "待发放",
        "failure_reason": "",
        "settled_on": None,
    }
    second = client.get(url, {"page_size": 2, "page": 2}).json()["items"]
    assert [(line["child"]["name"], line["amount"]) for line in second] == [("丙", "3600.00")]
    found = client.get(url, {"q": child.resident_id}).json()
    assert [line["child"]["name"] for line in found["items"]] == ["甲"]
    assert client.get(url, {"status": "paid"}).json()["count"] == 0
    assert client.get(url, {"status": "lost"}).status_code == 422
    assert child.resident_id not in client.get(url).content.decode()


# --------------------------------------------------------------------------- query counts


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_batch_list_runs_a_constant_number_of_queries(client, maker, checker, today):
    client.force_login(checker)
    url = f"{API}/batches?page_size=100"
    services.batch_create(actor=maker, year=2026, region_code="140800")
    client.get(url)
    few = _queries(client, url)
    for code in ("140802", "140822", "140829", "140800", "140802"):
        services.batch_create(actor=maker, year=2025, region_code=code)

    assert client.get(url).json()["count"] == 6
    assert _queries(client, url) == few


def test_the_line_list_runs_a_constant_number_of_queries(client, confirmed, maker, today):
    for n in range(2):
        confirmed(dt.date(2024, 1 + n, 5))
    small = services.batch_run(
        batch_id=services.batch_create(actor=maker, year=2026, region_code="140802").pk
    )
    for n in range(12):
        confirmed(dt.date(2025, 1 + n, 6))
    large = services.batch_run(
        batch_id=services.batch_create(actor=maker, year=2026, region_code="140802").pk
    )
    client.force_login(maker)
    client.get(f"{API}/batches/{small.pk}/lines")

    few = _queries(client, f"{API}/batches/{small.pk}/lines?page_size=100")

    assert (small.line_count, large.line_count) == (2, 12)
    assert _queries(client, f"{API}/batches/{large.pk}/lines?page_size=100") == few
