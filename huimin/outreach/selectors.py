"""Reads of community outreach, always scoped to the acting user by region (``region_scope_q``
on the place of the activity, the visit or the follow-up): seeing is not acting, the services
ask ``region_act_require``.

``OutreachTotals``, ``outreach_totals_by_county`` and ``followups_for_person`` are the contract
with the city overview and the citizen's own page (issue 16): they read outreach only here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, NotFound
from huimin.core.models import HouseholdMember, Person, Region, User
from huimin.core.selectors import WorkdayCalendar, region_scope_q, within_region
from huimin.outreach.models import (
    Activity,
    Beneficiary,
    FollowUp,
    Session,
    Visit,
    Volunteer,
)

Perm = core_rules.Perm
S = FollowUp.Status


def _require(user: User) -> None:
    if not user.can(Perm.OUTREACH_VIEW):
        raise Forbidden()


def _today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------------- contract


@dataclass(frozen=True)
class OutreachTotals:
    activities: int  # activities held in the year
    attendances: int  # people served: beneficiaries, head counts, class attendances
    volunteer_hours: Decimal
    followups_open: int
    followups_overdue: int


def outreach_totals_by_county(
    user: User, *, year: int, today: dt.date | None = None
) -> dict[str, OutreachTotals]:
    """Per county code (6 digits, e.g. '140822') within the user's scope; counties with nothing
    omitted. Activities count by the year they started; follow-ups open and overdue now
    (``today``, default the local date). Six grouped queries whatever the data."""
    if not user.can(Perm.OUTREACH_VIEW):
        return {}
    today = today or _today()
    activities = Activity.objects.filter(region_scope_q(user), year=year)
    counts: dict[str, list] = defaultdict(lambda: [0, 0, Decimal(0), 0, 0])
    for code, n, heads in activities.values_list("county__code").annotate(
        Count("id"), Sum("head_count")
    ):
        counts[code][0] += n
        counts[code][1] += heads or 0
    in_year = {"activity__in": activities.values("pk")}
    for code, n in (
        Beneficiary.objects.filter(**in_year)
        .values_list("activity__county__code")
        .annotate(Count("id"))
    ):
        counts[code][1] += n
    for code, n in (
        Session.objects.filter(**in_year)
        .values_list("activity__county__code")
        .annotate(Sum("attendance"))
    ):
        counts[code][1] += n or 0
    for code, hours in (
        Volunteer.objects.filter(**in_year)
        .values_list("activity__county__code")
        .annotate(Sum("hours"))
    ):
        counts[code][2] += hours or Decimal(0)
    for code, n, late in (
        FollowUp.objects.filter(region_scope_q(user), status=S.OPEN)
        .values_list("county__code")
        .annotate(n=Count("id"), late=Count("id", filter=Q(deadline__lt=today)))
    ):
        counts[code][3] += n
        counts[code][4] += late
    return {
        code: OutreachTotals(
            activities=v[0],
            attendances=v[1],
            volunteer_hours=v[2],
            followups_open=v[3],
            followups_overdue=v[4],
        )
        for code, v in sorted(counts.items())
    }


def followups_for_person(person: Person) -> QuerySet[FollowUp]:
    """Follow-ups from visits to the person's household (or to the person), newest first: the
    person's own page shows them."""
    mine = Q(visit__person=person) | Q(person=person)
    household_id = (
        HouseholdMember.objects.filter(person=person).values_list("household_id", flat=True).first()
    )
    if household_id is not None:
        mine |= Q(visit__household_id=household_id)
    return (
        FollowUp.objects.filter(mine)
        .select_related("visit", "region", "person")
        .order_by("-found_on", "-id")
    )


# --------------------------------------------------------------------------- activities


def activity_scope(user: User) -> QuerySet[Activity]:
    if not user.is_active or not user.can(Perm.OUTREACH_VIEW):
        return Activity.objects.none()
    return Activity.objects.filter(region_scope_q(user))


