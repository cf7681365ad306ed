"""The supervision deadlines counted in working days, for core's recomputation (ADR 0010)."""

from django.db.models import Q

from huimin.core.deadlines import DeadlineHolder
from huimin.supervision import rules
from huimin.supervision.models import Inspection, OpinionLetter

HOLDERS = [
    DeadlineHolder(
        model=OpinionLetter,
        label="整改期限",
        start=lambda letter: letter.deadline_from or letter.issued_on,
        working_days=lambda letter: letter.working_days,
        describe=lambda letter: f"{letter.number}（{letter.institution.name}）",
        communicated=True,  # printed on the letter handed to the institution
        running=Q(status__in=[OpinionLetter.Status.ISSUED, OpinionLetter.Status.SUBMITTED]),
    ),
    DeadlineHolder(
        model=Inspection,
        label="检查结果公示期限",
        start=lambda i: i.inspected_on,
        working_days=lambda i: rules.PUBLISH_WORKING_DAYS,
        describe=lambda i: f"{i.institution.name}的监督检查结果",
        communicated=False,  # the office's own date: it may move either way
        running=Q(
            status=Inspection.Status.COMPLETED,
            published_on__isnull=True,
            publish_due__isnull=False,
        ),
        deadline_field="publish_due",
        flag_field="publish_due_provisional",
    ),
]
