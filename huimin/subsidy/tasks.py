"""Background jobs of the subsidy module: take ids, idempotent, call a service."""

from __future__ import annotations

from django_tasks import task

from huimin.subsidy import services


@task()
def batch_run_task(batch_id: int) -> int:
    """Build (or finish building) a payment batch; returns its number of lines."""
    return services.batch_run(batch_id=batch_id).line_count


class WorkerLost(Exception):  # noqa: N818 - the name the task list shows
    """Recorded on a build task whose worker stopped (killed, machine down) before it ended;
    the batch was queued again (``services.batch_resume_stalled``)."""
