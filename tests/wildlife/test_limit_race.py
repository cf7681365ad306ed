"""The aggregate limit holds with payouts racing (RULES.md §5): real threads, each with its
own connection, create payout batches for different claims of one policy year at the same
moment. On PostgreSQL every thread reaches the policy row before any has taken from the limit
(a barrier), so without the row lock each would read the same "left" and the year would pay
more than its limit."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connections

from huimin.wildlife import services
from huimin.wildlife.models import Claim, PayoutLine, Policy

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_racing_payouts_never_pass_the_aggregate_limit(agreed, adjuster, policy, monkeypatch):
    claims = [agreed(area="1") for _ in range(THREADS)]  # 402.50 yuan each
    # 1,000.00 yuan left: two claims in full, the third up to what is left, the rest nothing
    Policy.objects.filter(pk=policy.pk).update(limit_fen=2000_00, committed_fen=1000_00)
    barrier = threading.Barrier(THREADS)
    commit = services._payout_commit

    def commit_together(policy_id, claim):  # noqa: ANN001, ANN202
        # every thread arrives at the policy row before any takes from the limit (SQLite lets
        # one writer in at a time: the barrier then gives up after 2 s)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return commit(policy_id, claim)

    monkeypatch.setattr(services, "_payout_commit", commit_together)
    errors: list[BaseException] = []

    def run(claim_id: int) -> None:
        try:
            services.batch_create(actor=adjuster, policy_id=policy.pk, claim_ids=[claim_id])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c.pk,)) for c in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    policy.refresh_from_db()
    paid = sorted(PayoutLine.objects.values_list("amount_fen", flat=True))
    assert policy.committed_fen == policy.limit_fen == 2000_00
    assert sum(paid) == 1000_00
    assert paid == [0, 0, 0, 195_00, 402_50, 402_50]
    shortfalls = sorted(Claim.objects.values_list("shortfall_fen", flat=True))
    assert shortfalls == [0, 0, 207_50, 402_50, 402_50, 402_50]
    assert sum(paid) + sum(shortfalls) == THREADS * 402_50
