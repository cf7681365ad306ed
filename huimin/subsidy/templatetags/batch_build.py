"""Template filters of payment batches: ``{% load batch_build %}``."""

from __future__ import annotations

from django import template
from django.utils import timezone

from huimin.subsidy import rules
from huimin.subsidy.models import PaymentBatch

register = template.Library()


@register.filter
def stalled(batch: PaymentBatch) -> bool:
    """Waiting to be built, or being built, with no progress for
    ``rules.BATCH_STALLED_AFTER``: its worker is presumed lost and the workers' sweep queues it
    again (``services.batch_resume_stalled``)."""
    building = batch.status in (PaymentBatch.Status.CREATED, PaymentBatch.Status.RUNNING)
    return building and rules.batch_stalled(updated_at=batch.updated_at, now=timezone.now())


@register.filter
def stalled_minutes(batch: PaymentBatch) -> int:
    """Whole minutes since the batch last moved."""
    return int((timezone.now() - batch.updated_at).total_seconds() // 60)
