"""Reads of the subsidy module, always scoped to the acting user. A quote reads no records:
only the configured rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.core.errors import CalendarUnknownYear, Forbidden, InvalidInput, NotFound
from huimin.core.models import Region, User
from huimin.core.search import person_q
from huimin.core.selectors import (
    WorkdayCalendar,
    region_list_for_user,
    region_scope_q,
    within_region,
)
from huimin.subsidy import rules
from huimin.subsidy.models import (
    Application,
    ApplicationDecision,
    ApplicationTally,
    PaidTally,
    PaymentBatch,
    PaymentLine,
)


def rates() -> rules.Rates:
    """The monthly rates: the national base plus the settings
    ``SUBSIDY_PROVINCE_TOPUP_FEN_PER_MONTH`` and ``SUBSIDY_CITY_TOPUP_FEN_PER_MONTH`` (fen,
    default 0)."""
    try:
        return rules.Rates(
            province_topup_fen_per_month=getattr(
                settings, "SUBSIDY_PROVINCE_TOPUP_FEN_PER_MONTH", 0
            ),
            city_topup_fen_per_month=getattr(settings, "SUBSIDY_CITY_TOPUP_FEN_PER_MONTH", 0),
        )
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


def entitlement_quote(*, birth_date: dt.date, today: dt.date | None = None) -> rules.Entitlement:
    """What a child born on ``birth_date`` is owed, per year and in total, at the configured
    rates; the one function behind the quote page, API and command.

    Raises InvalidInput (field ``birth_date``) for a future birth date or one before 1900.
    """
    try:
        return rules.entitlement(birth_date, today=today or timezone.localdate(), rates=rates())
    except rules.BirthDateError as exc:
        raise InvalidInput(str(exc), field_errors={"birth_date": str(exc)}) from None


# --------------------------------------------------------------------------- applications

#: Hukou regions an application may name: a township or a village of the city.
HUKOU_LEVELS = (Region.Level.TOWNSHIP, Region.Level.VILLAGE)


def hukou_regions(*, user: User | None = None) -> QuerySet[Region]:
    """Where a child's hukou may be, in tree order with their county: every township and
    village of the city (public), or those an official serves when ``user`` is given."""
    regions = region_list_for_user(user=user) if user is not None else Region.objects.all()
    return (
        regions.filter(level__in=HUKOU_LEVELS)
        .select_related("parent", "parent__parent")
        .order_by("path")
    )


def _require(user: User, perm: core_rules.Perm) -> None:
    if not user.can(perm):
        raise Forbidden()


def application_scope(user: User) -> QuerySet[Application]:
    """The applications a user reaches: a guardian those they made or are the applicant of,
    officials those whose child's hukou (now, or before a move this year) lies in their
    regions."""
    if user.role == core_rules.Role.CITIZEN and not user.is_superuser:
        own = Q(filed_by=user)
        if user.person_id:
            own |= Q(applicant_id=user.person_id)
        return Application.objects.filter(own)
    return Application.objects.filter(
        region_scope_q(user) | region_scope_q(user, "previous_region")
    )


@dataclass(frozen=True)
class ApplicationFilters:
    q: str = ""  # the child's or applicant's name, or a full resident ID
    region: str = ""  # a region code: that region and below
    status: str = ""
    channel: str = ""
    overdue: bool = False
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None


def application_list_for_user(
    *, user: User, filters: ApplicationFilters | None = None, today: dt.date | None = None
) -> QuerySet[Application]:
    """Applications in scope, newest first, with child, applicant and region in the same
    query. A region filter outside the user's scope is NotFound."""
    if not (user.can(core_rules.Perm.SUBSIDY_VIEW) or user.can(core_rules.Perm.SUBSIDY_APPLY)):
        raise Forbidden()  # a guardian reaches their own (application_scope)
    filters = filters or ApplicationFilters()
    qs = application_scope(user)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.q:
        qs = qs.filter(person_q(filters.q, via="child__") | person_q(filters.q, via="applicant__"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.overdue:
        qs = qs.filter(OPEN_Q, deadline__lt=today or timezone.localdate())
    if filters.submitted_from:
        qs = qs.filter(submitted_on__gte=filters.submitted_from)
    if filters.submitted_to:
        qs = qs.filter(submitted_on__lte=filters.submitted_to)
    return qs.select_related(
        "child", "applicant", "region", "region__parent", "previous_region"
    ).order_by("-id")


#: Applications still waiting for a decision.
OPEN_STATUSES = (Application.Status.SUBMITTED, Application.Status.TOWNSHIP_APPROVED)
OPEN_Q = Q(status__in=OPEN_STATUSES)


def application_get_for_user(*, user: User, application_id: int) -> Application:
    """One application in the user's scope, else NotFound."""
    try:
        return application_list_for_user(user=user).get(pk=application_id)
    except Application.DoesNotExist:
        raise NotFound() from None


def application_decisions(application: Application) -> QuerySet[ApplicationDecision]:
    return application.decisions.select_related("actor")


@dataclass(frozen=True)
class ReviewClock:
    """Where an application stands against its 30-working-day deadline."""

    deadline: dt.date | None
    working_days_left: int | None
    pending_year: int | None = None  # the year whose holiday calendar is missing

    @property
    def overdue(self) -> bool:
        return self.working_days_left is not None and self.working_days_left < 0


def application_clock(
    application: Application, *, today: dt.date, calendar: WorkdayCalendar | None = None
) -> ReviewClock | None:
    """The review deadline of an open application and the working days left (negative:
    overdue); None once decided. A deadline in a year without a holiday calendar is pending."""
    if application.status not in (
        Application.Status.SUBMITTED,
        Application.Status.TOWNSHIP_APPROVED,
    ):
        return None
    calendar = calendar or WorkdayCalendar()
    deadline = application.deadline
    try:
        if deadline is None:
            deadline = calendar.deadline(application.submitted_on, rules.REVIEW_WORKING_DAYS)
        return ReviewClock(deadline, calendar.working_days_left(today, deadline))
    except CalendarUnknownYear:
        year = (deadline or application.submitted_on).year + (0 if deadline else 1)
        return ReviewClock(deadline, None, pending_year=year)


def application_entitlement(application: Application) -> rules.Entitlement:
    """What the child is owed per year at today's rates (for display)."""
    return rules.entitlement(
        application.child_birth_date, today=timezone.localdate(), rates=rates()
    )


def application_lines(application: Application) -> QuerySet[PaymentLine]:
    """The child's payment lines, newest first, with their batch."""
    return (
        PaymentLine.objects.filter(application=application)
        .select_related("batch")
        .order_by("-year", "-id")
    )


def applications_of_citizen(user: User) -> QuerySet[Application]:
    """A guardian's own applications (their home page)."""
    _require(user, core_rules.Perm.SUBSIDY_APPLY)
    return application_scope(user).select_related("child", "region").order_by("-id")


def payments_of_citizen(user: User) -> QuerySet[PaymentLine]:
    """The payment lines of a guardian's own applications, newest year first (我的办事)."""
    _require(user, core_rules.Perm.SUBSIDY_APPLY)
    return (
        PaymentLine.objects.filter(application__in=application_scope(user).values("pk"))
        .exclude(status=PaymentLine.Status.CANCELLED)
        .select_related("child")
        .order_by("-year", "-id")
    )


# --------------------------------------------------------------------------- payment batches


def batch_scope(user: User) -> QuerySet[PaymentBatch]:
    """Batches whose region lies in the user's regions."""
    return PaymentBatch.objects.filter(region_scope_q(user))


def batch_list_for_user(
    *, user: User, year: int | None = None, status: str = ""
) -> QuerySet[PaymentBatch]:
    _require(user, core_rules.Perm.SUBSIDY_VIEW)
    qs = batch_scope(user)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("region", "created_by").order_by("-id")


def batch_get_for_user(*, user: User, batch_id: int) -> PaymentBatch:
    try:
        return batch_list_for_user(user=user).get(pk=batch_id)
    except PaymentBatch.DoesNotExist:
        raise NotFound() from None


@dataclass(frozen=True)
class LineFilters:
    status: str = ""
    region: str = ""
    q: str = ""  # the payee's name or a full child resident ID


def batch_lines(batch: PaymentBatch, filters: LineFilters | None = None) -> QuerySet[PaymentLine]:
    """A batch's lines in order, with child and region (the batch was resolved in scope)."""
    filters = filters or LineFilters()
    qs = batch.lines.all()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = qs.filter(region__path__startswith=_path_of(filters.region))
    if filters.q:
        term = filters.q.strip()
        number = core_rules.typed_number(term).upper()
        qs = qs.filter(Q(account_name__contains=term) | Q(child__resident_id=number))
    return qs.select_related("child", "region", "region__parent").order_by("id")


def _path_of(code: str) -> str:
    region = Region.objects.filter(code=code).only("path").first()
    if region is None:
        raise NotFound("未找到该行政区划。")
    return region.path


#: Batches whose stored totals are final enough to compare with their lines.
COMPARABLE_STATUSES = (
    PaymentBatch.Status.BUILT,
    PaymentBatch.Status.APPROVED,
    PaymentBatch.Status.SETTLED,
)


@dataclass(frozen=True)
class BatchTotals:
    """A batch's totals recomputed from its lines, by status."""

    lines: int
    amount_fen: int
    pending: int
    paid: int
    paid_fen: int
    failed: int
    failed_fen: int
    cancelled: int

    def matches(self, batch: PaymentBatch) -> bool:
        """The batch's stored totals equal the sum of its lines."""
        live = self.lines - self.cancelled
        return (
            batch.line_count == live
            and batch.total_fen == self.amount_fen
            and batch.paid_count == self.paid
            and batch.paid_fen == self.paid_fen
            and batch.failed_count == self.failed
        )


def batch_lines_counted(batch: PaymentBatch) -> BatchTotals:
    """A batch's lines as last summed one by one (``services.batch_lines_count``); all zero
    for a batch whose lines were never summed (being built)."""
    if batch.lines_counted:
        return BatchTotals(**batch.lines_counted)
    return BatchTotals(**dict.fromkeys(BatchTotals.__dataclass_fields__, 0))


def batch_totals(batch: PaymentBatch) -> BatchTotals:
    """Sum the lines of a batch in one query."""
    live = ~Q(status=PaymentLine.Status.CANCELLED)
    status = PaymentLine.Status
    agg = batch.lines.aggregate(
        n_lines=Count("id"),
        n_amount_fen=Coalesce(Sum("amount_fen", filter=live), 0),
        n_pending=Count("id", filter=Q(status=status.PENDING)),
        n_paid=Count("id", filter=Q(status=status.PAID)),
        n_paid_fen=Coalesce(Sum("amount_fen", filter=Q(status=status.PAID)), 0),
        n_failed=Count("id", filter=Q(status=status.FAILED)),
        n_failed_fen=Coalesce(Sum("amount_fen", filter=Q(status=status.FAILED)), 0),
        n_cancelled=Count("id", filter=Q(status=status.CANCELLED)),
    )
    return BatchTotals(**{key[2:]: value for key, value in agg.items()})


def batch_candidates(batch: PaymentBatch) -> QuerySet[Application]:
    """The confirmed applications a batch pays: money owed for its year (birth date in the
    window; the exact months come from the rules), paid by a place in the batch's region that
    year, not stopped before it, and no pending or paid line for the child and year."""
    year = batch.year
    born_from, born_to = rules.birth_date_window(year)
    qs = Application.objects.filter(
        status=Application.Status.CONFIRMED,
        child_birth_date__gte=born_from,
        child_birth_date__lte=born_to,
    ).filter(Q(last_year__isnull=True) | Q(last_year__gte=year))
    if batch.region.level != Region.Level.CITY:
        path = batch.region.path
        qs = qs.filter(
            Q(region_from_year__lte=year, region__path__startswith=path)
            | Q(region_from_year__gt=year, previous_region__path__startswith=path)
        )
    # "No pending or paid line yet" as a scalar subquery, not NOT EXISTS: PostgreSQL turns
    # NOT EXISTS into an anti-join planned from the lines table's statistics, which are stale
    # while a batch is writing its lines (on a first batch it scanned every line for every
    # application, chunk after chunk); a scalar subquery is always one index probe per row.
    taken = (
        PaymentLine.objects.filter(
            child_id=OuterRef("child_id"),
            year=year,
            status__in=[PaymentLine.Status.PENDING, PaymentLine.Status.PAID],
        )
        .order_by()
        .values("pk")[:1]
    )
    return qs.alias(taken_line=Subquery(taken)).filter(taken_line__isnull=True)


def batch_pending_line_ids(batch: PaymentBatch) -> set[int]:
    """Ids of a batch's lines still waiting for the bank (to check a result file against)."""
    return set(batch.lines.filter(status=PaymentLine.Status.PENDING).values_list("pk", flat=True))


# --- dashboard ----------------------------------------------------------------------------
# Figures of the subsidy dashboard (育儿补贴统计), by county and by month, and the check of
# every batch's stored totals against its lines; a constant number of grouped queries
# whatever the number of applications. Also the batch page's timeline. (Imports here so that
# this section stays an append to the module.)

from typing import Any  # noqa: E402

from django.db.models import CharField, Func, Max  # noqa: E402
from django.db.models.functions import Substr  # noqa: E402

from huimin.core.selectors import (  # noqa: E402
    TimelineEntry,
    region_paths_for_user,
    timeline_for,
)


class YearMonth(Func):
    """``YYYY-MM`` of a date column, computed by the database: plain SQL on both backends
    (Django's ExtractMonth runs as a Python function per row on SQLite)."""

    output_field = CharField()
    template = "SUBSTR(CAST(%(expressions)s AS CHAR(10)), 1, 7)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="SUBSTR(%(expressions)s, 1, 7)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="TO_CHAR(%(expressions)s, 'YYYY-MM')")


@dataclass(frozen=True)
class CountyFigures:
    """One county's row of the dashboard (or the totals row)."""

    code: str
    name: str
    applications: int = 0
    confirmed: int = 0
    rejected: int = 0
    open: int = 0
    overdue: int = 0
    paid_children: int = 0
    paid_fen: int = 0


@dataclass(frozen=True)
class MonthFigures:
    """Applications submitted in a month, and how many of them are confirmed by now."""

    month: str  # "2025-03"
    submitted: int
    confirmed: int


@dataclass(frozen=True)
class BatchCheck:
    """A batch's stored totals next to the sum of its lines."""

    batch: PaymentBatch
    totals: BatchTotals | None  # None: the lines were never summed (a batch being built)
    counted_at: dt.datetime | None = None

    @property
    def matches(self) -> bool:
        return self.totals is not None and self.totals.matches(self.batch)

    @property
    def voided(self) -> bool:
        """A batch sent back: its lines are void, there is nothing left to compare."""
        return self.batch.status == PaymentBatch.Status.REJECTED


@dataclass(frozen=True)
class Dashboard:
    year: int  # the payment year of the paid figures and the batches
    counties: list[CountyFigures]
    total: CountyFigures
    months: list[MonthFigures]
    batches: list[BatchCheck]


def dashboard_years() -> list[int]:
    """The payment years the dashboard offers, newest first."""
    return list(range(timezone.localdate().year, rules.PROGRAMME_START.year - 1, -1))


def dashboard_default_year(user: User) -> int:
    """The newest payment year with money paid by a batch in the user's scope, else the
    newest with a batch, else this year."""
    agg = batch_scope(user).aggregate(paid=Max("year", filter=Q(paid_count__gt=0)), any=Max("year"))
    return int(agg["paid"] or agg["any"] or timezone.localdate().year)


def _counties_in_scope(user: User) -> list[Region]:
    """The counties a user's regions lie in or cover (a township official: their county)."""
    paths = region_paths_for_user(user)
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path) | Q(path=path[:_COUNTY_PATH_LENGTH])
    return list(counties.filter(q))


