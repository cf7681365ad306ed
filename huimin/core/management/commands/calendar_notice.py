"""huimin calendar notice FILE [--year YEAR] [--yes]: read a State Council holiday notice from
a text file, print what it gives (the year, the days that differ from the calendar in force,
the stored deadlines that would move) and, with --yes, save it and recompute those deadlines.
The same reader and service as the page /calendar/notice/."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core import selectors, services
from huimin.core.errors import DomainError
from huimin.core.management.commands.calendar_show import WEEKDAYS, year_lines


class Command(BaseCommand):
    help = (
        "从文本文件录入国务院办公厅放假安排通知：先打印读出的安排、与现行安排不同的日子和"
        "将要变动的期限；加 --yes 保存并重新计算按暂定安排计算的期限。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="通知全文的文本文件（UTF-8），“-”为标准输入")
        parser.add_argument("--year", type=int, help="年份（默认取通知标题中的年份）")
        parser.add_argument("--yes", action="store_true", help="确认保存")

    def handle(self, *args: object, **options: object) -> None:
        name = str(options["file"])
        try:
            text = self.stdin_text() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"读不了文件 {name}：{exc}") from None
        year = options["year"] if isinstance(options["year"], int) else None
        try:
            preview = selectors.holiday_notice_preview(user=None, text=text, year=year)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        out = self.stdout.write
        notice = preview.notice
        out(f"通知：{notice.title or '（未写标题）'} {notice.number}".rstrip())
        out(f"现行安排：{preview.current.source_label}")
        out("\n".join(year_lines(preview.year)[1:]))
        out(f"与现行安排不同的日子：{len(preview.differences)} 天")
        for day, before, after, label in preview.differences:
            was, now = ("上班" if before else "休息"), ("上班" if after else "休息")
            out(f"  {day:%Y-%m-%d} 周{WEEKDAYS[day.weekday()]} {was} → {now} {label}")
        out(f"将重新计算的期限：{len(preview.moves)} 个")
        for move in preview.moves:
            note = "（已告知当事人，不提前）" if move.kept else ""
            out(
                f"  {move.what} {move.holder.label}：{move.before:%Y-%m-%d} → "
                f"{move.after:%Y-%m-%d}{note}"
            )
        if not options["yes"]:
            out("未保存。核对无误后加 --yes 再次运行以保存。")
            return
        try:
            entered = services.holiday_notice_enter(actor=None, text=text, year=year)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已保存{entered.holiday_year.year}年放假安排；重新计算了{entered.moved}个期限，"
                f"{entered.kept}个已告知的期限未提前。"
            )
        )

    def stdin_text(self) -> str:
        import sys

        return sys.stdin.read()
