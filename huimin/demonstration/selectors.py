"""Reads of the demonstration module, always scoped to the acting user: officials by their
regions, an operator its own institution, an evaluator the applications assigned to them.

Childcare's findings and supervision's credit levels are read through their selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from huimin.childcare import selectors as childcare_selectors
from huimin.childcare.models import Finding, Institution, Staff, TrainingRecord
from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, NotFound
from huimin.core.models import User
from huimin.core.selectors import (
    counts_by_county,
    region_paths_for_user,
    region_scope_q,
    within_region,
)
from huimin.demonstration import rules
from huimin.demonstration.models import (
    Application,
    Assignment,
    Award,
    Conflict,
    Course,
    CourseEnrolment,
    Item,
    PolicyDocument,
    PolicyRead,
    Round,
    Rubric,
    Title,
)
from huimin.supervision import selectors as supervision_selectors

Perm = core_rules.Perm
Role = core_rules.Role


def _require(user: User, perm: Perm) -> None:
    if not user.can(perm):
        raise Forbidden()


def _is(user: User, role: Role) -> bool:
    return user.role == role and not user.is_superuser


# --------------------------------------------------------------------------- rubrics, rounds


def rubric_list_for_user(*, user: User) -> QuerySet[Rubric]:
    _require(user, Perm.DEMO_VIEW)
    return Rubric.objects.annotate(item_count=Count("items")).order_by("name", "-version")


def rubric_get_for_user(*, user: User, rubric_id: int) -> Rubric:
    _require(user, Perm.DEMO_VIEW)
    try:
        return Rubric.objects.get(pk=rubric_id)
    except Rubric.DoesNotExist:
        raise NotFound() from None


def rubric_items(rubric: Rubric) -> QuerySet[Item]:
    return rubric.items.select_related("dimension").order_by("veto", "dimension__order", "code")


def round_list_for_user(*, user: User, status: str = "") -> QuerySet[Round]:
    """Rounds are the city's public calls: everyone with DEMO_VIEW sees them."""
    _require(user, Perm.DEMO_VIEW)
    qs = Round.objects.select_related("rubric", "region")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-deadline", "-id")


def round_get_for_user(*, user: User, round_id: int) -> Round:
    try:
        return round_list_for_user(user=user).get(pk=round_id)
    except Round.DoesNotExist:
        raise NotFound() from None


# --------------------------------------------------------------------------- applications


def application_scope(user: User) -> QuerySet[Application]:
    if not user.can(Perm.DEMO_VIEW):
        return Application.objects.none()
    if _is(user, Role.OPERATOR):
        return Application.objects.filter(institution__operators__user=user)
    if _is(user, Role.EVALUATOR):
        return Application.objects.filter(assignments__evaluator=user)
    return Application.objects.filter(region_scope_q(user))


@dataclass(frozen=True)
class ApplicationFilters:
    round: int | None = None
    status: str = ""
    region: str = ""
    q: str = ""


def application_list_for_user(
    *, user: User, filters: ApplicationFilters | None = None
) -> QuerySet[Application]:
    _require(user, Perm.DEMO_VIEW)
    filters = filters or ApplicationFilters()
    qs = application_scope(user)
    if filters.round:
        qs = qs.filter(round_id=filters.round)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.q:
        qs = qs.filter(institution__name__contains=filters.q.strip())
    return qs.select_related("round", "institution", "region", "region__parent").order_by(
        "-submitted_at", "-id"
    )


def application_get_for_user(*, user: User, application_id: int) -> Application:
    _require(user, Perm.DEMO_VIEW)
    try:
        return (
            application_scope(user)
            .select_related("round", "round__rubric", "institution", "region")
            .get(pk=application_id)
        )
    except Application.DoesNotExist:
        raise NotFound() from None


def assignment_list(application: Application) -> QuerySet[Assignment]:
    return application.assignments.select_related("evaluator").order_by("id")


