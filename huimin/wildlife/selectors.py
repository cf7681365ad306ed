"""Reads of the wildlife-damage relief insurance, always scoped to the acting user; the
estimate without it (public information: the standards tables and the rule).

Scope: officials, the insurer's adjusters and finance see the claims, policies and batches of
their regions; a citizen (a farmer) sees only the claims where they are the farmer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, InvalidInput, NotFound
from huimin.core.models import Region, User
from huimin.core.selectors import counts_by_county, region_scope_q, within_region
from huimin.wildlife import rules
from huimin.wildlife.models import Claim, PayoutBatch, Policy, Standard

Perm = core_rules.Perm
Role = core_rules.Role


def _require_any(user: User, *perms: Perm) -> None:
    if not any(user.can(p) for p in perms):
        raise Forbidden()


def is_farmer(user: User) -> bool:
    """A citizen: their scope is the claims where they are the farmer."""
    return user.role == Role.CITIZEN and not user.is_superuser


# --------------------------------------------------------------------------- policies


def policy_scope(user: User) -> QuerySet[Policy]:
    if not user.is_active or not (user.can(Perm.WILDLIFE_VIEW) or user.can(Perm.WILDLIFE_POLICY)):
        return Policy.objects.none()
    return Policy.objects.filter(region_scope_q(user))


@dataclass(frozen=True)
class PolicyFilters:
    region: str = ""
    year: int | None = None


def policy_list_for_user(*, user: User, filters: PolicyFilters | None = None) -> QuerySet[Policy]:
    _require_any(user, Perm.WILDLIFE_VIEW, Perm.WILDLIFE_POLICY)
    filters = filters or PolicyFilters()
    qs = policy_scope(user)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return (
        qs.select_related("region")
        .annotate(claim_count=Count("claims", distinct=True))
        .order_by("region__code", "-year")
    )


def policy_get_for_user(*, user: User, policy_id: int) -> Policy:
    _require_any(user, Perm.WILDLIFE_VIEW, Perm.WILDLIFE_POLICY)
    try:
        return policy_scope(user).select_related("region").get(pk=policy_id)
    except Policy.DoesNotExist:
        raise NotFound() from None


def policy_frozen(policy: Policy, today: dt.date) -> bool:
    """A policy year's terms and standards table are frozen from its first day."""
    return today >= policy.starts_on


def policy_for(region: Region, day: dt.date) -> Policy | None:
    """The policy of the county of ``region`` whose period covers ``day``."""
    county = region.county if region.level != Region.Level.COUNTY else region
    if county is None:
        return None
    return (
        Policy.objects.filter(region=county, starts_on__lte=day, ends_on__gte=day)
        .order_by("-year")
        .first()
    )


def standards_of(policy: Policy) -> dict[tuple[str, str], Decimal]:
    return {(s.crop, s.stage): s.yuan_per_mu for s in policy.standards.all()}


# --------------------------------------------------------------------------- claims


def claim_scope(user: User) -> QuerySet[Claim]:
    if not user.is_active:
        return Claim.objects.none()
    if user.is_superuser:
        return Claim.objects.all()
    if is_farmer(user):
        if not user.can(Perm.WILDLIFE_REPORT) or not user.person_id:
            return Claim.objects.none()
        return Claim.objects.filter(farmer_id=user.person_id)
    if not user.can(Perm.WILDLIFE_VIEW):
        return Claim.objects.none()
    return Claim.objects.filter(region_scope_q(user))


def claims_of_farmer(user: User) -> QuerySet[Claim]:
    """A farmer's own claims, newest first (我的办事); nothing for another role."""
    if not is_farmer(user):
        return Claim.objects.none()
    return claim_scope(user).order_by("-reported_at", "-id")


@dataclass(frozen=True)
class ClaimFilters:
    status: str = ""
    region: str = ""
    species: str = ""
    crop: str = ""
    year: int | None = None
    q: str = ""
    late: bool = False  # not accepted by the end of its day, or survey overdue


