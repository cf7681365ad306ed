"""API of the supervision module (双随机、一公开): draw plans (create, lock with a public value,
draw, verify, cancel), inspections (items, photos, completion, publication), opinion letters
(PDF, rectification evidence, acceptance or a new order), complaints, conflicts of interest,
credit ratings, and the public record without login.

Each endpoint parses, resolves through a scoped selector (404 outside the user's scope, so
existence never leaks), calls one service and returns. Bodies inherit ``StrictIn``. The
public endpoints (``/public/...``, no login) carry no personal data: no names of people, no
resident IDs, no phone numbers; inspectors appear in a published draw by number only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from huimin.core.api import (
    Date,
    Id,
    PageOut,
    PageQuery,
    QueryText,
    StrictIn,
    errors,
    filters_of,
    page_of,
)
from huimin.core.errors import NotFound
from huimin.core.http import AuthedRequest
from huimin.core.models import Region
from huimin.core.selectors import WorkdayCalendar, region_may_act
from huimin.supervision import rules, selectors, services
from huimin.supervision.models import (
    Complaint,
    Conflict,
    CreditRating,
    DrawPlan,
    Evidence,
    Inspection,
    InspectionItem,
    InspectionPhoto,
    OpinionLetter,
)

router = Router(tags=["监督检查 supervision"])
PUBLIC = ["监督检查公开 supervision public"]


# --------------------------------------------------------------------------- shared types

PlanStatus = Literal["draft", "locked", "drawn", "cancelled"]
InspectionStatus = Literal["assigned", "completed"]
OutcomeValue = Literal["pass", "warning", "rectify"]
ItemResultValue = Literal["pending", "pass", "fail", "na"]
LetterStatus = Literal["issued", "submitted", "accepted", "overdue"]
ComplaintStatus = Literal["open", "substantiated", "unfounded"]
CategoryValue = Literal["food", "hygiene", "fire", "admission", "care", "health", "safety", "staff"]
InstitutionKind = Literal["independent", "kindergarten", "employer", "community"]
LevelValue = Literal["A", "B", "C", "D"]
#: Text of a body or a multipart form: no control character (core's rule), 500 at most.
Text500 = Annotated[QueryText, Field(max_length=500)]


def _names(crew: Any) -> list[str]:
    return [str(c.inspector) for c in sorted(crew.all(), key=lambda c: c.position)]


# --------------------------------------------------------------------------- plans


class PlanListQuery(PageQuery):
    status: Literal["", PlanStatus] = ""
    region: QueryText = Field("", max_length=12, description="区划代码：抽查范围在该区域及下级")
    q: QueryText = Field("", max_length=50, description="计划名称包含")


class PlanItemOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    status: PlanStatus
    status_label: str
    target_count: int | None = Field(description="抽取数量（家）；按比例抽取时为 null")
    target_percent: int | None = Field(description="每层抽取比例（%）；按数量抽取时为 null")
    inspectors_per_target: int
    by_county: bool = Field(description="按县（市、区）分层")
    by_risk: bool = Field(description="按风险等级分层")
    drawn_count: int = Field(description="抽中的机构数")
    created_at: dt.datetime
    locked_at: dt.datetime | None
    drawn_at: dt.datetime | None


class PlanPageOut(PageOut):
    items: list[PlanItemOut]


class DrawnOut(Schema):
    inspection_id: int
    position: int = Field(description="抽取顺序")
    institution_id: int
    institution_name: str
    stratum: str = Field(description="分层")
    inspectors: list[str] = Field(description="抽中的检查人员")
    status: InspectionStatus
    outcome: OutcomeValue | Literal[""]


class PlanOut(PlanItemOut):
    may_act: bool = Field(
        description="当前用户能否锁定、抽取或作废本计划：须由计划所属区域（或其上级）办理；"
        "县级用户可以查看覆盖本县的市级计划，但不能办理"
    )
    kind: InstitutionKind | Literal[""] = Field(description="限定的机构类型；空为不限")
    inclusive: Literal["", "yes", "no"] = Field(description="yes 仅普惠机构，no 仅非普惠机构")
    public_value: str = Field(description="锁定时公开的随机数来源")
    seed: str = Field(description="随机种子（锁定时公布）")
    pool_hash: str = Field(description="对象库与人员库的 SHA-256 摘要（抽取时记录）")
    result_hash: str = Field(description="抽取结果的 SHA-256 摘要")
    candidate_count: int
    inspector_count: int
    created_by: str
    drawn: list[DrawnOut]


class PlanIn(StrictIn):
    name: Annotated[str, Field(max_length=100)]
    region_code: Annotated[str, Field(min_length=1, max_length=12, description="全市或一个县")]
    target_count: Annotated[int, Field(ge=0, le=100_000)] | None = Field(
        None, description="抽取数量（家）；与 target_percent 只填一项"
    )
    target_percent: Annotated[int, Field(ge=0, le=1000)] | None = Field(
        None, description="每层抽取比例 1–100（%）"
    )
    inspectors_per_target: Annotated[int, Field(ge=0, le=100)] = rules.MIN_INSPECTORS_PER_TARGET
    by_county: bool = False
    by_risk: bool = False
    kind: InstitutionKind | Literal[""] = ""
    inclusive: Literal["", "yes", "no"] = ""


class LockIn(StrictIn):
    public_value: Annotated[
        str,
        Field(
            max_length=200,
            description="锁定时公开、此前无法预知的随机数来源，例如“2026年11月2日上证指数收盘3976.52”",
        ),
    ]


class ReasonIn(StrictIn):
    reason: Text500


def _plan_item(row: DrawPlan) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "region_code": row.region.code,
        "region_name": row.region.name,
        "status": row.status,
        "status_label": row.get_status_display(),
        "target_count": row.target_count,
        "target_percent": row.target_percent,
        "inspectors_per_target": row.inspectors_per_target,
        "by_county": row.by_county,
        "by_risk": row.by_risk,
        "drawn_count": getattr(row, "drawn_count", 0),
        "created_at": row.created_at,
        "locked_at": row.locked_at,
        "drawn_at": row.drawn_at,
    }


def _plan_out(request: AuthedRequest, plan_id: int) -> dict[str, Any]:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    drawn = [
        {
            "inspection_id": i.pk,
            "position": i.position,
            "institution_id": i.institution_id,
            "institution_name": i.institution.name,
            "stratum": i.stratum,
            "inspectors": _names(i.crew),
            "status": i.status,
            "outcome": i.outcome,
        }
        for i in selectors.plan_inspections(plan)
    ]
    return {
        **_plan_item(plan),
        "may_act": region_may_act(request.user, plan.region),
        "drawn_count": len(drawn),
        "kind": plan.kind,
        "inclusive": plan.inclusive,
        "public_value": plan.public_value,
        "seed": plan.seed,
        "pool_hash": plan.pool_hash,
        "result_hash": plan.result_hash,
        "candidate_count": plan.candidate_count,
        "inspector_count": plan.inspector_count,
        "created_by": str(plan.created_by),
        "drawn": drawn,
    }


@router.get(
    "/plans",
    response={200: PlanPageOut, **errors(401, 403, 404, 422)},
    summary="双随机抽查计划列表",
)
def plan_list(request: AuthedRequest, query: Query[PlanListQuery]) -> dict:
    """Plans of the user's regions (and the city's plans that reach into them), newest first."""
    plans = selectors.plan_list_for_user(
        user=request.user, filters=filters_of(query, selectors.PlanFilters)
    )
    return page_of(plans, query, _plan_item)


@router.post(
    "/plans",
    response={201: PlanOut, **errors(401, 403, 404, 409, 422)},
    summary="新建抽查计划",
)
def plan_create(request: AuthedRequest, payload: PlanIn) -> Status[dict]:
    """A draft plan for the city or a county: the target pool's filters, the number or share
    of targets, inspectors per target (at least 2), strata by county or risk."""
    plan = services.plan_create(actor=request.user, **payload.model_dump())
    return Status(201, _plan_out(request, plan.pk))


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, **errors(401, 403, 404, 422)},
    summary="抽查计划详情",
)
def plan_get(request: AuthedRequest, plan_id: int) -> dict:
    """The plan, its published seed and hashes, and the drawn targets with their inspectors."""
    return _plan_out(request, plan_id)


@router.post(
    "/plans/{plan_id}/lock",
    response={200: PlanOut, **errors(401, 403, 404, 409, 422)},
    summary="锁定计划并公布随机种子",
)
def plan_lock(request: AuthedRequest, plan_id: int, payload: LockIn) -> dict:
    """Fix the plan before the draw: the seed is derived from the plan's contents and the
    public value, and published now."""
    services.plan_lock(actor=request.user, plan_id=plan_id, public_value=payload.public_value)
    return _plan_out(request, plan_id)


@router.post(
    "/plans/{plan_id}/draw",
    response={200: PlanOut, **errors(401, 403, 404, 409, 422)},
    summary="抽取",
)
def plan_draw(request: AuthedRequest, plan_id: int) -> dict:
    """Draw a locked plan with its published seed; each drawn target becomes an inspection
    assigned to its drawn inspectors. 422 when a target has too few eligible inspectors."""
    services.plan_draw(actor=request.user, plan_id=plan_id)
    return _plan_out(request, plan_id)


@router.post(
    "/plans/{plan_id}/cancel",
    response={200: PlanOut, **errors(401, 403, 404, 409, 422)},
    summary="作废抽查计划",
)
def plan_cancel(request: AuthedRequest, plan_id: int, payload: ReasonIn) -> dict:
    """Cancel a draft or locked plan (a drawn plan stays on the record)."""
    services.plan_cancel(actor=request.user, plan_id=plan_id, reason=payload.reason)
    return _plan_out(request, plan_id)


class CheckOut(Schema):
    label: str
    ok: bool
    detail: str


class VerificationOut(Schema):
    plan_id: int
    ok: bool = Field(description="true：重算结果与记录一致")
    checks: list[CheckOut]
    differences: list[str] = Field(description="重算与记录不一致之处")


def _verification_out(result: selectors.DrawVerification) -> dict[str, Any]:
    return {
        "plan_id": result.plan_id,
        "ok": result.ok,
        "checks": [{"label": c.label, "ok": c.ok, "detail": c.detail} for c in result.checks],
        "differences": list(result.differences),
    }


@router.get(
    "/plans/{plan_id}/verify",
    response={200: VerificationOut, **errors(401, 403, 404, 422)},
    summary="复核抽取结果",
)
def plan_verify(request: AuthedRequest, plan_id: int) -> dict:
    """Recompute the draw from its record (seed, pools' hash, result) and compare; the same
    check as ``huimin supervision verify-draw``."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    return _verification_out(selectors.draw_verify(plan.pk))


# --------------------------------------------------------------------------- inspections


class InspectionListQuery(PageQuery):
    status: Literal["", InspectionStatus] = ""
    outcome: Literal["", OutcomeValue] = ""
    region: QueryText = Field("", max_length=12, description="区划代码：机构在该区域及下级")
    plan: Id | None = Field(None, description="抽查计划编号")
    q: QueryText = Field("", max_length=50, description="机构名称包含")
    unpublished: bool = Field(False, description="true：已完成、应公示而未公示的")


class InspectionItemOut(Schema):
    id: int
    plan_id: int
    plan_name: str
    institution_id: int
    institution_name: str
    region_code: str
    region_name: str
    position: int
    stratum: str
    inspectors: list[str]
    status: InspectionStatus
    status_label: str
    outcome: OutcomeValue | Literal[""]
    outcome_label: str
    inspected_on: dt.date | None
    publish_due: dt.date | None = Field(description="公示期限（检查后20个工作日）")
    published_on: dt.date | None


class InspectionPageOut(PageOut):
    items: list[InspectionItemOut]


class CheckItemOut(Schema):
    id: int
    category: CategoryValue
    category_label: str
    text: str
    legal_basis: str
    correction: str = Field(description="整改要求")
    result: ItemResultValue
    result_label: str
    needs_correction: bool
    note: str
    finding_id: int | None = Field(description="预填的未整改合规问题")
    photos: int = Field(description="照片数")


class InspectionOut(InspectionItemOut):
    summary: str
    letter_id: int | None = Field(description="责令整改时的卫生监督意见书")
    items: list[CheckItemOut]


class ItemIn(StrictIn):
    item_id: Id
    result: Literal["pass", "fail", "na"] = Field(description="pass 符合，fail 不符合，na 不适用")
    note: Text500 = Field("", description="检查记录；不符合时必填")
    needs_correction: bool = Field(False, description="不符合且需责令整改")
    correction: Annotated[str, Field(max_length=300)] = Field("", description="整改要求")


class ItemsIn(StrictIn):
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=500)]


