"""Reads of supervision, always scoped to the acting user; the public results without it.

Scope: officials see what lies in their regions; an inspector the inspections (and their
letters) they were drawn for; an operator their own institution's. The public page reads
``public_*`` and gets no personal data: no names of people, no resident IDs, no phones.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from huimin.childcare.models import Finding, InclusiveRecognition, Institution
from huimin.childcare.selectors import institution_scope
from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, NotFound
from huimin.core.models import Region, User
from huimin.core.selectors import (
    WorkdayCalendar,
    counts_by_county,
    region_scope_q,
    within_region,
)
from huimin.supervision import rules
from huimin.supervision.models import (
    ChecklistItem,
    Complaint,
    Conflict,
    CreditRating,
    DrawCandidate,
    DrawInspector,
    DrawPlan,
    Inspection,
    InspectionItem,
    OpinionLetter,
)

Perm = core_rules.Perm
Role = core_rules.Role


def _require(user: User, perm: Perm) -> None:
    if not user.can(perm):
        raise Forbidden()


def county_code(path: str) -> str:
    """The county-level code in a region path (``140800/140802/…`` → ``140802``); the city
    itself has none."""
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) > 1 else ""


# --------------------------------------------------------------------------- pools


def institutions_filed(plan: DrawPlan, today: dt.date) -> QuerySet[Institution]:
    """The target pool of a plan: filed institutions of its region, with its filters."""
    qs = Institution.objects.filter(
        status=Institution.Status.FILED, region__path__startswith=plan.region.path
    )
    if plan.kind:
        qs = qs.filter(kind=plan.kind)
    if plan.inclusive:
        recognised = InclusiveRecognition.objects.filter(
            institution=OuterRef("pk"),
            status__in=InclusiveRecognition.IN_FORCE,
            valid_from__lte=today,
            valid_to__gte=today,
        )
        qs = (
            qs.filter(Exists(recognised))
            if plan.inclusive == "yes"
            else qs.exclude(Exists(recognised))
        )
    return qs


def credit_levels(institution_ids: list[int] | None = None) -> dict[int, str]:
    """The current credit level of institutions (the latest rating of each)."""
    qs = CreditRating.objects.order_by("institution_id", "-computed_at", "-id")
    if institution_ids is not None:
        qs = qs.filter(institution_id__in=institution_ids)
    levels: dict[int, str] = {}
    for institution_id, level in qs.values_list("institution_id", "level"):
        levels.setdefault(institution_id, level)
    return levels


def risk_facts(institution_ids: list[int], today: dt.date) -> dict[int, rules.RiskFacts]:
    """What the published weight table looks at, for many institutions in a few queries."""
    complaint_since, _credit_since = rules.windows(today)
    open_findings = Counter(
        Finding.objects.filter(
            institution_id__in=institution_ids, status=Finding.Status.OPEN
        ).values_list("institution_id", flat=True)
    )
    serious = Counter(
        Finding.objects.filter(
            institution_id__in=institution_ids,
            status=Finding.Status.OPEN,
            severity=Finding.Severity.SERIOUS,
        ).values_list("institution_id", flat=True)
    )
    complaints = Counter(
        Complaint.objects.filter(
            institution_id__in=institution_ids, received_on__gt=complaint_since
        )
        .exclude(status=Complaint.Status.UNFOUNDED)
        .values_list("institution_id", flat=True)
    )
    overdue = Counter(
        OpinionLetter.objects.filter(
            institution_id__in=institution_ids, status=OpinionLetter.Status.OVERDUE
        ).values_list("institution_id", flat=True)
    )
    levels = credit_levels(institution_ids)
    return {
        i: rules.RiskFacts(
            open_findings=open_findings[i],
            serious_findings=serious[i],
            complaints=complaints[i],
            overdue_letters=overdue[i],
            credit_level=levels.get(i, ""),
        )
        for i in institution_ids
    }


def candidate_pool(plan: DrawPlan, today: dt.date) -> list[rules.Candidate]:
    rows = list(institutions_filed(plan, today).values_list("pk", "region__path"))
    facts = risk_facts([pk for pk, _path in rows], today)
    pool = []
    for pk, path in rows:
        reasons = rules.risk_reasons(facts[pk])
        pool.append(
            rules.Candidate(pk, path, county_code(path), rules.risk_weight(reasons), reasons)
        )
    return pool


def inspector_pool(region: Region) -> list[rules.InspectorEntry]:
    """Active inspectors whose regions overlap the plan's region, with their conflicts."""
    inspectors = (
        User.objects.filter(role=Role.INSPECTOR, is_active=True)
        .prefetch_related("regions")
        .order_by("pk")
    )
    conflicts: dict[int, list[int]] = {}
    for inspector_id, institution_id in Conflict.objects.values_list(
        "inspector_id", "institution_id"
    ):
        conflicts.setdefault(inspector_id, []).append(institution_id)
    pool = []
    for inspector in inspectors:
        paths = tuple(sorted(r.path for r in inspector.regions.all()))
        if any(region.path.startswith(p) or p.startswith(region.path) for p in paths):
            pool.append(
                rules.InspectorEntry(
                    inspector.pk, paths, tuple(sorted(conflicts.get(inspector.pk, [])))
                )
            )
    return pool