def assignment_list_for_user(*, user: User, status: str = "") -> QuerySet[Assignment]:
    """An evaluator's own assignments (their scoring inbox)."""
    _require(user, Perm.DEMO_SCORE)
    qs = Assignment.objects.select_related(
        "application", "application__institution", "application__round", "application__region"
    )
    if not user.is_superuser:
        qs = qs.filter(evaluator=user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-assigned_at", "-id")


def assignment_get_for_user(*, user: User, assignment_id: int) -> Assignment:
    try:
        return assignment_list_for_user(user=user).get(pk=assignment_id)
    except Assignment.DoesNotExist:
        raise NotFound() from None


def evaluator_pool() -> QuerySet[User]:
    return User.objects.filter(role=Role.EVALUATOR, is_active=True).order_by("pk")


def conflict_list_for_user(*, user: User) -> QuerySet[Conflict]:
    """An evaluator's own declared conflicts of interest."""
    _require(user, Perm.DEMO_SCORE)
    return (
        Conflict.objects.filter(evaluator=user)
        .select_related("institution", "institution__region")
        .order_by("-declared_at", "-id")
    )


def institutions_for_conflict(*, user: User, q: str) -> QuerySet[Institution]:
    """Filed institutions whose name contains ``q``, for an evaluator to declare a conflict
    with (an evaluator sees the basics of every institution)."""
    _require(user, Perm.DEMO_SCORE)
    q = (q or "").strip()
    if not q:
        return Institution.objects.none()
    return (
        Institution.objects.filter(status=Institution.Status.FILED, name__contains=q)
        .select_related("region")
        .order_by("name", "id")
    )


def conflicted_evaluator_ids(institution: Institution) -> set[int]:
    """Evaluators with a declared conflict with the institution: theirs here, and any they
    declared as inspectors in supervision."""
    ids = set(
        Conflict.objects.filter(institution=institution).values_list("evaluator_id", flat=True)
    )
    return ids | supervision_selectors.conflicted_user_ids(institution.pk)


# --------------------------------------------------------------------------- eligibility


def eligibility_facts(institution: Institution, *, today: dt.date) -> rules.EligibilityFacts:
    """What eligibility looks at, read through childcare's and supervision's selectors."""
    since = timezone.now() - dt.timedelta(days=rules.VETO_FINDING_LOOKBACK_DAYS)
    serious = childcare_selectors.findings_since(
        institution, since=since, severity=Finding.Severity.SERIOUS
    ).count()
    return rules.EligibilityFacts(
        filed=institution.status == Institution.Status.FILED,
        inclusive=childcare_selectors.recognition_current(institution, today) is not None,
        serious_findings_last_year=serious,
        credit_level=supervision_selectors.credit_levels([institution.pk]).get(institution.pk, ""),
    )


# --------------------------------------------------------------------------- awards, titles


def award_list_for_user(*, user: User, status: str = "") -> QuerySet[Award]:
    _require(user, Perm.DEMO_VIEW)
    qs = Award.objects.filter(application__in=application_scope(user))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("application__institution", "round", "region").order_by("-id")


def award_get_for_user(*, user: User, award_id: int) -> Award:
    try:
        return award_list_for_user(user=user).get(pk=award_id)
    except Award.DoesNotExist:
        raise NotFound() from None


def titles_current(today: dt.date | None = None) -> QuerySet[Title]:
    """Demonstration institutions whose title is in force today (public)."""
    today = today or timezone.localdate()
    return (
        Title.objects.filter(status=Title.Status.ACTIVE, valid_from__lte=today, valid_to__gte=today)
        .select_related("institution", "region", "region__parent")
        .order_by("level", "region__code", "institution__name")
    )


def title_list_for_user(*, user: User) -> QuerySet[Title]:
    _require(user, Perm.DEMO_VIEW)
    qs = Title.objects.select_related("institution", "region")
    if _is(user, Role.OPERATOR):
        return qs.filter(institution__operators__user=user)
    if _is(user, Role.EVALUATOR):
        return qs.none()
    return qs.filter(region_scope_q(user))


def title_get_for_user(*, user: User, title_id: int) -> Title:
    try:
        return title_list_for_user(user=user).get(pk=title_id)
    except Title.DoesNotExist:
        raise NotFound() from None


@dataclass(frozen=True)
class AwardTotals:
    paid_fen: int
    paid_count: int
    reserved_fen: int
    budget_fen: int


def award_totals(rounds: QuerySet[Round]) -> AwardTotals:
    agg = rounds.aggregate(
        paid=Sum("paid_fen"), reserved=Sum("reserved_fen"), budget=Sum("budget_fen")
    )
    paid_count = Award.objects.filter(round__in=rounds, status=Award.Status.PAID).count()
    return AwardTotals(agg["paid"] or 0, paid_count, agg["reserved"] or 0, agg["budget"] or 0)


# --------------------------------------------------------------------------- workforce


@dataclass(frozen=True)
class CourseFilters:
    year: int | None = None
    kind: str = ""


def course_scope_q(user: User) -> Q:
    """Courses of the user's regions or below, and those of the regions above them: the
    city's courses with its partner college are for every county's staff."""
    paths = region_paths_for_user(user)
    above = {p[: i + 1] for p in paths for i, ch in enumerate(p) if ch == "/"}
    return region_scope_q(user) | Q(region__path__in=sorted(above))


def course_list_for_user(*, user: User, filters: CourseFilters | None = None) -> QuerySet[Course]:
    _require(user, Perm.TRAINING_MANAGE)
    filters = filters or CourseFilters()
    qs = Course.objects.filter(course_scope_q(user))
    if filters.year:
        qs = qs.filter(starts_on__year=filters.year)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return (
        qs.select_related("region")
        .annotate(
            enrolled=Count("enrolments"),
            completed=Count("enrolments", filter=Q(enrolments__status="completed")),
        )
        .order_by("-starts_on", "id")
    )


def course_years(*, user: User) -> list[int]:
    """The years that have courses in the user's scope, newest first (the year filter)."""
    _require(user, Perm.TRAINING_MANAGE)
    dates = Course.objects.filter(course_scope_q(user)).dates("starts_on", "year", order="DESC")
    return [d.year for d in dates]


def course_get_for_user(*, user: User, course_id: int) -> Course:
    try:
        return course_list_for_user(user=user).get(pk=course_id)
    except Course.DoesNotExist:
        raise NotFound() from None


def enrolment_list(course: Course, *, user: User) -> QuerySet[CourseEnrolment]:
    return (
        course.enrolments.filter(region_scope_q(user))
        .select_related("staff__person", "staff__institution")
        .order_by("id")
    )


def enrolment_get_for_user(*, user: User, enrolment_id: int) -> CourseEnrolment:
    _require(user, Perm.TRAINING_MANAGE)
    try:
        return (
            CourseEnrolment.objects.filter(region_scope_q(user))
            .select_related("course", "staff__person", "staff__institution")
            .get(pk=enrolment_id)
        )
    except CourseEnrolment.DoesNotExist:
        raise NotFound() from None


def staff_get_for_training(*, user: User, staff_id: int) -> Staff:
    _require(user, Perm.TRAINING_MANAGE)
    try:
        return Staff.objects.select_related("institution__region", "person").get(
            pk=staff_id, institution__in=Institution.objects.filter(region_scope_q(user))
        )
    except Staff.DoesNotExist:
        raise NotFound() from None


def staff_for_enrolment(*, user: User, course: Course, q: str = "") -> QuerySet[Staff]:
    """Active staff of the institutions in the user's scope not yet on the course, whose
    name or institution's name contains ``q``."""
    _require(user, Perm.TRAINING_MANAGE)
    qs = Staff.objects.filter(
        left_on__isnull=True,
        institution__in=Institution.objects.filter(region_scope_q(user)),
    ).exclude(course_enrolments__course=course)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__contains=q) | Q(institution__name__contains=q))
    return qs.select_related("person", "institution").order_by("institution__name", "id")