class CompleteIn(StrictIn):
    inspected_on: Date
    summary: Text500 = ""
    working_days: int = Field(
        rules.RECTIFY_WORKING_DAYS_DEFAULT, description="责令整改时的整改期限（工作日，1–60）"
    )


class PhotoOut(Schema):
    id: int
    item_id: int
    file_name: str
    uploaded_at: dt.datetime


def _inspection_item(row: Inspection) -> dict[str, Any]:
    return {
        "id": row.pk,
        "plan_id": row.plan_id,
        "plan_name": row.plan.name,
        "institution_id": row.institution_id,
        "institution_name": row.institution.name,
        "region_code": row.institution.region.code,
        "region_name": row.institution.region.name,
        "position": row.position,
        "stratum": row.stratum,
        "inspectors": _names(row.crew),
        "status": row.status,
        "status_label": row.get_status_display(),
        "outcome": row.outcome,
        "outcome_label": row.get_outcome_display() if row.outcome else "",
        "inspected_on": row.inspected_on,
        "publish_due": row.publish_due,
        "published_on": row.published_on,
    }


def _check_item(row: InspectionItem) -> dict[str, Any]:
    return {
        "id": row.pk,
        "category": row.category,
        "category_label": row.get_category_display(),
        "text": row.text,
        "legal_basis": row.legal_basis,
        "correction": row.correction,
        "result": row.result,
        "result_label": row.get_result_display(),
        "needs_correction": row.needs_correction,
        "note": row.note,
        "finding_id": row.finding_id,
        "photos": len(row.photos.all()),
    }


