"""API of the wildlife-damage relief insurance: the public estimate, and for the signed-in the
claims (list, one claim, accept, reject with an exclusion, the farmer's confirm or dispute)
and the policy years.

Each endpoint parses, resolves through a scoped selector (404 outside the user's scope), calls
one service and returns. The estimate needs no login and carries no personal data.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from huimin.core.api import (
    IsoDate,
    PageOut,
    PageQuery,
    QueryText,
    StrictIn,
    errors,
    filters_of,
    page_of,
    yuan,
)
from huimin.core.http import AuthedRequest
from huimin.wildlife import selectors, services
from huimin.wildlife.models import Claim, Policy

router = Router(tags=["野生动物致害救助 wildlife"])

Yuan = Annotated[str, Field(pattern=r"^\d+\.\d{2}$", examples=["953.93"], description="元")]
ClaimStatus = Literal["reported", "accepted", "rejected", "surveyed", "agreed", "paying", "paid"]
ExclusionValue = Literal["provoked", "reserve", "livestock", "outside_area"]


# --------------------------------------------------------------------------- estimate


class EstimateQuery(Schema):
    county: QueryText = Field(max_length=12, description="县（市、区）区划代码，如平陆县 140829")
    crop: QueryText = Field(max_length=20, description="作物，如 玉米")
    stage: QueryText = Field(max_length=20, description="生长期，如 成熟期")
    area_mu: QueryText = Field(
        max_length=20, description="受损面积（亩），大于0，最多两位小数，如 2.37"
    )
    loss_percent: int = Field(ge=1, le=100, description="损失程度（%），1至100的整数")
    date: IsoDate | None = Field(None, description="受损日期 YYYY-MM-DD，默认今天：选定保单年度")


class PolicyBriefOut(Schema):
    id: int
    county_code: str
    county_name: str
    year: int
    insurer: str
    starts_on: dt.date
    ends_on: dt.date


class EstimateOut(Schema):
    amount: Yuan
    yuan_per_mu: Yuan = Field(description="所用赔偿标准（元/亩）")
    crop: str
    stage: str
    area_mu: str
    loss_percent: int
    formula: str
    policy: PolicyBriefOut


def _policy_brief(policy: Policy) -> dict[str, Any]:
    return {
        "id": policy.pk,
        "county_code": policy.region.code,
        "county_name": policy.region.name,
        "year": policy.year,
        "insurer": policy.insurer,
        "starts_on": policy.starts_on,
        "ends_on": policy.ends_on,
    }


def estimate_json(result: selectors.Estimate) -> dict[str, Any]:
    return {
        "amount": f"{result.amount:.2f}",
        "yuan_per_mu": f"{result.yuan_per_mu:.2f}",
        "crop": result.crop,
        "stage": result.stage,
        "area_mu": f"{result.area_mu:.2f}",
        "loss_percent": result.loss_percent,
        "formula": (
            f"{result.area_mu:.2f}亩 × {result.yuan_per_mu:.2f}元/亩 × {result.loss_percent}% "
            f"= {result.amount:.2f}元（四舍五入到分）"
        ),
        "policy": _policy_brief(result.policy),
    }


@router.get(
    "/estimate",
    auth=None,
    url_name="wildlife_estimate_api",
    response={200: EstimateOut, **errors(422)},
    summary="测算野生动物致害赔偿金额",
)
def estimate(request: HttpRequest, query: Query[EstimateQuery]) -> dict[str, Any]:
    """面积 × 该县保单年度的作物和生长期赔偿标准 × 损失程度 ÷ 100，四舍五入到分。No login.
    422 naming the problem: a county, crop or stage without a standard, an area ≤ 0 or with
    more than two decimals, a loss degree outside 1–100, a date outside every policy period."""
    result = selectors.estimate(
        county=query.county,
        crop=query.crop,
        stage=query.stage,
        area_mu=query.area_mu,
        loss_percent=query.loss_percent,
        day=query.date or timezone.localdate(),
    )
    return estimate_json(result)


# --------------------------------------------------------------------------- claims


class ClaimListQuery(PageQuery):
    status: Literal["", ClaimStatus] = ""
    region: QueryText = Field("", max_length=12, description="区划代码：受损地点在该区域及下级")
    species: QueryText = Field("", max_length=20)
    crop: QueryText = Field("", max_length=20)
    year: int | None = Field(None, ge=2000, le=2099, description="保单年度")
    q: QueryText = Field("", max_length=50, description="农户姓名或村名包含")
    late: bool = Field(False, description="true：只看逾期未接案、未查勘或未赔付的")


class ClaimItemOut(Schema):
    id: int
    number: str
    status: ClaimStatus
    status_label: str
    farmer_name: str
    village: str
    crop: str
    species: str
    area_mu: str
    damaged_on: dt.date
    reported_at: dt.datetime
    accept_due: dt.date
    late_to_accept: bool
    amount: Yuan | None
    paid: Yuan


class ClaimPageOut(PageOut):
    items: list[ClaimItemOut]


class SurveyItemOut(Schema):
    crop: str
    stage: str
    area_mu: str
    loss_percent: int
    yuan_per_mu: Yuan
    amount: Yuan


class ClaimOut(ClaimItemOut):
    policy: PolicyBriefOut
    accepted_at: dt.datetime | None
    survey_due: dt.date | None
    surveyed_at: dt.datetime | None
    agreed_at: dt.datetime | None
    payment_due: dt.date | None
    paid_at: dt.datetime | None
    shortfall: Yuan
    exclusion: ExclusionValue | None
    exclusion_label: str
    rejection_note: str
    dispute_note: str
    survey: list[SurveyItemOut]


def _claim_item(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "number": claim.number,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "farmer_name": claim.farmer.name,
        "village": claim.region.name,
        "crop": claim.crop,
        "species": claim.species,
        "area_mu": f"{claim.area_mu:.2f}",
        "damaged_on": claim.damaged_on,
        "reported_at": claim.reported_at,
        "accept_due": claim.accept_due,
        "late_to_accept": selectors.claim_late_to_accept(claim, timezone.localdate()),
        "amount": yuan(claim.amount_fen) if claim.amount_fen is not None else None,
        "paid": yuan(claim.paid_fen),
    }


def _claim_out(request: AuthedRequest, claim_id: int) -> dict[str, Any]:
    claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    return {
        **_claim_item(claim),
        "policy": _policy_brief(claim.policy),
        "accepted_at": claim.accepted_at,
        "survey_due": claim.deadline,
        "surveyed_at": claim.surveyed_at,
        "agreed_at": claim.agreed_at,
        "payment_due": claim.payment_due,
        "paid_at": claim.paid_at,
        "shortfall": yuan(claim.shortfall_fen),
        "exclusion": claim.exclusion or None,
        "exclusion_label": claim.exclusion_label,
        "rejection_note": claim.rejection_note,
        "dispute_note": claim.dispute_note,
        "survey": [
            {
                "crop": i.crop,
                "stage": i.stage,
                "area_mu": f"{i.area_mu:.2f}",
                "loss_percent": i.loss_percent,
                "yuan_per_mu": f"{i.yuan_per_mu:.2f}",
                "amount": yuan(i.amount_fen),
            }
            for i in claim.items.filter(current=True)
        ],
    }


@router.get(
    "/claims",
    response={200: ClaimPageOut, **errors(401, 403, 404, 422)},
    summary="报案列表",
)
def claim_list(request: AuthedRequest, query: Query[ClaimListQuery]) -> dict:
    """Claims in the user's scope (a farmer: their own), newest first."""
    claims = selectors.claim_list_for_user(
        user=request.user, filters=filters_of(query, selectors.ClaimFilters)
    )
    return page_of(claims, query, _claim_item)