@dataclass(frozen=True)
class StaffHours:
    staff: Staff
    hours: int
    missing: int


def staff_hours_for_operator(*, user: User, year: int) -> list[StaffHours]:
    """An operator's own institution's active staff with their training hours in ``year``
    against the yearly requirement, those short first."""
    _require(user, Perm.ROSTER_VIEW)
    institution = childcare_selectors.institution_of_operator(user)
    if institution is None:
        return []
    staff = list(
        Staff.objects.filter(institution=institution, left_on__isnull=True)
        .select_related("person")
        .order_by("role", "id")
    )
    hours = hours_by_staff([s.pk for s in staff], year)
    required = rules.TRAINING_HOURS_PER_YEAR
    rows = [StaffHours(s, hours[s.pk], max(required - hours[s.pk], 0)) for s in staff]
    return sorted(rows, key=lambda r: (-r.missing, r.staff.pk))


def enrolments_of_operator(*, user: User) -> QuerySet[CourseEnrolment]:
    """The courses the operator's own staff are on, newest first."""
    _require(user, Perm.ROSTER_VIEW)
    institution = childcare_selectors.institution_of_operator(user)
    if institution is None:
        return CourseEnrolment.objects.none()
    return (
        CourseEnrolment.objects.filter(staff__institution=institution)
        .select_related("course", "staff__person")
        .order_by("-course__starts_on", "id")
    )


