"""Two servers, one database (README, "Deploying on several servers"): two gunicorn instances
on two ports and two ``huimin db_worker`` processes on one PostgreSQL database with the demo
city, under bench/load.py's mix from both sides, while two finance officers on the two servers
open a payment batch for the same year at the same moment. No HTTP error, no child with two
pending or paid lines for a year, no batch left unbuilt.

PostgreSQL only: on SQLite several servers on one database is not a supported deployment
(ADR 0001: SQLite is the single-machine default)."""

from __future__ import annotations

import random
import threading
from typing import Any

import httpx
import pytest
from django.contrib.auth.hashers import make_password
from django.db.models import Count

from bench import load
from huimin.core.models import User
from huimin.core.services import api_token_create
from huimin.subsidy import services
from huimin.subsidy.models import PaymentBatch, PaymentLine
from tests.procs import Processes, on_postgresql, wait_until

pytest_plugins = ["tests.procs"]

#: Seconds of the load mix (bounded: the whole test stays well under a minute).
LOAD_SECONDS = 10
CLIENTS_PER_SERVER = 3
YEAR = 2026


@pytest.mark.django_db(transaction=True)
def test_two_servers_and_two_workers_on_one_database_pay_each_child_once(
    processes: Processes,
):
    if not on_postgresql():
        pytest.skip("several servers on one database need PostgreSQL (DATABASE_URL)")
    import datetime as dt

    from tests.demo_snapshot import demo_city

    demo_city(seed=20261129, scale="small", today=dt.date(2026, 11, 29), log=lambda _: None)
    # the servers run with the production hashers, not the tests' fast MD5 the demo used
    usernames = [u for users in load.ROLE_USERS.values() for u in users if u]
    User.objects.filter(username__in=usernames).update(
        password=make_password(load.PASSWORD, hasher="argon2")
    )
    finance, finance2 = User.objects.get(username="finance"), User.objects.get(username="finance2")
    # the demo's built batch of the year goes back (its lines void): the year's children are
    # free again for the two new batches to race for
    for batch in PaymentBatch.objects.filter(year=YEAR, status=PaymentBatch.Status.BUILT):
        checker = finance2 if batch.created_by_id == finance.pk else finance
        services.batch_decide(actor=checker, batch_id=batch.pk, approve=False, reason="重做")
    keys = [api_token_create(user=u, name="two servers")[1] for u in (finance, finance2)]

    bases = [processes.server()[1] for _ in range(2)]
    for _ in range(2):
        processes.worker()

    # the load mix's sessions, logged in on either server (the session lives in the database)
    sessions: dict[str, list[load.Session]] = {}
    targets = [t for t in load.targets_all() if t.kind != "export"]

    def needed(role: str) -> set[str]:
        paths = [t.path for t in targets if t.role == role]
        return {k for k in load.ID_SOURCES for path in paths if "{" + k + "}" in path}

    with load._client(bases[0]) as a, load._client(bases[1]) as b:
        for n, (role, users) in enumerate(load.ROLE_USERS.items()):
            client = (a, b)[n % 2]
            for username in users:
                session = load.Session(username)
                if username:
                    session.cookie = load.login(client, username)
                    load.discover(client, session, needed(role))
                sessions.setdefault(role, []).append(session)
    weights = [t.weight for t in targets]

    def pick(rng: random.Random) -> tuple[load.Target, load.Session]:
        while True:
            target = rng.choices(targets, weights)[0]
            session = rng.choice(sessions[target.role])
            if load.usable(target, session):
                return target, session

    recorder = load.Recorder()
    clients = [load._client(base) for base in bases for _ in range(CLIENTS_PER_SERVER)]
    mix = threading.Thread(
        target=load.closed_loop, args=(clients, LOAD_SECONDS, pick, recorder, 12), daemon=True
    )
    mix.start()

    # meanwhile two finance officers, one on each server, open a batch for the same year
    answers: list[Any] = [None, None]
    together = threading.Barrier(2)

    def create(n: int) -> None:
        together.wait(timeout=30)
        answers[n] = httpx.post(
            f"{bases[n]}/api/subsidy/batches",
            json={"year": YEAR, "region_code": "140800"},
            headers={"Authorization": f"Bearer {keys[n]}"},
            timeout=30,
        )

    creators = [threading.Thread(target=create, args=(n,)) for n in range(2)]
    for thread in creators:
        thread.start()
    for thread in creators:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    new_ids = [a.json()["id"] for a in answers]
    wait_until(
        lambda: (
            not PaymentBatch.objects.filter(
                status__in=[PaymentBatch.Status.CREATED, PaymentBatch.Status.RUNNING]
            ).exists()
        ),
        timeout=30,
        what="both batches built by the two workers",
    )
    mix.join(timeout=LOAD_SECONDS + 60)
    for client in clients:
        client.close()

    requests = len(recorder.records)
    print(  # noqa: T201 - the figures of the run, for the README
        f"two servers: {requests} requests, {len(recorder.failures)} kinds of error "
        f"{dict(recorder.failures)}; batches {new_ids} lines "
        f"{[PaymentLine.objects.filter(batch_id=i).count() for i in new_ids]}"
    )
    assert requests > 100
    assert dict(recorder.failures) == {}
    built = PaymentBatch.objects.filter(pk__in=new_ids)
    assert [b.status for b in built] == [PaymentBatch.Status.BUILT] * 2
    doubled = (
        PaymentLine.objects.filter(status__in=["pending", "paid"])
        .values("child_id", "year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(doubled) == []
    lines = PaymentLine.objects.filter(batch_id__in=new_ids)
    assert lines.count() > 100  # the year's children, split between the two batches
    assert lines.count() == lines.values("child_id").distinct().count()
    assert sum(b.line_count for b in built) == lines.count()