@dataclass(frozen=True)
class ActivityFilters:
    kind: str = ""
    region: str = ""  # a region code: that region and below
    year: int | None = None
    q: str = ""


def activity_list_for_user(
    *, user: User, filters: ActivityFilters | None = None
) -> QuerySet[Activity]:
    """Activities in scope, newest first, with what each served (people, hours) counted."""
    _require(user)
    filters = filters or ActivityFilters()
    qs = activity_scope(user)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.q:
        term = filters.q.strip()[:50]
        qs = qs.filter(Q(title__contains=term) | Q(organiser__contains=term))
    return qs.select_related("region", "region__parent", "county").order_by("-starts_on", "-id")


def activity_get_for_user(*, user: User, activity_id: int) -> Activity:
    _require(user)
    try:
        return (
            activity_scope(user)
            .select_related("region", "region__parent", "county", "organiser_region", "created_by")
            .get(pk=activity_id)
        )
    except Activity.DoesNotExist:
        raise NotFound() from None


@dataclass(frozen=True)
class ActivityFigures:
    beneficiaries: int
    head_count: int
    attendances: int  # class attendances over the sessions
    sessions: int
    volunteers: int
    volunteer_hours: Decimal

    @property
    def served(self) -> int:
        return self.beneficiaries + self.head_count + self.attendances


def activity_figures(activity: Activity) -> ActivityFigures:
    sessions = activity.sessions.aggregate(n=Count("id"), total=Sum("attendance"))
    volunteers = activity.volunteers.aggregate(n=Count("id"), hours=Sum("hours"))
    return ActivityFigures(
        beneficiaries=activity.beneficiaries.count(),
        head_count=activity.head_count,
        attendances=sessions["total"] or 0,
        sessions=sessions["n"],
        volunteers=volunteers["n"],
        volunteer_hours=volunteers["hours"] or Decimal(0),
    )


def activity_years(user: User) -> list[int]:
    return sorted(set(activity_scope(user).values_list("year", flat=True).distinct()), reverse=True)


# --------------------------------------------------------------------------- visits


def visit_scope(user: User) -> QuerySet[Visit]:
    if not user.is_active or not user.can(Perm.OUTREACH_VIEW):
        return Visit.objects.none()
    return Visit.objects.filter(region_scope_q(user))


def visit_get_for_user(*, user: User, visit_id: int) -> Visit:
    _require(user)
    try:
        return (
            visit_scope(user)
            .select_related("region", "region__parent", "person", "household", "activity")
            .get(pk=visit_id)
        )
    except Visit.DoesNotExist:
        raise NotFound() from None


# --------------------------------------------------------------------------- follow-ups


def followup_scope(user: User) -> QuerySet[FollowUp]:
    if not user.is_active or not user.can(Perm.OUTREACH_VIEW):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(region_scope_q(user))


@dataclass(frozen=True)
class FollowUpFilters:
    status: str = ""
    region: str = ""
    owner: int | None = None
    kind: str = ""
    overdue: bool = False
    year: int | None = None  # the year the need was found


def followup_list_for_user(
    *, user: User, filters: FollowUpFilters | None = None, today: dt.date | None = None
) -> QuerySet[FollowUp]:
    """Follow-ups in scope: open ones first, each group by deadline (the most urgent first)."""
    _require(user)
    filters = filters or FollowUpFilters()
    qs = followup_scope(user)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.overdue:
        qs = qs.filter(status=S.OPEN, deadline__lt=today or _today())
    if filters.year:
        qs = qs.filter(found_on__year=filters.year)
    return qs.select_related("region", "region__parent", "owner", "person", "visit").order_by(
        "-status", "deadline", "-id"
    )  # "open" sorts after "done" and "cancelled": descending puts it first


def followup_get_for_user(*, user: User, followup_id: int) -> FollowUp:
    _require(user)
    try:
        return (
            followup_scope(user)
            .select_related(
                "region",
                "region__parent",
                "owner",
                "person",
                "visit",
                "visit__household",
                "visit__person",
                "visit__activity",
            )
            .get(pk=followup_id)
        )
    except FollowUp.DoesNotExist:
        raise NotFound() from None