def _inspection_out(request: AuthedRequest, inspection_id: int) -> dict[str, Any]:
    row = selectors.inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    try:
        letter_id: int | None = row.letter.pk
    except ObjectDoesNotExist:
        letter_id = None
    return {
        **_inspection_item(row),
        "summary": row.summary,
        "letter_id": letter_id,
        "items": [_check_item(i) for i in row.items.all()],
    }


@router.get(
    "/inspections",
    response={200: InspectionPageOut, **errors(401, 403, 404, 422)},
    summary="监督检查列表",
)
def inspection_list(request: AuthedRequest, query: Query[InspectionListQuery]) -> dict:
    """Inspections in the user's scope: an inspector those they were drawn for, an operator
    their institution's, officials their regions'."""
    inspections = selectors.inspection_list_for_user(
        user=request.user, filters=filters_of(query, selectors.InspectionFilters)
    )
    return page_of(inspections, query, _inspection_item)


@router.get(
    "/inspections/{inspection_id}",
    response={200: InspectionOut, **errors(401, 403, 404, 422)},
    summary="监督检查详情",
)
def inspection_get(request: AuthedRequest, inspection_id: int) -> dict:
    """The inspection with its checklist items and results."""
    return _inspection_out(request, inspection_id)


@router.post(
    "/inspections/{inspection_id}/items",
    response={200: InspectionOut, **errors(401, 403, 404, 409, 422)},
    summary="逐项记录检查结果",
)
def items_record(request: AuthedRequest, inspection_id: int, payload: ItemsIn) -> dict:
    """Record results of any items (the rest keep theirs). Only the drawn inspectors may
    record; a failed item needs a note, and what to correct when correction is required."""
    services.items_record(
        actor=request.user,
        inspection_id=inspection_id,
        items=[services.ItemInput(**item.model_dump()) for item in payload.items],
    )
    return _inspection_out(request, inspection_id)


