"""Payment batches (RULES.md §4): every confirmed child owed money for the year gets one line
with the months of the rules; the checker is not the maker; failed lines go into a later
batch; a child is never paid twice for a year, whatever retries, crashes or concurrent
batches happen — the database holds it (``subsidy_line_one_per_child_year``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import QuerySet

from huimin.core.errors import Forbidden, InvalidInput, InvalidTransition
from huimin.core.models import Event
from huimin.subsidy import selectors, services
from huimin.subsidy.models import Application, PaymentBatch, PaymentLine


def _create(actor, year=2025, region="140800", capture=None) -> PaymentBatch:
    """Create a batch; with ``capture`` the build task runs on commit (immediate backend)."""
    if capture is None:
        batch = services.batch_create(actor=actor, year=year, region_code=region)
    else:
        with capture(execute=True):
            batch = services.batch_create(actor=actor, year=year, region_code=region)
    batch.refresh_from_db()
    return batch


def _lines(batch: PaymentBatch) -> list[tuple[str, int, int, int]]:
    return list(
        batch.lines.order_by("application__child_birth_date").values_list(
            "child__name", "year", "months", "amount_fen"
        )
    )


@pytest.fixture
def children(confirmed):
    """Five confirmed children: the month rule's cases that are still under 3 in 2026-10."""
    births = {
        "甲": dt.date(2023, 10, 21),  # 2025: 12, 2026: 10
        "乙": dt.date(2023, 12, 1),  # 2025: 12, 2026: 12
        "丙": dt.date(2024, 12, 31),  # 2025: 12, 2026: 12
        "丁": dt.date(2025, 1, 1),  # 2025..2027: 12 each
        "戊": dt.date(2026, 2, 3),  # 2026..2028: 12 each
    }
    return {name: confirmed(birth, child_name=name) for name, birth in births.items()}


def test_a_batch_pays_every_confirmed_child_the_months_of_its_year(
    children, apply, maker, django_capture_on_commit_callbacks
):
    apply(dt.date(2024, 6, 1), child_name="未确认")  # submitted only: not paid
    batch = _create(maker, 2025, capture=django_capture_on_commit_callbacks)
    assert batch.status == PaymentBatch.Status.BUILT
    assert _lines(batch) == [
        ("甲", 2025, 12, 360000),
        ("乙", 2025, 12, 360000),
        ("丙", 2025, 12, 360000),
        ("丁", 2025, 12, 360000),
    ]
    assert (batch.expected, batch.processed, batch.line_count, batch.total_fen) == (
        4,
        4,
        4,
        1_440_000,
    )
    assert batch.percent == 100
    assert selectors.batch_totals(batch).matches(batch)
    batch_2026 = _create(maker, 2026, capture=django_capture_on_commit_callbacks)
    assert _lines(batch_2026) == [
        ("甲", 2026, 10, 300000),
        ("乙", 2026, 12, 360000),
        ("丙", 2026, 12, 360000),
        ("丁", 2026, 12, 360000),
        ("戊", 2026, 12, 360000),
    ]
    assert batch_2026.total_fen == 1_740_000


def test_a_county_batch_pays_only_that_countys_children(children, maker, confirmed, today):
    batch = _create(maker, 2025, region="140822")
    services.batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.line_count) == (PaymentBatch.Status.BUILT, 0)


def test_the_payment_year_must_be_from_2025_to_this_year(maker, today, city):
    for year in (2024, 2027):
        with pytest.raises(InvalidInput) as exc:
            services.batch_create(actor=maker, year=year, region_code="140800")
        assert exc.value.message == "发放年度应在2025年至2026年之间。"
    assert PaymentBatch.objects.count() == 0


def test_only_finance_makes_batches(county, today, city):
    with pytest.raises(Forbidden):
        services.batch_create(actor=county, year=2025, region_code="140802")


def test_rerunning_a_built_batch_changes_nothing(children, maker, today):
    batch = _create(maker)
    services.batch_run(batch_id=batch.pk)
    before = list(PaymentLine.objects.values_list("pk", "child", "amount_fen"))
    services.batch_run(batch_id=batch.pk)
    assert list(PaymentLine.objects.values_list("pk", "child", "amount_fen")) == before


def test_a_second_batch_for_the_same_year_pays_nobody_twice(children, maker, today):
    first = _create(maker)
    services.batch_run(batch_id=first.pk)
    second = _create(maker)
    services.batch_run(batch_id=second.pk)
    second.refresh_from_db()
    assert (second.expected, second.line_count) == (0, 0)
    assert PaymentLine.objects.count() == 4


def test_the_database_refuses_a_second_pending_or_paid_line_for_a_child_and_year(
    children, maker, today
):
    batch = _create(maker)
    services.batch_run(batch_id=batch.pk)
    line = PaymentLine.objects.first()
    line.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()
    assert PaymentLine.objects.count() == 4


class Killed(Exception):
    """Stands for the process dying between two committed chunks."""


