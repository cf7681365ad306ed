"""The holiday law's provisional arrangement and the reader of the State Council's notices
(huimin/core/holidays.py): pure, no database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest

from huimin.core.holidays import (
    NoticeUnreadable,
    holidays_for_all_citizens,
    notice_parse,
    provisional_arrangement,
)

D = dt.date
NOTICES = Path(__file__).parent / "fixtures" / "holiday_notices"


def _days(year: int) -> list[dt.date]:
    first = D(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((D(year + 1, 1, 1) - first).days)]


# --------------------------------------------------------------------------- provisional

PROVISIONAL_2027 = {
    D(2027, 1, 1): "元旦",  # Friday
    # 除夕 Friday 02-05, 初一 Saturday, 初二 Sunday, 初三 Monday: two weekend days → 补假
    # on the next two working days, Tuesday and Wednesday
    D(2027, 2, 5): "春节",
    D(2027, 2, 6): "春节",
    D(2027, 2, 7): "春节",
    D(2027, 2, 8): "春节",
    D(2027, 2, 9): "春节补假",
    D(2027, 2, 10): "春节补假",
    D(2027, 4, 5): "清明节",  # the 清明 solar term, Monday
    D(2027, 5, 1): "劳动节",  # Saturday
    D(2027, 5, 2): "劳动节",  # Sunday
    D(2027, 5, 3): "劳动节补假",
    D(2027, 5, 4): "劳动节补假",
    D(2027, 6, 9): "端午节",  # 五月初五, Wednesday
    D(2027, 9, 15): "中秋节",  # 八月十五, Wednesday
    D(2027, 10, 1): "国庆节",  # Friday
    D(2027, 10, 2): "国庆节",
    D(2027, 10, 3): "国庆节",
    D(2027, 10, 4): "国庆节补假",
    D(2027, 10, 5): "国庆节补假",
}

PROVISIONAL_2028 = {
    D(2028, 1, 1): "元旦",  # Saturday → 补假 Monday 01-03
    D(2028, 1, 3): "元旦补假",
    D(2028, 1, 25): "春节",  # 除夕 Tuesday to 初三 Friday: no weekend day
    D(2028, 1, 26): "春节",
    D(2028, 1, 27): "春节",
    D(2028, 1, 28): "春节",
    D(2028, 4, 4): "清明节",
    D(2028, 5, 1): "劳动节",
    D(2028, 5, 2): "劳动节",
    D(2028, 5, 28): "端午节",  # Sunday → 补假 Monday
    D(2028, 5, 29): "端午节补假",
    D(2028, 10, 1): "国庆节",  # Sunday → one 补假 after the run 10-01..10-03
    D(2028, 10, 2): "国庆节",
    D(2028, 10, 3): "中秋节",  # 八月十五 on a National Day: the day is off once
    D(2028, 10, 4): "国庆节补假",
}


@pytest.mark.parametrize(("year", "expected"), [(2027, PROVISIONAL_2027), (2028, PROVISIONAL_2028)])
def test_provisional_days_off_follow_the_law_day_by_day(year, expected):
    arrangement = provisional_arrangement(year)
    assert arrangement.days_off == expected
    assert arrangement.workdays == {}  # no 调休上班 before the notice
    for day in _days(year):
        assert arrangement.is_workday(day) == (day.weekday() < 5 and day not in expected), day


def test_holidays_for_all_citizens_are_thirteen_days_every_year():
    for year in range(2025, 2100):
        days = holidays_for_all_citizens(year)
        names = sorted(days.values())
        # 13 days (1 + 4 + 1 + 2 + 1 + 1 + 3) unless 中秋 falls on 1–3 October
        mid_autumn = next(d for d, n in days.items() if n == "中秋节")
        shared = dt.date(year, 10, 1) <= mid_autumn <= dt.date(year, 10, 3)
        assert len(days) == (12 if shared else 13), year
        assert (names.count("春节"), names.count("劳动节")) == (4, 2), year


def test_provisional_lunar_dates_come_from_lunar_python():
    days = holidays_for_all_citizens(2026)
    # the package's own 2026: 除夕 02-16, 清明 04-05, 端午 06-19, 中秋 09-25
    assert [d for d, n in days.items() if n == "春节"] == [
        D(2026, 2, 16),
        D(2026, 2, 17),
        D(2026, 2, 18),
        D(2026, 2, 19),
    ]
    assert [d for d, n in days.items() if n in ("清明节", "端午节", "中秋节")] == [
        D(2026, 4, 5),
        D(2026, 6, 19),
        D(2026, 9, 25),
    ]
    for day in days:
        assert not chinese_calendar.is_workday(day)  # every legal holiday is off in 2026


@pytest.mark.parametrize("year", [2024, 2100])
def test_provisional_years_are_2025_to_2099(year):
    with pytest.raises(ValueError, match="2025至2099"):
        provisional_arrangement(year)


# --------------------------------------------------------------------------- notices


def _notice(year: int):
    return notice_parse((NOTICES / f"{year}.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize("year", range(2015, 2027))
def test_published_notices_parse_to_the_days_chinesecalendar_has(year):
    notice = _notice(year)
    assert notice.year == year
    assert notice.title.startswith("国务院办公厅关于")
    assert str(year) in notice.title
    # a notice may name days at the end of the year before (the 2019 notice: 2018-12-29/30/31)
    following = _notice(year + 1) if year < 2026 else None
    off = set(notice.days_off) | (set(following.days_off) if following else set())
    work = set(notice.workdays) | (set(following.workdays) if following else set())
    for day in _days(year):
        weekday = day.weekday() < 5
        package = chinese_calendar.is_workday(day)
        if weekday and not package:
            assert day in off, f"{day} off in chinesecalendar, missing from the notice"
        if not weekday and package:
            assert day in work, f"{day} a make-up workday in chinesecalendar, missing"
    for day in notice.days_off:
        assert not chinese_calendar.is_workday(day), day
    for day in notice.workdays:
        assert chinese_calendar.is_workday(day), day


def test_the_2026_notice_reads_title_date_and_every_day():
    notice = _notice(2026)
    assert notice.title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert notice.published_on == D(2025, 11, 4)
    assert sorted(notice.workdays) == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    assert notice.workdays[D(2026, 1, 4)] == "元旦调休上班"
    assert len(notice.days_off) == 33
    assert notice.days_off[D(2026, 2, 23)] == "春节"


def test_the_2020_extension_and_the_2019_adjustment_replace_what_came_before():
    n2020 = _notice(2020)
    assert n2020.days_off[D(2020, 1, 31)] == "春节（延长）"
    assert D(2020, 2, 1) not in n2020.workdays  # the extension cancelled the make-up Saturday
    assert n2020.number == "国办发明电〔2019〕16号"
    n2019 = _notice(2019)
    assert [d for d in n2019.days_off if d.month == 5] == [D(2019, 5, d) for d in (1, 2, 3, 4)]
    assert sorted(d for d in n2019.workdays if d.month in (4, 5)) == [
        D(2019, 4, 28),
        D(2019, 5, 5),
    ]


def test_full_width_and_half_width_text_read_the_same():
    text = (
        "国务院办公厅关于2027年部分节假日安排的通知\n"
        "一、元旦：１月１日（周五）至３日（周日）放假，共３天。"
    )
    half = (
        "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦:1月1日(周五)至3日(周日)放假,共3天。"
    )
    assert (
        notice_parse(text).days_off
        == notice_parse(half).days_off
        == {
            D(2027, 1, 1): "元旦",
            D(2027, 1, 2): "元旦",
            D(2027, 1, 3): "元旦",
        }
    )


TITLE = "国务院办公厅关于2027年部分节假日安排的通知"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"{TITLE}\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
            "二、春节：2月5日至11日放假调休，共8天。",
            "第3行无法识别：“二、春节：2月5日至11日放假调休，共8天。”。"
            "放假共7天，与所写的8天不符。",
        ),
        (
            f"{TITLE}\n一、春节：2月5日至11日放假调休，共7天。2月8日（周一）上班。",
            "第2行无法识别：“一、春节：2月5日至11日放假调休，共7天。2月8日（周一）上班。”。"
            "2月8日是工作日，调休上班日应为周六或周日。",
        ),
        (
            f"{TITLE}\n三、清明节：4月5日（周一）放假，4月X日补休。",
            "第2行无法识别：“三、清明节：4月5日（周一）放假，4月X日补休。”。看不懂“4月X日补休”。",
        ),
        (
            f"{TITLE}\n一、元旦：1月1日放假，1月4日前后酌情安排。",
            "第2行无法识别：“一、元旦：1月1日放假，1月4日前后酌情安排。”。"
            "看不懂“1月4日前后酌情安排”。",
        ),
        (
            f"{TITLE}\n一、元旦：2月30日放假。",
            "第2行无法识别：“一、元旦：2月30日放假。”。2027年2月30日不是有效日期。",
        ),
        (
            "一、元旦：1月1日放假。",
            "第1行无法识别：“一、元旦：1月1日放假。”。请先选择年份，或在条目之前保留通知标题。",
        ),
        (
            f"{TITLE}\n各省、自治区、直辖市人民政府：",
            "通知无法识别。没有找到“一、元旦：……”这样的放假安排条目。",
        ),
        (
            f"{TITLE}\n一、国庆节：10月1日至7日放假调休，共7天。10月9日（周六）、10月9日（周六）上班。\n"
            "二、补充：10月9日放假。",
            None,
        ),
    ],
)
def test_unreadable_text_is_refused_with_the_line(text, message):
    if message is None:  # the same day both off and at work, in two items
        notice = notice_parse(text)
        assert D(2027, 10, 9) in notice.days_off or D(2027, 10, 9) in notice.workdays
        return
    with pytest.raises(NoticeUnreadable) as error:
        notice_parse(text)
    assert str(error.value) == message


def test_a_title_of_another_year_is_refused_when_a_year_is_chosen():
    with pytest.raises(NoticeUnreadable) as error:
        notice_parse(f"{TITLE}\n一、元旦：1月1日放假。", year=2028)
    assert str(error.value) == (
        f"第1行无法识别：“{TITLE}”。标题是2027年的通知，而要录入的是2028年。"
    )