@router.get(
    "/claims/{claim_id}",
    response={200: ClaimOut, **errors(401, 403, 404, 422)},
    summary="报案详情",
)
def claim_get(request: AuthedRequest, claim_id: int) -> dict:
    """One claim with every step's date, the survey lines and the reason of a refusal."""
    return _claim_out(request, claim_id)


@router.post(
    "/claims/{claim_id}/accept",
    response={200: ClaimOut, **errors(401, 403, 404, 409, 422)},
    summary="接案",
)
def claim_accept(request: AuthedRequest, claim_id: int) -> dict:
    """即报即接: accept a report; the survey is due within 5 working days."""
    services.claim_accept(actor=request.user, claim_id=claim_id)
    return _claim_out(request, claim_id)


class RejectIn(StrictIn):
    exclusion: ExclusionValue = Field(description="免责情形")
    note: Annotated[str, Field(max_length=300)] = ""


@router.post(
    "/claims/{claim_id}/reject",
    response={200: ClaimOut, **errors(401, 403, 404, 409, 422)},
    summary="不予受理",
)
def claim_reject(request: AuthedRequest, claim_id: int, payload: RejectIn) -> dict:
    """Refuse a report with one of the exclusions as its reason; the farmer sees it."""
    services.claim_reject(
        actor=request.user, claim_id=claim_id, exclusion=payload.exclusion, note=payload.note
    )
    return _claim_out(request, claim_id)


