"""huimin subsidy-daily: what time alone changes for subsidy applications — an application
stored without a deadline (before ADR 0010, when a year without a holiday notice could not be
counted) gets one, provisional where it counts days in such a year; every batch's lines are
summed again and the dashboard's tallies recounted from the records (issue 17)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from huimin.subsidy import selectors, services
from huimin.subsidy.models import Application


class Command(BaseCommand):
    help = (
        "每日运行：为没有办结时限的待审核育儿补贴申请补填办结时限（30个工作日）；"
        "期限落在国务院放假通知尚未录入的年份的，按法定节假日暂定推算并标“暂定”；"
        "逐笔相加各发放批次的明细，供统计页核对批次合计；重新统计统计页的申请数和发放数。"
    )

    def handle(self, *args: object, **options: object) -> None:
        filled = services.application_deadlines_fill()
        self.stdout.write(f"补填办结时限：{filled} 份申请")
        waiting = Application.objects.filter(selectors.OPEN_Q, deadline__isnull=True).count()
        if not waiting:
            self.stdout.write(self.style.SUCCESS("所有待审核申请都已有办结时限。"))
        else:
            self.stdout.write(
                f"仍有 {waiting} 份待审核申请暂无办结时限："
                "其期限超出平台可计算的年份（2004至2099年），请核对申请日期。"
            )
        counted = services.batches_lines_count()
        self.stdout.write(f"逐笔核对发放批次明细之和：{counted} 个批次")
        services.tallies_rebuild()  # the dashboard's tallies, recounted from every record
