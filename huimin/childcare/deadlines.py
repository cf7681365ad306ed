"""The childcare deadlines counted in working days, for core's recomputation (ADR 0010)."""

from django.db.models import Q
from django.utils import timezone

from huimin.childcare import rules
from huimin.childcare.models import Filing
from huimin.core.deadlines import DeadlineHolder

HOLDERS = [
    DeadlineHolder(
        model=Filing,
        label="备案办理期限",
        start=lambda f: timezone.localdate(f.submitted_at),
        working_days=lambda f: rules.FILING_ACK_WORKING_DAYS,
        describe=lambda f: f"{f.institution.name}（{f.get_kind_display()}）",
        communicated=True,  # the operator sees it on their filing page
        running=Q(status=Filing.Status.SUBMITTED),
    )
]