def pool_preview(plan: DrawPlan, today: dt.date) -> tuple[list[DrawCandidate], list[DrawInspector]]:
    """Both pools as a draw would take them now, as unsaved snapshot rows (the plan page shows
    them before the draw; the draw stores its own)."""
    candidates = candidate_pool(plan, today)
    inspectors = inspector_pool(plan.region)
    institutions = Institution.objects.in_bulk([c.id for c in candidates])
    users = User.objects.in_bulk([i.id for i in inspectors])
    return (
        [
            DrawCandidate(
                plan=plan,
                institution=institutions[c.id],
                region_path=c.region_path,
                county=c.county,
                weight=c.weight,
                reasons=list(c.reasons),
            )
            for c in sorted(candidates, key=lambda c: (c.county, c.id))
        ],
        [
            DrawInspector(
                plan=plan,
                inspector=users[i.id],
                region_paths=list(i.region_paths),
                conflicts=list(i.conflicts),
            )
            for i in sorted(inspectors, key=lambda i: users[i.id].username)
        ],
    )


def checklist_active() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(active=True).order_by("position", "pk")


# --------------------------------------------------------------------------- plans


def plan_scope(user: User) -> QuerySet[DrawPlan]:
    """Plans of the user's regions and of the regions above them (a county official sees the
    city's plans that reach into the county)."""
    if not user.is_active:
        return DrawPlan.objects.none()
    if user.is_superuser:
        return DrawPlan.objects.all()
    q = region_scope_q(user)
    for path in user.regions.values_list("path", flat=True):
        q |= Q(region__path__in=_ancestor_paths(path))
    return DrawPlan.objects.filter(q)


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:n]) + "/" for n in range(1, len(parts))]


@dataclass(frozen=True)
class PlanFilters:
    status: str = ""
    region: str = ""
    q: str = ""