@router.post(
    "/inspection-items/{item_id}/photos",
    response={201: PhotoOut, **errors(401, 403, 404, 422)},
    summary="上传检查照片",
)
def photo_add(request: AuthedRequest, item_id: int, file: File[UploadedFile]) -> Status[dict]:
    """A photo of a checklist item (multipart ``file``; JPG, PNG or PDF up to 10 MB)."""
    photo: InspectionPhoto = services.photo_add(actor=request.user, item_id=item_id, upload=file)
    return Status(
        201,
        {
            "id": photo.pk,
            "item_id": photo.item_id,
            "file_name": photo.file.name,
            "uploaded_at": photo.uploaded_at,
        },
    )


@router.post(
    "/inspections/{inspection_id}/complete",
    response={200: InspectionOut, **errors(401, 403, 404, 409, 422)},
    summary="完成检查",
)
def inspection_complete(request: AuthedRequest, inspection_id: int, payload: CompleteIn) -> dict:
    """Close the inspection once every item is judged. The outcome follows from the items: a
    failed item that needs correction issues the 卫生监督意见书 with a deadline of
    ``working_days`` working days; results are due for publication within 20 working days
    (a warning alone is not published)."""
    services.inspection_complete(
        actor=request.user, inspection_id=inspection_id, **payload.model_dump()
    )
    return _inspection_out(request, inspection_id)


@router.post(
    "/inspections/{inspection_id}/publish",
    response={200: InspectionOut, **errors(401, 403, 404, 409, 422)},
    summary="公示检查结果",
)
def inspection_publish(request: AuthedRequest, inspection_id: int) -> dict:
    """Publish a completed result now (warnings alone are never published)."""
    services.inspection_publish(actor=request.user, inspection_id=inspection_id)
    return _inspection_out(request, inspection_id)


# --------------------------------------------------------------------------- letters


class LetterListQuery(PageQuery):
    status: Literal["", LetterStatus] = ""
    region: QueryText = Field("", max_length=12, description="区划代码：机构在该区域及下级")
    q: QueryText = Field("", max_length=50, description="机构名称或文书编号包含")


class LetterItemOut(Schema):
    id: int
    number: str = Field(description="文书编号")
    inspection_id: int
    institution_id: int
    institution_name: str
    region_code: str
    region_name: str
    issuer: str
    issued_on: dt.date
    working_days: int
    deadline: dt.date
    deadline_provisional: bool = Field(
        description="期限计入的日子里有国务院放假通知尚未录入的年份（按法定节假日暂定推算）"
    )
    working_days_left: int | None = Field(
        description="距整改期限的工作日数：当天为0，逾期为负；节假日安排未公布时为 null"
    )
    status: LetterStatus
    status_label: str
    rounds: int = Field(description="责令整改次数")
    escalated_at: dt.datetime | None = Field(description="逾期上报时间")
    closed_on: dt.date | None = Field(description="整改合格日期")


class LetterPageOut(PageOut):
    items: list[LetterItemOut]


class EvidenceOut(Schema):
    id: int
    round: int
    note: str
    file_name: str
    uploaded_by: str
    uploaded_at: dt.datetime


class LetterOut(LetterItemOut):
    problems: list[str]
    corrections: list[str]
    legal_basis: list[str]
    inspectors: list[str]
    evidence: list[EvidenceOut]


class AcceptIn(StrictIn):
    note: Text500 = ""