@dataclass(frozen=True)
class InstitutionShort:
    institution: Institution
    staff: int
    short: int


def hours_by_staff(staff_ids: list[int], year: int) -> dict[int, int]:
    rows = (
        TrainingRecord.objects.filter(staff_id__in=staff_ids, date__year=year)
        .values("staff_id")
        .annotate(h=Sum("hours"))
    )
    hours = dict.fromkeys(staff_ids, 0)
    hours.update({r["staff_id"]: r["h"] for r in rows})
    return hours


def institutions_short_for_user(
    *, user: User, year: int, region: str = ""
) -> list[InstitutionShort]:
    """Institutions in scope (``region``: within that region code) whose active staff fall
    short of the yearly hours, most first."""
    _require(user, Perm.TRAINING_MANAGE)
    institutions_in_scope = Institution.objects.filter(region_scope_q(user))
    if region:
        institutions_in_scope = within_region(institutions_in_scope, user=user, code=region)
    staff = list(
        Staff.objects.filter(
            left_on__isnull=True, institution__in=institutions_in_scope
        ).values_list("pk", "institution_id")
    )
    hours = hours_by_staff([pk for pk, _i in staff], year)
    short_ids = {s.staff_id for s in rules.hours_short(hours)}
    counts: dict[int, list[int]] = {}
    for pk, institution_id in staff:
        entry = counts.setdefault(institution_id, [0, 0])
        entry[0] += 1
        entry[1] += pk in short_ids
    institutions = Institution.objects.select_related("region").in_bulk(
        [i for i, (_n, s) in counts.items() if s]
    )
    rows = [InstitutionShort(institutions[i], n, s) for i, (n, s) in counts.items() if s]
    return sorted(rows, key=lambda r: (-r.short, r.institution.name))


# --------------------------------------------------------------------------- policy library


def policy_public() -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.order_by("-issued_on", "-id")


def policy_get_public(document_id: int) -> PolicyDocument:
    try:
        return policy_public().get(pk=document_id)
    except PolicyDocument.DoesNotExist:
        raise NotFound("未找到该政策文件。") from None


def policy_search(q: str, *, subject: str = "") -> QuerySet[PolicyDocument]:
    """Published policies whose title or summary contains ``q`` (see search.py)."""
    from huimin.demonstration import search

    qs = policy_public()
    if subject:
        qs = qs.filter(subject=subject)
    q = (q or "").strip()
    if q:
        qs = qs.filter(pk__in=search.matching_ids(q))
    return qs


def policies_unread_for_user(user: User) -> QuerySet[PolicyDocument]:
    """Policies for operators that this operator has not confirmed reading."""
    if not user.can(Perm.POLICY_CONFIRM):
        return PolicyDocument.objects.none()
    return policy_public().filter(for_operators=True).exclude(reads__user=user)


def policy_read_by(user: User) -> set[int]:
    return set(PolicyRead.objects.filter(user=user).values_list("document_id", flat=True))


