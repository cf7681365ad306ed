"""Reads of the childcare module, scoped: officials by region, an operator by ownership (the
institution their account is bound to)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from huimin.childcare import rules
from huimin.childcare.models import (
    Attendance,
    CareClass,
    Enrollment,
    Filing,
    Finding,
    FoodSample,
    HealthCheck,
    InclusiveRecognition,
    Institution,
    MedicalExam,
    OutdoorActivity,
    PriceCap,
    Staff,
)
from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, NotFound
from huimin.core.models import User
from huimin.core.selectors import WorkdayCalendar, region_get_for_user, region_scope_q

SEVERITY_ORDER = Case(
    When(severity=rules.Severity.SERIOUS, then=Value(0)),
    When(severity=rules.Severity.MAJOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _require(user: User, perm: core_rules.Perm) -> None:
    if not user.can(perm):
        raise Forbidden()


def institution_scope(user: User) -> QuerySet[Institution]:
    """The institutions a user reaches: an operator their own, officials their regions'."""
    if user.role == core_rules.Role.OPERATOR and not user.is_superuser:
        return Institution.objects.filter(operators__user=user)
    return Institution.objects.filter(region_scope_q(user))


@dataclass(frozen=True)
class InstitutionFilters:
    q: str = ""
    region: str = ""
    kind: str = ""
    status: str = ""
    inclusive: str = ""  # "yes" / "no"
    with_findings: str = ""  # "serious" / "any"


def institution_list_for_user(
    *, user: User, filters: InstitutionFilters | None = None, today: dt.date
) -> QuerySet[Institution]:
    """Institutions in scope with their open-finding counts, enrolment and current
    recognition, in a constant number of queries."""
    _require(user, core_rules.Perm.INSTITUTION_VIEW)
    filters = filters or InstitutionFilters()
    qs = institution_scope(user)
    if filters.region:
        region = region_get_for_user(user=user, code=filters.region)
        qs = qs.filter(region__path__startswith=region.path)
    if filters.q:
        qs = qs.filter(name__contains=filters.q.strip())
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    recognised = Q(
        recognitions__status=InclusiveRecognition.Status.RECOGNISED,
        recognitions__valid_from__lte=today,
        recognitions__valid_to__gte=today,
    )
    qs = qs.annotate(
        open_serious=Count(
            "findings",
            filter=Q(findings__status="open", findings__severity="serious"),
            distinct=True,
        ),
        open_findings=Count("findings", filter=Q(findings__status="open"), distinct=True),
        enrolled=Count("enrollments", filter=Q(enrollments__status="active"), distinct=True),
        recognised_count=Count("recognitions", filter=recognised, distinct=True),
    )
    if filters.inclusive == "yes":
        qs = qs.filter(recognised_count__gt=0)
    elif filters.inclusive == "no":
        qs = qs.filter(recognised_count=0)
    if filters.with_findings == "serious":
        qs = qs.filter(open_serious__gt=0)
    elif filters.with_findings == "any":
        qs = qs.filter(open_findings__gt=0)
    return qs.select_related("region", "region__parent")


def institution_findings_ranking(*, user: User, today: dt.date) -> QuerySet[Institution]:
    """Institutions with open findings, most serious first (the county and city page)."""
    return institution_list_for_user(
        user=user, filters=InstitutionFilters(with_findings="any"), today=today
    ).order_by("-open_serious", "-open_findings", "name")


def institution_get_for_user(*, user: User, institution_id: int) -> Institution:
    _require(user, core_rules.Perm.INSTITUTION_VIEW)
    try:
        return (
            institution_scope(user)
            .select_related("region", "region__parent")
            .get(pk=institution_id)
        )
    except Institution.DoesNotExist:
        raise NotFound() from None


def institution_of_operator(user: User) -> Institution | None:
    return Institution.objects.filter(operators__user=user).first()


def findings_open(institution: Institution) -> QuerySet[Finding]:
    return institution.findings.filter(status=Finding.Status.OPEN).order_by(
        SEVERITY_ORDER, "rule", "subject"
    )


def filing_list_for_user(*, user: User, status: str = "") -> QuerySet[Filing]:
    _require(user, core_rules.Perm.INSTITUTION_VIEW)
    qs = Filing.objects.filter(institution__in=institution_scope(user))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("institution", "institution__region", "submitted_by")


def filing_get_for_user(*, user: User, filing_id: int) -> Filing:
    try:
        return filing_list_for_user(user=user).get(pk=filing_id)
    except Filing.DoesNotExist:
        raise NotFound() from None


@dataclass(frozen=True)
class FilingClock:
    deadline: dt.date
    working_days_left: int

    @property
    def overdue(self) -> bool:
        return self.working_days_left < 0


def filing_clock(filing: Filing, *, today: dt.date, calendar: WorkdayCalendar) -> FilingClock:
    """How many working days remain before the county must answer (negative: overdue)."""
    return FilingClock(filing.deadline, calendar.working_days_left(today, filing.deadline))


def recognition_current(institution: Institution, today: dt.date) -> InclusiveRecognition | None:
    return (
        institution.recognitions.filter(
            status=InclusiveRecognition.Status.RECOGNISED,
            valid_from__lte=today,
            valid_to__gte=today,
        )
        .order_by("-valid_to")
        .first()
    )


def price_caps_fen() -> dict[str, int]:
    """The administrator's caps over the configurable defaults."""
    caps = {str(k): v for k, v in rules.DEFAULT_PRICE_CAPS_FEN.items()}
    caps.update(dict(PriceCap.objects.values_list("care_type", "cap_fen")))
    return caps