def plan_list_for_user(*, user: User, filters: PlanFilters | None = None) -> QuerySet[DrawPlan]:
    _require(user, Perm.DRAW_MANAGE)
    filters = filters or PlanFilters()
    qs = plan_scope(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.q:
        qs = qs.filter(name__contains=filters.q.strip())
    return qs.select_related("region", "created_by").annotate(
        drawn_count=Count("inspections", distinct=True)
    )


def plan_get_for_user(*, user: User, plan_id: int) -> DrawPlan:
    _require(user, Perm.DRAW_MANAGE)
    try:
        return plan_scope(user).select_related("region", "created_by").get(pk=plan_id)
    except DrawPlan.DoesNotExist:
        raise NotFound() from None


def plan_inspections(plan: DrawPlan) -> QuerySet[Inspection]:
    return (
        plan.inspections.select_related("institution", "institution__region")
        .prefetch_related("crew__inspector")
        .order_by("position")
    )


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class DrawCheck:
    label: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class DrawVerification:
    plan_id: int
    checks: tuple[DrawCheck, ...]
    differences: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def draw_verify(plan_id: int) -> DrawVerification:
    """Recompute a draw from its published record: the seed from the plan and the public
    value, the pools' hash from the stored pools, the result from the draw algorithm on those
    pools; compare each with what was recorded."""
    plan = DrawPlan.objects.select_related("region").get(pk=plan_id)
    if plan.status != DrawPlan.Status.DRAWN:
        return DrawVerification(
            plan.pk, (DrawCheck("抽取状态", False, f"计划尚未抽取（{plan.get_status_display()}）"),)
        )
    spec = plan.spec()
    seed = rules.draw_seed(spec, plan.public_value)
    candidates = [c.as_rule() for c in plan.candidates.all()]
    inspectors = [i.as_rule() for i in plan.inspectors.all()]
    pool = rules.pool_hash(candidates, inspectors)
    checks = [
        DrawCheck("随机种子", seed == plan.seed, f"重算 {seed[:16]}…，记录 {plan.seed[:16]}…"),
        DrawCheck(
            "对象库与人员库摘要",
            pool == plan.pool_hash,
            f"重算 {pool[:16]}…，记录 {plan.pool_hash[:16]}…（{len(candidates)}家机构，"
            f"{len(inspectors)}名检查人员）",
        ),
    ]
    recorded = [
        rules.Assignment(
            i.institution_id,
            i.stratum,
            i.position,
            tuple(c.inspector_id for c in sorted(i.crew.all(), key=lambda c: c.position)),
        )
        for i in plan.inspections.prefetch_related("crew").order_by("position")
    ]
    differences: list[str] = []
    try:
        again = rules.draw(spec, seed, candidates, inspectors)
    except rules.DrawError as exc:
        again = []
        differences.append(f"按记录的对象库重新抽取失败：{exc}")
    for old, new in zip(recorded, again, strict=False):
        if old != new:
            differences.append(
                f"第{old.order}个："
                f"记录为机构{old.target}（检查人员{list(old.inspectors)}），"
                f"重算为机构{new.target}（检查人员{list(new.inspectors)}）"
            )
    if len(recorded) != len(again):
        differences.append(f"记录抽中{len(recorded)}家，重算抽中{len(again)}家")
    result = rules.result_hash(again) if again else ""
    checks.append(
        DrawCheck(
            "抽取结果",
            not differences and result == plan.result_hash,
            f"重算 {result[:16]}…，记录 {plan.result_hash[:16]}…",
        )
    )
    return DrawVerification(plan.pk, tuple(checks), tuple(differences))


# --------------------------------------------------------------------------- inspections


def inspection_scope(user: User) -> QuerySet[Inspection]:
    if not user.can(Perm.SUPERVISION_VIEW):
        return Inspection.objects.none()
    if user.is_superuser:
        return Inspection.objects.all()
    if user.role == Role.INSPECTOR:
        return Inspection.objects.filter(crew__inspector=user)
    return Inspection.objects.filter(institution__in=institution_scope(user))


@dataclass(frozen=True)
class InspectionFilters:
    status: str = ""
    outcome: str = ""
    region: str = ""
    plan: int | None = None
    q: str = ""
    unpublished: bool = False


def inspection_list_for_user(
    *, user: User, filters: InspectionFilters | None = None
) -> QuerySet[Inspection]:
    _require(user, Perm.SUPERVISION_VIEW)
    filters = filters or InspectionFilters()
    qs = inspection_scope(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region, field="institution__region")
    if filters.plan:
        qs = qs.filter(plan_id=filters.plan)
    if filters.q:
        qs = qs.filter(institution__name__contains=filters.q.strip())
    if filters.unpublished:
        qs = qs.filter(status=Inspection.Status.COMPLETED, published_on__isnull=True).exclude(
            outcome=Inspection.Outcome.WARNING
        )
    return (
        qs.distinct()
        .select_related("plan", "institution", "institution__region")
        .prefetch_related("crew__inspector")
        .order_by("status", "-plan_id", "position")
    )


def inspections_publish_overdue_for_user(*, user: User, today: dt.date) -> QuerySet[Inspection]:
    """Results in scope still unpublished after their latest allowed day (20 working days
    after the inspection): the daily run has not run, or failed, since they were completed."""
    return inspection_list_for_user(user=user, filters=InspectionFilters(unpublished=True)).filter(
        publish_due__lt=today
    )


def inspection_get_for_user(*, user: User, inspection_id: int) -> Inspection:
    _require(user, Perm.SUPERVISION_VIEW)
    try:
        return (
            inspection_scope(user)
            .distinct()
            .select_related("plan", "institution", "institution__region")
            .prefetch_related(
                "crew__inspector",
                Prefetch(
                    "items",
                    queryset=InspectionItem.objects.prefetch_related("photos").order_by(
                        "position", "pk"
                    ),
                ),
            )
            .get(pk=inspection_id)
        )
    except Inspection.DoesNotExist:
        raise NotFound() from None


def inspection_is_crew(inspection: Inspection, user: User) -> bool:
    return any(c.inspector_id == user.pk for c in inspection.crew.all())


# --------------------------------------------------------------------------- letters


def letter_scope(user: User) -> QuerySet[OpinionLetter]:
    return OpinionLetter.objects.filter(inspection__in=inspection_scope(user))


@dataclass(frozen=True)
class LetterFilters:
    status: str = ""
    region: str = ""
    q: str = ""


def letter_list_for_user(
    *, user: User, filters: LetterFilters | None = None
) -> QuerySet[OpinionLetter]:
    _require(user, Perm.SUPERVISION_VIEW)
    filters = filters or LetterFilters()
    qs = letter_scope(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region, field="institution__region")
    if filters.q:
        qs = qs.filter(Q(institution__name__contains=filters.q) | Q(number__contains=filters.q))
    return qs.select_related("institution", "institution__region", "county").order_by(
        "deadline", "pk"
    )


def letter_get_for_user(*, user: User, letter_id: int) -> OpinionLetter:
    _require(user, Perm.SUPERVISION_VIEW)
    try:
        return (
            letter_scope(user)
            .select_related("institution", "institution__region", "county", "inspection")
            .prefetch_related("evidence", "inspection__crew__inspector")
            .get(pk=letter_id)
        )
    except OpinionLetter.DoesNotExist:
        raise NotFound() from None


def letters_escalated_for_user(user: User) -> QuerySet[OpinionLetter]:
    """Overdue letters in the user's regions: the county official's home page list."""
    return letter_list_for_user(
        user=user, filters=LetterFilters(status=OpinionLetter.Status.OVERDUE)
    )


@dataclass(frozen=True)
class LetterClock:
    deadline: dt.date
    working_days_left: int | None  # None when the calendar does not know the year yet

    @property
    def overdue(self) -> bool:
        return self.working_days_left is not None and self.working_days_left < 0


def letter_clock(
    letter: OpinionLetter, *, today: dt.date, calendar: WorkdayCalendar
) -> LetterClock:
    try:
        left: int | None = calendar.working_days_left(today, letter.deadline)
    except Exception:  # noqa: BLE001 - an unknown year: shown as not known, never guessed
        left = None
    return LetterClock(letter.deadline, left)


# --------------------------------------------------------------------------- credit


def credit_facts(institution_id: int, today: dt.date) -> rules.CreditFacts:
    _complaint_since, credit_since = rules.windows(today)
    inspections = Inspection.objects.filter(
        institution_id=institution_id,
        status=Inspection.Status.COMPLETED,
        inspected_on__gt=credit_since,
    )
    outcomes = Counter(inspections.values_list("outcome", flat=True))
    failed_items = InspectionItem.objects.filter(
        inspection__in=inspections, result=InspectionItem.Result.FAIL
    ).count()
    findings = Counter(
        Finding.objects.filter(
            institution_id=institution_id, status=Finding.Status.OPEN
        ).values_list("severity", flat=True)
    )
    return rules.CreditFacts(
        inspections_passed=outcomes[Inspection.Outcome.PASS],
        inspections_warned=outcomes[Inspection.Outcome.WARNING],
        inspections_rectify=outcomes[Inspection.Outcome.RECTIFY],
        failed_items=failed_items,
        overdue_letters=OpinionLetter.objects.filter(
            institution_id=institution_id, issued_on__gt=credit_since
        )
        .filter(Q(status=OpinionLetter.Status.OVERDUE) | Q(escalated_at__isnull=False))
        .count(),
        complaints_substantiated=Complaint.objects.filter(
            institution_id=institution_id,
            status=Complaint.Status.SUBSTANTIATED,
            received_on__gt=credit_since,
        ).count(),
        open_serious_findings=findings[Finding.Severity.SERIOUS],
        open_other_findings=findings[Finding.Severity.MAJOR] + findings[Finding.Severity.MINOR],
    )


def credit_current(institution: Institution) -> CreditRating | None:
    return institution.credit_ratings.order_by("-computed_at", "-id").first()


def credit_history(institution: Institution) -> QuerySet[CreditRating]:
    return institution.credit_ratings.order_by("-computed_at", "-id")


@dataclass(frozen=True)
class CreditFilters:
    q: str = ""
    region: str = ""
    level: str = ""  # A–D, or "none" for not yet rated


def credit_list_for_user(
    *, user: User, filters: CreditFilters | None = None
) -> QuerySet[Institution]:
    """Filed institutions in the user's scope with their current rating (lowest score first;
    not yet rated last)."""
    _require(user, Perm.SUPERVISION_VIEW)
    filters = filters or CreditFilters()
    latest = CreditRating.objects.filter(institution=OuterRef("pk")).order_by("-computed_at", "-id")
    qs = (
        institution_scope(user)
        .filter(status=Institution.Status.FILED)
        .annotate(
            credit_score=Subquery(latest.values("score")[:1]),
            credit_level=Subquery(latest.values("level")[:1]),
            credit_at=Subquery(latest.values("computed_at")[:1]),
        )
        .select_related("region__parent")
    )
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.q:
        qs = qs.filter(name__contains=filters.q.strip())
    if filters.level == "none":
        qs = qs.filter(credit_level__isnull=True)
    elif filters.level:
        qs = qs.filter(credit_level=filters.level)
    return qs.order_by(F("credit_score").asc(nulls_last=True), "region__code", "name")


def credit_institution_for_user(*, user: User, institution_id: int) -> Institution:
    """The institution whose credit the user may read (an operator only their own)."""
    _require(user, Perm.SUPERVISION_VIEW)
    try:
        return institution_scope(user).select_related("region").get(pk=institution_id)
    except Institution.DoesNotExist:
        raise NotFound() from None


def complaint_list_for_user(
    *, user: User, institution_id: int | None = None
) -> QuerySet[Complaint]:
    """Complaints about institutions in the user's regions, for the officials who record and
    decide them (COMPLAINT_RECORD) — the page and the API alike. Parents' complaints are not
    shown to the institution's operator, an inspector or a township (Forbidden)."""
    _require(user, Perm.COMPLAINT_RECORD)
    qs = Complaint.objects.filter(institution__in=institution_scope(user))
    if institution_id:
        qs = qs.filter(institution_id=institution_id)
    return qs.select_related("institution", "institution__region")


def conflict_list_for_user(*, user: User) -> QuerySet[Conflict]:
    """An inspector's own declarations of conflicts of interest (INSPECT) — the page and the API
    alike; inspectors' names and reasons are shown to no one else (Forbidden). A draw's pools
    show each inspector's number of declared conflicts to the officials who run it."""
    _require(user, Perm.INSPECT)
    qs = Conflict.objects.select_related("inspector", "institution")
    if user.is_superuser:
        return qs
    return qs.filter(inspector=user)


def conflicted_user_ids(institution_id: int) -> set[int]:
    """Users who declared a conflict of interest with the institution (the demonstration
    module never assigns them as its evaluators either)."""
    return set(
        Conflict.objects.filter(institution_id=institution_id).values_list(
            "inspector_id", flat=True
        )
    )


# --------------------------------------------------------------------------- public (一公开)


def public_name_contains(q: str) -> Q:
    """Results whose institution's public (acknowledged) name contains ``q``."""
    return Q(institution__filed_name__contains=q) | Q(
        institution__filed_name="", institution__name__contains=q
    )


def public_plans() -> QuerySet[DrawPlan]:
    """Drawn plans with their published record (no personal data)."""
    return (
        DrawPlan.objects.filter(status=DrawPlan.Status.DRAWN)
        .select_related("region")
        .annotate(drawn_count=Count("inspections"))
        .order_by("-drawn_at", "-pk")
    )


def public_plan(plan_id: int) -> DrawPlan:
    try:
        return public_plans().get(pk=plan_id)
    except DrawPlan.DoesNotExist:
        raise NotFound() from None


def public_inspections() -> QuerySet[Inspection]:
    """Published results: completed, not a warning only, with a publication date."""
    return (
        Inspection.objects.filter(status=Inspection.Status.COMPLETED, published_on__isnull=False)
        .exclude(outcome=Inspection.Outcome.WARNING)
        .select_related("institution", "institution__region", "institution__region__parent")
        .annotate(failed_items=Count("items", filter=Q(items__result=InspectionItem.Result.FAIL)))
        .order_by("-published_on", "-pk")
    )


def public_credit(
    *, region: Region | None = None, q: str = "", level: str = ""
) -> QuerySet[Institution]:
    """Every filed institution with a rating, with its current rating's level and time
    (``credit_level``, ``credit_at``), within ``region``, whose public name contains ``q``, of
    ``level``: the database picks each institution's latest rating, and only a page of them
    is read (reading every rating to show 20 was most of the public page's time; issue 17)."""
    latest = CreditRating.objects.filter(institution=OuterRef("pk")).order_by("-computed_at", "-id")
    qs = (
        Institution.objects.filter(status=Institution.Status.FILED)
        .annotate(
            credit_level=Subquery(latest.values("level")[:1]),
            credit_at=Subquery(latest.values("computed_at")[:1]),
        )
        .filter(credit_level__isnull=False)
    )
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if q:
        qs = qs.filter(Q(filed_name__contains=q) | Q(filed_name="", name__contains=q))
    if level:
        qs = qs.filter(credit_level=level)
    return qs.select_related("region", "region__parent").order_by("region__code", "name", "pk")


# --------------------------------------------------------------------------- overview

#: The credit levels the overview counts, best first.
CREDIT_LEVELS = ("A", "B", "C", "D")


@dataclass
class CountySupervision:
    """A county's supervision figures on the city overview (dashboard)."""

    inspections: int = 0  # the inspection list, all statuses
    completed: int = 0  # status=completed
    overdue_letters: int = 0  # the letter list, status=overdue (逾期未整改)
    open_letters: int = 0  # issued or submitted, not yet accepted
    credit: dict[str, int] = field(default_factory=dict)  # level (A–D) → filed institutions
    unrated: int = 0  # filed institutions not yet rated (level=none)


def overview_by_county(*, user: User) -> dict[str, CountySupervision]:
    """Supervision figures by county code within the user's regions, in three grouped
    counts: inspections (all, completed), opinion letters (overdue, open) and the filed
    institutions by their current credit level. Each equals the count of the inspection,
    letter or credit list with the filters named in ``CountySupervision``."""
    _require(user, Perm.SUPERVISION_VIEW)
    out: dict[str, CountySupervision] = {}

    def county(code: str) -> CountySupervision:
        return out.setdefault(code, CountySupervision())

    for code, row in counts_by_county(
        inspection_scope(user),
        "institution__region",
        n=Count("pk", distinct=True),
        completed=Count("pk", distinct=True, filter=Q(status=Inspection.Status.COMPLETED)),
    ):
        figures = county(code)
        figures.inspections = row["n"]
        figures.completed = row["completed"]
    letter = OpinionLetter.Status
    for code, row in counts_by_county(
        letter_scope(user),
        "institution__region",
        overdue=Count("pk", filter=Q(status=letter.OVERDUE)),
        open=Count("pk", filter=Q(status__in=[letter.ISSUED, letter.SUBMITTED])),
    ):
        figures = county(code)
        figures.overdue_letters = row["overdue"]
        figures.open_letters = row["open"]
    latest = CreditRating.objects.filter(institution=OuterRef("pk")).order_by("-computed_at", "-id")
    for code, row in counts_by_county(
        institution_scope(user)
        .filter(status=Institution.Status.FILED)
        .annotate(level=Subquery(latest.values("level")[:1])),
        by=("level",),
        n=Count("pk"),
    ):
        figures = county(code)
        if row["level"] is None:
            figures.unrated += row["n"]
        else:
            figures.credit[row["level"]] = figures.credit.get(row["level"], 0) + row["n"]
    return out
