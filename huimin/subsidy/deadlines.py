"""The subsidy deadlines counted in working days, for core's recomputation (ADR 0010)."""

from django.db.models import Q

from huimin.core.deadlines import DeadlineHolder
from huimin.subsidy import rules
from huimin.subsidy.models import Application

HOLDERS = [
    DeadlineHolder(
        model=Application,
        label="育儿补贴申请办结时限",
        start=lambda a: a.submitted_on,
        working_days=lambda a: rules.REVIEW_WORKING_DAYS,
        describe=lambda a: f"育儿补贴申请第{a.pk}号（{a.child.name}）",
        communicated=True,  # the guardian sees it on their page
        running=Q(status__in=[Application.Status.SUBMITTED, Application.Status.TOWNSHIP_APPROVED]),
    )
]