def enrolled_count(institution: Institution) -> int:
    return institution.enrollments.filter(status=Enrollment.Status.ACTIVE).count()


def class_list(institution: Institution) -> QuerySet[CareClass]:
    return institution.classes.annotate(
        children=Count("enrollments", filter=Q(enrollments__status="active"), distinct=True),
        carers=Count("caregivers", filter=Q(caregivers__left_on__isnull=True), distinct=True),
    ).prefetch_related(Prefetch("caregivers", queryset=Staff.objects.select_related("person")))


def enrollment_list(institution: Institution, *, active_only: bool = True) -> QuerySet[Enrollment]:
    qs = institution.enrollments.select_related("child", "guardian", "care_class")
    return qs.filter(status=Enrollment.Status.ACTIVE) if active_only else qs


def staff_list(institution: Institution, *, active_only: bool = True) -> QuerySet[Staff]:
    qs = institution.staff.select_related("person")
    return qs.filter(left_on__isnull=True) if active_only else qs


# --------------------------------------------------------------------------- compliance facts


def institution_facts(institution: Institution, *, today: dt.date) -> rules.InstitutionFacts:
    """Everything the compliance rules look at, gathered in a fixed number of queries."""
    since = today - dt.timedelta(days=rules.DAILY_RULES_LOOKBACK_DAYS)
    classes = list(class_list(institution))
    enrollments = list(enrollment_list(institution))
    staff = list(staff_list(institution))

    present = set(
        Attendance.objects.filter(
            enrollment__institution=institution, date__gte=since, date__lte=today, present=True
        ).values_list("enrollment_id", "date")
    )
    checked = set(
        HealthCheck.objects.filter(
            enrollment__institution=institution, date__gte=since, date__lte=today, morning=True
        ).values_list("enrollment_id", "date")
    )
    names = {e.pk: e.child.name for e in enrollments}
    unchecked = sorted(
        (names.get(eid, str(eid)), day) for eid, day in present - checked if eid in names
    )

    samples = list(
        FoodSample.objects.filter(institution=institution, date__gte=since, date__lte=today)
    )
    meal_days = {day for _eid, day in present} if institution.serves_meals else set()
    sampled_days = {s.date for s in samples}
    sample_facts = [
        rules.FoodSampleFacts(
            s.date, s.dish, s.grams, round((s.kept_until - s.sampled_at).total_seconds() / 3600, 1)
        )
        for s in samples
    ]

    outdoor = {
        (o.care_class_id, o.date): o.minutes
        for o in OutdoorActivity.objects.filter(
            care_class__institution=institution, date__gte=since, date__lte=today
        )
    }
    class_days: dict[int, set[dt.date]] = {}
    enrollment_class = {e.pk: e.care_class_id for e in enrollments}
    for eid, day in present:
        if eid in enrollment_class:
            class_days.setdefault(enrollment_class[eid], set()).add(day)
    class_names = {c.pk: c.name for c in classes}
    outdoor_short = sorted(
        (class_names[cid], day, outdoor.get((cid, day), 0))
        for cid, days in class_days.items()
        for day in days
        if outdoor.get((cid, day), 0) < rules.OUTDOOR_MIN_MINUTES and cid in class_names
    )

    return rules.InstitutionFacts(
        today=today,
        classes=[
            rules.ClassFacts(c.name, rules.ClassKind(c.kind), c.children, c.carers)  # type: ignore[attr-defined]
            for c in classes
        ],
        children=[
            rules.ChildFacts(
                e.child.name,
                e.care_class.name,
                rules.ClassKind(e.care_class.kind),
                e.child.birth_date,
            )
            for e in enrollments
        ],
        staff=[
            rules.StaffFacts(
                s.person.name, s.role, s.full_time, s.health_cert_on, s.criminal_check_on
            )
            for s in staff
        ],
        present_without_morning_check=unchecked,
        meal_days_without_sample=sorted(meal_days - sampled_days),
        food_samples=sample_facts,
        recording_retention_days=institution.recording_retention_days,
        monitoring_coverage_percent=institution.monitoring_coverage_percent,
        fire_safety_manager=institution.fire_safety_manager,
        returns=_returns(enrollments, today=today),
        outdoor_short=outdoor_short,
    )


def _returns(enrollments: list[Enrollment], *, today: dt.date) -> list[rules.ReturnFacts]:
    """Children back within the look-back window after a gap between two days present."""
    since = today - dt.timedelta(days=rules.DAILY_RULES_LOOKBACK_DAYS)
    ids = [e.pk for e in enrollments]
    days: dict[int, list[dt.date]] = {}
    for eid, day in (
        Attendance.objects.filter(enrollment_id__in=ids, present=True, date__lte=today)
        .order_by("enrollment_id", "date")
        .values_list("enrollment_id", "date")
    ):
        days.setdefault(eid, []).append(day)
    exams: dict[int, list[dt.date]] = {}
    for eid, day in MedicalExam.objects.filter(enrollment_id__in=ids, passed=True).values_list(
        "enrollment_id", "date"
    ):
        exams.setdefault(eid, []).append(day)
    names = {e.pk: e.child.name for e in enrollments}
    out = []
    for eid, present_days in days.items():
        for before, after in zip(present_days, present_days[1:], strict=False):
            if after < since:
                continue
            gap_long = rules.add_months(before, rules.RECHECK_AFTER_ABSENCE_MONTHS) <= after
            if gap_long:
                rechecked = any(before < d <= after for d in exams.get(eid, []))
                out.append(rules.ReturnFacts(names[eid], before, after, rechecked))
    return out
