"""huimin calendar show YEAR: the year's days off and make-up workdays with their source
(the chinesecalendar package, an entered State Council notice, or provisional by the law)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core import rules
from huimin.core.selectors import WorkdayCalendar, YearCalendar

WEEKDAYS = "一二三四五六日"


def year_lines(cal: YearCalendar) -> list[str]:
    """The year as the CLI prints it (also the preview of ``calendar notice``)."""
    lines = [f"{cal.year}年放假安排 — 来源：{cal.source_label}"]
    if cal.notice_date:
        lines.append(f"发布日期：{cal.notice_date:%Y-%m-%d}")
    lines.append("放假（不含普通周末）：")
    for day, name in cal.days_off.items():
        if day.weekday() < 5 or name != "休息":
            lines.append(f"  {day:%Y-%m-%d} 周{WEEKDAYS[day.weekday()]} 休息 {name}")
    lines.append("调休上班：" + ("" if cal.make_up_workdays else "无"))
    for day, name in cal.make_up_workdays.items():
        lines.append(f"  {day:%Y-%m-%d} 周{WEEKDAYS[day.weekday()]} 上班 {name}")
    lines.append(f"全年工作日 {len(cal.workdays)} 天。")
    if cal.provisional:
        lines.append(
            "注意：此年度为暂定安排（国务院通知尚未录入），据此计算的期限标“暂定”；"
            "录入通知：huimin calendar notice 通知.txt --yes"
        )
    return lines


class Command(BaseCommand):
    help = "显示某年的放假和调休上班日期及其来源（软件包、已录入的国务院通知或暂定推算）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="年份，如 2027")

    def handle(self, *args: object, **options: object) -> None:
        try:
            cal = WorkdayCalendar().year(int(str(options["year"])))
        except rules.CalendarUnknown as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("\n".join(year_lines(cal)))
