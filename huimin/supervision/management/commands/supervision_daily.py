"""huimin supervision daily [--date YYYY-MM-DD] [--enqueue]: what time alone changes in
supervision — opinion letters past their deadline escalate to the county, results completed
since the last run are published (the first run after completion; RULES.md §3 allows 20
working days), credit ratings follow. Idempotent: run it once a day (cron), or again after a
missed day."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.supervision import services
from huimin.supervision.tasks import supervision_daily_task


class Command(BaseCommand):
    help = (
        "每日运行：逾期未整改的卫生监督意见书上报县级，公示已完成检查的结果"
        "（完成后的第一次运行即公示，最迟不超过检查后20个工作日），刷新诚信评价。可重复运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="按哪一天运行（YYYY-MM-DD，默认今天；补跑漏掉的日子时使用）"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="放入后台任务队列，而不是在本进程内执行"
        )

    def handle(self, *args: object, **options: object) -> None:
        on = None
        if options["date"]:
            try:
                on = dt.date.fromisoformat(str(options["date"]))
            except ValueError:
                raise CommandError(
                    f"日期应为 YYYY-MM-DD 格式（例如 2026-11-30），您填写的是“{options['date']}”。"
                ) from None
            if on > services.today():
                raise CommandError(f"日期{on.isoformat()}晚于今天，不能提前运行。")
        if options["enqueue"]:
            supervision_daily_task.enqueue(on.isoformat() if on else None)
            self.stdout.write("已放入后台任务队列，由 huimin db_worker 执行。")
            return
        counts = supervision_daily_task.call(on.isoformat() if on else None)
        day = on or services.today()
        self.stdout.write(f"监督检查每日运行（{day.isoformat()}）：")
        self.stdout.write(f"  逾期上报的意见书：{counts['escalated']} 份")
        self.stdout.write(f"  新公示的检查结果：{counts['published']} 项")
        self.stdout.write(f"  诚信评价有变化的机构：{counts['ratings_changed']} 家")
        self.stdout.write(self.style.SUCCESS("完成。"))
