"""The award budget holds with approvals racing (RULES.md §2): real threads, each with its own
connection, approve different applications of one round at the same moment. On PostgreSQL
every thread reaches the round row before any has reserved (a barrier), so without the row
lock each would read the same balance and the round would reserve more than its budget."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connections

from huimin.core.errors import LimitExceeded
from huimin.demonstration import services
from huimin.demonstration.models import Award, Round, Title

THREADS = 3


@pytest.mark.django_db(transaction=True)
def test_racing_approvals_never_overspend_the_budget(demo_setup, walk, monkeypatch):
    s = demo_setup
    applications = [walk(n) for n in range(THREADS)]
    # room for two awards of 50,000 yuan, not three
    Round.objects.filter(pk=s.round.pk).update(budget_fen=100_000_00)
    barrier = threading.Barrier(THREADS)
    reserve = services._reserve

    def reserve_together(round_id, amount_fen):  # noqa: ANN001, ANN202
        # every thread arrives at the round row before any reserves (SQLite lets one writer
        # in at a time: the barrier then gives up after 2 s)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return reserve(round_id, amount_fen)

    monkeypatch.setattr(services, "_reserve", reserve_together)
    errors: list[BaseException] = []

    def run(application_id: int) -> None:
        try:
            services.application_decide(actor=s.admin, application_id=application_id, approve=True)
        except BaseException as exc:  # noqa: BLE001 - counted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a.pk,)) for a in applications]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert [type(e) for e in errors] == [LimitExceeded]
    r = Round.objects.get(pk=s.round.pk)
    assert (r.reserved_fen, r.paid_fen, r.left_fen) == (100_000_00, 0, 0)
    assert Award.objects.count() == 2
    assert Title.objects.count() == 2
