"""Reads of the shared kernel, always scoped to the acting user.

Scoping lives here, below every interface, so pages, API, exports and tasks share it:
``region_scope_q`` is the one place that decides what regions a user reaches.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import chinese_calendar
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Substr

from huimin.core import deadlines, holidays, rules, search
from huimin.core.errors import CalendarUnknownYear, Forbidden, InvalidInput, NotFound
from huimin.core.models import (
    HolidayDay,
    HolidayYear,
    HouseholdMember,
    Notification,
    Person,
    Region,
    User,
)
from huimin.core.timeline import TimelineEntry, timeline_for
from huimin.core.timeline import status_label as status_label  # core.services reads it here

M = TypeVar("M", bound=Model)

# --------------------------------------------------------------------------- scoping


def region_paths_for_user(user: User) -> list[str]:
    """The paths of the regions a user serves; a superuser serves the whole tree."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return [""]
    cached = getattr(user, "_region_paths", None)
    if cached is None:
        cached = list(user.regions.values_list("path", flat=True))
        user._region_paths = cached  # type: ignore[attr-defined]
    return cached


def region_scope_q(user: User, field: str = "region") -> Q:
    """A filter keeping rows whose ``field`` region is one the user serves or lies below it.
    A user with no regions matches nothing. The regions are chosen first, in a subquery the
    database runs once (``region_id IN (SELECT id FROM core_region WHERE path LIKE …)``), so a
    scoped count or list reads the table's region index instead of joining the region of every
    row to test its path (issue 17: 29–40 ms → 1–2 ms for a county at city scale)."""
    paths = region_paths_for_user(user)
    if not paths:
        return Q(pk__in=[])
    if paths == [""]:
        return Q(**{f"{field}__isnull": False})
    regions = Q()
    for path in paths:
        regions |= Q(path__startswith=path)
    return Q(**{f"{field}__in": Region.objects.filter(regions).values("pk")})


def region_may_act(user: User, region: Region) -> bool:
    """Acting scope: the user's own regions cover ``region`` (it is one of them or lies below
    one). Seeing can be wider — a county sees the city's plans that reach into it, the county a
    child moved away from still sees its application — but seeing is not acting: every service
    write on a region's record asks this, not the reading selector (issue 11, item 1)."""
    return rules.region_path_covered(region_paths_for_user(user), region.path)


def region_act_require(user: User, region: Region) -> None:
    """Forbidden unless the user may act on a record of ``region`` (see ``region_may_act``).
    The record was already resolved by a reading selector, so it is 403, not 404."""
    if not region_may_act(user, region):
        raise Forbidden(
            f"该记录属于{region.name}，不在您负责的区域内：您可以查看，但不能办理。"
            "请由负责该区域的工作人员办理。"
        )


def region_list_for_user(*, user: User) -> QuerySet[Region]:
    paths = region_paths_for_user(user)
    if not paths:
        return Region.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return Region.objects.filter(q).select_related("parent")


def region_get_for_user(*, user: User, code: str) -> Region:
    try:
        return region_list_for_user(user=user).get(code=code)
    except Region.DoesNotExist:
        raise NotFound("未找到该行政区划，或不在您的负责范围内。") from None


def within_region(qs: QuerySet[M], *, user: User, code: str, field: str = "region") -> QuerySet[M]:
    """Rows whose ``field`` region is the region ``code`` (one the user serves) or below it.
    A code outside the user's regions is NotFound, as everywhere."""
    region = region_get_for_user(user=user, code=code)
    below = Region.objects.filter(path__startswith=region.path).values("pk")
    return qs.filter(**{f"{field}__in": below})


def region_counties() -> QuerySet[Region]:
    """The 13 county-level divisions (public information)."""
    return Region.objects.filter(level=Region.Level.COUNTY).order_by("code")


#: A county's path, "140800/140822/": the city's code and the county's, six digits and a slash
#: each (GB/T 2260); the first characters of the path of any region below it.
COUNTY_PATH_LENGTH = 14


def county_key(field: str = "region") -> Substr:
    """The path of the county a row's ``field`` region lies in, to group counts by county
    (``.annotate(county=county_key()).values("county")``); see ``county_code_of``."""
    return Substr(f"{field}__path", 1, COUNTY_PATH_LENGTH)


def county_code_of(path: str) -> str:
    """The county's code of a county path from ``county_key`` ("140800/140822/" → "140822");
    "" for a path above the counties (the city's own rows)."""
    return path[7:13] if len(path) >= COUNTY_PATH_LENGTH else ""