def claim_list_for_user(*, user: User, filters: ClaimFilters | None = None) -> QuerySet[Claim]:
    _require_any(user, Perm.WILDLIFE_VIEW, Perm.WILDLIFE_REPORT)
    filters = filters or ClaimFilters()
    qs = claim_scope(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = within_region(qs, user=user, code=filters.region)
    if filters.species:
        qs = qs.filter(species=filters.species)
    if filters.crop:
        qs = qs.filter(crop=filters.crop)
    if filters.year:
        qs = qs.filter(policy__year=filters.year)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(farmer__name__contains=term) | Q(region__name__contains=term))
    if filters.late:
        today = timezone.localdate()
        qs = qs.filter(
            Q(status=Claim.Status.REPORTED, accept_due__lt=today)
            | Q(status=Claim.Status.ACCEPTED, deadline__lt=today)
            | Q(status=Claim.Status.AGREED, payment_due__lt=today)
        )
    return qs.select_related(
        "region", "region__parent", "farmer", "policy", "policy__region"
    ).order_by("-reported_at", "-id")


def claim_get_for_user(*, user: User, claim_id: int) -> Claim:
    _require_any(user, Perm.WILDLIFE_VIEW, Perm.WILDLIFE_REPORT)
    try:
        return (
            claim_scope(user)
            .select_related("region", "region__parent", "farmer", "policy", "policy__region")
            .get(pk=claim_id)
        )
    except Claim.DoesNotExist:
        raise NotFound() from None


def claim_waiting(claim: Claim, now: dt.datetime) -> dt.timedelta | None:
    """How long a report has waited for acceptance (None once accepted or refused)."""
    if claim.status != Claim.Status.REPORTED:
        return None
    return now - claim.reported_at


def claim_late_to_accept(claim: Claim, today: dt.date) -> bool:
    """Not accepted by the end of its working day (即报即接): flagged."""
    return claim.status == Claim.Status.REPORTED and today > claim.accept_due


def visit_candidates(*, user: User, region: Region) -> QuerySet[Claim]:
    """Accepted claims of one village awaiting survey: surveyed together as one visit."""
    return claim_list_for_user(
        user=user, filters=ClaimFilters(status=Claim.Status.ACCEPTED)
    ).filter(region=region)


# --------------------------------------------------------------------------- batches


def batch_scope(user: User) -> QuerySet[PayoutBatch]:
    if not user.is_active or not user.can(Perm.WILDLIFE_VIEW) or is_farmer(user):
        return PayoutBatch.objects.none()
    return PayoutBatch.objects.filter(region_scope_q(user))


def batch_list_for_user(*, user: User, year: int | None = None) -> QuerySet[PayoutBatch]:
    _require_any(user, Perm.WILDLIFE_PAY, Perm.WILDLIFE_VIEW)
    qs = batch_scope(user)
    if year:
        qs = qs.filter(policy__year=year)
    return qs.select_related("policy", "region", "created_by").order_by("-created_at", "-id")


def batch_get_for_user(*, user: User, batch_id: int) -> PayoutBatch:
    _require_any(user, Perm.WILDLIFE_PAY, Perm.WILDLIFE_VIEW)
    try:
        return batch_scope(user).select_related("policy", "region").get(pk=batch_id)
    except PayoutBatch.DoesNotExist:
        raise NotFound() from None


# --------------------------------------------------------------------------- estimate


@dataclass(frozen=True)
class Estimate:
    amount: Decimal
    yuan_per_mu: Decimal
    crop: str
    stage: str
    area_mu: Decimal
    loss_percent: int
    policy: Policy


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field: message})


