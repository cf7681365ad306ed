"""The wildlife deadlines counted in working days, for core's recomputation (ADR 0010)."""

from django.db.models import Q

from huimin.core.deadlines import DeadlineHolder
from huimin.wildlife import rules
from huimin.wildlife.models import Claim

HOLDERS = [
    DeadlineHolder(
        model=Claim,
        label="查勘期限",
        start=lambda claim: claim.survey_from,
        working_days=lambda claim: rules.SURVEY_WORKING_DAYS,
        describe=lambda claim: f"报案{claim.number}（{claim.farmer.name}）的查勘",
        communicated=True,  # shown to the farmer on their claim's page
        running=Q(status=Claim.Status.ACCEPTED, survey_from__isnull=False),
    ),
]
