"""The disability deadlines counted in working days, for core's recomputation (ADR 0010)."""

from django.db.models import Q

from huimin.core.deadlines import DeadlineHolder
from huimin.disability import rules
from huimin.disability.models import Case

HOLDERS = [
    DeadlineHolder(
        model=Case,
        label="上门办证办结期限",
        start=lambda case: case.visited_on,
        working_days=lambda case: rules.SERVICE_WORKING_DAYS,
        describe=lambda case: f"上门办证{case.number}（{case.person.name}）的办结",
        communicated=True,  # told to the family at the bedside
        running=Q(
            status__in=["visited", "assessed", "posted", "approved"], visited_on__isnull=False
        ),
    ),
]
