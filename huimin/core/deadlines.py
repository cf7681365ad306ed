"""Stored deadlines counted in working days, as each app declares them, so that entering a
holiday notice can recompute every deadline that was counted on a provisional year in one run
(ADR 0010). No database access here: the apps register, core's services and selectors read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q


@dataclass(frozen=True)
class DeadlineHolder:
    """A model field holding a working-day deadline.

    ``communicated``: the deadline was told to somebody (printed on a letter, shown to an
    operator, a guardian, a farmer): a recomputation only ever moves it later.
    ``running``: the rows whose deadline still runs (a closed case keeps its date).
    """

    model: type[Model]
    label: str
    start: Callable[[Any], dt.date]
    working_days: Callable[[Any], int]
    describe: Callable[[Any], str]
    communicated: bool
    running: Q
    deadline_field: str = "deadline"
    flag_field: str = "deadline_provisional"
    status_field: str = "status"


_HOLDERS: list[DeadlineHolder] = []


def deadline_holder_register(holder: DeadlineHolder) -> None:
    """Called from an app's ``ready()``; registering the same field twice is a no-op."""
    key = (holder.model, holder.deadline_field)
    if all((h.model, h.deadline_field) != key for h in _HOLDERS):
        _HOLDERS.append(holder)


def deadline_holders() -> list[DeadlineHolder]:
    return list(_HOLDERS)
