"""Reads of the disability certificate home service, always scoped to the acting user; the
public posting without it (masked name and village only).

Scope: federation staff, doctors and officials see the cases of their regions; a citizen
(the person or a relative) sees only the requests they made or where they are the person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case as DbCase
from django.db.models import Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, NotFound
from huimin.core.models import Region, User
from huimin.core.selectors import (
    WorkdayCalendar,
    counts_by_county,
    household_people,
    region_scope_q,
    within_region,
)
from huimin.disability import rules
from huimin.disability.models import Benefit, Case, Certificate, Team

Perm = core_rules.Perm
Role = core_rules.Role
S = Case.Status

#: Statuses in which the 15-working-day clock runs.
RUNNING = (S.VISITED, S.ASSESSED, S.POSTED, S.APPROVED)
#: Statuses of a case still open (a household member with one counts as disabled).
OPEN = (S.REQUESTED, S.SCHEDULED, *RUNNING)


def is_citizen(user: User) -> bool:
    return user.role == Role.CITIZEN and not user.is_superuser


def _require_any(user: User, *perms: Perm) -> None:
    if not any(user.can(p) for p in perms):
        raise Forbidden()


# --------------------------------------------------------------------------- cases


def case_scope(user: User) -> QuerySet[Case]:
    if not user.is_active:
        return Case.objects.none()
    if is_citizen(user):
        if not user.can(Perm.DISABILITY_REQUEST):
            return Case.objects.none()
        mine = Q(requested_by=user)
        if user.person_id is not None:
            mine |= Q(person_id=user.person_id)
        return Case.objects.filter(mine)
    if not user.can(Perm.DISABILITY_VIEW):
        return Case.objects.none()
    return Case.objects.filter(region_scope_q(user))


def cases_of_citizen(user: User) -> QuerySet[Case]:
    """The cases of a citizen (their own, or a relative's they asked for), newest first
    (我的办事); nothing for another role."""
    if not is_citizen(user):
        return Case.objects.none()
    return case_scope(user).select_related("person", "team").order_by("-requested_at", "-id")


@dataclass(frozen=True)
class CaseFilters:
    region: str = ""
    status: str = ""
    q: str = ""  # a name (or part of one)
    overdue: bool = False
    flag: str = ""
    team: int | None = None


def case_list_for_user(
    *, user: User, filters: CaseFilters | None = None, today: dt.date | None = None
) -> QuerySet[Case]:
    """Cases in scope, filtered: open cases first in the queue's order (priority, then first
    come), then the closed ones."""
    _require_any(user, Perm.DISABILITY_VIEW, Perm.DISABILITY_REQUEST)
    filters = filters or CaseFilters()
    qs = case_scope(user)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(person__name__contains=filters.q.strip()[:50])
    if filters.overdue:
        qs = qs.filter(status__in=RUNNING, deadline__lt=today or timezone.localdate())
    if filters.flag in rules.FLAG_NAMES:
        qs = qs.filter(**{filters.flag: True})
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    still_open = DbCase(When(status__in=OPEN, then=Value(0)), default=Value(1))
    return (
        qs.select_related("person", "region", "region__parent", "team")
        .annotate(closed=still_open)
        .order_by("closed", "-priority", "requested_at", "id")
    )


def case_get_for_user(*, user: User, case_id: int) -> Case:
    _require_any(user, Perm.DISABILITY_VIEW, Perm.DISABILITY_REQUEST)
    try:
        return (
            case_scope(user)
            .select_related("person", "region", "region__parent", "team", "team__township")
            .get(pk=case_id)
        )
    except Case.DoesNotExist:
        raise NotFound() from None


def queue_for_user(*, user: User) -> QuerySet[Case]:
    """The requests waiting for a visit, most urgent first."""
    return case_list_for_user(user=user, filters=CaseFilters(status=S.REQUESTED))


def overdue_for_user(*, user: User, today: dt.date) -> QuerySet[Case]:
    return case_list_for_user(user=user, filters=CaseFilters(overdue=True), today=today).order_by(
        "deadline", "id"
    )


def disabled_others_in_household(*, person_id: int) -> int:
    """Household members other than the person who hold a valid certificate or have an open
    case: the registry's answer to 一户多残."""
    others = household_people(person_id=person_id).exclude(pk=person_id).values("pk")
    certified = set(
        Certificate.objects.filter(
            person_id__in=others, status=Certificate.Status.VALID
        ).values_list("person_id", flat=True)
    )
    open_cases = set(
        Case.objects.filter(person_id__in=others, status__in=OPEN).values_list(
            "person_id", flat=True
        )
    )
    return len(certified | open_cases)


def days_left(case: Case, today: dt.date, calendar: WorkdayCalendar | None = None) -> int | None:
    """Working days from today to the case's deadline (negative when overdue); None when the
    clock is not running."""
    if case.deadline is None or case.status not in RUNNING:
        return None
    return (calendar or WorkdayCalendar()).working_days_left(today, case.deadline)