def overdue_for_owner(*, user: User, today: dt.date) -> QuerySet[FollowUp]:
    """The user's own open follow-ups past their deadline, the longest overdue first."""
    return (
        followup_scope(user)
        .filter(owner=user, status=S.OPEN, deadline__lt=today)
        .select_related("region", "person")
        .order_by("deadline", "id")
    )


def days_left(followup: FollowUp, today: dt.date, calendar: WorkdayCalendar) -> int | None:
    """Working days to the deadline (negative when overdue); None once closed."""
    if followup.status != S.OPEN:
        return None
    return calendar.working_days_left(today, followup.deadline)


def owner_choices(*, region: Region) -> QuerySet[User]:
    """Who may own a follow-up of ``region``: active users with OUTREACH_MANAGE whose regions
    cover it (the region or one above it)."""
    ancestors = [p for p in region.path.split("/") if p]
    paths = ["/".join(ancestors[: i + 1]) + "/" for i in range(len(ancestors))]
    roles = [r for r in core_rules.Role if core_rules.role_has(r, Perm.OUTREACH_MANAGE)]
    return (
        User.objects.filter(is_active=True, role__in=roles, regions__path__in=paths)
        .distinct()
        .order_by("role", "username")
    )


# --------------------------------------------------------------------------- volunteers


@dataclass(frozen=True)
class VolunteerTotal:
    key: str  # "p<person id>" or "n<name>"
    name: str
    person_id: int | None
    activities: int
    hours: Decimal


def _volunteer_key(person_id: int | None, name: str) -> str:
    return f"p{person_id}" if person_id else f"n{name}"  # as Volunteer.key


def volunteer_totals_for_user(
    *, user: User, region: str = "", year: int | None = None
) -> list[VolunteerTotal]:
    """People who volunteered in activities in scope, most hours first: a registry person by
    their record, anyone else by the name given."""
    activities = activity_list_for_user(
        user=user, filters=ActivityFilters(region=region, year=year)
    ).values("pk")
    rows = (
        Volunteer.objects.filter(activity__in=activities)
        .values("person_id", "name")
        .annotate(n=Count("activity", distinct=True), hours=Sum("hours"))
    )
    merged: dict[str, list] = {}
    for row in rows:
        key = _volunteer_key(row["person_id"], row["name"])
        entry = merged.setdefault(key, [row["name"], row["person_id"], 0, Decimal(0)])
        entry[2] += row["n"]
        entry[3] += row["hours"] or Decimal(0)
    totals = [VolunteerTotal(k, v[0], v[1], v[2], v[3]) for k, v in merged.items()]
    return sorted(totals, key=lambda t: (-t.hours, t.name, t.key))


@dataclass(frozen=True)
class VolunteerMonth:
    month: str  # "2026-01"
    activities: int
    hours: Decimal


def volunteer_months_for_user(
    *, user: User, key: str
) -> tuple[str, list[VolunteerMonth], list[Volunteer]]:
    """One volunteer's hours by month (of the activity's start) and their activities, in the
    user's scope. NotFound when nobody in scope has that key."""
    _require(user)
    qs = Volunteer.objects.filter(activity__in=activity_scope(user).values("pk"))
    if key.startswith("p") and key[1:].isdigit():
        qs = qs.filter(person_id=int(key[1:]))
    elif key.startswith("n") and len(key) > 1:
        qs = qs.filter(person__isnull=True, name=key[1:])
    else:
        raise NotFound()
    rows = list(
        qs.select_related("activity", "activity__region").order_by("-activity__starts_on", "-id")
    )
    if not rows:
        raise NotFound()
    months: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
    for v in rows:
        month = f"{v.activity.starts_on:%Y-%m}"
        months[month][0] += 1
        months[month][1] += v.hours
    return (
        rows[0].name,
        [VolunteerMonth(m, n, h) for m, (n, h) in sorted(months.items())],
        rows,
    )