class ReorderIn(StrictIn):
    reason: Text500 = Field(description="整改材料不合格的原因和还需整改的内容")
    working_days: int = Field(
        rules.RECTIFY_WORKING_DAYS_DEFAULT, description="新的整改期限（工作日，1–60）"
    )


def _letter_renderer() -> Callable[[OpinionLetter], dict[str, Any]]:
    calendar, today = WorkdayCalendar(), services.today()

    def render(row: OpinionLetter) -> dict[str, Any]:
        clock = selectors.letter_clock(row, today=today, calendar=calendar)
        open_ = row.status in (OpinionLetter.Status.ISSUED, OpinionLetter.Status.OVERDUE)
        return {
            "id": row.pk,
            "number": row.number,
            "inspection_id": row.inspection_id,
            "institution_id": row.institution_id,
            "institution_name": row.institution.name,
            "region_code": row.institution.region.code,
            "region_name": row.institution.region.name,
            "issuer": row.issuer,
            "issued_on": row.issued_on,
            "working_days": row.working_days,
            "deadline": row.deadline,
            "deadline_provisional": row.deadline_provisional
            and row.status in (OpinionLetter.Status.ISSUED, OpinionLetter.Status.SUBMITTED),
            "working_days_left": clock.working_days_left if open_ else None,
            "status": row.status,
            "status_label": row.get_status_display(),
            "rounds": row.rounds,
            "escalated_at": row.escalated_at,
            "closed_on": row.closed_on,
        }

    return render


def _evidence_out(row: Evidence) -> dict[str, Any]:
    return {
        "id": row.pk,
        "round": row.round,
        "note": row.note,
        "file_name": row.file.name.rsplit("/", 1)[-1],
        "uploaded_by": str(row.uploaded_by),
        "uploaded_at": row.uploaded_at,
    }


def _letter_out(request: AuthedRequest, letter_id: int) -> dict[str, Any]:
    row = selectors.letter_get_for_user(user=request.user, letter_id=letter_id)
    return {
        **_letter_renderer()(row),
        "problems": row.lines("problems"),
        "corrections": row.lines("corrections"),
        "legal_basis": row.lines("legal_basis"),
        "inspectors": _names(row.inspection.crew),
        "evidence": [_evidence_out(e) for e in row.evidence.select_related("uploaded_by")],
    }


@router.get(
    "/letters",
    response={200: LetterPageOut, **errors(401, 403, 404, 422)},
    summary="卫生监督意见书列表",
)
def letter_list(request: AuthedRequest, query: Query[LetterListQuery]) -> dict:
    """Opinion letters in the user's scope, nearest deadline first, with the working days
    left to correct."""
    letters = selectors.letter_list_for_user(
        user=request.user, filters=filters_of(query, selectors.LetterFilters)
    )
    return page_of(letters, query, _letter_renderer())


@router.get(
    "/letters/{letter_id}",
    response={200: LetterOut, **errors(401, 403, 404, 422)},
    summary="卫生监督意见书详情",
)
def letter_get(request: AuthedRequest, letter_id: int) -> dict:
    return _letter_out(request, letter_id)


