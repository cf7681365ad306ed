"""Reads of the shared kernel, always scoped to the acting user.

Scoping lives here, below every interface, so pages, API, exports and tasks share it:
``region_scope_q`` is the one place that decides what regions a user reaches.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TypeVar

import chinese_calendar
from django.db.models import Model, Q, QuerySet

from huimin.core import rules
from huimin.core.errors import CalendarUnknownYear, Forbidden, InvalidInput, NotFound
from huimin.core.models import HolidayDay, HolidayYear, Person, Region, User
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
    A user with no regions matches nothing."""
    paths = region_paths_for_user(user)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__path__startswith": path})
    return q


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
    return qs.filter(**{f"{field}__path__startswith": region.path})


def region_counties() -> QuerySet[Region]:
    """The 13 county-level divisions (public information)."""
    return Region.objects.filter(level=Region.Level.COUNTY).order_by("code")


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
        term = filters.q.strip()
        qs = qs.filter(Q(name__contains=term) | Q(resident_id=term.upper()))
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


def person_get_for_user(*, user: User, person_id: int) -> Person:
    """One person in the user's scope, else NotFound."""
    try:
        return person_list_for_user(user=user).get(pk=person_id)
    except Person.DoesNotExist:
        raise NotFound() from None


# --------------------------------------------------------------------------- working days


@functools.lru_cache(maxsize=128)
def _package_workdays(year: int) -> frozenset[dt.date] | None:
    """The working days of a year by the chinesecalendar package; None if it does not know
    the year. The package's data never changes while the process runs."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return None
    return frozenset(d for d in _days_of(year) if chinese_calendar.is_workday(d))


def _days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def _package_knows(year: int) -> bool:
    return _package_workdays(year) is not None


class WorkdayCalendar:
    """Working days from the chinesecalendar package, corrected and extended by the
    administrators' HolidayYear/HolidayDay tables. Each year's overrides are read once per
    instance (one query); then every day is a set membership test."""

    def __init__(self) -> None:
        self._workdays: dict[int, frozenset[dt.date]] = {}
        self._unknown: set[int] = set()  # asked once too: a list page asks for every row

    def _year(self, year: int) -> frozenset[dt.date]:
        if year in self._unknown:
            raise rules.CalendarUnknown(year)
        if year not in self._workdays:
            package = _package_workdays(year)
            overrides: dict[dt.date, bool] | None = None
            if HolidayYear.objects.filter(year=year).exists():
                overrides = dict(
                    HolidayDay.objects.filter(holiday_year__year=year).values_list(
                        "date", "is_workday"
                    )
                )
            if package is None and overrides is None:
                self._unknown.add(year)
                raise rules.CalendarUnknown(year)
            if package is None:
                package = frozenset(d for d in _days_of(year) if d.weekday() < 5)
            if overrides:
                workdays = {d for d in package if overrides.get(d, True)}
                workdays |= {d for d, is_workday in overrides.items() if is_workday}
                package = frozenset(workdays)
            self._workdays[year] = package
        return self._workdays[year]

    def is_workday(self, day: dt.date) -> bool:
        """Raises rules.CalendarUnknown for a year neither the package nor an administrator
        knows."""
        return day in self._year(day.year)

    def deadline(self, start: dt.date, working_days: int) -> dt.date:
        """N working days after ``start`` (start not counted). Raises CalendarUnknownYear,
        InvalidInput."""
        if not 1 <= working_days <= rules.MAX_WORKING_DAYS:
            message = f"工作日天数应在1至{rules.MAX_WORKING_DAYS}之间，您填写的是{working_days}。"
            raise InvalidInput(message, field_errors={"working_days": message})
        try:
            return rules.working_day_deadline(start, working_days, self.is_workday)
        except rules.CalendarUnknown as exc:
            raise CalendarUnknownYear(str(exc)) from None

    def working_days_left(self, today: dt.date, deadline: dt.date) -> int:
        """Working days from today to the deadline: 0 on the day, negative when overdue."""
        try:
            return rules.working_days_between(today, deadline, self.is_workday)
        except rules.CalendarUnknown as exc:
            raise CalendarUnknownYear(str(exc)) from None


def working_deadline(*, start: dt.date, working_days: int) -> dt.date:
    """The deadline N working days after ``start`` on the official calendar."""
    return WorkdayCalendar().deadline(start, working_days)


def holiday_years_known() -> list[int]:
    """Years the calendar can answer for: the package's and the administrators'."""
    package_years = [y for y in range(2004, 2100) if _package_knows(y)]
    return sorted(set(package_years) | set(HolidayYear.objects.values_list("year", flat=True)))