def estimate(
    *,
    county: str,
    crop: str,
    stage: str,
    area_mu: str | Decimal,
    loss_percent: int,
    day: dt.date,
) -> Estimate:
    """The amount a survey would give, by the standards table of the county's policy year
    covering ``day`` (public: no login). Raises InvalidInput naming the problem."""
    try:
        area = rules.area_parse(area_mu)
        rules.loss_percent_check(loss_percent)
    except rules.AmountError as exc:
        raise _invalid(exc.field, exc.message) from None
    region = Region.objects.filter(code=county, level=Region.Level.COUNTY).first()
    if region is None:
        raise _invalid("county", f"“{county}”不是运城市的县（市、区）区划代码，如平陆县为140829。")
    policy = policy_for(region, day)
    if policy is None:
        raise _invalid(
            "date",
            f"{region.name}没有保险期间包含{day.isoformat()}的野生动物致害救助责任险保单。",
        )
    standard = Standard.objects.filter(policy=policy, crop=crop, stage=stage).first()
    if standard is None:
        crops = sorted({c for c, _s in standards_of(policy)})
        if crop not in crops:
            raise _invalid(
                "crop",
                f"{region.name}{policy.year}年度赔偿标准中没有作物“{crop}”，"
                f"可选：{'、'.join(crops) or '（尚未录入）'}。",
            )
        stages = [s for c, s in standards_of(policy) if c == crop]
        raise _invalid(
            "stage",
            f"{region.name}{policy.year}年度赔偿标准中，{crop}没有“{stage}”的标准，"
            f"可选：{'、'.join(stages)}。",
        )
    value = rules.amount(area, standard.yuan_per_mu, loss_percent)
    return Estimate(value, standard.yuan_per_mu, crop, stage, area, loss_percent, policy)


# --------------------------------------------------------------------------- dashboard


def claim_totals(qs: QuerySet[Claim], field: str) -> list[tuple[str, int, int]]:
    """(key, claims, paid fen) by ``field``."""
    rows = qs.values(field).annotate(n=Count("pk"), paid=Sum("paid_fen")).order_by(field)
    return [(str(r[field]), r["n"], r["paid"] or 0) for r in rows]


# --------------------------------------------------------------------------- overview


@dataclass
class CountyWildlife:
    """A county's wildlife-damage figures for a policy year on the city overview."""

    claims: int = 0  # the claim list, year=<policy year>
    paid: int = 0  # status=paid
    paid_fen: int = 0
    policies: int = 0  # the policy list, year=<policy year>
    limit_fen: int = 0  # the policies' aggregate limits
    committed_fen: int = 0  # paid or sent to the bank against them

    @property
    def limit_percent(self) -> float | None:
        """How much of the aggregate limit is used, in percent (None: no policy)."""
        return round(100 * self.committed_fen / self.limit_fen, 1) if self.limit_fen else None


def overview_by_county(*, user: User, year: int) -> dict[str, CountyWildlife]:
    """Claims of the policy ``year`` (all, paid) and the year's policies' limits and what was
    committed against them, by county code within the user's regions: two grouped counts.
    Each equals the count of the claim or policy list with the filters named in
    ``CountyWildlife``."""
    _require_any(user, Perm.WILDLIFE_VIEW)
    out: dict[str, CountyWildlife] = {}
    for code, row in counts_by_county(
        claim_scope(user).filter(policy__year=year),
        n=Count("pk"),
        paid=Count("pk", filter=Q(status=Claim.Status.PAID)),
        paid_fen=Sum("paid_fen", filter=Q(status=Claim.Status.PAID)),
    ):
        figures = out.setdefault(code, CountyWildlife())
        figures.claims, figures.paid = row["n"], row["paid"]
        figures.paid_fen = row["paid_fen"] or 0
    for code, row in counts_by_county(
        policy_scope(user).filter(year=year),
        n=Count("pk"),
        limit=Sum("limit_fen"),
        committed=Sum("committed_fen"),
    ):
        figures = out.setdefault(code, CountyWildlife())
        figures.policies = row["n"]
        figures.limit_fen = row["limit"] or 0
        figures.committed_fen = row["committed"] or 0
    return out
