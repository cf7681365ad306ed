"""Batches whose worker was lost are queued again (``services.batch_resume_stalled``, run by
every ``huimin db_worker``): when they have not moved for ``rules.BATCH_STALLED_AFTER``, or at
once when their task's worker ran on this machine and has exited. The real processes killed
hard are in tests/test_crash_recovery.py."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from huimin.core.models import Event
from huimin.core.workers import worker_gone, worker_id_new
from huimin.subsidy import rules, services
from huimin.subsidy.models import PaymentBatch, PaymentLine
from huimin.subsidy.tasks import batch_run_task


@pytest.fixture
def lost_batch(confirmed, maker, today) -> PaymentBatch:
    """A batch committed but never queued — what a server killed between the commit and the
    enqueue leaves (here: the test's transaction never runs the on-commit enqueue)."""
    for i in range(3):
        confirmed(dt.date(2024, 1, 1) + dt.timedelta(days=i), child_name=f"童{i}")
    batch = services.batch_create(actor=maker, year=2025, region_code="140800")
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.CREATED
    return batch


def _later(batch: PaymentBatch, delta: dt.timedelta) -> dt.datetime:
    return batch.updated_at + delta


def _resume_events(batch: PaymentBatch) -> list[str]:
    return list(
        Event.objects.filter(
            content_type__model="paymentbatch",
            object_id=batch.pk,
            reason__startswith=services.RESUME_REASON,
        ).values_list("reason", flat=True)
    )


def _task(batch: PaymentBatch, status: str, worker_id: str = "") -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [batch.pk], "kwargs": {}},
        task_path=batch_run_task.module_path,
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[worker_id] if worker_id else [],
    )


def _dead_worker_id() -> str:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )  # noqa: S603
    return f"{socket.gethostname()[:40]}/{child.stdout.strip()}/gone0000"


def test_a_batch_that_has_not_moved_for_the_rule_is_queued_again_and_built(lost_batch):
    stale = _later(lost_batch, rules.BATCH_STALLED_AFTER)

    assert services.batch_resume_stalled(now=stale) == [lost_batch.pk]

    lost_batch.refresh_from_db()  # the immediate backend of the tests built it at once
    assert (lost_batch.status, lost_batch.line_count) == (PaymentBatch.Status.BUILT, 3)
    assert _resume_events(lost_batch) == ["生成中断后自动继续（5分钟无进展）：从已处理0/0人处继续"]


def test_a_batch_that_moved_recently_is_left_alone(lost_batch):
    fresh = _later(lost_batch, rules.BATCH_STALLED_AFTER - dt.timedelta(seconds=1))

    assert services.batch_resume_stalled(now=fresh) == []
    lost_batch.refresh_from_db()
    assert lost_batch.status == PaymentBatch.Status.CREATED
    assert _resume_events(lost_batch) == []


def test_a_stalled_batch_whose_task_waits_in_the_queue_is_not_queued_twice(lost_batch):
    _task(lost_batch, TaskResultStatus.READY)

    assert services.batch_resume_stalled(now=_later(lost_batch, dt.timedelta(hours=1))) == []
    assert DBTaskResult.objects.count() == 1


def test_a_batch_whose_worker_on_this_machine_exited_is_resumed_at_once(lost_batch):
    task = _task(lost_batch, TaskResultStatus.RUNNING, _dead_worker_id())

    assert services.batch_resume_stalled(now=lost_batch.updated_at) == [lost_batch.pk]

    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == (
        TaskResultStatus.FAILED,
        "huimin.subsidy.tasks.WorkerLost",
    )
    lost_batch.refresh_from_db()
    assert lost_batch.status == PaymentBatch.Status.BUILT
    assert _resume_events(lost_batch) == [
        "生成中断后自动继续（任务进程已停止）：从已处理0/0人处继续"
    ]


def test_a_batch_whose_worker_still_runs_is_left_alone_until_it_is_stale(lost_batch):
    task = _task(lost_batch, TaskResultStatus.RUNNING, worker_id_new())  # this process: alive

    assert services.batch_resume_stalled(now=lost_batch.updated_at) == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_batch_is_resumed_at_most_the_rule_s_number_of_times(lost_batch, monkeypatch):
    monkeypatch.setattr(services, "batch_enqueue", lambda **_: None)  # its builds keep dying
    now = lost_batch.updated_at
    for _ in range(rules.BATCH_RESUMES_MAX + 2):
        now += rules.BATCH_STALLED_AFTER
        services.batch_resume_stalled(now=now)
        PaymentBatch.objects.filter(pk=lost_batch.pk).update(updated_at=now)

    assert len(_resume_events(lost_batch)) == rules.BATCH_RESUMES_MAX
    assert PaymentLine.objects.count() == 0


def test_built_and_later_batches_are_never_touched(lost_batch):
    services.batch_run(batch_id=lost_batch.pk)
    lines = list(PaymentLine.objects.values_list("pk", flat=True))

    assert services.batch_resume_stalled(now=_later(lost_batch, dt.timedelta(days=1))) == []
    assert list(PaymentLine.objects.values_list("pk", flat=True)) == lines


@pytest.mark.parametrize(
    ("worker_id", "gone"),
    [
        ("another-machine/1/abc", False),
        ("a7f3c2d1e0b94f6a8c5d3e2f1a0b9c8d", False),  # django-tasks-db's own random ids
        (f"{socket.gethostname()[:40]}/{os.getpid()}/abc", False),
    ],
)
def test_only_a_worker_of_this_machine_whose_process_exited_is_known_gone(worker_id, gone):
    assert worker_gone(worker_id) is gone


def test_an_exited_worker_of_this_machine_is_known_gone():
    assert worker_gone(_dead_worker_id()) is True


def test_the_page_says_a_stalled_batch_waits_to_resume(lost_batch, client, maker):
    PaymentBatch.objects.filter(pk=lost_batch.pk).update(
        updated_at=timezone.now() - rules.BATCH_STALLED_AFTER - dt.timedelta(minutes=2)
    )
    client.force_login(maker)

    page = client.get(f"/subsidy/batches/{lost_batch.pk}/").content.decode()

    assert "生成已中断，等待继续……" in page
    assert "后台任务进程已有 7 分钟没有进展，可能已停止。平台会自动重新排队" in page
