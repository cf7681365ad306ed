"""Background jobs of the childcare module: take ids, idempotent, call a service."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from huimin.childcare import services
from huimin.childcare.models import Institution


@task()
def compliance_refresh_task(institution_id: int) -> int:
    """Re-evaluate one institution's compliance; returns its open findings."""
    with transaction.atomic():
        institution = Institution.objects.select_for_update().get(pk=institution_id)
        return len(services.compliance_refresh(institution=institution))