#: A county's path, "140800/140802/": the city's code and the county's, six digits and a slash
#: each (GB/T 2260); the first characters of any path below it.
_COUNTY_PATH_LENGTH = 14


def _month_range(first: str, last: str) -> list[str]:
    year, month = (int(part) for part in first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _totals_of(agg: dict[str, Any]) -> BatchTotals:
    """BatchTotals from a grouped row of ``n_<field>`` sums (none for a batch without lines)."""
    return BatchTotals(
        **{key: agg.get(f"n_{key}") or 0 for key in BatchTotals.__dataclass_fields__}
    )


def county_figures_for_user(
    *, user: User, year: int, today: dt.date | None = None
) -> dict[str, CountyFigures]:
    """Applications (all, confirmed, rejected, open, overdue) by the county of the child's
    hukou and children paid for the payment ``year`` by the paying county, keyed by county
    code, within the user's regions (counties without any are left out). From the tallies the
    services keep exact (``ApplicationTally``, ``PaidTally``); only the overdue count, which
    changes with the date, is counted from the open applications. Three grouped queries: the
    subsidy dashboard and the city overview read it."""
    _require(user, core_rules.Perm.SUBSIDY_VIEW)
    today = today or timezone.localdate()
    county_of = Substr("region__path", 1, _COUNTY_PATH_LENGTH)
    status = Application.Status
    # the tallies the services keep exact (issue 17): a few thousand rows, not every application
    tally = ApplicationTally.objects.filter(region_scope_q(user))
    applications = {
        row["county"]: row
        for row in tally.annotate(county=county_of)
        .values("county")
        .annotate(
            applications=Sum("count"),
            confirmed=Sum("count", filter=Q(status=status.CONFIRMED)),
            rejected=Sum("count", filter=Q(status=status.REJECTED)),
            open=Sum("count", filter=Q(status__in=OPEN_STATUSES)),
        )
        .order_by()
    }
    # overdue depends on today: counted live, over the open applications only (a few thousand)
    overdue = {
        row["county"]: row["n"]
        for row in Application.objects.filter(region_scope_q(user), OPEN_Q, deadline__lt=today)
        .annotate(county=county_of)
        .values("county")
        .annotate(n=Count("id"))
        .order_by()
    }
    paid = {
        row["county"]: row
        for row in PaidTally.objects.filter(region_scope_q(user), year=year)
        .annotate(county=county_of)
        .values("county")
        .annotate(paid_children=Sum("children"), paid_fen=Sum("amount_fen"))
        .order_by()
    }
    out: dict[str, CountyFigures] = {}
    for path in {*applications, *overdue, *paid}:
        if len(path) != _COUNTY_PATH_LENGTH:
            continue  # a row of the city itself, above the counties
        a = applications.get(path, {})
        p = paid.get(path, {})
        out[path[7:13]] = CountyFigures(
            code=path[7:13],
            name="",  # the caller knows its counties' names
            applications=a.get("applications") or 0,
            confirmed=a.get("confirmed") or 0,
            rejected=a.get("rejected") or 0,
            open=a.get("open") or 0,
            overdue=overdue.get(path, 0),
            paid_children=p.get("paid_children") or 0,
            paid_fen=p.get("paid_fen") or 0,
        )
    return out


def subsidy_dashboard(
    *, user: User, year: int | None = None, today: dt.date | None = None
) -> Dashboard:
    """Applications (all, confirmed, rejected, open, overdue) by the county of the child's
    hukou, children paid and amounts for a payment year by the paying county, applications
    submitted and confirmed by month, and each batch of the year with its stored totals and
    the sum of its lines; all within the user's regions. The application and paid figures
    come from the tallies the services keep exact (``ApplicationTally``, ``PaidTally``); only
    the overdue count, which changes with the date, is counted from the open applications."""
    _require(user, core_rules.Perm.SUBSIDY_VIEW)
    today = today or timezone.localdate()
    year = year or dashboard_default_year(user)
    by_county = county_figures_for_user(user=user, year=year, today=today)
    rows = [
        replace(
            by_county.get(county.code) or CountyFigures(code=county.code, name=""),
            name=county.name,
        )
        for county in _counties_in_scope(user)
    ]
    status = Application.Status
    tally = ApplicationTally.objects.filter(region_scope_q(user))
    numbers = [f for f in CountyFigures.__dataclass_fields__ if f not in ("code", "name")]
    total = CountyFigures(
        code="", name="合计", **{f: sum(getattr(r, f) for r in rows) for f in numbers}
    )

    by_month = {
        row["month"]: row
        for row in tally.values("month")
        .annotate(submitted=Sum("count"), confirmed=Sum("count", filter=Q(status=status.CONFIRMED)))
        .order_by("month")
    }
    months = [
        MonthFigures(
            month=month,
            submitted=by_month.get(month, {}).get("submitted") or 0,
            confirmed=by_month.get(month, {}).get("confirmed") or 0,
        )
        for month in (_month_range(min(by_month), max(by_month)) if by_month else [])
    ]

    batches = list(
        batch_scope(user).filter(year=year).select_related("region", "created_by").order_by("id")
    )
    # the lines' sums as last counted (by the services, and nightly): summing 116,400 lines per
    # view was the dashboard's slowest part (issue 17)
    checks = [
        BatchCheck(
            batch=b,
            totals=batch_lines_counted(b) if b.lines_counted else None,
            counted_at=b.lines_counted_at,
        )
        for b in batches
    ]
    return Dashboard(year=year, counties=rows, total=total, months=months, batches=checks)


def batch_timeline(*, user: User, batch: PaymentBatch) -> list[TimelineEntry]:
    """A batch's timeline: the whole audit trail for roles that read audit trails, its state
    changes (created, built, approved, bank results) for the finance officers who run it."""
    if user.can(core_rules.Perm.AUDIT_VIEW):
        return timeline_for(batch)
    return [entry for entry in timeline_for(batch) if entry.kind == "event"]


# ------------------------------------------------------------------ children not applied for
# Read by community outreach (issue 16): the platform finds the children a visit should ask
# about. A rejected application does not count: it blocks nothing (the one-per-child
# constraint ignores it) and nobody is being paid, so the child is still unclaimed.

from huimin.core.models import Person  # noqa: E402

#: Applications that stand for a claimed subsidy (every status but a refusal).
CLAIMED_Q = ~Q(status=Application.Status.REJECTED)


def children_without_application(
    *, user: User, today: dt.date, region: str = ""
) -> QuerySet[Person]:
    """Children under 3 on ``today`` in the registry, alive and with their hukou in the city,
    whose hukou region is in the user's scope (and within ``region``, a code) and who have no
    application but a rejected one; by township (tree order), then youngest first."""
    if not user.can(core_rules.Perm.SUBSIDY_VIEW):
        raise Forbidden()
    try:
        cutoff = today.replace(year=today.year - 3)
    except ValueError:  # 29 February: the child born on 29 February turns 3 on 1 March
        cutoff = dt.date(today.year - 3, 2, 28)
    qs = Person.objects.filter(
        region_scope_q(user),
        status=Person.Status.ACTIVE,
        birth_date__gt=cutoff,
        birth_date__lte=today,
    ).exclude(pk__in=Application.objects.filter(CLAIMED_Q).values("child_id"))
    if region:
        qs = within_region(qs, user=user, code=region)
    return qs.select_related("region", "region__parent").order_by(
        "region__path", "-birth_date", "id"
    )


def children_with_application(*, person_ids: list[int]) -> dict[int, Application]:
    """Of these people, those with an application that claims the subsidy (any status but
    rejected), each with its newest such application. Unscoped: the caller resolved the
    people in the actor's scope (outreach's follow-ups)."""
    found: dict[int, Application] = {}
    for app in Application.objects.filter(CLAIMED_Q, child_id__in=person_ids).order_by("id"):
        found[app.child_id] = app
    return found
