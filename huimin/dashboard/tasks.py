"""Background jobs of the dashboard: take ids, idempotent, call a service."""

from __future__ import annotations

from django_tasks import task

from huimin.dashboard import reports


@task()
def report_build_task(report_id: int) -> int:
    """Build a queued yearly report (PDF and xlsx); returns its id. A report already built is
    left as it is."""
    return reports.report_build(report_id=report_id).pk
