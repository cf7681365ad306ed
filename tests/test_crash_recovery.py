"""Crash recovery with real processes: gunicorn and ``huimin db_worker`` killed hard (SIGKILL)
in the middle of a payment batch, and the daily runs killed halfway; on restart nothing is
lost, doubled or stuck. The same tests run on SQLite and on PostgreSQL (``DATABASE_URL``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bench.subsidy_batch import build
from huimin.core.models import Event, User
from huimin.core.services import api_token_create
from huimin.subsidy.models import PaymentBatch, PaymentLine
from tests.procs import Processes, on_postgresql, wait_until

pytest_plugins = ["tests.procs"]

#: Confirmed children of the batch: more than one chunk of ``services.BATCH_CHUNK`` (50,000),
#: so that the worker, killed once the first chunk has committed, dies while the next one is
#: being written (about 0.2 s a chunk on SQLite, over a second on PostgreSQL here).
CHILDREN_SQLITE = 120_000
CHILDREN_POSTGRESQL = 60_000


def _batch(batch_id: int) -> PaymentBatch:
    return PaymentBatch.objects.get(pk=batch_id)


def _events(batch_id: int) -> list[tuple[str, str, str]]:
    return list(
        Event.objects.filter(content_type__model="paymentbatch", object_id=batch_id)
        .order_by("pk")
        .values_list("from_status", "to_status", "reason")
    )


@pytest.mark.django_db(transaction=True)
def test_worker_and_server_killed_mid_batch_resume_on_restart_without_loss_or_double(
    processes: Processes,
):
    children = CHILDREN_POSTGRESQL if on_postgresql() else CHILDREN_SQLITE
    built = build(children)
    maker = User.objects.get(pk=built["maker_id"])
    _token, key = api_token_create(user=maker, name="crash test")
    server, base = processes.server()
    worker = processes.worker()

    created = httpx.post(
        f"{base}/api/subsidy/batches",
        json={"year": 2025, "region_code": "140800"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    batch_id = created.json()["id"]

    def first_chunk_committed() -> bool:
        batch = _batch(batch_id)
        return batch.status == PaymentBatch.Status.RUNNING and batch.processed > 0

    wait_until(first_chunk_committed, timeout=40, what="the first chunk", every=0.005)
    processes.kill_hard(worker)
    processes.kill_hard(server)

    batch = _batch(batch_id)
    assert batch.status == PaymentBatch.Status.RUNNING
    assert 0 < batch.processed < children
    # whole chunks only: the chunk in progress when the worker died was rolled back
    assert PaymentLine.objects.filter(batch_id=batch_id).count() == batch.processed
    # django-tasks-db leaves the killed worker's task "running"; it would never run it again
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == [TaskResultStatus.RUNNING]

    started = time.monotonic()
    processes.server()
    processes.worker()
    wait_until(
        lambda: _batch(batch_id).status == PaymentBatch.Status.BUILT,
        timeout=30,
        what=f"batch {batch_id} built after the restart",
    )
    resumed_in = time.monotonic() - started

    batch = _batch(batch_id)
    lines = PaymentLine.objects.filter(batch_id=batch_id)
    assert (batch.line_count, batch.processed, lines.count()) == (children, children, children)
    assert lines.values("child_id").distinct().count() == children
    assert batch.total_fen == built["expected_fen"]
    assert [(f, t) for f, t, _r in _events(batch_id)] == [
        ("", "created"),
        ("created", "running"),
        ("running", "running"),  # the resume, with its reason
        ("running", "built"),
    ]
    assert resumed_in < 20
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [(t.status, t.exception_class_path) for t in tasks] == [
        (TaskResultStatus.FAILED, "huimin.subsidy.tasks.WorkerLost"),
        (TaskResultStatus.SUCCESSFUL, ""),
    ]


# --------------------------------------------------------------------------- the daily runs


def _daily_work_due() -> dict[str, int]:
    """Give the demo city's daily runs work, one committed step per item: recognitions past
    their end, letters past their deadline, completed results unpublished, no findings and no
    credit ratings yet (each institution gets them again)."""
    from huimin.childcare.models import Finding, InclusiveRecognition
    from huimin.supervision.models import CreditRating, Inspection, OpinionLetter

    long_ago = dt.date(2026, 1, 1)
    due = {
        "expired": InclusiveRecognition.objects.filter(status="recognised").update(
            valid_to=long_ago
        ),
        "escalated": OpinionLetter.objects.filter(status="issued").update(deadline=long_ago),
        "published": Inspection.objects.filter(status="completed").update(published_on=None),
    }
    Finding.objects.all().delete()
    CreditRating.objects.all().delete()
    return due


def _daily_state(after: int = 0) -> dict[str, list[Any]]:
    from huimin.childcare.models import Finding
    from huimin.supervision.models import CreditRating, Inspection

    return {
        "events": sorted(
            Event.objects.filter(pk__gt=after).values_list(
                "content_type__model", "object_id", "to_status"
            )
        ),
        "findings": sorted(
            Finding.objects.values_list("institution_id", "rule", "subject", "status")
        ),
        "ratings": sorted(
            CreditRating.objects.values_list("institution_id", "score", "level", "reason")
        ),
        "published": sorted(
            Inspection.objects.filter(published_on__isnull=False).values_list("pk", flat=True)
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_daily_runs_killed_halfway_then_run_again_write_nothing_twice(processes: Processes):
    from huimin.childcare.models import Finding
    from huimin.supervision.models import CreditRating
    from tests.demo_snapshot import demo_city

    demo_city(seed=20261129, scale="small", today=dt.date(2026, 11, 29), log=lambda _: None)
    due = _daily_work_due()
    assert min(due.values()) > 0
    last_event = Event.objects.order_by("pk").last()
    after = last_event.pk if last_event else 0

    # each daily run is killed once it has committed part of its work
    childcare = processes.huimin("childcare", "daily")
    wait_until(lambda: Finding.objects.exists(), timeout=30, what="findings", every=0.002)
    processes.kill_hard(childcare)
    supervision = processes.huimin("supervision", "daily")
    wait_until(
        lambda: Event.objects.filter(to_status="overdue").exists() or CreditRating.objects.exists(),
        timeout=30,
        what="escalations",
        every=0.002,
    )
    processes.kill_hard(supervision)
    halfway = _daily_state(after)
    assert halfway["events"]  # some work was committed …

    for command in ("childcare", "supervision", "subsidy"):
        processes.run(command, "daily")
    done = _daily_state(after)
    assert done != halfway  # … and some was left for the second run

    # a third run finds nothing left to do and changes nothing
    again = {c: processes.run(c, "daily") for c in ("childcare", "supervision", "subsidy")}
    assert _daily_state(after) == done
    assert "普惠认定到期：0 家" in again["childcare"]
    assert "逾期上报的意见书：0 份" in again["supervision"]
    assert "新公示的检查结果：0 项" in again["supervision"]
    assert "诚信评价有变化的机构：0 家" in again["supervision"]

    # every item done exactly once
    transitions = [e[1:] for e in done["events"] if e[2] in ("expired", "overdue")]
    assert len(transitions) == len(set(transitions)) == due["expired"] + due["escalated"]
    open_findings = [f[:3] for f in done["findings"] if f[3] == "open"]
    assert len(open_findings) == len(set(open_findings)) > 0
    from huimin.supervision.models import Inspection

    publishable = Inspection.objects.filter(status="completed").exclude(outcome="warning")
    assert done["published"] == sorted(publishable.values_list("pk", flat=True))
    for institution_id in {r[0] for r in done["ratings"]}:
        history = list(
            CreditRating.objects.filter(institution_id=institution_id)
            .order_by("computed_at", "pk")
            .values_list("score", "contributions")
        )
        assert all(a != b for a, b in zip(history, history[1:], strict=False))