def test_a_batch_killed_halfway_finishes_on_rerun_with_no_line_missing_or_doubled(
    children, maker, today
):
    batch = _create(maker, 2026)

    def die(progress: PaymentBatch) -> None:
        raise Killed

    with pytest.raises(Killed):
        services.batch_run(batch_id=batch.pk, chunk_size=2, on_chunk=die)
    batch.refresh_from_db()
    assert (batch.status, batch.processed, batch.expected) == (PaymentBatch.Status.RUNNING, 2, 5)
    assert batch.percent == 40
    first_lines = list(PaymentLine.objects.values_list("pk", "child"))
    assert len(first_lines) == 2

    services.batch_run(batch_id=batch.pk, chunk_size=2)
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.BUILT
    assert PaymentLine.objects.count() == 5
    assert PaymentLine.objects.values("child").distinct().count() == 5
    assert set(first_lines) <= set(PaymentLine.objects.values_list("pk", "child"))
    assert (batch.line_count, batch.total_fen) == (5, 1_740_000)


def test_the_maker_cannot_check_their_own_batch(children, maker, today):
    batch = _create(maker)
    services.batch_run(batch_id=batch.pk)
    with pytest.raises(Forbidden) as exc:
        services.batch_decide(actor=maker, batch_id=batch.pk, approve=True)
    assert exc.value.message == "制单人不能复核自己创建的批次，请由另一位财务人员复核。"
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.BUILT
    assert batch.decisions.count() == 0


def test_a_batch_cannot_be_approved_before_it_is_built(children, maker, checker, today):
    batch = _create(maker)  # no task ran: still created
    with pytest.raises(InvalidTransition):
        services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)


def test_a_batch_sent_back_frees_its_children_for_a_new_batch(children, maker, checker, today):
    batch = _create(maker)
    services.batch_run(batch_id=batch.pk)
    services.batch_decide(actor=checker, batch_id=batch.pk, approve=False, reason="金额待核")
    assert set(batch.lines.values_list("status", flat=True)) == {"cancelled"}
    again = _create(maker)
    services.batch_run(batch_id=again.pk)
    again.refresh_from_db()
    assert again.line_count == 4


def _settle(batch, maker, failed: dict[int, str]):
    results = [
        services.BankResult(line_id=pk, paid=pk not in failed, reason=failed.get(pk, ""))
        for pk in batch.lines.values_list("pk", flat=True)
    ]
    return services.batch_result_apply(
        actor=maker, batch_id=batch.pk, results=results, file_name="回盘.xlsx", sha256=str(batch.pk)
    )


def test_bank_results_settle_the_batch_and_failed_children_go_into_a_later_batch(
    children, maker, checker, township, today
):
    batch = _create(maker)
    services.batch_run(batch_id=batch.pk)
    services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)
    failed_line = batch.lines.get(child__name="乙")
    _settle(batch, maker, {failed_line.pk: "账户已销户"})
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.SETTLED
    assert (batch.paid_count, batch.paid_fen, batch.failed_count) == (3, 1_080_000, 1)
    assert selectors.batch_totals(batch).matches(batch)
    failed_line.refresh_from_db()
    assert (failed_line.status, failed_line.failure_reason) == ("failed", "账户已销户")

    application = Application.objects.get(child__name="乙")
    services.application_bank_change(
        actor=township,
        application_id=application.pk,
        bank_name="中国建设银行",
        bank_account="6217001234567890123",
        account_holder="applicant",
    )
    later = _create(maker)
    services.batch_run(batch_id=later.pk)
    assert list(later.lines.values_list("child__name", "bank_account", "amount_fen")) == [
        ("乙", "6217001234567890123", 360000)
    ]


def test_the_same_result_file_twice_is_refused(children, maker, checker, today):
    batch = _create(maker)
    services.batch_run(batch_id=batch.pk)
    services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)
    line = batch.lines.first()
    results = [services.BankResult(line_id=line.pk, paid=True)]
    services.batch_result_apply(
        actor=maker, batch_id=batch.pk, results=results, file_name="a.xlsx", sha256="same"
    )
    with pytest.raises(Exception, match="已经导入过"):
        services.batch_result_apply(
            actor=maker, batch_id=batch.pk, results=results, file_name="a.xlsx", sha256="same"
        )
    assert batch.imports.count() == 1


def test_a_death_voids_lines_of_later_years_not_yet_sent(children, maker, township, today):
    batch = _create(maker, 2026)
    services.batch_run(batch_id=batch.pk)
    ding = Application.objects.get(child__name="丁")
    services.application_child_death(
        actor=township, application_id=ding.pk, died_on=dt.date(2025, 11, 30)
    )
    assert batch.lines.get(child__name="丁").status == "cancelled"


