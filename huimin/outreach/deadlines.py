"""The outreach deadlines counted in working days, for core's recomputation (ADR 0010)."""

from django.db.models import Q

from huimin.core.deadlines import DeadlineHolder
from huimin.outreach import rules
from huimin.outreach.models import FollowUp

HOLDERS = [
    DeadlineHolder(
        model=FollowUp,
        label="走访跟进事项办理期限",
        start=lambda f: f.found_on,
        working_days=lambda f: rules.need_working_days(f.kind, f.found_on),
        describe=lambda f: f"走访跟进事项“{f.description}”的办理",
        communicated=False,  # an internal work list: a recomputation may move it either way
        running=Q(status="open"),
    ),
]