def counts_by_county(
    qs: QuerySet[Any], field: str = "region", *, by: tuple[str, ...] = (), **aggregates: Any
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The ``aggregates`` of ``qs`` grouped by the county its ``field`` region lies in (and by
    the fields ``by``): one (county code, row) per group, the city's own rows left out. Every
    module's overview figures are such grouped counts over its scoped selector."""
    rows = (
        qs.annotate(county_path=county_key(field))
        .values("county_path", *by)
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        code = county_code_of(row.pop("county_path"))
        if code:
            yield code, row


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    region: str = ""  # a region code: that region and below
    sex: str = ""
    status: str = ""
    born_from: dt.date | None = None
    born_to: dt.date | None = None


def _require(user: User, perm: rules.Perm) -> None:
    if not user.can(perm):
        raise Forbidden()


def person_list_for_user(*, user: User, filters: PersonFilters | None = None) -> QuerySet[Person]:
    """People the user may see: by region for officials, only themselves for a citizen.
    A region filter outside the user's scope is NotFound (existence never leaks)."""
    _require(user, rules.Perm.PERSON_VIEW)
    filters = filters or PersonFilters()
    if user.role in rules.OWNERSHIP_ROLES and not user.is_superuser:
        # scope by ownership: a citizen reaches their own record only
        qs = Person.objects.filter(pk=user.person_id) if user.person_id else Person.objects.none()
    else:
        qs = Person.objects.filter(region_scope_q(user))
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.q:
        qs = qs.filter(search.person_q(filters.q))
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.born_from:
        qs = qs.filter(birth_date__gte=filters.born_from)
    if filters.born_to:
        qs = qs.filter(birth_date__lte=filters.born_to)
    return qs.select_related("region", "region__parent").order_by("-id")


def person_export_for_user(*, user: User, filters: PersonFilters) -> QuerySet[Person]:
    """The rows of a people export: the same scope as the list, for roles that may export."""
    _require(user, rules.Perm.PERSON_EXPORT)
    return person_list_for_user(user=user, filters=filters)


def timeline_for_user(*, user: User, obj: Model) -> list[TimelineEntry]:
    """A record's timeline for a role that may read audit trails; others get none."""
    return timeline_for(obj) if user.can(rules.Perm.AUDIT_VIEW) else []


def household_people(*, person_id: int) -> QuerySet[Person]:
    """The people of ``person_id``'s household, the person included (only the person when no
    household is recorded). Unscoped: a module's service reads it to compute a household fact
    about a record the actor was already allowed to see."""
    household_id = (
        HouseholdMember.objects.filter(person_id=person_id)
        .values_list("household_id", flat=True)
        .first()
    )
    if household_id is None:
        return Person.objects.filter(pk=person_id)
    return Person.objects.filter(household_member__household_id=household_id)


def person_get_for_user(*, user: User, person_id: int) -> Person:
    """One person in the user's scope, else NotFound."""
    try:
        return person_list_for_user(user=user).get(pk=person_id)
    except Person.DoesNotExist:
        raise NotFound() from None


# --------------------------------------------------------------------------- working days


class YearSource(StrEnum):
    PACKAGE = "package"
    NOTICE = "notice"
    PROVISIONAL = "provisional"


@dataclass(frozen=True)
class YearCalendar:
    """One year of the calendar: its working days, the named days off and make-up workdays
    (for display), and where it comes from — the chinesecalendar package, a State Council
    notice an administrator entered (title, number, date), or provisional by the law."""

    year: int
    source: YearSource
    workdays: frozenset[dt.date]
    days_off: dict[dt.date, str]
    make_up_workdays: dict[dt.date, str]
    notice: str = ""
    notice_number: str = ""
    notice_date: dt.date | None = None

    @property
    def provisional(self) -> bool:
        return self.source == YearSource.PROVISIONAL

    @property
    def weekday_days_off(self) -> int:
        """Days off Monday to Friday: what the year's holidays cost in working days."""
        return sum(1 for d in self.days_off if d.weekday() < 5 and d not in self.workdays)

    @property
    def source_label(self) -> str:
        if self.source == YearSource.PACKAGE:
            return f"chinesecalendar 软件包（国务院办公厅{self.year}年放假安排）"
        if self.source == YearSource.NOTICE:
            number = f"（{self.notice_number}）" if self.notice_number else ""
            return f"已录入通知：{self.notice or '国务院办公厅放假安排'}{number}"
        return "暂定：按《全国年节及纪念日放假办法》推算，国务院通知尚未录入"


_PACKAGE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@functools.lru_cache(maxsize=128)
def _package_year(year: int) -> YearCalendar | None:
    """A year by the chinesecalendar package; None if it does not know the year. The
    package's data never changes while the process runs."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return None
    days = _days_of(year)
    workdays = frozenset(d for d in days if chinese_calendar.is_workday(d))
    off: dict[dt.date, str] = {}
    make_up: dict[dt.date, str] = {}
    for d in days:
        _, name = chinese_calendar.get_holiday_detail(d)
        label = _PACKAGE_NAMES.get(name, name) if name else ""
        if d in workdays:
            if d.weekday() >= 5:
                make_up[d] = f"{label}调休上班" if label else "调休上班"
        elif label or d.weekday() < 5:
            off[d] = label or "休息"
    return YearCalendar(year, YearSource.PACKAGE, workdays, off, make_up)


@functools.lru_cache(maxsize=128)
def _provisional_year(year: int) -> YearCalendar:
    arrangement = holidays.provisional_arrangement(year)
    workdays = frozenset(d for d in _days_of(year) if arrangement.is_workday(d))
    return YearCalendar(year, YearSource.PROVISIONAL, workdays, dict(arrangement.days_off), {})


def _days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def _with_days(
    base: YearCalendar,
    *,
    source: YearSource,
    days: dict[dt.date, tuple[bool, str]],
    notice: tuple[str, str, dt.date | None] = ("", "", None),
) -> YearCalendar:
    """``base`` with the listed days (is_workday, name) deciding over it."""
    workdays = set(base.workdays)
    off, make_up = dict(base.days_off), dict(base.make_up_workdays)
    for d, (is_workday, name) in days.items():
        if is_workday:
            workdays.add(d)
            off.pop(d, None)
            if d.weekday() >= 5:
                make_up[d] = name or "调休上班"
        else:
            workdays.discard(d)
            make_up.pop(d, None)
            off[d] = name or "休息"
    return YearCalendar(
        base.year,
        source,
        frozenset(workdays),
        dict(sorted(off.items())),
        dict(sorted(make_up.items())),
        *notice,
    )


def plain_week(year: int) -> YearCalendar:
    return YearCalendar(
        year, YearSource.NOTICE, frozenset(d for d in _days_of(year) if d.weekday() < 5), {}, {}
    )


def notice_year_calendar(notice: holidays.Notice) -> YearCalendar:
    """The year a parsed notice gives, as it would be once entered (not saved)."""
    base = _package_year(notice.year) or plain_week(notice.year)
    days = {d: (False, n) for d, n in notice.days_off.items() if d.year == notice.year}
    days |= {d: (True, n) for d, n in notice.workdays.items() if d.year == notice.year}
    return _with_days(
        base,
        source=YearSource.NOTICE,
        days=days,
        notice=(notice.title, notice.number, notice.published_on),
    )


class WorkdayCalendar:
    """Working days of a year, from (first that applies) a notice an administrator entered
    (HolidayYear/HolidayDay: listed days decide, the rest follows the package if it knows the
    year, else the plain week), the chinesecalendar package, or — from 2025 to 2099 — the
    provisional arrangement of the holiday law (ADR 0010). Each year is read once per instance
    (one query, two when an entered notice touches it); then every day is a set lookup.
    ``candidates`` replace years as a notice being previewed would."""

    def __init__(self, candidates: dict[int, YearCalendar] | None = None) -> None:
        self._years: dict[int, YearCalendar] = dict(candidates or {})

    def year(self, year: int) -> YearCalendar:
        """Raises rules.CalendarUnknown outside 2004–2099."""
        if year not in self._years:
            self._years[year] = self._read(year)
        return self._years[year]

    def _read(self, year: int) -> YearCalendar:
        if not holidays.FIRST_YEAR <= year <= holidays.LAST_YEAR:
            raise rules.CalendarUnknown(year)
        entered = {
            row["year"]: row
            for row in HolidayYear.objects.filter(year__in=[year, year + 1]).values(
                "year", "notice", "notice_number", "notice_date"
            )
        }
        days: dict[dt.date, tuple[bool, str]] = {}
        if entered:  # a notice may also name days at the end of the year before
            days = {
                d: (w, n)
                for d, w, n in HolidayDay.objects.filter(
                    date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
                ).values_list("date", "is_workday", "name")
            }
        package = _package_year(year)
        if year in entered:
            row = entered[year]
            return _with_days(
                package or plain_week(year),
                source=YearSource.NOTICE,
                days=days,
                notice=(row["notice"], row["notice_number"], row["notice_date"]),
            )
        if package is not None:
            return _with_days(package, source=YearSource.PACKAGE, days=days) if days else package
        if year < holidays.PROVISIONAL_FIRST_YEAR:
            raise rules.CalendarUnknown(year)
        provisional = _provisional_year(year)
        if days:
            return _with_days(provisional, source=YearSource.PROVISIONAL, days=days)
        return provisional

    def is_workday(self, day: dt.date) -> bool:
        """Raises rules.CalendarUnknown for a year outside 2004–2099."""
        return day in self.year(day.year).workdays

    def is_provisional(self, year: int) -> bool:
        return self.year(year).provisional

    def provisional_years(self, start: dt.date, end: dt.date) -> list[int]:
        """The provisional years among those of the days after ``start`` up to ``end`` (the
        days a deadline counts)."""
        first, last = sorted((start + dt.timedelta(days=1), end))
        return [y for y in range(first.year, last.year + 1) if self.is_provisional(y)]

    def _check(self, start: dt.date, working_days: int) -> None:
        if not 1 <= working_days <= rules.MAX_WORKING_DAYS:
            message = f"工作日天数应在1至{rules.MAX_WORKING_DAYS}之间，您填写的是{working_days}。"
            raise InvalidInput(message, field_errors={"working_days": message})
        if not holidays.FIRST_YEAR <= start.year <= holidays.LAST_YEAR:
            raise CalendarUnknownYear(str(rules.CalendarUnknown(start.year)))

    def deadline(self, start: dt.date, working_days: int) -> dt.date:
        """N working days after ``start`` (start not counted). Raises CalendarUnknownYear,
        InvalidInput."""
        return self.deadline_marked(start, working_days).date

    def deadline_marked(self, start: dt.date, working_days: int) -> Deadline:
        """The deadline and whether any day it counted lies in a provisional year."""
        self._check(start, working_days)
        try:
            day = rules.working_day_deadline(start, working_days, self.is_workday)
        except rules.CalendarUnknown as exc:
            raise CalendarUnknownYear(str(exc)) from None
        return Deadline(day, tuple(self.provisional_years(start, day)))

    def working_days_left(self, today: dt.date, deadline: dt.date) -> int:
        """Working days from today to the deadline: 0 on the day, negative when overdue."""
        try:
            return rules.working_days_between(today, deadline, self.is_workday)
        except rules.CalendarUnknown as exc:
            raise CalendarUnknownYear(str(exc)) from None


@dataclass(frozen=True)
class Deadline:
    """A computed deadline; ``provisional_years`` are the years without a notice it counted
    days in (empty when every day is on an official calendar)."""

    date: dt.date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)


def working_deadline(*, start: dt.date, working_days: int) -> dt.date:
    """The deadline N working days after ``start`` on the official calendar."""
    return WorkdayCalendar().deadline(start, working_days)


def working_deadline_marked(*, start: dt.date, working_days: int) -> Deadline:
    """The deadline N working days after ``start`` and the provisional years it counted in."""
    return WorkdayCalendar().deadline_marked(start, working_days)


def holiday_notice_missing(*, today: dt.date) -> int | None:
    """From 1 October, next year when neither the package nor an entered notice covers it
    (the administrator's reminder); else None."""
    year = today.year + 1
    if today.month < 10 or year > holidays.LAST_YEAR:
        return None
    return year if WorkdayCalendar().is_provisional(year) else None


# --------------------------------------------------------------------------- holiday notices


@dataclass(frozen=True)
class DeadlineMove:
    """What entering a notice does to one stored deadline counted on a provisional year."""

    holder: deadlines.DeadlineHolder
    obj: Model
    before: dt.date
    computed: dt.date  # on the calendar with the notice
    after: dt.date  # what is stored: never earlier than ``before`` once communicated
    provisional_after: bool
    what: str  # the record, as a person names it

    @property
    def kept(self) -> bool:
        """Computed earlier, but already told to somebody: it stays."""
        return self.after != self.computed

    @property
    def changed(self) -> bool:
        return self.after != self.before


def deadline_moves(calendar: WorkdayCalendar) -> list[DeadlineMove]:
    """Every running deadline stored as provisional, recomputed on ``calendar``."""
    moves: list[DeadlineMove] = []
    for holder in deadlines.deadline_holders():
        rows = holder.model._default_manager.filter(  # type: ignore[attr-defined]
            holder.running, **{holder.flag_field: True}
        ).order_by("pk")
        for row in rows:
            before = getattr(row, holder.deadline_field)
            if before is None:
                continue
            marked = calendar.deadline_marked(holder.start(row), holder.working_days(row))
            after = max(before, marked.date) if holder.communicated else marked.date
            moves.append(
                DeadlineMove(
                    holder,
                    row,
                    before,
                    marked.date,
                    after,
                    marked.provisional,
                    holder.describe(row),
                )
            )
    return moves


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    workday: bool
    name: str
    changed: bool  # differs from the calendar it is compared with


@dataclass(frozen=True)
class MonthGrid:
    month: int
    weeks: list[list[DayCell | None]]


def year_grid(year: YearCalendar, compare: YearCalendar | None = None) -> list[MonthGrid]:
    """The year as twelve month grids (weeks Monday to Sunday) for a page."""
    months: list[MonthGrid] = []
    for month in range(1, 13):
        first = dt.date(year.year, month, 1)
        weeks: list[list[DayCell | None]] = [[None] * first.weekday()]
        day = first
        while day.month == month:
            workday = day in year.workdays
            name = year.days_off.get(day) or year.make_up_workdays.get(day, "")
            changed = compare is not None and (day in compare.workdays) != workday
            if len(weeks[-1]) == 7:
                weeks.append([])
            weeks[-1].append(DayCell(day, workday, name, changed))
            day += dt.timedelta(days=1)
        weeks[-1] += [None] * (7 - len(weeks[-1]))
        months.append(MonthGrid(month, weeks))
    return months


@dataclass(frozen=True)
class NoticePreview:
    notice: holidays.Notice
    year: YearCalendar  # as it will be once entered
    current: YearCalendar  # as it is now (provisional, the package or an earlier notice)
    differences: list[tuple[dt.date, bool, bool, str]]  # day, workday now, then, name
    moves: list[DeadlineMove]
    grid: list[MonthGrid]


def holiday_notice_preview(
    *, user: User | None, text: str, year: int | None = None
) -> NoticePreview:
    """What entering a pasted notice would do: the year's calendar, the days that differ from
    the calendar in force, and the stored deadlines that would move. Nothing is saved.
    Raises Forbidden, InvalidInput (with the line that could not be read)."""
    if user is not None:
        _require(user, rules.Perm.CALENDAR_MANAGE)
    try:
        notice = holidays.notice_parse(text, year=year)
    except holidays.NoticeUnreadable as exc:
        raise InvalidInput(str(exc), field_errors={"text": str(exc)}) from None
    if not holidays.FIRST_YEAR <= notice.year <= holidays.LAST_YEAR:
        message = f"只能录入{holidays.FIRST_YEAR}至{holidays.LAST_YEAR}年的放假安排。"
        raise InvalidInput(message, field_errors={"year": message})
    current = WorkdayCalendar().year(notice.year)
    entered = notice_year_calendar(notice)
    differences = [
        (
            d,
            d in current.workdays,
            d in entered.workdays,
            entered.days_off.get(d)
            or entered.make_up_workdays.get(d, "")
            or current.days_off.get(d, ""),
        )
        for d in _days_of(notice.year)
        if (d in current.workdays) != (d in entered.workdays)
    ]
    moves = deadline_moves(WorkdayCalendar(candidates={notice.year: entered}))
    return NoticePreview(
        notice=notice,
        year=entered,
        current=current,
        differences=differences,
        moves=[m for m in moves if m.changed or m.kept or not m.provisional_after],
        grid=year_grid(entered, current),
    )


def calendar_years(*, today: dt.date) -> list[YearCalendar]:
    """The years an office works in now (last year to two years ahead) and every year with an
    entered notice, each with its source."""
    years = set(range(today.year - 1, min(today.year + 2, holidays.LAST_YEAR) + 1))
    years |= set(HolidayYear.objects.values_list("year", flat=True))
    calendar = WorkdayCalendar()
    return [calendar.year(y) for y in sorted(years)]


# --------------------------------------------------------------------------- inbox


def inbox_for_user(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    """A user's own messages, newest first (only ever their own: a message has one
    recipient)."""
    qs = Notification.objects.filter(recipient=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def inbox_unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for_user(*, user: User, notification_id: int) -> Notification:
    """One of the user's own messages; NotFound for anyone else's."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound("没有这条消息。")
    return notification