@router.get(
    "/letters/{letter_id}/pdf",
    response={**errors(401, 403, 404, 422)},
    summary="卫生监督意见书 PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "两联式卫生监督意见书（内嵌中文字体）",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def letter_pdf(request: AuthedRequest, letter_id: int) -> HttpResponse:
    """The letter in the official two-part layout (part one filed, part two handed over)."""
    letter = selectors.letter_get_for_user(user=request.user, letter_id=letter_id)
    response = HttpResponse(services.letter_pdf_bytes(letter), content_type="application/pdf")
    disposition = content_disposition_header(as_attachment=False, filename=f"{letter.number}.pdf")
    if disposition:
        response["Content-Disposition"] = disposition
    return response


@router.post(
    "/letters/{letter_id}/evidence",
    response={201: LetterOut, **errors(401, 403, 404, 409, 422)},
    summary="提交整改材料",
)
def evidence_submit(
    request: AuthedRequest,
    letter_id: int,
    note: Form[Text500],
    file: File[UploadedFile],
) -> Status[dict]:
    """The institution sends its rectification evidence (multipart ``note`` and ``file``;
    PDF, JPG or PNG up to 10 MB), also after the deadline."""
    services.evidence_submit(actor=request.user, letter_id=letter_id, upload=file, note=note)
    return Status(201, _letter_out(request, letter_id))


@router.post(
    "/letters/{letter_id}/accept",
    response={200: LetterOut, **errors(401, 403, 404, 409, 422)},
    summary="整改验收合格",
)
def letter_accept(request: AuthedRequest, letter_id: int, payload: AcceptIn) -> dict:
    """An inspector of the inspection accepts the evidence: the letter is closed."""
    services.letter_accept(actor=request.user, letter_id=letter_id, note=payload.note)
    return _letter_out(request, letter_id)


@router.post(
    "/letters/{letter_id}/reorder",
    response={200: LetterOut, **errors(401, 403, 404, 409, 422)},
    summary="重新责令整改",
)
def letter_reorder(request: AuthedRequest, letter_id: int, payload: ReorderIn) -> dict:
    """The evidence does not show the correction: order it again with a new deadline."""
    services.letter_reorder(
        actor=request.user,
        letter_id=letter_id,
        reason=payload.reason,
        working_days=payload.working_days,
    )
    return _letter_out(request, letter_id)


# --------------------------------------------------------------------------- complaints


class ComplaintListQuery(PageQuery):
    institution: Id | None = Field(None, description="机构编号")
    status: Literal["", ComplaintStatus] = ""


class ComplaintOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    region_name: str
    received_on: dt.date
    summary: str
    status: ComplaintStatus
    status_label: str
    created_at: dt.datetime


class ComplaintPageOut(PageOut):
    items: list[ComplaintOut]


class ComplaintIn(StrictIn):
    institution_id: Id
    received_on: Date
    summary: Annotated[str, Field(max_length=300)]


class ComplaintDecisionIn(StrictIn):
    substantiated: bool = Field(description="true 查实；false 不实")
    reason: Text500 = Field(description="核查结论")


def _complaint_out(row: Complaint) -> dict[str, Any]:
    return {
        "id": row.pk,
        "institution_id": row.institution_id,
        "institution_name": row.institution.name,
        "region_name": row.institution.region.name,
        "received_on": row.received_on,
        "summary": row.summary,
        "status": row.status,
        "status_label": row.get_status_display(),
        "created_at": row.created_at,
    }


def _complaint_get(request: AuthedRequest, complaint_id: int) -> dict[str, Any]:
    try:
        row = selectors.complaint_list_for_user(user=request.user).get(pk=complaint_id)
    except Complaint.DoesNotExist:
        raise NotFound() from None
    return _complaint_out(row)


@router.get(
    "/complaints",
    response={200: ComplaintPageOut, **errors(401, 403, 422)},
    summary="投诉列表",
)
def complaint_list(request: AuthedRequest, query: Query[ComplaintListQuery]) -> dict:
    """Complaints about the institutions in the user's scope, newest first, for the officials
    who record them (403 for other roles, as on the page)."""
    complaints = selectors.complaint_list_for_user(
        user=request.user, institution_id=query.institution
    )
    if query.status:
        complaints = complaints.filter(status=query.status)
    return page_of(complaints, query, _complaint_out)


@router.post(
    "/complaints",
    response={201: ComplaintOut, **errors(401, 403, 404, 422)},
    summary="登记投诉",
)
def complaint_record(request: AuthedRequest, payload: ComplaintIn) -> Status[dict]:
    """A complaint about an institution: it raises the institution's draw weight for a year."""
    complaint = services.complaint_record(actor=request.user, **payload.model_dump())
    return Status(201, _complaint_get(request, complaint.pk))


@router.post(
    "/complaints/{complaint_id}/decision",
    response={200: ComplaintOut, **errors(401, 403, 404, 409, 422)},
    summary="投诉核查结论",
)
def complaint_decide(
    request: AuthedRequest, complaint_id: int, payload: ComplaintDecisionIn
) -> dict:
    """Substantiated (it lowers the credit score) or unfounded (it no longer raises the draw
    weight)."""
    services.complaint_decide(actor=request.user, complaint_id=complaint_id, **payload.model_dump())
    return _complaint_get(request, complaint_id)


# --------------------------------------------------------------------------- conflicts


class ConflictOut(Schema):
    id: int
    inspector: str
    institution_id: int
    institution_name: str
    reason: str
    declared_at: dt.datetime


class ConflictPageOut(PageOut):
    items: list[ConflictOut]


class ConflictIn(StrictIn):
    institution_id: Id
    reason: Annotated[str, Field(max_length=200, description="利害关系")]


def _conflict_out(row: Conflict) -> dict[str, Any]:
    return {
        "id": row.pk,
        "inspector": str(row.inspector),
        "institution_id": row.institution_id,
        "institution_name": row.institution.name,
        "reason": row.reason,
        "declared_at": row.declared_at,
    }


@router.get(
    "/conflicts",
    response={200: ConflictPageOut, **errors(401, 403, 422)},
    summary="利害关系申报列表",
)
def conflict_list(request: AuthedRequest, query: Query[PageQuery]) -> dict:
    """An inspector's own declarations (403 for other roles, as on the page)."""
    return page_of(selectors.conflict_list_for_user(user=request.user), query, _conflict_out)


@router.post(
    "/conflicts",
    response={201: ConflictOut, **errors(401, 403, 404, 409, 422)},
    summary="申报利害关系",
)
def conflict_declare(request: AuthedRequest, payload: ConflictIn) -> Status[dict]:
    """An inspector declares a conflict of interest with an institution: from the next draw
    on, never drawn for it."""
    conflict = services.conflict_declare(actor=request.user, **payload.model_dump())
    return Status(201, _conflict_out(conflict))


# --------------------------------------------------------------------------- credit


class ContributionOut(Schema):
    code: str
    label: str
    count: int
    points: int = Field(description="加减分；负数为扣分")
    rule: str = Field(description="计分规则")


class RatingOut(Schema):
    score: int
    level: LevelValue
    level_label: str
    reason: str = Field(description="评价原因")
    computed_at: dt.datetime


class CurrentRatingOut(RatingOut):
    base: int = Field(description="基础分")
    contributions: list[ContributionOut]


class CreditOut(Schema):
    institution_id: int
    institution_name: str
    current: CurrentRatingOut | None
    history: list[RatingOut] = Field(description="评价记录，最新在前")


def _rating_out(row: CreditRating) -> dict[str, Any]:
    return {
        "score": row.score,
        "level": row.level,
        "level_label": rules.CREDIT_LEVEL_LABELS[rules.CreditLevel(row.level)],
        "reason": row.reason,
        "computed_at": row.computed_at,
    }


@router.get(
    "/institutions/{institution_id}/credit",
    response={200: CreditOut, **errors(401, 403, 404, 422)},
    summary="机构诚信评价",
)
def credit_get(request: AuthedRequest, institution_id: int) -> dict:
    """The current score and level with every contribution that made it, and the history.
    An operator sees their own institution's."""
    institution = selectors.credit_institution_for_user(
        user=request.user, institution_id=institution_id
    )
    history = list(selectors.credit_history(institution))
    current = history[0] if history else None
    return {
        "institution_id": institution.pk,
        "institution_name": institution.name,
        "current": None
        if current is None
        else {
            **_rating_out(current),
            "base": rules.CREDIT_BASE,
            "contributions": current.contributions,
        },
        "history": [_rating_out(r) for r in history],
    }


# --------------------------------------------------------------------------- public (一公开)


class PublicListQuery(PageQuery):
    region: QueryText = Field("", max_length=12, description="区划代码：该区域及下级")
    q: QueryText = Field("", max_length=50, description="名称包含")


class PublicPlanOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    target_count: int | None
    target_percent: int | None
    inspectors_per_target: int
    by_county: bool
    by_risk: bool
    algorithm: str = Field(description="抽取算法版本")
    plan_text: str = Field(description="计划内容的规范文本（参与计算随机种子）")
    public_value: str
    seed: str = Field(description="SHA-256(算法|计划内容|公开随机数来源)")
    pool_hash: str
    result_hash: str
    candidate_count: int
    inspector_count: int
    drawn_count: int
    locked_at: dt.datetime | None
    drawn_at: dt.datetime | None


class PublicPlanPageOut(PageOut):
    items: list[PublicPlanOut]


class PublicCandidateOut(Schema):
    institution_id: int
    institution_name: str
    region_path: str
    county: str
    weight: int = Field(description="权重：1 加上适用的权重表各项")
    reasons: list[str] = Field(description="适用的权重表项目")


class PublicInspectorOut(Schema):
    number: int = Field(description="检查人员编号（不公开姓名）")
    region_paths: list[str]
    conflicts: list[int] = Field(description="申报有利害关系的机构编号")


class PublicDrawnOut(Schema):
    position: int
    institution_id: int
    institution_name: str
    stratum: str
    inspectors: list[int] = Field(description="抽中的检查人员编号")


class PublicWeightOut(Schema):
    code: str
    label: str
    weight: int


class PublicPlanDetailOut(PublicPlanOut):
    weight_table: list[PublicWeightOut]
    candidates: list[PublicCandidateOut]
    inspectors: list[PublicInspectorOut]
    drawn: list[PublicDrawnOut]


class PublicResultOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    county_name: str
    region_name: str
    plan_id: int
    inspected_on: dt.date | None
    outcome: Literal["pass", "rectify"]
    outcome_label: str
    failed_items: int
    published_on: dt.date | None


class PublicResultPageOut(PageOut):
    items: list[PublicResultOut]


class PublicCreditOut(Schema):
    institution_id: int
    institution_name: str
    county_name: str
    region_name: str
    level: LevelValue
    level_label: str
    rated_on: dt.date


class PublicCreditQuery(PublicListQuery):
    level: Literal["", "A", "B", "C", "D"] = ""


class PublicCreditPageOut(PageOut):
    items: list[PublicCreditOut]


def _public_region(code: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound("未找到该行政区划，请核对区划代码。")
    return region


def _county_name(region: Region) -> str:
    county = region.county
    return county.name if county is not None else ""


def _public_plan(row: DrawPlan) -> dict[str, Any]:
    spec = row.spec()
    return {
        "id": row.pk,
        "name": row.name,
        "region_code": row.region.code,
        "region_name": row.region.name,
        "target_count": row.target_count,
        "target_percent": row.target_percent,
        "inspectors_per_target": row.inspectors_per_target,
        "by_county": row.by_county,
        "by_risk": row.by_risk,
        "algorithm": rules.DRAW_ALGORITHM,
        "plan_text": spec.canonical(),
        "public_value": row.public_value,
        "seed": row.seed,
        "pool_hash": row.pool_hash,
        "result_hash": row.result_hash,
        "candidate_count": row.candidate_count,
        "inspector_count": row.inspector_count,
        "drawn_count": getattr(row, "drawn_count", 0),
        "locked_at": row.locked_at,
        "drawn_at": row.drawn_at,
    }


@router.get(
    "/public/plans",
    auth=None,
    tags=PUBLIC,
    response={200: PublicPlanPageOut, **errors(404, 422)},
    summary="公开：已抽取的抽查计划",
)
def public_plan_list(request: HttpRequest, query: Query[PublicListQuery]) -> dict:
    """Drawn plans with everything published before and at the draw (no login)."""
    plans: QuerySet[DrawPlan] = selectors.public_plans()
    region = _public_region(query.region)
    if region is not None:
        plans = plans.filter(region__path__startswith=region.path)
    if query.q:
        plans = plans.filter(name__contains=query.q.strip())
    return page_of(plans, query, _public_plan)


@router.get(
    "/public/plans/{plan_id}",
    auth=None,
    tags=PUBLIC,
    response={200: PublicPlanDetailOut, **errors(404, 422)},
    summary="公开：抽取记录（可复算）",
)
def public_plan_get(request: HttpRequest, plan_id: int) -> dict:
    """The full record of a draw: plan text, public value, seed, both pools (inspectors by
    number only) and the result, so that anyone can re-run the published algorithm."""
    plan = selectors.public_plan(plan_id)
    candidates = plan.candidates.select_related("institution").order_by("institution_id")
    drawn = (
        plan.inspections.select_related("institution").prefetch_related("crew").order_by("position")
    )
    return {
        **_public_plan(plan),
        "weight_table": [
            {"code": w.code, "label": w.label, "weight": w.weight} for w in rules.WEIGHT_TABLE
        ],
        "candidates": [
            {
                "institution_id": c.institution_id,
                "institution_name": c.institution.public_name,
                "region_path": c.region_path,
                "county": c.county,
                "weight": c.weight,
                "reasons": list(c.reasons),
            }
            for c in candidates
        ],
        "inspectors": [
            {
                "number": i.inspector_id,
                "region_paths": list(i.region_paths),
                "conflicts": list(i.conflicts),
            }
            for i in plan.inspectors.order_by("inspector_id")
        ],
        "drawn": [
            {
                "position": i.position,
                "institution_id": i.institution_id,
                "institution_name": i.institution.public_name,
                "stratum": i.stratum,
                "inspectors": [
                    c.inspector_id for c in sorted(i.crew.all(), key=lambda c: c.position)
                ],
            }
            for i in drawn
        ],
    }


def _public_result(row: Inspection) -> dict[str, Any]:
    region = row.institution.region
    return {
        "id": row.pk,
        "institution_id": row.institution_id,
        "institution_name": row.institution.public_name,
        "county_name": _county_name(region),
        "region_name": region.name,
        "plan_id": row.plan_id,
        "inspected_on": row.inspected_on,
        "outcome": row.outcome,
        "outcome_label": row.get_outcome_display(),
        "failed_items": getattr(row, "failed_items", 0),
        "published_on": row.published_on,
    }


@router.get(
    "/public/results",
    auth=None,
    tags=PUBLIC,
    response={200: PublicResultPageOut, **errors(404, 422)},
    summary="公开：监督检查结果",
)
def public_result_list(request: HttpRequest, query: Query[PublicListQuery]) -> dict:
    """Published inspection results, newest first (warnings alone are not published)."""
    results: QuerySet[Inspection] = selectors.public_inspections()
    region = _public_region(query.region)
    if region is not None:
        results = results.filter(institution__region__path__startswith=region.path)
    if query.q:
        results = results.filter(selectors.public_name_contains(query.q.strip()))
    return page_of(results, query, _public_result)


@router.get(
    "/public/credit",
    auth=None,
    tags=PUBLIC,
    response={200: PublicCreditPageOut, **errors(404, 422)},
    summary="公开：托育机构诚信等级",
)
def public_credit_list(request: HttpRequest, query: Query[PublicCreditQuery]) -> dict:
    """The current credit level of every filed institution, by region and name."""
    rows = selectors.public_credit(
        region=_public_region(query.region),
        q=(query.q or "").strip(),
        level=query.level or "",
    )

    def render(institution: Any) -> dict[str, Any]:
        return {
            "institution_id": institution.pk,
            "institution_name": institution.public_name,
            "county_name": _county_name(institution.region),
            "region_name": institution.region.name,
            "level": institution.credit_level,
            "level_label": rules.CREDIT_LEVEL_LABELS[rules.CreditLevel(institution.credit_level)],
            "rated_on": timezone.localtime(institution.credit_at).date(),
        }

    return page_of(rows, query, render)


__all__ = ["router"]