def benefits_for(case: Case, today: dt.date) -> list[Benefit]:
    """The active benefits the person's result, age and household qualify for."""
    if case.category is None or case.grade is None:
        return []
    age = core_rules.age_years(case.person.birth_date, today)
    return [
        b
        for b in Benefit.objects.filter(active=True)
        if rules.benefit_applies(
            b.terms,
            category=case.category,
            grade=case.grade,
            age=age,
            multiple_household=case.multiple_in_household,
        )
    ]


# --------------------------------------------------------------------------- teams


def team_scope(user: User) -> QuerySet[Team]:
    if not user.is_active or not user.can(Perm.DISABILITY_VIEW):
        return Team.objects.none()
    qs = Team.objects.filter(region_scope_q(user, "township"))
    if user.role == Role.DOCTOR and not user.is_superuser:
        qs = qs.filter(doctor=user)
    return qs


@dataclass(frozen=True)
class TeamFilters:
    region: str = ""
    day: dt.date | None = None


def team_list_for_user(*, user: User, filters: TeamFilters | None = None) -> QuerySet[Team]:
    _require_any(user, Perm.DISABILITY_VIEW)
    filters = filters or TeamFilters()
    qs = team_scope(user)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region, field="township")
    if filters.day:
        qs = qs.filter(day=filters.day)
    return (
        qs.select_related("township", "township__parent", "staff", "doctor")
        .annotate(case_count=Count("cases"))
        .order_by("-day", "township__code", "id")
    )


def team_get_for_user(*, user: User, team_id: int) -> Team:
    _require_any(user, Perm.DISABILITY_VIEW)
    try:
        return team_scope(user).select_related("township", "staff", "doctor").get(pk=team_id)
    except Team.DoesNotExist:
        raise NotFound() from None


@dataclass(frozen=True)
class RouteStop:
    village: Region
    cases: list[Case]


def route(team: Team) -> list[RouteStop]:
    """The day's visits village by village (villages in code order, the order the township
    numbers them along its roads), the most urgent first within a village."""
    stops: dict[int, list[Case]] = defaultdict(list)
    villages: dict[int, Region] = {}
    for case in team.cases.select_related("person", "region").order_by(
        "region__code", "stop", "-priority", "id"
    ):
        stops[case.region_id].append(case)
        villages[case.region_id] = case.region
    return [RouteStop(villages[rid], cases) for rid, cases in stops.items()]


# --------------------------------------------------------------------------- certificates


def certificate_scope(user: User) -> QuerySet[Certificate]:
    if not user.is_active:
        return Certificate.objects.none()
    if is_citizen(user):
        if user.person_id is None:
            return Certificate.objects.none()
        return Certificate.objects.filter(person_id=user.person_id)
    if not user.can(Perm.DISABILITY_VIEW):
        return Certificate.objects.none()
    return Certificate.objects.filter(region_scope_q(user))


@dataclass(frozen=True)
class CertificateFilters:
    region: str = ""
    category: int | None = None
    grade: int | None = None
    status: str = ""


def certificate_list_for_user(
    *, user: User, filters: CertificateFilters | None = None
) -> QuerySet[Certificate]:
    _require_any(user, Perm.DISABILITY_VIEW, Perm.DISABILITY_REQUEST)
    filters = filters or CertificateFilters()
    qs = certificate_scope(user)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.grade:
        qs = qs.filter(grade=filters.grade)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.select_related("person", "region").order_by("-issued_on", "-id")


def certificate_get_for_user(*, user: User, certificate_id: int) -> Certificate:
    _require_any(user, Perm.DISABILITY_VIEW, Perm.DISABILITY_REQUEST)
    try:
        return (
            certificate_scope(user)
            .select_related("person", "region", "region__parent", "case")
            .get(pk=certificate_id)
        )
    except Certificate.DoesNotExist:
        raise NotFound() from None


# --------------------------------------------------------------------------- public posting


@dataclass(frozen=True)
class PostingLine:
    """One line of the public posting: never the ID, never the diagnosis."""

    masked_name: str
    village: str
    township: str
    posted_on: dt.date
    posting_ends: dt.date
    objection_until: dt.date


def posting_list(*, county_code: str, today: dt.date) -> list[PostingLine]:
    """The results posted in a county now (public information)."""
    county = Region.objects.filter(code=county_code, level=Region.Level.COUNTY).first()
    if county is None:
        raise NotFound("未找到该县（市、区）。")
    qs = (
        Case.objects.filter(
            status=S.POSTED,
            region__path__startswith=county.path,
            posted_on__lte=today,
            posting_ends__gte=today,
        )
        .select_related("person", "region", "region__parent")
        .order_by("region__code", "id")
    )
    return [
        PostingLine(
            masked_name=core_rules.mask_name(c.person.name),
            village=c.region.name,
            township=c.region.parent.name if c.region.parent else "",
            posted_on=c.posted_on,  # type: ignore[arg-type]
            posting_ends=c.posting_ends,  # type: ignore[arg-type]
            objection_until=c.objection_until,  # type: ignore[arg-type]
        )
        for c in qs
    ]


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class MonthRate:
    month: str  # "2025-03"
    completed: int
    on_time: int

    @property
    def percent(self) -> float:
        return round(100 * self.on_time / self.completed, 1) if self.completed else 0.0