@router.post(
    "/claims/{claim_id}/confirm",
    response={200: ClaimOut, **errors(401, 403, 404, 409, 422)},
    summary="农户确认定损金额",
)
def claim_confirm(request: AuthedRequest, claim_id: int) -> dict:
    """The farmer agrees to the surveyed amount; payment is due within 10 days."""
    services.claim_confirm(actor=request.user, claim_id=claim_id)
    return _claim_out(request, claim_id)


class DisputeIn(StrictIn):
    note: Annotated[str, Field(min_length=1, max_length=300)]


@router.post(
    "/claims/{claim_id}/dispute",
    response={200: ClaimOut, **errors(401, 403, 404, 409, 422)},
    summary="农户对定损结果提出异议",
)
def claim_dispute(request: AuthedRequest, claim_id: int, payload: DisputeIn) -> dict:
    """The farmer disputes the amount: the survey reopens."""
    services.claim_dispute(actor=request.user, claim_id=claim_id, note=payload.note)
    return _claim_out(request, claim_id)


# --------------------------------------------------------------------------- policies


class PolicyListQuery(PageQuery):
    region: QueryText = Field("", max_length=12)
    year: int | None = Field(None, ge=2000, le=2099)


class PolicyOut(PolicyBriefOut):
    premium: Yuan
    province_percent: int
    province_owes: Yuan
    county_owes: Yuan
    province_paid: Yuan
    county_paid: Yuan
    limit: Yuan
    committed: Yuan = Field(description="已赔付及在途金额")
    left: Yuan = Field(description="累计赔偿限额剩余")
    species: list[str]
    claim_count: int


class PolicyPageOut(PageOut):
    items: list[PolicyOut]


def _policy_out(policy: Policy) -> dict[str, Any]:
    return {
        **_policy_brief(policy),
        "premium": yuan(policy.premium_fen),
        "province_percent": policy.province_percent,
        "province_owes": yuan(policy.province_owes_fen),
        "county_owes": yuan(policy.county_owes_fen),
        "province_paid": yuan(policy.province_paid_fen),
        "county_paid": yuan(policy.county_paid_fen),
        "limit": yuan(policy.limit_fen),
        "committed": yuan(policy.committed_fen),
        "left": yuan(policy.left_fen),
        "species": list(policy.species),
        "claim_count": getattr(policy, "claim_count", 0),
    }


@router.get(
    "/policies",
    response={200: PolicyPageOut, **errors(401, 403, 404, 422)},
    summary="保单年度列表",
)
def policy_list(request: AuthedRequest, query: Query[PolicyListQuery]) -> dict:
    """Policy years of the user's counties: premium and its split, limit used and left."""
    policies = selectors.policy_list_for_user(
        user=request.user, filters=filters_of(query, selectors.PolicyFilters)
    )
    return page_of(policies, query, _policy_out)
