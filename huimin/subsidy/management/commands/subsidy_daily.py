"""huimin subsidy-daily: what time alone changes for subsidy applications — a deadline that
could not be computed while its year's holiday calendar was unknown is filled in once an
administrator has entered that year."""

from __future__ import annotations

import itertools

from django.core.management.base import BaseCommand

from huimin.core.selectors import holiday_years_known
from huimin.subsidy import selectors, services
from huimin.subsidy.models import Application


class Command(BaseCommand):
    help = (
        "每日运行：为待审核的育儿补贴申请补填办结时限（30个工作日）——"
        "申请时当年或次年的节假日安排尚未录入的，录入后由本命令补填。"
    )

    def handle(self, *args: object, **options: object) -> None:
        filled = services.application_deadlines_fill()
        self.stdout.write(f"补填办结时限：{filled} 份申请")
        waiting = Application.objects.filter(selectors.OPEN_Q, deadline__isnull=True)
        days = set(waiting.values_list("submitted_on", flat=True).distinct())
        if not days:
            self.stdout.write(self.style.SUCCESS("所有待审核申请都已有办结时限。"))
            return
        known = set(holiday_years_known())
        years = sorted(
            {next(y for y in itertools.count(day.year) if y not in known) for day in days}
        )
        self.stdout.write(
            f"仍有 {waiting.count()} 份待审核申请暂无办结时限：其期限落在"
            f"{'、'.join(f'{y}年' for y in years)}，该年的节假日安排尚未录入。"
            "请系统管理员在“节假日安排”中录入国务院办公厅公布的放假安排，之后再次运行本命令。"
        )
