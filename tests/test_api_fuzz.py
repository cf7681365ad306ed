"""API fuzzing: schemathesis against /api/openapi.json of a live server with the small demo city.

Every operation of the schema gets a few generated requests, valid and invalid (schemathesis's
positive and negative modes), each sent as one of the demo accounts (one per role, by bearer
token) or anonymously; half of them name objects of the demo city in their path, the others
random values. A response must not be a 5xx, must carry a status code the operation documents,
and its body must match the documented schema for that code. Writes go to the test's own
database, flushed afterwards.

Bounded in time: ``HUIMIN_FUZZ_SECONDS`` (default 100) count from the start of the setup; once
they are spent no operation starts and the running one stops generating. The operations run in
an order shuffled by ``HUIMIN_FUZZ_SEED`` (random unless set; printed), which also seeds
hypothesis: a failure is reproduced with the same seed. ``HUIMIN_FUZZ_EXAMPLES`` (default 16)
caps the requests per operation.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, reject, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

BUDGET_SECONDS = float(os.environ.get("HUIMIN_FUZZ_SECONDS", "100"))
EXAMPLES = int(os.environ.get("HUIMIN_FUZZ_EXAMPLES", "16"))
SEED = int(os.environ.get("HUIMIN_FUZZ_SEED") or random.SystemRandom().randrange(1 << 32))

#: One demo account per role; ``None`` is the anonymous caller.
ACCOUNTS: tuple[str | None, ...] = (
    None,
    "admin",
    "yanhu",
    "beicheng",
    "operator",
    "inspector",
    "evaluator",
    "finance",
    "adjuster",
    "federation",
    "doctor",
    "citizen",
)

#: The model behind each path parameter: half the requests to an operation with a path name
#: objects of the demo city (the other half random values, mostly 404).
PATH_MODELS = {
    "activity_id": "outreach.Activity",
    "application_id": "subsidy.Application",
    "batch_id": "subsidy.PaymentBatch",
    "case_id": "disability.Case",
    "certificate_id": "disability.Certificate",
    "claim_id": "wildlife.Claim",
    "class_id": "childcare.CareClass",
    "complaint_id": "supervision.Complaint",
    "course_id": "demonstration.Course",
    "demo_application_id": "demonstration.Application",
    "enrollment_id": "childcare.Enrollment",
    "followup_id": "outreach.FollowUp",
    "filing_id": "childcare.Filing",
    "inspection_id": "supervision.Inspection",
    "institution_id": "childcare.Institution",
    "item_id": "supervision.InspectionItem",
    "letter_id": "supervision.OpinionLetter",
    "notification_id": "core.Notification",
    "person_id": "core.Person",
    "plan_id": "supervision.DrawPlan",
    "recognition_id": "childcare.InclusiveRecognition",
    "staff_id": "childcare.Staff",
    "team_id": "disability.Team",
}

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def deadline() -> float:
    """The budget counts from the start of the test's setup (the demo city takes 20-40 s)."""
    return time.monotonic() + BUDGET_SECONDS


@pytest.fixture
def tokens(deadline: float, transactional_db: None) -> dict[str | None, dict[str, str]]:
    """The small demo city in the test's database, and a bearer header for each account."""
    from huimin.core.services import api_token_create
    from tests.demo_snapshot import demo_city

    context = demo_city(
        seed=20261129, scale="small", today=dt.date(2026, 11, 29), log=lambda _: None
    )
    headers: dict[str | None, dict[str, str]] = {None: {}}
    for username in ACCOUNTS:
        if username is not None:
            _, key = api_token_create(user=context.users[username], name="fuzz")
            headers[username] = {"Authorization": f"Bearer {key}"}
    return headers


@pytest.fixture
def real_ids(tokens: dict[str | None, dict[str, str]]) -> dict[str, list[int]]:
    """A sample of the demo city's primary keys for every path parameter."""
    from django.apps import apps

    ids = {}
    for name, label in PATH_MODELS.items():
        pks = list(apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True))
        ids[name] = random.Random(SEED).sample(pks, min(len(pks), 50)) or [1]
    return ids


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def test_api_answers_every_generated_request_as_documented(
    deadline: float,
    live_server: LiveServer,
    tokens: dict[str | None, dict[str, str]],
    real_ids: dict[str, list[int]],
    session: requests.Session,
) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    random.Random(SEED).shuffle(operations)
    started = time.monotonic()
    print(  # noqa: T201 - how to reproduce the run, shown with -s
        f"\nHUIMIN_FUZZ_SEED={SEED}: {len(operations)} operations, "
        f"{deadline - started:.0f} s of the {BUDGET_SECONDS:.0f} s budget left after the setup"
    )
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    done: list[str] = []
    for operation in operations:
        if time.monotonic() >= deadline:
            break
        strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
            GenerationMode.NEGATIVE
        )
        names = [p.name for p in operation.path_parameters]
        real = st.none() | st.fixed_dictionaries({n: st.sampled_from(real_ids[n]) for n in names})

        # hypothesis favours the first choice: each operation favours another account
        shift = len(done) % len(ACCOUNTS)
        accounts = st.sampled_from(ACCOUNTS[shift:] + ACCOUNTS[:shift])

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, account=accounts, path=real)
        def fuzz(case: Any, account: str | None, path: dict[str, int] | None) -> None:
            if time.monotonic() >= deadline:
                reject()
            if path:
                case.path_parameters = {**(case.path_parameters or {}), **path}
            try:
                response = case.call_and_validate(
                    base_url=live_server.url,
                    session=session,
                    headers=tokens[account],
                    checks=CHECKS,
                    timeout=30,
                )
            except (Exception, BaseExceptionGroup) as error:
                error.add_note(f"Sent as: {account or 'anonymous'}")
                raise
            statuses[response.status_code] += 1

        try:
            fuzz()
        except Unsatisfiable:
            pass
        except (Exception, BaseExceptionGroup) as error:  # schemathesis's FailureGroup is a
            # BaseExceptionGroup: report every operation's failure, then go on to the next
            notes = "\n".join(getattr(error, "__notes__", ()))  # the account
            failures.append(f"{operation.label}: {error}\n{notes}")
        done.append(operation.label)

    elapsed = time.monotonic() - started
    skipped = [op.label for op in operations if op.label not in done]
    print(  # noqa: T201 - the run's summary, shown with -s
        f"fuzzed {len(done)} operations in {elapsed:.0f} s, "
        f"responses {dict(sorted(statuses.items()))}; not reached: {skipped or 'none'}"
    )
    assert not failures, f"HUIMIN_FUZZ_SEED={SEED}\n\n" + "\n\n".join(failures)