def test_every_batch_transition_is_an_event(children, maker, checker, today):
    batch = _create(maker)
    services.batch_run(batch_id=batch.pk)
    services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)
    assert list(
        Event.objects.filter(object_id=batch.pk, content_type__model="paymentbatch").values_list(
            "from_status", "to_status"
        )
    ) == [("", "created"), ("created", "running"), ("running", "built"), ("built", "approved")]


# --------------------------------------------------------------------------- races and kills
# Real threads and a real process on the real database (the tests' SQLite is a file, so each
# thread has its own connection); CI runs them on SQLite and on PostgreSQL.


def _confirmed_children(confirmed, n: int) -> None:
    for i in range(n):
        confirmed(dt.date(2024, 1, 1) + dt.timedelta(days=i), child_name=f"童{i}")


@pytest.mark.django_db(transaction=True)
def test_two_batches_for_the_same_year_at_once_pay_each_child_once(
    confirmed, maker, today, monkeypatch
):
    _confirmed_children(confirmed, 40)
    monkeypatch.setattr(services, "batch_enqueue", lambda **_: None)  # the threads build them
    batches = [_create(maker), _create(maker)]
    assert [b.status for b in batches] == [PaymentBatch.Status.CREATED] * 2
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    if connection.vendor == "postgresql":
        # Both threads reach their first insert before either writes, so both insert the same
        # children at once and meet on the unique index. (SQLite lets one writer in at a time:
        # a thread holding the write lock cannot wait for the other there.)
        insert, first = services._insert_lines, threading.local()
        insert_barrier = threading.Barrier(2, timeout=20)

        def insert_together(batch, **window):  # noqa: ANN001, ANN003, ANN202
            if not getattr(first, "done", False):
                first.done = True
                insert_barrier.wait()
            return insert(batch, **window)

        monkeypatch.setattr(services, "_insert_lines", insert_together)

    def run(batch_id: int) -> None:
        try:
            barrier.wait()
            services.batch_run(batch_id=batch_id, chunk_size=7)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(b.pk,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert PaymentLine.objects.count() == 40
    assert PaymentLine.objects.values("child").distinct().count() == 40
    for b in batches:
        b.refresh_from_db()
        assert b.status == PaymentBatch.Status.BUILT
        assert selectors.batch_totals(b).matches(b)
    if connection.vendor == "postgresql":  # both selected all 40 children: a real race
        assert [b.expected for b in batches] == [40, 40]
    assert sum(b.line_count for b in batches) == 40


@pytest.mark.django_db(transaction=True)
def test_eight_batches_opened_at_the_same_moment_get_distinct_names(maker, today, monkeypatch):
    monkeypatch.setattr(services, "batch_enqueue", lambda **_: None)
    barrier = threading.Barrier(8)
    count = QuerySet.count
    errors: list[BaseException] = []

    def count_together(qs: QuerySet) -> int:
        # every thread counts the batches before any inserts its own, unless a lock lets
        # only one thread at a time reach the count (the barrier then gives up after 2 s)
        result = count(qs)
        if qs.model is PaymentBatch and threading.current_thread() is not threading.main_thread():
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=2)
        return result

    monkeypatch.setattr(QuerySet, "count", count_together)

    def run() -> None:
        try:
            services.batch_create(actor=maker, year=2025, region_code="140800")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(PaymentBatch.objects.values_list("name", flat=True)) == sorted(
        f"运城市2025年度育儿补贴第{n}批" for n in range(1, 9)
    )


def test_a_batch_name_already_taken_is_refused_and_nothing_is_created(maker, today):
    services.batch_create(actor=maker, year=2025, region_code="140800", name="第一批")
    events = Event.objects.count()

    with pytest.raises(InvalidInput) as caught:
        services.batch_create(actor=maker, year=2025, region_code="140802", name="第一批")

    assert caught.value.field_errors == {"name": "已有名为“第一批”的发放批次，请换一个名称。"}
    assert PaymentBatch.objects.count() == 1
    assert Event.objects.count() == events


@pytest.mark.django_db(transaction=True)
def test_a_batch_process_killed_hard_halfway_finishes_on_rerun(
    confirmed, maker, today, monkeypatch
):
    _confirmed_children(confirmed, 30)
    monkeypatch.setattr(services, "batch_enqueue", lambda **_: None)  # the child builds it
    batch = _create(maker)
    assert batch.status == PaymentBatch.Status.CREATED
    connections.close_all()
    pid = os.fork()
    if pid == 0:  # the child process builds two chunks and dies without any cleanup

        def die(progress: PaymentBatch) -> None:
            if progress.processed >= 20:
                os._exit(9)

        try:
            services.batch_run(batch_id=batch.pk, chunk_size=10, on_chunk=die)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    batch.refresh_from_db()
    assert (batch.status, batch.processed) == (PaymentBatch.Status.RUNNING, 20)
    assert PaymentLine.objects.count() == 20

    services.batch_run(batch_id=batch.pk, chunk_size=10)
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.BUILT
    assert PaymentLine.objects.count() == 30
    assert PaymentLine.objects.values("child").distinct().count() == 30
