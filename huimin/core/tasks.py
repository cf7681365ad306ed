"""Background jobs of the shared kernel: take ids, idempotent, call a service."""

from __future__ import annotations

from django_tasks import task

from huimin.core import services


@task()
def notification_emails_task(first_id: int, last_id: int) -> int:
    """E-mail the inbox messages written in bulk (ids first_id..last_id) that were not sent
    yet, to the accounts with an address; returns how many were sent."""
    return services.notification_emails_send(first_id=first_id, last_id=last_id)