# --------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class Dashboard:
    paid_fen: int
    paid_count: int
    reserved_fen: int
    provincial: int
    city_level: int
    by_round: list[tuple[str, int, int, int]]  # name, budget, paid, reserved (fen)
    by_county: list[tuple[str, int, int]]  # county, provincial, city-level
    by_status: list[tuple[str, int]]  # label, applications of the open rounds
    policies: int


def dashboard_for_user(*, user: User, today: dt.date) -> Dashboard:
    """The demonstration figures in the user's scope, read from the awards, titles and
    applications themselves (nothing typed in)."""
    _require(user, Perm.DEMO_VIEW)
    awards = award_list_for_user(user=user)
    paid = awards.filter(status=Award.Status.PAID).aggregate(s=Sum("amount_fen"), n=Count("pk"))
    reserved = awards.exclude(status=Award.Status.PAID).aggregate(s=Sum("amount_fen"))
    rounds = []
    for r in Round.objects.order_by("deadline", "pk"):
        in_scope = awards.filter(round=r)
        rounds.append(
            (
                r.name,
                r.budget_fen,
                in_scope.filter(status=Award.Status.PAID).aggregate(s=Sum("amount_fen"))["s"] or 0,
                in_scope.exclude(status=Award.Status.PAID).aggregate(s=Sum("amount_fen"))["s"] or 0,
            )
        )
    titles = title_list_for_user(user=user).filter(
        status=Title.Status.ACTIVE, valid_from__lte=today, valid_to__gte=today
    )
    counties: dict[str, list[int]] = {}
    for level, region_name, parent_name, parent_level in titles.values_list(
        "level", "region__name", "region__parent__name", "region__parent__level"
    ):
        county = parent_name if parent_level == "county" else region_name
        entry = counties.setdefault(county, [0, 0])
        entry[0 if level == "provincial" else 1] += 1
    labels = dict(Application.Status.choices)
    by_status = [
        (str(labels[row["status"]]), row["n"])
        for row in application_scope(user)
        .filter(round__status=Round.Status.OPEN)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    ]
    return Dashboard(
        paid_fen=paid["s"] or 0,
        paid_count=paid["n"] or 0,
        reserved_fen=reserved["s"] or 0,
        provincial=titles.filter(level="provincial").count(),
        city_level=titles.filter(level="city").count(),
        by_round=rounds,
        by_county=sorted(((k, v[0], v[1]) for k, v in counties.items()), key=lambda r: r[0]),
        by_status=by_status,
        policies=PolicyDocument.objects.count(),
    )


# --------------------------------------------------------------------------- overview


@dataclass
class CountyDemonstration:
    """A county's demonstration figures on the city overview (the demonstration dashboard
    shows the same titles by county)."""

    provincial: int = 0  # titles in force today
    city_level: int = 0
    awards: int = 0  # awards decided (reserved, requested or paid)
    awards_paid: int = 0
    paid_fen: int = 0


def overview_by_county(*, user: User, today: dt.date) -> dict[str, CountyDemonstration]:
    """Demonstration titles in force and awards by county code within the user's regions:
    two grouped counts."""
    _require(user, Perm.DEMO_VIEW)
    out: dict[str, CountyDemonstration] = {}
    for code, row in counts_by_county(
        title_list_for_user(user=user).filter(
            status=Title.Status.ACTIVE, valid_from__lte=today, valid_to__gte=today
        ),
        provincial=Count("pk", filter=Q(level="provincial")),
        city_level=Count("pk", filter=Q(level="city")),
    ):
        figures = out.setdefault(code, CountyDemonstration())
        figures.provincial, figures.city_level = row["provincial"], row["city_level"]
    for code, row in counts_by_county(
        Award.objects.filter(application__in=application_scope(user)),
        n=Count("pk"),
        paid=Count("pk", filter=Q(status=Award.Status.PAID)),
        paid_fen=Sum("amount_fen", filter=Q(status=Award.Status.PAID)),
    ):
        figures = out.setdefault(code, CountyDemonstration())
        figures.awards, figures.awards_paid = row["n"], row["paid"]
        figures.paid_fen = row["paid_fen"] or 0
    return out