def on_time_by_month(qs: QuerySet[Case]) -> list[MonthRate]:
    """Completed cases per month of completion, and how many within their deadline."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for completed_on, deadline in qs.filter(
        completed_on__isnull=False, deadline__isnull=False
    ).values_list("completed_on", "deadline"):
        key = f"{completed_on:%Y-%m}"
        counts[key][0] += 1
        counts[key][1] += int(completed_on <= deadline)  # type: ignore[operator]
    return [MonthRate(k, v[0], v[1]) for k, v in sorted(counts.items())]


@dataclass(frozen=True)
class Dashboard:
    visits_by_month: list[tuple[str, int]]
    by_category_grade: list[list[int]]  # [category index][grade index]
    on_time: list[MonthRate]
    by_township: list[tuple[str, int, int]]  # township, visits, certificates


def dashboard_for_user(*, user: User, year: int, region: str = "") -> Dashboard:
    cases = case_list_for_user(user=user, filters=CaseFilters(region=region)).filter(
        visited_on__year=year
    )
    months: dict[str, int] = defaultdict(int)
    townships: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for visited_on, township, status in cases.values_list(
        "visited_on", "region__parent__name", "status"
    ):
        months[f"{visited_on:%Y-%m}"] += 1
        townships[township or ""][0] += 1
        if status == S.CERTIFIED:
            townships[township or ""][1] += 1
    grid = [[0] * 4 for _ in range(7)]
    certs = certificate_list_for_user(user=user, filters=CertificateFilters(region=region)).filter(
        issued_on__year=year
    )
    for category, grade in certs.values_list("category", "grade"):
        grid[category - 1][grade - 1] += 1
    return Dashboard(
        visits_by_month=sorted(months.items()),
        by_category_grade=grid,
        on_time=on_time_by_month(cases),
        by_township=sorted(((k, v[0], v[1]) for k, v in townships.items()), key=lambda r: -r[1]),
    )


def benefit_list() -> QuerySet[Benefit]:
    return Benefit.objects.order_by("-active", "id")


def people_with_case_or_certificate(*, person_ids: list[int]) -> dict[int, str]:
    """Of these people, those the federation has reached: a home-service case that was not
    withdrawn, or a certificate; each with what it is (for the reason a follow-up about the
    certificate closed). Unscoped: the caller resolved the people in the actor's scope
    (community outreach's follow-ups, issue 16)."""
    found: dict[int, str] = {}
    for person_id, number, status in (
        Case.objects.filter(person_id__in=person_ids)
        .exclude(status=S.WITHDRAWN)
        .order_by("id")
        .values_list("person_id", "number", "status")
    ):
        found[person_id] = f"上门办证申请{number}（{S(status).label}）"
    for person_id, number in (
        Certificate.objects.filter(person_id__in=person_ids)
        .order_by("id")
        .values_list("person_id", "number")
    ):
        found[person_id] = f"残疾人证{number[:4]}…（已发证）"
    return found


# --------------------------------------------------------------------------- overview


@dataclass
class CountyDisability:
    """A county's home-service figures on the city overview."""

    cases: int = 0  # the case list, all statuses
    overdue: int = 0  # overdue=1
    visits: int = 0  # cases visited in the year (the dashboard of that year and county)
    completed: int = 0  # of those, completed (with a deadline)
    on_time: int = 0  # of those, completed by their deadline

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.completed, 1) if self.completed else None


def overview_by_county(*, user: User, year: int, today: dt.date) -> dict[str, CountyDisability]:
    """Home-service cases by county code within the user's regions, in one grouped count:
    all cases, the overdue ones (as the case list's ``overdue``), and of the cases visited in
    ``year`` those completed and those completed on time (as the dashboard counts them)."""
    _require_any(user, Perm.DISABILITY_VIEW)
    # a range, not __year: SQLite runs the year's extraction in Python per row (GOTCHAS)
    visited = Q(visited_on__gte=dt.date(year, 1, 1), visited_on__lt=dt.date(year + 1, 1, 1))
    completed = visited & Q(completed_on__isnull=False, deadline__isnull=False)
    out: dict[str, CountyDisability] = {}
    for code, row in counts_by_county(
        case_scope(user),
        n=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=RUNNING, deadline__lt=today)),
        visits=Count("pk", filter=visited),
        completed=Count("pk", filter=completed),
        on_time=Count("pk", filter=completed & Q(completed_on__lte=F("deadline"))),
    ):
        out[code] = CountyDisability(
            cases=row["n"],
            overdue=row["overdue"],
            visits=row["visits"],
            completed=row["completed"],
            on_time=row["on_time"],
        )
    return out
