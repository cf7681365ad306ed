"""Background jobs of the supervision module: take ids or dates, idempotent, call a service."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from huimin.supervision import services


@task()
def supervision_daily_task(on: str | None = None) -> dict[str, int]:
    """The daily run for ``on`` (ISO date; default today): escalate overdue letters, publish
    results due, refresh credit ratings. Returns the counts."""
    return services.supervision_daily(on=dt.date.fromisoformat(on) if on else None)
