"""huimin calendar deadline YYYY-MM-DD N: the deadline N working days after a date, as the
public calculator and GET /api/calendar/deadline give it, with the provisional years it
counted in (ADR 0010)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core import selectors
from huimin.core.errors import DomainError
from huimin.core.holidays import provisional_note


class Command(BaseCommand):
    help = "计算某日起 N 个工作日后的办理期限（起始日不计入），与工作日计算页面和接口相同。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="起始日期 YYYY-MM-DD（当天不计入）")
        parser.add_argument("working_days", type=int, help="工作日数")

    def handle(self, *args: object, **options: object) -> None:
        try:
            start = dt.date.fromisoformat(str(options["start"]))
        except ValueError:
            raise CommandError("起始日期应为 YYYY-MM-DD 格式，如 2026-12-25。") from None
        try:
            marked = selectors.working_deadline_marked(
                start=start, working_days=int(str(options["working_days"]))
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{start:%Y-%m-%d} 起 {options['working_days']} 个工作日，期限为 "
            f"{marked.date:%Y-%m-%d}（星期{'一二三四五六日'[marked.date.weekday()]}）"
        )
        if marked.provisional:
            self.stdout.write(provisional_note(marked.provisional_years))
