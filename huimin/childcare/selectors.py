"""Reads of the childcare module, scoped: officials by region, an operator by ownership (the
institution their account is bound to)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huimin.childcare import rules
from huimin.childcare.models import (
    Attendance,
    CareClass,
    Enrollment,
    Filing,
    FilingDocument,
    Finding,
    FoodSample,
    GuidanceVisit,
    HealthCheck,
    InclusiveRecognition,
    Institution,
    MedicalExam,
    OutdoorActivity,
    PriceCap,
    SafetyRecord,
    Staff,
    TrainingRecord,
)
from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, InvalidInput, NotFound
from huimin.core.models import Person, User
from huimin.core.navigation import HomeStat
from huimin.core.selectors import (
    WorkdayCalendar,
    counts_by_county,
    region_scope_q,
    within_region,
)

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


def _count_of(model: type[Model], **filters: Any) -> Coalesce:
    """How many rows of ``model`` of the outer institution match ``filters``: a correlated
    subquery on the model's institution index."""
    rows = (
        model._default_manager.filter(institution=OuterRef("pk"), **filters)
        .order_by()
        .values("institution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def institution_list_for_user(
    *, user: User, filters: InstitutionFilters | None = None, today: dt.date
) -> QuerySet[Institution]:
    """Institutions in scope with their open-finding counts, enrolment and current
    recognition, in a constant number of queries."""
    _require(user, core_rules.Perm.INSTITUTION_VIEW)
    filters = filters or InstitutionFilters()
    qs = institution_scope(user)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.q:
        qs = qs.filter(name__contains=filters.q.strip())
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    # one counting subquery per figure: joining findings, enrolments and recognitions at once
    # multiplied the rows (96 ms for the city's 300 institutions; issue 17)
    qs = qs.annotate(
        open_serious=_count_of(Finding, status="open", severity="serious"),
        open_findings=_count_of(Finding, status="open"),
        enrolled=_count_of(Enrollment, status="active"),
        recognised_count=_count_of(
            InclusiveRecognition,
            status__in=InclusiveRecognition.IN_FORCE,
            valid_from__lte=today,
            valid_to__gte=today,
        ),
    )
    if filters.inclusive == "yes":
        qs = qs.filter(recognised_count__gt=0)
    elif filters.inclusive == "no":
        qs = qs.filter(recognised_count=0)
    if filters.with_findings == "serious":
        qs = qs.filter(open_serious__gt=0)
    elif filters.with_findings == "any":
        qs = qs.filter(open_findings__gt=0)
    return qs.select_related("region", "region__parent").order_by("region__code", "name", "pk")


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


def roster_scope(user: User) -> QuerySet[Institution]:
    """The institutions whose children and staff the user may read by name (ROSTER_VIEW):
    its operator's, the county's; an inspector only those of the inspections they were drawn
    for — not everyone who may see an institution (an outside evaluator sees its basics)."""
    if not user.can(core_rules.Perm.ROSTER_VIEW):
        return Institution.objects.none()
    qs = institution_scope(user)
    if user.role == core_rules.Role.INSPECTOR and not user.is_superuser:
        # the reverse relation of supervision's Inspection: no import of a higher app
        qs = qs.filter(pk__in=Institution.objects.filter(inspections__crew__inspector=user))
    return qs


def roster_may_read(user: User, institution: Institution) -> bool:
    return roster_scope(user).filter(pk=institution.pk).exists()


def roster_institution_for_user(*, user: User, institution_id: int) -> Institution:
    """An institution whose rosters the user may read (``roster_scope``). Raises NotFound
    outside the user's scope, Forbidden for one they see but may not read the rosters of."""
    institution = institution_get_for_user(user=user, institution_id=institution_id)
    _require(user, core_rules.Perm.ROSTER_VIEW)
    if not roster_may_read(user, institution):
        raise Forbidden("只有被抽中检查该机构的检查人员可以查看其幼儿和工作人员名单。")
    return institution


def institution_of_operator(user: User) -> Institution | None:
    return Institution.objects.filter(operators__user=user).first()


def findings_open(institution: Institution) -> QuerySet[Finding]:
    return institution.findings.filter(status=Finding.Status.OPEN).order_by(
        SEVERITY_ORDER, "rule", "subject"
    )


def findings_since(
    institution: Institution, *, since: dt.datetime, severity: str = ""
) -> QuerySet[Finding]:
    """Findings (open or resolved) found since ``since``: the demonstration module's veto
    condition reads a serious one in the last year."""
    qs = institution.findings.filter(opened_at__gte=since)
    if severity:
        qs = qs.filter(severity=severity)
    return qs


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
    """The recognition in force today (recognised, under a deadline to correct, or with its
    operating subsidy suspended), if any."""
    return (
        institution.recognitions.filter(
            status__in=InclusiveRecognition.IN_FORCE,
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
    names = _display_names({e.pk: e.child for e in enrollments})
    unchecked = sorted(
        (names.get(eid, str(eid)), day) for eid, day in present - checked if eid in names
    )

    samples = list(
        FoodSample.objects.filter(institution=institution, date__gte=since, date__lte=today)
    )
    # the day in progress is judged tomorrow: its samples and outdoor time are not done yet
    meal_days = {day for _eid, day in present if day < today} if institution.serves_meals else set()
    sampled_days = {s.date for s in samples}
    # Tenths of an hour, rounded down: 47 h 59 min is 47.9 h, short of 48, never 48.0.
    sample_facts = [
        rules.FoodSampleFacts(
            s.date, s.dish, s.grams, int((s.kept_until - s.sampled_at).total_seconds() // 360) / 10
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
        if eid in enrollment_class and day < today:
            class_days.setdefault(enrollment_class[eid], set()).add(day)
    class_names = {c.pk: c.name for c in classes}
    outdoor_minutes = sorted(
        (class_names[cid], day, outdoor.get((cid, day), 0))
        for cid, days in class_days.items()
        for day in days
        if cid in class_names
    )

    safety = dict(
        SafetyRecord.objects.filter(institution=institution, date__lte=today)
        .values("kind")
        .annotate(last=Max("date"))
        .values_list("kind", "last")
    )
    staff_names = _display_names({s.pk: s.person for s in staff})
    return rules.InstitutionFacts(
        today=today,
        capacity=institution.capacity,
        emergency_plan_on=safety.get(SafetyRecord.Kind.PLAN),
        last_drill_on=safety.get(SafetyRecord.Kind.DRILL),
        classes=[
            rules.ClassFacts(c.name, rules.ClassKind(c.kind), c.children, c.carers)  # type: ignore[attr-defined]
            for c in classes
        ],
        children=[
            rules.ChildFacts(
                names[e.pk],
                e.care_class.name,
                rules.ClassKind(e.care_class.kind),
                e.child.birth_date,
            )
            for e in enrollments
        ],
        staff=[
            rules.StaffFacts(
                staff_names[s.pk],
                s.role,
                s.full_time,
                s.health_cert_on,
                s.criminal_check_on,
                s.education,
                s.experience_years,
                s.head_training,
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
        outdoor_minutes=outdoor_minutes,
    )


def _display_names(people: dict[int, Person]) -> dict[int, str]:
    """Names as findings show them; two people of one name are told apart by their birth
    date (or, born the same day, their record number), so each keeps a finding of its own.
    Never by digits of the resident ID: with the birth date and region they rebuild it."""
    counts = Counter(p.name for p in people.values())
    born = Counter((p.name, p.birth_date) for p in people.values())

    def label(p: Person) -> str:
        if counts[p.name] == 1:
            return p.name
        if born[(p.name, p.birth_date)] == 1:
            return f"{p.name}（{p.birth_date:%Y-%m-%d}出生）"
        return f"{p.name}（档案{p.pk}）"

    return {key: label(p) for key, p in people.items()}


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
    names = _display_names({e.pk: e.child for e in enrollments})
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


# --------------------------------------------------------------------------- API reads


def institution_summary_for_user(*, user: User, institution_id: int, today: dt.date) -> Institution:
    """One institution in scope with the annotations of the list (open findings, enrolled,
    recognised), else NotFound."""
    row = (
        institution_list_for_user(user=user, today=today)
        .filter(pk=institution_id)
        .prefetch_related(
            Prefetch(
                "recognitions",
                queryset=InclusiveRecognition.objects.filter(
                    status__in=InclusiveRecognition.IN_FORCE,
                    valid_from__lte=today,
                    valid_to__gte=today,
                ).order_by("-valid_to"),
                to_attr="current_recognitions",
            )
        )
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def findings_open_for_user(*, user: User, institution_id: int) -> list[Finding]:
    """The open findings of an institution in scope, most serious first; without the names
    of children and staff for one who may not read its rosters."""
    institution = institution_get_for_user(user=user, institution_id=institution_id)
    return findings_shown(user, institution, findings_open(institution))


#: Finding subjects that name a person (rules.py writes ``幼儿：王小宝`` / ``人员：刘芳``), and
#: what a reader who may not see the rosters reads instead of the name.
_NAMED_SUBJECTS = {"幼儿": "某幼儿", "人员": "某工作人员"}


def finding_redacted(finding: Finding) -> Finding:
    """The finding with the person's name taken out of its subject and message (in memory
    only: never saved)."""
    kind, _sep, rest = finding.subject.partition("：")
    name = rest.split("（")[0]
    if kind not in _NAMED_SUBJECTS or not name:
        return finding
    finding.subject = kind
    finding.message = finding.message.replace(name, _NAMED_SUBJECTS[kind])
    return finding


def findings_shown(
    user: User, institution: Institution, findings: Iterable[Finding]
) -> list[Finding]:
    """Findings as ``user`` may read them: whole for a roster reader (roster_scope), without
    children's and staff's names for anyone else (an outside evaluator, the city)."""
    if roster_may_read(user, institution):
        return list(findings)
    return [finding_redacted(f) for f in findings]


def recognition_list_for_user(*, user: User, institution_id: int) -> QuerySet[InclusiveRecognition]:
    institution = institution_get_for_user(user=user, institution_id=institution_id)
    return institution.recognitions.all()


def recognition_get_for_user(*, user: User, recognition_id: int) -> InclusiveRecognition:
    _require(user, core_rules.Perm.INSTITUTION_VIEW)
    row = InclusiveRecognition.objects.filter(
        pk=recognition_id, institution__in=institution_scope(user)
    ).first()
    if row is None:
        raise NotFound()
    return row


@dataclass(frozen=True)
class OperatingSubsidy:
    """The operating subsidy an institution is entitled to this month (RULES.md §2)."""

    institution: Institution
    recognition: InclusiveRecognition | None
    enrolled: int
    monthly_rate_fen: int
    monthly_fen: int


def operating_subsidy_for_user(
    *, user: User, institution_id: int, today: dt.date
) -> OperatingSubsidy:
    """Children enrolled × the monthly rate of the institution's type while it is recognised as
    inclusive; nothing otherwise."""
    institution = institution_get_for_user(user=user, institution_id=institution_id)
    recognition = recognition_current(institution, today)
    enrolled = enrolled_count(institution)
    kind = rules.InstitutionKind(institution.kind)
    return OperatingSubsidy(
        institution=institution,
        recognition=recognition,
        enrolled=enrolled,
        monthly_rate_fen=rules.OPERATING_SUBSIDY_MONTHLY_FEN[kind],
        monthly_fen=rules.operating_subsidy_monthly_fen(kind, enrolled)
        if recognition is not None and recognition.status in InclusiveRecognition.SUBSIDISED
        else 0,
    )


def class_list_for_user(*, user: User, institution_id: int) -> QuerySet[CareClass]:
    """Classes with their carers by name: a roster."""
    return class_list(roster_institution_for_user(user=user, institution_id=institution_id))


def class_get_for_user(*, user: User, class_id: int) -> CareClass:
    """One class in scope with its children and carers counted, else NotFound."""
    _require(user, core_rules.Perm.ROSTER_VIEW)
    row = (
        CareClass.objects.filter(pk=class_id, institution__in=roster_scope(user))
        .select_related("institution")
        .first()
    )
    if row is None:
        raise NotFound()
    return class_list(row.institution).get(pk=row.pk)


def enrollment_list_for_user(
    *, user: User, institution_id: int, active_only: bool = True
) -> QuerySet[Enrollment]:
    institution = roster_institution_for_user(user=user, institution_id=institution_id)
    return enrollment_list(institution, active_only=active_only).order_by(
        "care_class__name", "child__name", "id"
    )


def enrollment_class_for_user(*, user: User, institution_id: int, class_id: int) -> CareClass:
    """The class a child is enrolled into: it must belong to the institution named.
    Raises NotFound (institution out of scope), InvalidInput (class of another institution)."""
    institution = institution_get_for_user(user=user, institution_id=institution_id)
    row = institution.classes.filter(pk=class_id).first()
    if row is None:
        message = "所选班级不属于该机构，请选择本机构的班级。"
        raise InvalidInput(message, field_errors={"class_id": message})
    return row


def staff_list_for_user(
    *, user: User, institution_id: int, active_only: bool = True
) -> QuerySet[Staff]:
    institution = roster_institution_for_user(user=user, institution_id=institution_id)
    return staff_list(institution, active_only=active_only)


# --------------------------------------------------------------------------- pages
# Reads of the childcare pages (huimin/childcare/views.py): lists with their filters and the
# objects a page resolves, always through institution_scope.


def institution_rows_for_user(
    *, user: User, filters: InstitutionFilters | None = None, today: dt.date
) -> QuerySet[Institution]:
    """The institution list of the pages and the export: the scoped list with open findings
    counted per severity and a pending recognition application, in one query. Ordered by
    region and name (Meta.ordering does not apply to a GROUP BY query)."""
    qs = institution_list_for_user(user=user, filters=filters, today=today)
    return qs.order_by("region__code", "name", "pk").annotate(
        open_major=Count(
            "findings",
            filter=Q(findings__status="open", findings__severity="major"),
            distinct=True,
        ),
        open_minor=Count(
            "findings",
            filter=Q(findings__status="open", findings__severity="minor"),
            distinct=True,
        ),
        recognition_pending=Count(
            "recognitions",
            filter=Q(recognitions__status=InclusiveRecognition.Status.APPLIED),
            distinct=True,
        ),
    )


def institution_ranking_for_user(
    *, user: User, filters: InstitutionFilters | None = None, today: dt.date
) -> QuerySet[Institution]:
    """Institutions with open findings (serious ones only if the filter says so), most
    serious first: the county and city findings page."""
    filters = filters or InstitutionFilters()
    if filters.with_findings not in ("serious", "any"):
        filters = replace(filters, with_findings="any")
    return institution_rows_for_user(user=user, filters=filters, today=today).order_by(
        "-open_serious", "-open_findings", "name", "pk"
    )


def findings_top(
    institution_ids: list[int], *, per: int = 3, reader: User | None = None
) -> dict[int, list[Finding]]:
    """The ``per`` most serious open findings of each institution, in one query; for a
    ``reader``, without the names of the institutions whose rosters they may not read."""
    rows = (
        Finding.objects.filter(institution_id__in=institution_ids, status=Finding.Status.OPEN)
        .annotate(
            severity_rank=SEVERITY_ORDER,
            position=Window(
                RowNumber(),
                partition_by=[F("institution_id")],
                order_by=[SEVERITY_ORDER.asc(), F("rule").asc(), F("subject").asc()],
            ),
        )
        .filter(position__lte=per)
        .order_by("institution_id", "position")
    )
    readable = (
        set(roster_scope(reader).filter(pk__in=institution_ids).values_list("pk", flat=True))
        if reader is not None
        else set(institution_ids)
    )
    out: dict[int, list[Finding]] = {}
    for row in rows:
        shown = row if row.institution_id in readable else finding_redacted(row)
        out.setdefault(row.institution_id, []).append(shown)
    return out


def filing_history(institution: Institution) -> QuerySet[Filing]:
    return institution.filings.select_related("submitted_by", "decided_by").order_by(
        "-submitted_at", "-id"
    )


def document_list(institution: Institution) -> QuerySet[FilingDocument]:
    return institution.documents.select_related("uploaded_by").order_by("material", "-uploaded_at")


#: Filing materials that are about people (certificates of named staff): roster readers only.
PERSONAL_MATERIALS = frozenset({"staff_qualifications"})


def document_get_for_user(*, user: User, document_id: int) -> FilingDocument:
    """A filing material of an institution in the user's scope, else NotFound; the staff's
    certificates only for those who may read its rosters (Forbidden)."""
    _require(user, core_rules.Perm.INSTITUTION_VIEW)
    try:
        document = FilingDocument.objects.select_related("institution").get(
            pk=document_id, institution__in=institution_scope(user)
        )
    except FilingDocument.DoesNotExist:
        raise NotFound() from None
    if document.material in PERSONAL_MATERIALS and not roster_may_read(user, document.institution):
        raise Forbidden("工作人员的资格证书和健康证明只向机构、备案的县和抽中的检查人员提供。")
    return document


def recognition_latest(institution: Institution) -> InclusiveRecognition | None:
    return (
        institution.recognitions.select_related("decided_by").order_by("-applied_at", "-id").first()
    )


@dataclass(frozen=True)
class FeeCheck:
    care_type: str
    label: str
    fee_fen: int
    cap_fen: int | None

    @property
    def within(self) -> bool:
        return self.cap_fen is None or self.fee_fen <= self.cap_fen

    @property
    def fee_yuan(self) -> str:
        return rules.fen_to_yuan(self.fee_fen)

    @property
    def cap_yuan(self) -> str:
        return "" if self.cap_fen is None else rules.fen_to_yuan(self.cap_fen)


@dataclass(frozen=True)
class RecognitionCheck:
    """What the county checks before recognising an institution as inclusive."""

    fees: list[FeeCheck]
    serious_findings: list[Finding]
    problems: list[str]

    @property
    def passes(self) -> bool:
        return not self.problems


def recognition_check(institution: Institution) -> RecognitionCheck:
    """The inclusive criteria on the stored facts: published fees against the price caps,
    and the open serious findings (the decision re-evaluates compliance first)."""
    caps = price_caps_fen()
    fees = institution.fees_fen
    serious = list(
        institution.findings.filter(
            status=Finding.Status.OPEN, severity=Finding.Severity.SERIOUS
        ).order_by("rule", "subject")
    )
    return RecognitionCheck(
        fees=[
            FeeCheck(k, rules.CARE_TYPE_LABELS[rules.CareType(k)], fee, caps.get(k))
            for k, fee in sorted(fees.items())
        ],
        serious_findings=serious,
        problems=rules.inclusive_problems(
            fees_fen=fees, caps_fen=caps, serious_findings=len(serious)
        ),
    )


@dataclass(frozen=True)
class RecognitionStanding:
    """Where a recognition in force stands: the open serious findings that put it at risk,
    whether the operating subsidy is paid, and what the county may do next."""

    recognition: InclusiveRecognition
    serious_findings: list[Finding]
    subsidised: bool
    correction_overdue: bool
    actions: list[str]

    @property
    def at_risk(self) -> bool:
        return bool(self.serious_findings)


def recognition_standing(
    recognition: InclusiveRecognition, *, today: dt.date, allowed: Mapping[str, set[str]]
) -> RecognitionStanding | None:
    """The standing of a recognition in force (None for any other status); ``allowed`` is the
    services' transition table, read here so the page offers only what the service accepts."""
    if recognition.status not in InclusiveRecognition.IN_FORCE:
        return None
    serious = list(
        recognition.institution.findings.filter(
            status=Finding.Status.OPEN, severity=Finding.Severity.SERIOUS
        ).order_by("rule", "subject")
    )
    nexts = allowed.get(recognition.status, set())
    order = [
        InclusiveRecognition.Status.CORRECTING,
        InclusiveRecognition.Status.SUSPENDED,
        InclusiveRecognition.Status.REVOKED,
        InclusiveRecognition.Status.RECOGNISED,
    ]
    return RecognitionStanding(
        recognition=recognition,
        serious_findings=serious,
        subsidised=recognition.status in InclusiveRecognition.SUBSIDISED,
        correction_overdue=(
            recognition.status == InclusiveRecognition.Status.CORRECTING
            and recognition.correct_by is not None
            and recognition.correct_by < today
        ),
        actions=[str(s) for s in order if s in nexts],
    )


@dataclass(frozen=True)
class FilingFilters:
    q: str = ""
    status: str = ""
    kind: str = ""


def filing_queue_for_user(*, user: User, filters: FilingFilters | None = None) -> QuerySet[Filing]:
    """Filings in scope, the ones awaiting the county first (earliest deadline first), then
    the decided ones, newest first."""
    filters = filters or FilingFilters()
    qs = filing_list_for_user(user=user, status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(institution__name__contains=filters.q.strip())
    pending_first = Case(
        When(status=Filing.Status.SUBMITTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    pending_deadline = Case(When(status=Filing.Status.SUBMITTED, then=F("deadline")))
    return qs.select_related("institution__region__parent").order_by(
        pending_first, pending_deadline, "-submitted_at", "-id"
    )


def recognition_queue_for_user(
    *, user: User, status: str = "", q: str = ""
) -> QuerySet[InclusiveRecognition]:
    """Recognition applications in scope, pending first."""
    _require(user, core_rules.Perm.INSTITUTION_VIEW)
    qs = InclusiveRecognition.objects.filter(institution__in=institution_scope(user))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(institution__name__contains=q.strip())
    pending_first = Case(
        When(status=InclusiveRecognition.Status.APPLIED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    pending_since = Case(When(status=InclusiveRecognition.Status.APPLIED, then=F("applied_at")))
    return qs.select_related(
        "institution", "institution__region", "institution__region__parent", "applied_by"
    ).order_by(pending_first, pending_since, "-applied_at", "-id")


def enrollment_get_for_user(*, user: User, enrollment_id: int) -> Enrollment:
    _require(user, core_rules.Perm.ROSTER_VIEW)
    try:
        return Enrollment.objects.select_related("institution", "child", "care_class").get(
            pk=enrollment_id, institution__in=roster_scope(user)
        )
    except Enrollment.DoesNotExist:
        raise NotFound() from None


def staff_get_for_user(*, user: User, staff_id: int) -> Staff:
    _require(user, core_rules.Perm.ROSTER_VIEW)
    try:
        return Staff.objects.select_related("institution", "person").get(
            pk=staff_id, institution__in=roster_scope(user)
        )
    except Staff.DoesNotExist:
        raise NotFound() from None


def enrollment_page_list(
    institution: Institution, *, class_id: int | None = None, q: str = ""
) -> QuerySet[Enrollment]:
    """Children in care at an institution, by class, for the page (filterable)."""
    qs = enrollment_list(institution)
    if class_id:
        qs = qs.filter(care_class_id=class_id)
    if q:
        qs = qs.filter(child__name__contains=q.strip())
    kind_order = Case(
        *(When(care_class__kind=kind, then=Value(n)) for n, kind in enumerate(rules.ClassKind)),
        output_field=IntegerField(),
    )
    return qs.order_by(kind_order, "care_class__name", "child__birth_date", "id")


@dataclass(frozen=True)
class ClassDay:
    care_class: CareClass
    children: int
    carers: int
    present: int
    absent: int
    morning_checked: int
    outdoor_minutes: int | None

    @property
    def unrecorded(self) -> int:
        return self.children - self.present - self.absent


def class_day_summary(institution: Institution, *, day: dt.date) -> list[ClassDay]:
    """Each class's attendance, morning checks and outdoor time on a day, in four queries."""
    classes = list(class_list(institution))
    active = Q(enrollment__status=Enrollment.Status.ACTIVE, enrollment__institution=institution)

    def per_class(rows: QuerySet) -> dict[int, int]:
        return dict(
            rows.values("enrollment__care_class_id")
            .annotate(n=Count("id"))
            .values_list("enrollment__care_class_id", "n")
        )

    present = per_class(Attendance.objects.filter(active, date=day, present=True))
    absent = per_class(Attendance.objects.filter(active, date=day, present=False))
    checked = per_class(HealthCheck.objects.filter(active, date=day, morning=True))
    outdoor = dict(
        OutdoorActivity.objects.filter(care_class__institution=institution, date=day).values_list(
            "care_class_id", "minutes"
        )
    )
    return [
        ClassDay(
            care_class=c,
            children=c.children,  # type: ignore[attr-defined]
            carers=c.carers,  # type: ignore[attr-defined]
            present=present.get(c.pk, 0),
            absent=absent.get(c.pk, 0),
            morning_checked=checked.get(c.pk, 0),
            outdoor_minutes=outdoor.get(c.pk),
        )
        for c in classes
    ]


@dataclass(frozen=True)
class AttendanceRow:
    enrollment: Enrollment
    recorded: bool
    present: bool
    morning_checked: bool
    absence_reason: str


def class_attendance_rows(care_class: CareClass, *, day: dt.date) -> list[AttendanceRow]:
    """The children of a class with what is recorded for them on a day (attendance form)."""
    enrollments = list(
        enrollment_list(care_class.institution)
        .filter(care_class=care_class, enrolled_on__lte=day)
        .order_by("child__name", "id")
    )
    ids = [e.pk for e in enrollments]
    attendance = {
        a.enrollment_id: a for a in Attendance.objects.filter(enrollment_id__in=ids, date=day)
    }
    checked = set(
        HealthCheck.objects.filter(enrollment_id__in=ids, date=day, morning=True).values_list(
            "enrollment_id", flat=True
        )
    )
    rows = []
    for e in enrollments:
        a = attendance.get(e.pk)
        rows.append(
            AttendanceRow(
                enrollment=e,
                recorded=a is not None,
                present=a.present if a is not None else True,
                # nothing pre-ticked: a morning check is recorded only when it was done
                morning_checked=e.pk in checked,
                absence_reason=a.absence_reason if a is not None else "",
            )
        )
    return rows


def food_sample_list(institution: Institution) -> QuerySet[FoodSample]:
    return institution.food_samples.order_by("-date", "-sampled_at", "dish")


def guidance_visit_list(institution: Institution) -> QuerySet[GuidanceVisit]:
    return institution.guidance_visits.order_by("-date", "-id")


def safety_record_list(institution: Institution, *, kind: str = "") -> QuerySet[SafetyRecord]:
    qs = institution.safety_records.order_by("-date", "-id")
    return qs.filter(kind=kind) if kind else qs


def staff_page_list(institution: Institution, *, include_left: bool = False) -> QuerySet[Staff]:
    """Staff of an institution for the page, with the classes each cares for."""
    role_order = Case(
        *(When(role=role, then=Value(n)) for n, role in enumerate(Staff.Role.values)),
        output_field=IntegerField(),
    )
    return (
        staff_list(institution, active_only=not include_left)
        .prefetch_related("classes")
        .order_by("left_on", role_order, "person__name", "id")
    )


def training_list(staff: Staff) -> QuerySet[TrainingRecord]:
    return staff.trainings.order_by("-date", "-id")


def home_stats(user: User) -> list[HomeStat]:
    """Childcare figures on a home page: officials see their regions' institutions, filings
    waiting and open serious findings; an operator their own open findings."""
    if not user.can(core_rules.Perm.INSTITUTION_VIEW):
        return []
    scope = institution_scope(user)
    open_serious = Finding.objects.filter(
        institution__in=scope, status=Finding.Status.OPEN, severity=rules.Severity.SERIOUS
    ).count()
    if user.role == core_rules.Role.OPERATOR and not user.is_superuser:
        open_all = Finding.objects.filter(institution__in=scope, status=Finding.Status.OPEN)
        return [
            (
                _("本机构未整改问题"),
                open_all.count(),
                _("项（其中严重%(n)s项）") % {"n": open_serious},
            )
        ]
    stats: list[HomeStat] = [
        (_("托育机构"), scope.count(), _("家")),
        (
            _("待办理备案"),
            Filing.objects.filter(institution__in=scope, status="submitted").count(),
            _("件"),
        ),
        (_("严重合规问题"), open_serious, _("项未整改")),
    ]
    if user.can(core_rules.Perm.RECOGNITION_DECIDE):
        # recognised institutions that no longer meet the criteria: the county decides what to do
        today = timezone.localdate()
        at_risk = (
            scope.filter(
                recognitions__status__in=InclusiveRecognition.IN_FORCE,
                recognitions__valid_from__lte=today,
                recognitions__valid_to__gte=today,
                findings__status=Finding.Status.OPEN,
                findings__severity=rules.Severity.SERIOUS,
            )
            .distinct()
            .count()
        )
        stats.append((_("有严重问题的普惠机构"), at_risk, _("家，请处理其普惠认定")))
    return stats


# --------------------------------------------------------------------------- overview


@dataclass
class CountyChildcare:
    """A county's childcare figures on the city overview (dashboard)."""

    filed: int = 0  # filed institutions (the list: status=filed)
    places: int = 0  # their approved places (核定托位)
    inclusive: int = 0  # filed institutions with a recognition in force today (inclusive=yes)
    inclusive_places: int = 0
    with_findings: int = 0  # institutions with open findings (with_findings=any)
    open_findings: int = 0


def overview_by_county(*, user: User, today: dt.date) -> dict[str, CountyChildcare]:
    """Childcare figures by county code, within the user's regions, in three grouped counts:
    filed institutions and their places, those recognised inclusive today, and the open
    findings with the institutions they belong to. Each equals the count of the institution
    list with the filters named in ``CountyChildcare``."""
    _require(user, core_rules.Perm.INSTITUTION_VIEW)
    out: dict[str, CountyChildcare] = {}

    def county(code: str) -> CountyChildcare:
        return out.setdefault(code, CountyChildcare())

    in_force = InclusiveRecognition.objects.filter(
        institution=OuterRef("pk"),
        status__in=InclusiveRecognition.IN_FORCE,
        valid_from__lte=today,
        valid_to__gte=today,
    )
    filed = (
        institution_scope(user)
        .filter(status=Institution.Status.FILED)
        .annotate(recognised=Exists(in_force))
    )
    for code, row in counts_by_county(
        filed,
        n=Count("pk"),
        places=Sum("capacity"),
        inclusive=Count("pk", filter=Q(recognised=True)),
        inclusive_places=Sum("capacity", filter=Q(recognised=True)),
    ):
        figures = county(code)
        figures.filed = row["n"]
        figures.places = row["places"] or 0
        figures.inclusive = row["inclusive"]
        figures.inclusive_places = row["inclusive_places"] or 0
    for code, row in counts_by_county(
        Finding.objects.filter(institution__in=institution_scope(user), status=Finding.Status.OPEN),
        "institution__region",
        n=Count("pk"),
        institutions=Count("institution", distinct=True),
    ):
        figures = county(code)
        figures.open_findings = row["n"]
        figures.with_findings = row["institutions"]
    return out
