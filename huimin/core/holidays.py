"""Pure rules of the holiday calendar: the provisional arrangement the law gives for a year
without a State Council notice, and the reader of a pasted notice. No database.

Sources: 《全国年节及纪念日放假办法》(2024 revision) art. 2 (holidays for all citizens) and the
article on holidays that fall on a weekend (补假 on the following working days); the State
Council's yearly 《国务院办公厅关于YYYY年部分节假日安排的通知》. RULES.md §1, ADR 0010.
Lunar dates and the 清明 solar term come from ``lunar_python`` (MIT), not from typed tables.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from lunar_python import Lunar, Solar

#: The years a provisional arrangement may be derived for (the law's 2024 revision applies from
#: 2025; lunar_python's tables and our date arithmetic are checked to 2099).
PROVISIONAL_FIRST_YEAR = 2025
PROVISIONAL_LAST_YEAR = 2099
#: Years the platform computes working days for at all (chinesecalendar starts in 2004).
FIRST_YEAR = 2004
LAST_YEAR = 2099


@dataclass(frozen=True)
class Arrangement:
    """A year's days off and make-up workdays (调休上班), each with its name. A day not listed
    follows the plain week (Monday–Friday working)."""

    year: int
    days_off: dict[dt.date, str]
    workdays: dict[dt.date, str] = field(default_factory=dict)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5


# --------------------------------------------------------------------------- provisional


def _solar(s: Solar) -> dt.date:
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


def holidays_for_all_citizens(year: int) -> dict[dt.date, str]:
    """Art. 2 of the 2024 revision: 元旦 1 January; 春节 农历除夕 and 正月初一 to 初三;
    清明节 the day of the 清明 solar term; 劳动节 1–2 May; 端午节 农历五月初五; 中秋节 农历八月十五;
    国庆节 1–3 October. Where two fall on one day the day is off once (the law names only
    weekends for 补假)."""
    new_year = _solar(Lunar.fromYmd(year, 1, 1).getSolar())
    days: dict[dt.date, str] = {}

    def add(day: dt.date, name: str) -> None:
        days.setdefault(day, name)

    add(dt.date(year, 1, 1), "元旦")
    for offset in range(-1, 3):  # 除夕 is the day before 正月初一, whatever the month's length
        add(new_year + dt.timedelta(days=offset), "春节")
    qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    add(_solar(qingming), "清明节")
    add(dt.date(year, 5, 1), "劳动节")
    add(dt.date(year, 5, 2), "劳动节")
    add(_solar(Lunar.fromYmd(year, 5, 5).getSolar()), "端午节")
    add(_solar(Lunar.fromYmd(year, 8, 15).getSolar()), "中秋节")
    for d in (1, 2, 3):
        add(dt.date(year, 10, d), "国庆节")
    return dict(sorted(days.items()))


@functools.lru_cache(maxsize=128)
def provisional_arrangement(year: int) -> Arrangement:
    """The arrangement the law alone gives, before the State Council's notice: the holidays of
    art. 2 and, for each run of consecutive holiday days, as many 补假 days as the run has days
    on a Saturday or Sunday, on the first working days right after the run. No make-up
    workdays: nobody knows them before the notice."""
    if not PROVISIONAL_FIRST_YEAR <= year <= PROVISIONAL_LAST_YEAR:
        raise ValueError(f"暂定安排只推算{PROVISIONAL_FIRST_YEAR}至{PROVISIONAL_LAST_YEAR}年。")
    holidays = holidays_for_all_citizens(year)
    days_off = dict(holidays)
    runs: list[list[dt.date]] = []
    for day in holidays:
        if runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        owed = sum(1 for d in run if d.weekday() >= 5)
        day = run[-1]
        while owed:
            day += dt.timedelta(days=1)
            if day.weekday() < 5 and day not in days_off:
                days_off[day] = f"{holidays[run[0]]}补假"
                owed -= 1
    return Arrangement(year=year, days_off=dict(sorted(days_off.items())))


# --------------------------------------------------------------------------- the notice


class NoticeUnreadable(ValueError):
    """A line of a pasted notice that the reader cannot read; nothing is saved then."""

    def __init__(self, line_no: int | None, line: str, reason: str) -> None:
        self.line_no, self.line, self.reason = line_no, line, reason
        where = f"第{line_no}行" if line_no else "通知"
        text = f"：“{line}”" if line else ""
        super().__init__(f"{where}无法识别{text}。{reason}")


@dataclass
class Notice:
    """What a State Council notice says: its year, title, number, date and the days."""

    year: int
    title: str = ""
    number: str = ""
    published_on: dt.date | None = None
    days_off: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)


_DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"
_ITEM = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
_TITLE = re.compile(r"^国务院.*的通知$")
_NUMBER = re.compile(r"^国(?:办)?发明电[〔\[(]\d{4}[〕\])]\d+号$")
_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_HAS_DAY = re.compile(r"\d{1,2}日")
_PARENS = re.compile(r"\([^)]*\)")
_RANGE_OFF = re.compile(rf"^{_DATE}(?:至{_DATE})?(?:全国)?(?:调休)?放假(?:调休)?(?:(\d+)天)?$")
_COUNT = re.compile(r"^共(\d+)天$")
_LIST = re.compile(rf"^({_DATE}(?:、{_DATE})*)(补休|调休|上班)$")
_EXTEND = re.compile(rf"^延长(?:\d{{4}}年)?(春节|[^\d]+?)假期至{_DATE}$")
_RESUME = re.compile(rf"^{_DATE}起正常上班$")
_ARRANGING = re.compile(r"放假|补休|调休|上班|补假")
_NOTHING = {"与周末连休", "不调休", "放假调休", "放假"}
_SEPARATOR = {"---", "——", "—"}


def _normal(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), no spaces inside a line."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _Reader:
    def __init__(self, year: int | None) -> None:
        self.year = year
        self.title = self.number = ""
        self.published_on: dt.date | None = None
        self.section = 0
        # (section, festival, days off, make-up workdays) in the order read
        self.items: list[tuple[int, str, dict[dt.date, str], dict[dt.date, str]]] = []

    # one date, as written; ``last`` gives the year and month a bare "3日" continues
    def date(self, groups: tuple[str | None, ...], last: dt.date | None, where: str) -> dt.date:
        y, m, d = groups
        if self.year is None:
            raise ValueError("请先选择年份，或在条目之前保留通知标题")
        year = int(y) if y else (last.year if last else self.year)
        if m is None and last is None:
            raise ValueError(f"“{where}”缺少月份")
        month = int(m) if m else last.month  # type: ignore[union-attr]
        try:
            day = dt.date(year, month, int(d))  # type: ignore[arg-type]
        except ValueError:
            raise ValueError(f"{year}年{month}月{d}日不是有效日期") from None
        if not (dt.date(self.year - 1, 12, 1) <= day <= dt.date(self.year, 12, 31)):
            raise ValueError(f"{day.year}年{day.month}月{day.day}日不在{self.year}年的安排范围内")
        return day

    def dates(self, text: str) -> list[dt.date]:
        out: list[dt.date] = []
        for part in text.split("、"):
            m = re.fullmatch(_DATE, part)
            if not m:
                raise ValueError(f"“{part}”不是日期")
            out.append(self.date(m.groups(), out[-1] if out else None, part))
        return out

    def _earlier(self, festival: str) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
        for _, name, off, work in reversed(self.items):
            if name == festival:
                return off, work
        raise ValueError(f"通知中没有可延长的{festival}假期")

    def item(self, name: str, body: str, *, prose: bool = False) -> None:
        """Read an item's sentences. In a numbered item every clause with a date must be read.
        In a paragraph (``prose``: an introduction, or the 2015 commemoration notice that has
        no items) only clauses of the arrangement's own forms are read; the others are context
        ("自2025年1月1日起", "国庆节自10月1日起放假调休7天") — the preview shows the result."""
        off: dict[dt.date, str] = {}
        work: dict[dt.date, str] = {}
        label = name or "放假"
        for sentence in filter(None, _PARENS.sub("", body).split("。")):
            if sentence.startswith("鼓励"):  # advice to employers, not a day off
                continue
            last_range: int | None = None
            for clause in filter(None, sentence.split(",")):
                head, colon, tail = clause.rpartition(":")
                if colon and _HAS_DAY.search(tail) and not _HAS_DAY.search(head):
                    clause = tail  # "特作如下调休：9月3日至5日调休放假"
                clause = clause.removeprefix("其中")
                if clause in _NOTHING:
                    continue
                if m := _RANGE_OFF.fullmatch(clause):
                    g = m.groups()
                    first = self.date(g[0:3], None, clause)
                    end = self.date(g[3:6], first, clause) if g[5] else first
                    if end < first:
                        raise ValueError(f"“{clause}”的结束日期早于开始日期")
                    span = (end - first).days + 1
                    if g[6] and int(g[6]) != span:
                        raise ValueError(f"“{clause}”共{span}天，与所写的{g[6]}天不符")
                    for i in range(span):
                        off[first + dt.timedelta(days=i)] = label
                    last_range = span
                elif m := _COUNT.fullmatch(clause):
                    if last_range is not None and int(m.group(1)) != last_range:
                        raise ValueError(f"放假共{last_range}天，与所写的{m.group(1)}天不符")
                elif m := _LIST.fullmatch(clause):
                    days = self.dates(m.group(1))
                    if clause.endswith("上班"):
                        for d in days:
                            if d.weekday() < 5:
                                raise ValueError(
                                    f"{d.month}月{d.day}日是工作日，调休上班日应为周六或周日"
                                )
                            work[d] = f"{label}调休上班"
                    else:
                        for d in days:
                            off[d] = f"{label}补休" if clause.endswith("补休") else label
                elif m := _EXTEND.fullmatch(clause):
                    festival = m.group(1)
                    until = self.date(m.groups()[1:4], None, clause)
                    earlier_off, earlier_work = self._earlier(festival)
                    day = max(earlier_off)
                    while day < until:
                        day += dt.timedelta(days=1)
                        off[day] = f"{festival}（延长）"
                    name = label = festival
                    off = {**earlier_off, **off}
                    work = {d: n for d, n in {**earlier_work, **work}.items() if d not in off}
                elif _RESUME.fullmatch(clause):
                    continue
                elif prose:
                    continue
                elif _HAS_DAY.search(clause) or _ARRANGING.search(clause):
                    raise ValueError(f"看不懂“{clause}”")
        if not (off or work):
            return
        clash = set(off) & set(work)
        if clash:
            d = min(clash)
            raise ValueError(f"{d.month}月{d.day}日既写为放假又写为上班")
        # a later notice (an adjustment, an extension) replaces what an earlier one said of the
        # festival: by its name, or by the days it covers
        covered = set(off) | set(work)
        kept = []
        for item in self.items:
            section, earlier, e_off, e_work = item
            overlaps = section < self.section and covered & (set(e_off) | set(e_work))
            if earlier == name or overlaps:
                name = name or earlier
                continue
            kept.append(item)
        self.items = [*kept, (self.section, name, off, work)]

    def line(self, raw: str) -> None:
        text = _normal(raw)
        if not text or text in _SEPARATOR:
            return
        if _TITLE.search(text):
            m = re.search(r"(\d{4})年", text)
            if m and not self.title:
                year = int(m.group(1))
                if self.year is not None and year != self.year:
                    raise ValueError(f"标题是{year}年的通知，而要录入的是{self.year}年")
                self.year = year
            self.title = self.title or text
            self.section += 1
            return
        if _NUMBER.match(text):
            self.number = self.number or text
            return
        if m := _DATE_LINE.match(text):
            if self.published_on is None:
                self.published_on = dt.date(*map(int, m.groups()))
            return
        if m := _ITEM.match(text):
            body = m.group(2)
            if not _HAS_DAY.search(body):  # "二、各地大专院校……推迟开学": no day to read
                return
            name, sep, rest = body.partition(":")
            if not sep or _HAS_DAY.search(name):
                name, rest = "", body
            self.item(name, rest)
            return
        if _HAS_DAY.search(text):
            # a paragraph that gives days (the 2015 commemoration notice): read like an item
            self.item("", text, prose=True)
        # greeting, introduction, closing words, signature: nothing to read


def notice_parse(text: str, *, year: int | None = None) -> Notice:
    """Read a State Council holiday notice pasted as text ("一、元旦：1月1日（周四）至3日（周六）
    放假调休，共3天。1月4日（周日）上班。…"). Each numbered item gives days off (放假, 补休)
    and make-up workdays (上班); title, document number and date are kept. Several notices of
    one year (an adjustment, an extension) may follow each other; a later item of the same
    festival replaces the earlier. Raises NoticeUnreadable with the first line it cannot read."""
    reader = _Reader(year)
    lines = text.splitlines()
    for no, raw in enumerate(lines, start=1):
        try:
            reader.line(raw)
        except ValueError as exc:
            raise NoticeUnreadable(no, raw.strip()[:80], str(exc) + "。") from None
    if reader.year is None:
        raise NoticeUnreadable(
            None, "", "请保留通知标题（“国务院办公厅关于YYYY年部分节假日安排的通知”）或选择年份。"
        )
    if not reader.items:
        raise NoticeUnreadable(None, "", "没有找到“一、元旦：……”这样的放假安排条目。")
    notice = Notice(
        year=reader.year,
        title=reader.title,
        number=reader.number,
        published_on=reader.published_on,
    )
    for _, _, off, work in reader.items:
        notice.days_off.update(off)
        notice.workdays.update(work)
    notice.days_off = dict(sorted(notice.days_off.items()))
    notice.workdays = dict(sorted(notice.workdays.items()))
    return notice


def provisional_note(years: list[int] | tuple[int, ...], *, communicated: bool = True) -> str:
    """The one-line explanation next to a provisional deadline, in words an operator, a
    guardian or a farmer understands."""
    from django.utils.translation import gettext

    named = "、".join(f"{y}年" for y in years) or gettext("该年")
    if communicated:
        return gettext(
            "暂定：国务院尚未公布%(years)s的放假安排，此日期按国家法定节假日推算；"
            "公布后如有调整，只会推后，不会提前。"
        ) % {"years": named}
    return gettext(
        "暂定：国务院尚未公布%(years)s的放假安排，此日期按国家法定节假日推算，公布后将重新核定。"
    ) % {"years": named}
