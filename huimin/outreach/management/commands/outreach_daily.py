"""huimin outreach-daily: close the follow-ups "benefit not claimed" whose benefit has been
claimed in its own module since (a subsidy application for the child, a disability case or
certificate for the person), each with an event saying why; then count what stays open and
overdue."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from huimin.outreach import services
from huimin.outreach.models import FollowUp


class Command(BaseCommand):
    help = (
        "每日运行：走访发现的“待遇未申领”跟进事项，如孩子已提交育儿补贴申请、"
        "残疾人已有上门办证申请或残疾人证，自动办结并记录原因；统计仍待跟进和已逾期的事项。"
    )

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        closed = services.followups_resolve_claimed(today=today)
        self.stdout.write(f"已在相关模块办理、自动办结：{closed} 件")
        still = FollowUp.objects.filter(status=FollowUp.Status.OPEN)
        late = still.filter(deadline__lt=today).count()
        self.stdout.write(f"仍待跟进：{still.count()} 件，其中逾期 {late} 件")
