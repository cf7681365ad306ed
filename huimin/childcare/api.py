"""API of the childcare module: institutions and their filing, inclusive recognition and
operating subsidy, classes and enrolment, daily health and safety records, staff, compliance
findings.

Each endpoint parses, resolves through a scoped selector (404 outside the user's scope, so
existence never leaks), calls one service and returns. Resident IDs are masked in every
output. Bodies inherit ``StrictIn``: no "5" for 5, no 0 for false, no unknown
fields, no NUL characters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from huimin.childcare import rules, selectors, services
from huimin.childcare.models import (
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
    SafetyRecord,
    Staff,
    TrainingRecord,
)
from huimin.core.api import (
    TYPED_NUMBER,
    Date,
    DateTime,
    Id,
    PageOut,
    PageQuery,
    QueryText,
    StrictIn,
    errors,
    filters_of,
    page_of,
    person_brief,
    yuan,
)
from huimin.core.http import AuthedRequest
from huimin.core.selectors import WorkdayCalendar

router = Router(tags=["托育 childcare"])


# --------------------------------------------------------------------------- input types

Fee = Annotated[int, Field(ge=0, le=100_000_000, description="分")]

InstitutionKind = Literal["independent", "kindergarten", "employer", "community"]
InstitutionStatus = Literal["registered", "filing", "filed", "closing", "closed"]
ClassKind = Literal["infant", "toddler", "older", "mixed"]
CareType = Literal["full_day", "half_day", "hourly", "temporary"]
StaffRole = Literal["head", "caregiver", "health_worker", "cook", "guard"]
Education = Literal["secondary", "vocational", "college", "bachelor", "postgraduate"]
Material = Literal[
    "business_licence",
    "premises",
    "staff_qualifications",
    "health_evaluation",
    "fire_safety",
    "food_licence",
]


# --------------------------------------------------------------------------- institutions


class InstitutionListQuery(PageQuery):
    q: QueryText = Field("", max_length=50, description="机构名称包含")
    region: QueryText = Field("", max_length=12, description="区划代码：该区域及下级")
    kind: Literal["", InstitutionKind] = ""
    status: Literal["", InstitutionStatus] = ""
    inclusive: Literal["", "yes", "no"] = Field("", description="yes：当前为普惠机构")
    with_findings: Literal["", "serious", "any"] = Field("", description="有未整改的合规问题")


class InstitutionItemOut(Schema):
    id: int
    name: str
    kind: InstitutionKind
    kind_label: str
    region_code: str
    region_name: str
    status: InstitutionStatus
    status_label: str
    capacity: int
    enrolled: int = Field(description="在托幼儿数")
    open_findings: int = Field(description="未整改的合规问题数")
    open_serious: int = Field(description="其中严重问题数")
    inclusive: bool = Field(description="当前为普惠托育机构")


class InstitutionPageOut(PageOut):
    items: list[InstitutionItemOut]


class InstitutionOut(InstitutionItemOut):
    address: str
    legal_person: str
    phone: str
    full_day: bool
    half_day: bool
    hourly: bool
    temporary: bool
    fee_full_day: int | None = Field(description="全日托收费，分/月")
    fee_half_day: int | None = Field(description="半日托收费，分/月")
    fee_hourly: int | None = Field(description="计时托收费，分/小时")
    fee_temporary: int | None = Field(description="临时托收费，分/天")
    serves_meals: bool
    premises_owned: bool
    lease_years: int
    monitoring_coverage_percent: int | None
    recording_retention_days: int | None
    fire_safety_manager: str
    health_partner: str
    inclusive_valid_to: dt.date | None = Field(description="普惠认定有效期至")
    created_at: dt.datetime
    updated_at: dt.datetime


class InstitutionIn(StrictIn):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: InstitutionKind
    region_code: Annotated[str, Field(min_length=1, max_length=12)]
    address: Annotated[str, Field(min_length=1, max_length=200)]
    legal_person: Annotated[str, Field(min_length=1, max_length=50)]
    phone: Annotated[str, Field(max_length=20), TYPED_NUMBER] = ""
    capacity: Annotated[int, Field(ge=1, le=10000, description="核定托位数")]
    full_day: bool = True
    half_day: bool = False
    hourly: bool = False
    temporary: bool = False
    fee_full_day: Fee | None = None
    fee_half_day: Fee | None = None
    fee_hourly: Fee | None = None
    fee_temporary: Fee | None = None
    serves_meals: bool = True
    premises_owned: bool = False
    lease_years: Annotated[int, Field(ge=0, le=100)] = 0
    monitoring_coverage_percent: Annotated[int, Field(ge=0, le=100)] | None = None
    recording_retention_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    fire_safety_manager: Annotated[str, Field(max_length=50)] = ""
    health_partner: Annotated[str, Field(max_length=100)] = ""


class InstitutionPatchIn(StrictIn):
    """Only the fields sent change; null keeps a field that cannot be empty and clears one
    that can (a fee, the monitoring figures). A filed institution's change is filed again with
    the county (a change filing described by ``summary``)."""

    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    kind: InstitutionKind | None = None
    address: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    legal_person: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    phone: Annotated[str, Field(max_length=20), TYPED_NUMBER] | None = None
    capacity: Annotated[int, Field(ge=1, le=10000)] | None = None
    full_day: bool | None = None
    half_day: bool | None = None
    hourly: bool | None = None
    temporary: bool | None = None
    fee_full_day: Fee | None = None
    fee_half_day: Fee | None = None
    fee_hourly: Fee | None = None
    fee_temporary: Fee | None = None
    serves_meals: bool | None = None
    premises_owned: bool | None = None
    lease_years: Annotated[int, Field(ge=0, le=100)] | None = None
    monitoring_coverage_percent: Annotated[int, Field(ge=0, le=100)] | None = None
    recording_retention_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    fire_safety_manager: Annotated[str, Field(max_length=50)] | None = None
    health_partner: Annotated[str, Field(max_length=100)] | None = None
    summary: Annotated[str, Field(max_length=2000, description="变更备案说明")] = ""


#: Fields whose null means "clear"; on every other field null means "keep".
INSTITUTION_NULLABLE = frozenset(
    {
        "fee_full_day",
        "fee_half_day",
        "fee_hourly",
        "fee_temporary",
        "monitoring_coverage_percent",
        "recording_retention_days",
    }
)


def _changes(payload: StrictIn, nullable: frozenset[str]) -> dict[str, Any]:
    """The fields a PATCH body sets: sent, and not null unless null is a value there."""
    return {
        k: v
        for k, v in payload.model_dump(exclude_unset=True).items()
        if v is not None or k in nullable
    }


def _institution_item(row: Institution) -> dict:
    return {
        "id": row.pk,
        "name": row.name,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "region_code": row.region.code,
        "region_name": row.region.name,
        "status": row.status,
        "status_label": row.get_status_display(),
        "capacity": row.capacity,
        "enrolled": row.enrolled,  # type: ignore[attr-defined]
        "open_findings": row.open_findings,  # type: ignore[attr-defined]
        "open_serious": row.open_serious,  # type: ignore[attr-defined]
        "inclusive": row.recognised_count > 0,  # type: ignore[attr-defined]
    }


def _institution_out(row: Institution) -> dict:
    current = row.current_recognitions  # type: ignore[attr-defined]
    return {
        **_institution_item(row),
        **{field: getattr(row, field) for field in services.PROFILE_FIELDS},
        "inclusive_valid_to": current[0].valid_to if current else None,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def _institution_summary(request: AuthedRequest, institution_id: int) -> dict:
    return _institution_out(
        selectors.institution_summary_for_user(
            user=request.user, institution_id=institution_id, today=services.today()
        )
    )


@router.get(
    "/institutions",
    response={200: InstitutionPageOut, **errors(401, 403, 404, 422)},
    summary="托育机构列表",
)
def institution_list(request: AuthedRequest, query: Query[InstitutionListQuery]) -> dict:
    """Institutions in the user's scope (an operator: their own) with enrolment and open
    findings, filtered and paginated."""
    institutions = selectors.institution_list_for_user(
        user=request.user,
        filters=filters_of(query, selectors.InstitutionFilters),
        today=services.today(),
    )
    return page_of(institutions, query, _institution_item)


@router.post(
    "/institutions",
    response={201: InstitutionOut, **errors(401, 403, 404, 422)},
    summary="登记托育机构",
)
def institution_register(request: AuthedRequest, payload: InstitutionIn) -> Status[dict]:
    """Register an institution (not yet filed). An operator's account is bound to it."""
    institution = services.institution_register(actor=request.user, **payload.model_dump())
    return Status(201, _institution_summary(request, institution.pk))


@router.get(
    "/institutions/{institution_id}",
    response={200: InstitutionOut, **errors(401, 403, 404, 422)},
    summary="托育机构详情",
)
def institution_get(request: AuthedRequest, institution_id: int) -> dict:
    return _institution_summary(request, institution_id)


@router.patch(
    "/institutions/{institution_id}",
    response={200: InstitutionOut, **errors(401, 403, 404, 409, 422)},
    summary="修改机构信息",
)
def institution_update(
    request: AuthedRequest, institution_id: int, payload: InstitutionPatchIn
) -> dict:
    """Change the profile; a filed institution's change opens a change filing."""
    services.institution_update(
        actor=request.user,
        institution_id=institution_id,
        **_changes(payload, INSTITUTION_NULLABLE),
    )
    return _institution_summary(request, institution_id)


# --------------------------------------------------------------------------- findings


class FindingOut(Schema):
    id: int
    rule: str
    rule_label: str
    severity: Literal["serious", "major", "minor"]
    severity_label: str
    subject: str
    message: str = Field(description="中文说明：规则、实际情况和要求")
    found: str = Field(description="实际")
    required: str = Field(description="要求")
    opened_at: dt.datetime


def _finding_out(row: Finding) -> dict:
    return {
        "id": row.pk,
        "rule": row.rule,
        "rule_label": row.rule_label,
        "severity": row.severity,
        "severity_label": row.get_severity_display(),
        "subject": row.subject,
        "message": row.message,
        "found": row.found,
        "required": row.required,
        "opened_at": row.opened_at,
    }


@router.get(
    "/institutions/{institution_id}/findings",
    response={200: list[FindingOut], **errors(401, 403, 404, 422)},
    summary="机构的未整改合规问题",
)
def institution_findings(request: AuthedRequest, institution_id: int) -> list[dict]:
    """The institution's open compliance findings, most serious first."""
    findings = selectors.findings_open_for_user(user=request.user, institution_id=institution_id)
    return [_finding_out(f) for f in findings]


@router.post(
    "/institutions/{institution_id}/compliance",
    response={200: list[FindingOut], **errors(401, 403, 404, 422)},
    summary="立即重新评估合规",
)
def institution_compliance(request: AuthedRequest, institution_id: int) -> list[dict]:
    """Evaluate every compliance rule now and return the open findings."""
    services.institution_compliance_refresh(actor=request.user, institution_id=institution_id)
    institution = selectors.institution_get_for_user(
        user=request.user, institution_id=institution_id
    )
    return [_finding_out(f) for f in selectors.findings_open(institution)]


@router.get(
    "/findings",
    response={200: InstitutionPageOut, **errors(401, 403, 422)},
    summary="按合规问题排序的机构",
)
def findings_ranking(request: AuthedRequest, query: Query[PageQuery]) -> dict:
    """Institutions with open findings, most serious first."""
    ranking = selectors.institution_findings_ranking(user=request.user, today=services.today())
    return page_of(ranking, query, _institution_item)


# --------------------------------------------------------------------------- filing


class FilingListQuery(PageQuery):
    status: Literal["", "submitted", "acknowledged", "returned"] = ""


class FilingOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    kind: Literal["initial", "change", "closure"]
    kind_label: str
    status: Literal["submitted", "acknowledged", "returned"]
    status_label: str
    summary: str
    submitted_at: dt.datetime
    submitted_by: str
    deadline: dt.date = Field(description="县级办理期限（5个工作日）")
    deadline_provisional: bool = Field(
        description="期限计入的日子里有国务院放假通知尚未录入的年份（按法定节假日暂定推算）"
    )
    working_days_left: int | None = Field(
        description="距办理期限的工作日数：当天为0，逾期为负；已办理的为 null"
    )
    overdue: bool
    decided_at: dt.datetime | None
    missing: list[Material]
    missing_labels: list[str]
    decision_note: str


class FilingPageOut(PageOut):
    items: list[FilingOut]


class FilingIn(StrictIn):
    kind: Literal["initial", "closure"] = Field(
        description="initial 首次备案（材料齐全）或 closure 注销备案；变更在修改机构信息时提交"
    )
    summary: Annotated[str, Field(max_length=2000)] = ""


class FilingDecisionIn(StrictIn):
    acknowledge: bool = Field(description="true 予以备案；false 退回补正")
    missing: Annotated[list[Material], Field(max_length=10)] = []
    note: Annotated[str, Field(max_length=2000)] = ""


def _filing_out(row: Filing, *, calendar: WorkdayCalendar, today: dt.date) -> dict:
    left = None
    if row.status == Filing.Status.SUBMITTED:
        left = selectors.filing_clock(row, today=today, calendar=calendar).working_days_left
    return {
        "id": row.pk,
        "institution_id": row.institution_id,
        "institution_name": row.institution.name,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "status": row.status,
        "status_label": row.get_status_display(),
        "summary": row.summary,
        "submitted_at": row.submitted_at,
        "submitted_by": str(row.submitted_by),
        "deadline": row.deadline,
        "deadline_provisional": row.deadline_provisional,
        "working_days_left": left,
        "overdue": left is not None and left < 0,
        "decided_at": row.decided_at,
        "missing": list(row.missing),
        "missing_labels": [rules.FILING_MATERIALS.get(m, m) for m in row.missing],
        "decision_note": row.decision_note,
    }


def _filing_renderer() -> Callable[[Filing], dict]:
    calendar, today = WorkdayCalendar(), services.today()
    return lambda filing: _filing_out(filing, calendar=calendar, today=today)


@router.get("/filings", response={200: FilingPageOut, **errors(401, 403, 422)}, summary="备案列表")
def filing_list(request: AuthedRequest, query: Query[FilingListQuery]) -> dict:
    """Filings of the institutions in scope, newest first, with the working days left for
    the county to answer."""
    filings = selectors.filing_list_for_user(user=request.user, status=query.status)
    return page_of(filings, query, _filing_renderer())


@router.post(
    "/institutions/{institution_id}/filings",
    response={201: FilingOut, **errors(401, 403, 404, 409, 422)},
    summary="提交备案",
)
def filing_submit(request: AuthedRequest, institution_id: int, payload: FilingIn) -> Status[dict]:
    """Submit a first filing (all materials uploaded) or a closure; the county answers within
    5 working days."""
    filing = services.filing_submit(
        actor=request.user, institution_id=institution_id, **payload.model_dump()
    )
    return Status(201, _filing_renderer()(filing))


@router.post(
    "/filings/{filing_id}/decision",
    response={200: FilingOut, **errors(401, 403, 404, 409, 422)},
    summary="县级办理备案",
)
def filing_decide(request: AuthedRequest, filing_id: int, payload: FilingDecisionIn) -> dict:
    """The county acknowledges the filing, or returns it with what is missing."""
    filing = services.filing_decide(actor=request.user, filing_id=filing_id, **payload.model_dump())
    return _filing_renderer()(filing)


# --------------------------------------------------------------------------- documents


class DocumentOut(Schema):
    id: int
    institution_id: int
    material: Material
    material_label: str
    original_name: str
    size: int
    uploaded_at: dt.datetime


@router.post(
    "/institutions/{institution_id}/documents",
    response={201: DocumentOut, **errors(401, 403, 404, 422)},
    summary="上传备案材料",
)
def document_upload(
    request: AuthedRequest,
    institution_id: int,
    material: Form[Material],
    file: File[UploadedFile],
) -> Status[dict]:
    """Upload a filing material (multipart: ``material`` and ``file``; PDF, JPG or PNG up to
    10 MB)."""
    document: FilingDocument = services.document_upload(
        actor=request.user, institution_id=institution_id, material=material, upload=file
    )
    return Status(
        201,
        {
            "id": document.pk,
            "institution_id": document.institution_id,
            "material": document.material,
            "material_label": document.get_material_display(),
            "original_name": document.original_name,
            "size": file.size or 0,
            "uploaded_at": document.uploaded_at,
        },
    )


# --------------------------------------------------------------------------- inclusive


class RecognitionOut(Schema):
    id: int
    institution_id: int
    status: Literal[
        "applied", "recognised", "correcting", "suspended", "revoked", "refused", "expired"
    ]
    status_label: str
    applied_at: dt.datetime
    decided_at: dt.datetime | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    reasons: str
    correct_by: dt.date | None = Field(description="限期整改的期限（限期整改中时）")


class RecognitionDecisionIn(StrictIn):
    recognise: bool = Field(description="true 认定为普惠托育机构；false 不予认定（须写明理由）")
    reasons: Annotated[str, Field(max_length=2000)] = ""


class RecognitionActionIn(StrictIn):
    to_status: Literal["correcting", "suspended", "revoked", "recognised"] = Field(
        description="correcting 限期整改（须填 correct_by）；suspended 暂停运营补贴；"
        "revoked 撤销认定；recognised 整改完成后恢复"
    )
    reason: Annotated[str, Field(max_length=1000)] = Field(description="处理理由（必填）")
    correct_by: Date | None = Field(
        default=None, description="整改期限 YYYY-MM-DD（限期整改时必填）"
    )


class SubsidyOut(Schema):
    institution_id: int
    kind: InstitutionKind
    kind_label: str
    inclusive: bool = Field(description="当前为普惠托育机构：只有普惠机构享受运营补贴")
    inclusive_valid_to: dt.date | None
    subsidy_suspended: bool = Field(description="普惠认定有效，但运营补贴已被县级暂停")
    enrolled: int
    monthly_rate: str = Field(description='每名在托幼儿每月补贴标准，元，如 "500.00"')
    monthly_amount: str = Field(description='每月运营补贴，元，如 "60000.00"')


def _recognition_out(row: InclusiveRecognition) -> dict:
    return {
        "id": row.pk,
        "institution_id": row.institution_id,
        "status": row.status,
        "status_label": row.get_status_display(),
        "applied_at": row.applied_at,
        "decided_at": row.decided_at,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "reasons": row.reasons,
        "correct_by": row.correct_by,
    }


@router.post(
    "/institutions/{institution_id}/recognitions",
    response={201: RecognitionOut, **errors(401, 403, 404, 409, 422)},
    summary="申请普惠认定",
)
def recognition_apply(request: AuthedRequest, institution_id: int) -> Status[dict]:
    """A filed institution applies for inclusive recognition (or its renewal)."""
    application = services.recognition_apply(actor=request.user, institution_id=institution_id)
    return Status(201, _recognition_out(application))


@router.get(
    "/institutions/{institution_id}/recognitions",
    response={200: list[RecognitionOut], **errors(401, 403, 404, 422)},
    summary="普惠认定记录",
)
def recognition_list(request: AuthedRequest, institution_id: int) -> list[dict]:
    recognitions = selectors.recognition_list_for_user(
        user=request.user, institution_id=institution_id
    )
    return [_recognition_out(r) for r in recognitions]


@router.post(
    "/recognitions/{recognition_id}/decision",
    response={200: RecognitionOut, **errors(401, 403, 404, 409, 422)},
    summary="县级普惠认定",
)
def recognition_decide(
    request: AuthedRequest, recognition_id: int, payload: RecognitionDecisionIn
) -> dict:
    """The county recognises the institution (fees at or below the caps, no open serious
    findings) for a period, or refuses with reasons."""
    application = services.recognition_decide(
        actor=request.user, recognition_id=recognition_id, **payload.model_dump()
    )
    return _recognition_out(application)


@router.post(
    "/recognitions/{recognition_id}/transition",
    response={200: RecognitionOut, **errors(401, 403, 404, 409, 422)},
    summary="处理普惠认定（限期整改、暂停运营补贴、撤销、恢复）",
)
def recognition_transition(
    request: AuthedRequest, recognition_id: int, payload: RecognitionActionIn
) -> dict:
    """The county acts on a recognition in force, with a reason; each step is an event."""
    recognition = services.recognition_transition(
        actor=request.user, recognition_id=recognition_id, **payload.model_dump()
    )
    return _recognition_out(recognition)


@router.get(
    "/institutions/{institution_id}/subsidy",
    response={200: SubsidyOut, **errors(401, 403, 404, 422)},
    summary="运营补贴",
)
def operating_subsidy(request: AuthedRequest, institution_id: int) -> dict:
    """The monthly operating subsidy: children enrolled × the rate of the institution's type,
    while it is recognised as inclusive."""
    subsidy = selectors.operating_subsidy_for_user(
        user=request.user, institution_id=institution_id, today=services.today()
    )
    return {
        "institution_id": subsidy.institution.pk,
        "kind": subsidy.institution.kind,
        "kind_label": subsidy.institution.get_kind_display(),
        "inclusive": subsidy.recognition is not None,
        "inclusive_valid_to": subsidy.recognition.valid_to if subsidy.recognition else None,
        "subsidy_suspended": subsidy.recognition is not None
        and subsidy.recognition.status == InclusiveRecognition.Status.SUSPENDED,
        "enrolled": subsidy.enrolled,
        "monthly_rate": yuan(subsidy.monthly_rate_fen),
        "monthly_amount": yuan(subsidy.monthly_fen),
    }


# --------------------------------------------------------------------------- classes


class CaregiverOut(Schema):
    id: int
    name: str
    role: StaffRole
    role_label: str


class ClassOut(Schema):
    id: int
    institution_id: int
    name: str
    kind: ClassKind
    kind_label: str
    children: int = Field(description="在托幼儿数")
    carers: int = Field(description="在职保育人员数")
    caregivers: list[CaregiverOut]


class ClassIn(StrictIn):
    name: Annotated[str, Field(min_length=1, max_length=50)]
    kind: ClassKind
    caregiver_ids: Annotated[list[Id], Field(max_length=100)] = []


class CaregiversIn(StrictIn):
    caregiver_ids: Annotated[list[Id], Field(max_length=100)]


def _class_out(row: CareClass) -> dict:
    return {
        "id": row.pk,
        "institution_id": row.institution_id,
        "name": row.name,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "children": row.children,  # type: ignore[attr-defined]
        "carers": row.carers,  # type: ignore[attr-defined]
        "caregivers": [
            {"id": s.pk, "name": s.person.name, "role": s.role, "role_label": s.get_role_display()}
            for s in row.caregivers.all()
        ],
    }


@router.get(
    "/institutions/{institution_id}/classes",
    response={200: list[ClassOut], **errors(401, 403, 404, 422)},
    summary="班级列表",
)
def class_list(request: AuthedRequest, institution_id: int) -> list[dict]:
    classes = selectors.class_list_for_user(user=request.user, institution_id=institution_id)
    return [_class_out(c) for c in classes]


@router.post(
    "/institutions/{institution_id}/classes",
    response={201: ClassOut, **errors(401, 403, 404, 422)},
    summary="新建班级",
)
def class_create(request: AuthedRequest, institution_id: int, payload: ClassIn) -> Status[dict]:
    care_class = services.class_create(
        actor=request.user, institution_id=institution_id, **payload.model_dump()
    )
    return Status(
        201, _class_out(selectors.class_get_for_user(user=request.user, class_id=care_class.pk))
    )


@router.put(
    "/classes/{class_id}/caregivers",
    response={200: ClassOut, **errors(401, 403, 404, 422)},
    summary="设置班级保育人员",
)
def class_set_caregivers(request: AuthedRequest, class_id: int, payload: CaregiversIn) -> dict:
    """Replace the class's caregivers with the staff listed (active staff of the institution)."""
    services.class_set_caregivers(
        actor=request.user, class_id=class_id, caregiver_ids=payload.caregiver_ids
    )
    return _class_out(selectors.class_get_for_user(user=request.user, class_id=class_id))


# --------------------------------------------------------------------------- enrolment


class ChildOut(Schema):
    id: int
    name: str
    resident_id: str = Field(description="脱敏身份证号")
    birth_date: dt.date
    sex: Literal["M", "F"]


class GuardianOut(Schema):
    id: int
    name: str
    resident_id: str = Field(description="脱敏身份证号")


class EnrollmentOut(Schema):
    id: int
    institution_id: int
    class_id: int
    class_name: str
    child: ChildOut
    guardian: GuardianOut
    guardian_relation: str
    care_type: CareType
    care_type_label: str
    agreement_signed_on: dt.date
    admission_check_on: dt.date
    vaccination_complete: bool
    enrolled_on: dt.date
    withdrawn_on: dt.date | None
    status: Literal["active", "withdrawn"]
    status_label: str


class EnrollmentPageOut(PageOut):
    items: list[EnrollmentOut]


class EnrollmentListQuery(PageQuery):
    status: Literal["active", "all"] = Field("active", description="active：在托；all：含已退托")


class EnrollmentIn(StrictIn):
    """A child needs a signed service agreement, a passed admission health check and complete
    vaccination; an over-full class is recorded as a compliance finding, not refused."""

    class_id: Id
    child_resident_id: Annotated[str, Field(min_length=1, max_length=20), TYPED_NUMBER]
    child_name: Annotated[str, Field(min_length=1, max_length=50)]
    guardian_resident_id: Annotated[str, Field(min_length=1, max_length=20), TYPED_NUMBER]
    guardian_name: Annotated[str, Field(min_length=1, max_length=50)]
    guardian_relation: Annotated[str, Field(max_length=10)] = ""
    enrolled_on: Date
    agreement_signed_on: Date | None = None
    admission_check_on: Date | None = None
    vaccination_complete: bool
    care_type: CareType = "full_day"
    hukou_region_code: Annotated[
        str, Field(max_length=12, description="户籍区划，默认机构所在地")
    ] = ""


class WithdrawalIn(StrictIn):
    date: Date
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class MoveIn(StrictIn):
    class_id: Id


def _enrollment_out(row: Enrollment) -> dict:
    return {
        "id": row.pk,
        "institution_id": row.institution_id,
        "class_id": row.care_class_id,
        "class_name": row.care_class.name,
        "child": {
            **person_brief(row.child),
            "birth_date": row.child.birth_date,
            "sex": row.child.sex,
        },
        "guardian": person_brief(row.guardian),
        "guardian_relation": row.guardian_relation,
        "care_type": row.care_type,
        "care_type_label": row.get_care_type_display(),
        "agreement_signed_on": row.agreement_signed_on,
        "admission_check_on": row.admission_check_on,
        "vaccination_complete": row.vaccination_complete,
        "enrolled_on": row.enrolled_on,
        "withdrawn_on": row.withdrawn_on,
        "status": row.status,
        "status_label": row.get_status_display(),
    }


@router.get(
    "/institutions/{institution_id}/enrollments",
    response={200: EnrollmentPageOut, **errors(401, 403, 404, 422)},
    summary="在托幼儿列表",
)
def enrollment_list(
    request: AuthedRequest, institution_id: int, query: Query[EnrollmentListQuery]
) -> dict:
    enrollments = selectors.enrollment_list_for_user(
        user=request.user, institution_id=institution_id, active_only=query.status == "active"
    )
    return page_of(enrollments, query, _enrollment_out)


@router.post(
    "/institutions/{institution_id}/enrollments",
    response={201: EnrollmentOut, **errors(401, 403, 404, 409, 422)},
    summary="幼儿入托",
)
def enrollment_create(
    request: AuthedRequest, institution_id: int, payload: EnrollmentIn
) -> Status[dict]:
    """Enrol a child into a class of the institution; the child and guardian are registered
    by resident ID if new."""
    selectors.enrollment_class_for_user(
        user=request.user, institution_id=institution_id, class_id=payload.class_id
    )
    enrollment = services.enrollment_create(actor=request.user, **payload.model_dump())
    return Status(201, _enrollment_out(enrollment))


@router.post(
    "/enrollments/{enrollment_id}/withdrawal",
    response={200: EnrollmentOut, **errors(401, 403, 404, 409, 422)},
    summary="退托",
)
def enrollment_withdraw(request: AuthedRequest, enrollment_id: int, payload: WithdrawalIn) -> dict:
    enrollment = services.enrollment_withdraw(
        actor=request.user, enrollment_id=enrollment_id, on=payload.date, reason=payload.reason
    )
    return _enrollment_out(enrollment)


@router.post(
    "/enrollments/{enrollment_id}/move",
    response={200: EnrollmentOut, **errors(401, 403, 404, 422)},
    summary="调班",
)
def enrollment_move(request: AuthedRequest, enrollment_id: int, payload: MoveIn) -> dict:
    """Move the child to another class of the same institution."""
    enrollment = services.enrollment_move(
        actor=request.user, enrollment_id=enrollment_id, class_id=payload.class_id
    )
    return _enrollment_out(enrollment)


# --------------------------------------------------------------------------- daily records

AbsentId = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,17}$")]


class AttendanceIn(StrictIn):
    date: Date
    present: Annotated[list[Id], Field(max_length=2000, description="出勤幼儿的在托记录 id")] = []
    absent: Annotated[
        dict[AbsentId, Annotated[str, Field(max_length=100)]],
        Field(max_length=2000, description="缺勤幼儿：{在托记录 id: 缺勤原因}"),
    ] = {}
    morning_checked: Annotated[
        list[Id], Field(max_length=2000, description="已晨检的出勤幼儿 id")
    ] = []


class AttendanceOut(Schema):
    date: dt.date
    recorded: int = Field(description="登记的幼儿数")


class HealthCheckIn(StrictIn):
    date: Date
    morning: bool = True
    noon: bool = False
    temperature: Annotated[float, Field(ge=34, le=43, description="体温 ℃，一位小数")] | None = None
    notes: Annotated[str, Field(max_length=200)] = ""


class HealthCheckOut(Schema):
    id: int
    enrollment_id: int
    date: dt.date
    morning: bool
    noon: bool
    temperature: float | None
    notes: str


class ExamIn(StrictIn):
    kind: Literal["admission", "recheck"]
    date: Date
    passed: bool = True
    hospital: Annotated[str, Field(max_length=100)] = ""


class ExamOut(Schema):
    id: int
    enrollment_id: int
    kind: Literal["admission", "recheck"]
    kind_label: str
    date: dt.date
    passed: bool
    hospital: str


class OutdoorIn(StrictIn):
    date: Date
    minutes: Annotated[int, Field(ge=0, le=1440)]


class OutdoorOut(Schema):
    class_id: int
    date: dt.date
    minutes: int


class FoodSampleIn(StrictIn):
    date: Date
    dish: Annotated[str, Field(min_length=1, max_length=50)]
    grams: Annotated[int, Field(ge=1, le=10000)]
    sampled_at: DateTime
    kept_until: DateTime


class FoodSampleOut(Schema):
    id: int
    institution_id: int
    date: dt.date
    dish: str
    grams: int
    sampled_at: dt.datetime
    kept_until: dt.datetime


@router.post(
    "/institutions/{institution_id}/attendance",
    response={200: AttendanceOut, **errors(401, 403, 404, 422)},
    summary="登记考勤和晨检",
)
def attendance_record(request: AuthedRequest, institution_id: int, payload: AttendanceIn) -> dict:
    """A day's attendance and morning checks; recording a day again replaces it."""
    recorded = services.attendance_record(
        actor=request.user,
        institution_id=institution_id,
        on=payload.date,
        present=payload.present,
        absent={int(k): v for k, v in payload.absent.items()},
        morning_checked=payload.morning_checked,
    )
    return {"date": payload.date, "recorded": recorded}


@router.post(
    "/enrollments/{enrollment_id}/health-checks",
    response={200: HealthCheckOut, **errors(401, 403, 404, 422)},
    summary="登记晨午检",
)
def health_check_record(request: AuthedRequest, enrollment_id: int, payload: HealthCheckIn) -> dict:
    """The child's morning and noon checks (晨午检) of a day; recording a day again replaces
    it."""
    temperature = None if payload.temperature is None else Decimal(f"{payload.temperature:.1f}")
    check: HealthCheck = services.health_check_record(
        actor=request.user,
        enrollment_id=enrollment_id,
        on=payload.date,
        morning=payload.morning,
        noon=payload.noon,
        temperature=temperature,
        notes=payload.notes,
    )
    return {
        "id": check.pk,
        "enrollment_id": check.enrollment_id,
        "date": check.date,
        "morning": check.morning,
        "noon": check.noon,
        "temperature": None if check.temperature is None else float(check.temperature),
        "notes": check.notes,
    }


@router.post(
    "/enrollments/{enrollment_id}/exams",
    response={201: ExamOut, **errors(401, 403, 404, 422)},
    summary="登记体检",
)
def exam_record(request: AuthedRequest, enrollment_id: int, payload: ExamIn) -> Status[dict]:
    """A health examination: on admission, or the re-check after 3 months away."""
    exam: MedicalExam = services.exam_record(
        actor=request.user,
        enrollment_id=enrollment_id,
        kind=payload.kind,
        on=payload.date,
        passed=payload.passed,
        hospital=payload.hospital,
    )
    return Status(
        201,
        {
            "id": exam.pk,
            "enrollment_id": exam.enrollment_id,
            "kind": exam.kind,
            "kind_label": exam.get_kind_display(),
            "date": exam.date,
            "passed": exam.passed,
            "hospital": exam.hospital,
        },
    )


@router.post(
    "/classes/{class_id}/outdoor",
    response={200: OutdoorOut, **errors(401, 403, 404, 422)},
    summary="登记户外活动",
)
def outdoor_record(request: AuthedRequest, class_id: int, payload: OutdoorIn) -> dict:
    """The class's minutes outdoors on a day (at least 120 required)."""
    row: OutdoorActivity = services.outdoor_record(
        actor=request.user, class_id=class_id, on=payload.date, minutes=payload.minutes
    )
    return {"class_id": row.care_class_id, "date": row.date, "minutes": row.minutes}


@router.post(
    "/institutions/{institution_id}/food-samples",
    response={201: FoodSampleOut, **errors(401, 403, 404, 422)},
    summary="登记食品留样",
)
def food_sample_record(
    request: AuthedRequest, institution_id: int, payload: FoodSampleIn
) -> Status[dict]:
    """A food sample kept (at least 125 g per dish, at least 48 hours)."""
    sample: FoodSample = services.food_sample_record(
        actor=request.user,
        institution_id=institution_id,
        on=payload.date,
        dish=payload.dish,
        grams=payload.grams,
        sampled_at=payload.sampled_at,
        kept_until=payload.kept_until,
    )
    return Status(
        201,
        {
            "id": sample.pk,
            "institution_id": sample.institution_id,
            "date": sample.date,
            "dish": sample.dish,
            "grams": sample.grams,
            "sampled_at": sample.sampled_at,
            "kept_until": sample.kept_until,
        },
    )


# --------------------------------------------------------------------------- staff


class StaffOut(Schema):
    id: int
    institution_id: int
    name: str
    resident_id: str = Field(description="脱敏身份证号")
    role: StaffRole
    role_label: str
    full_time: bool
    qualification: str
    hired_on: dt.date
    left_on: dt.date | None
    health_cert_on: dt.date | None
    criminal_check_on: dt.date | None
    training_hours: int
    education: Education | Literal[""]
    experience_years: int | None
    head_training: bool


class StaffPageOut(PageOut):
    items: list[StaffOut]


class StaffListQuery(PageQuery):
    status: Literal["active", "all"] = Field("active", description="active：在职；all：含离职")


class StaffIn(StrictIn):
    resident_id: Annotated[str, Field(min_length=1, max_length=20), TYPED_NUMBER]
    name: Annotated[str, Field(min_length=1, max_length=50)]
    role: StaffRole
    hired_on: Date
    full_time: bool = True
    qualification: Annotated[str, Field(max_length=100)] = ""
    health_cert_on: Date | None = None
    criminal_check_on: Date | None = None
    education: Education | Literal[""] = ""
    experience_years: Annotated[int, Field(ge=0, le=60)] | None = None
    head_training: bool = False


class StaffPatchIn(StrictIn):
    """Only the fields sent change; null clears a check date and keeps any other field.
    ``left_on`` records that the person has left."""

    role: StaffRole | None = None
    full_time: bool | None = None
    qualification: Annotated[str, Field(max_length=100)] | None = None
    health_cert_on: Date | None = None
    criminal_check_on: Date | None = None
    left_on: Date | None = None
    education: Education | None = None
    experience_years: Annotated[int, Field(ge=0, le=60)] | None = None
    head_training: bool | None = None


STAFF_NULLABLE = frozenset({"health_cert_on", "criminal_check_on", "experience_years"})


class TrainingIn(StrictIn):
    date: Date
    topic: Annotated[str, Field(min_length=1, max_length=100)]
    hours: Annotated[int, Field(ge=1, le=1000)]


class TrainingOut(Schema):
    id: int
    staff_id: int
    date: dt.date
    topic: str
    hours: int


def _staff_out(row: Staff) -> dict:
    return {
        "id": row.pk,
        "institution_id": row.institution_id,
        "name": row.person.name,
        "resident_id": row.person.masked_resident_id,
        "role": row.role,
        "role_label": row.get_role_display(),
        "full_time": row.full_time,
        "qualification": row.qualification,
        "hired_on": row.hired_on,
        "left_on": row.left_on,
        "health_cert_on": row.health_cert_on,
        "criminal_check_on": row.criminal_check_on,
        "training_hours": row.training_hours,
        "education": row.education,
        "experience_years": row.experience_years,
        "head_training": row.head_training,
    }


@router.get(
    "/institutions/{institution_id}/staff",
    response={200: StaffPageOut, **errors(401, 403, 404, 422)},
    summary="工作人员列表",
)
def staff_list(request: AuthedRequest, institution_id: int, query: Query[StaffListQuery]) -> dict:
    staff = selectors.staff_list_for_user(
        user=request.user, institution_id=institution_id, active_only=query.status == "active"
    )
    return page_of(staff, query, _staff_out)


@router.post(
    "/institutions/{institution_id}/staff",
    response={201: StaffOut, **errors(401, 403, 404, 409, 422)},
    summary="登记工作人员",
)
def staff_hire(request: AuthedRequest, institution_id: int, payload: StaffIn) -> Status[dict]:
    """Record a staff member; the person is registered by resident ID if new."""
    staff = services.staff_hire(
        actor=request.user, institution_id=institution_id, **payload.model_dump()
    )
    return Status(201, _staff_out(staff))


@router.patch(
    "/staff/{staff_id}",
    response={200: StaffOut, **errors(401, 403, 404, 422)},
    summary="修改工作人员信息",
)
def staff_update(request: AuthedRequest, staff_id: int, payload: StaffPatchIn) -> dict:
    """Update the role, qualification, health certificate or criminal-record check dates, or
    record that the person left."""
    staff = services.staff_update(
        actor=request.user, staff_id=staff_id, **_changes(payload, STAFF_NULLABLE)
    )
    return _staff_out(staff)


@router.post(
    "/staff/{staff_id}/trainings",
    response={201: TrainingOut, **errors(401, 403, 404, 422)},
    summary="登记培训",
)
def training_record(request: AuthedRequest, staff_id: int, payload: TrainingIn) -> Status[dict]:
    record: TrainingRecord = services.training_record(
        actor=request.user, staff_id=staff_id, **payload.model_dump()
    )
    return Status(
        201,
        {
            "id": record.pk,
            "staff_id": record.staff_id,
            "date": record.date,
            "topic": record.topic,
            "hours": record.hours,
        },
    )


# --------------------------------------------------------------------------- safety, guidance


class SafetyRecordIn(StrictIn):
    kind: Literal["plan", "drill", "incident"] = Field(
        description="plan 应急预案，drill 应急演练，incident 安全事件"
    )
    date: Date
    title: Annotated[str, Field(min_length=1, max_length=100)]
    details: Annotated[str, Field(max_length=5000)] = ""


class SafetyRecordOut(Schema):
    id: int
    institution_id: int
    kind: Literal["plan", "drill", "incident"]
    kind_label: str
    date: dt.date
    title: str
    details: str


class GuidanceVisitIn(StrictIn):
    date: Date
    partner: Annotated[str, Field(max_length=100, description="默认为机构的医育结合合作机构")] = ""
    notes: Annotated[str, Field(min_length=1, max_length=5000)]


class GuidanceVisitOut(Schema):
    id: int
    institution_id: int
    date: dt.date
    partner: str
    notes: str


@router.post(
    "/institutions/{institution_id}/safety-records",
    response={201: SafetyRecordOut, **errors(401, 403, 404, 422)},
    summary="登记应急预案、演练或安全事件",
)
def safety_record_create(
    request: AuthedRequest, institution_id: int, payload: SafetyRecordIn
) -> Status[dict]:
    """An emergency plan, a drill or an incident report."""
    record: SafetyRecord = services.safety_record_create(
        actor=request.user,
        institution_id=institution_id,
        kind=payload.kind,
        on=payload.date,
        title=payload.title,
        details=payload.details,
    )
    return Status(
        201,
        {
            "id": record.pk,
            "institution_id": record.institution_id,
            "kind": record.kind,
            "kind_label": record.get_kind_display(),
            "date": record.date,
            "title": record.title,
            "details": record.details,
        },
    )


@router.post(
    "/institutions/{institution_id}/guidance-visits",
    response={201: GuidanceVisitOut, **errors(401, 403, 404, 422)},
    summary="登记卫生保健指导",
)
def guidance_visit_record(
    request: AuthedRequest, institution_id: int, payload: GuidanceVisitIn
) -> Status[dict]:
    """A guidance visit of the partner health institution (医育结合)."""
    visit: GuidanceVisit = services.guidance_visit_record(
        actor=request.user,
        institution_id=institution_id,
        on=payload.date,
        partner=payload.partner,
        notes=payload.notes,
    )
    return Status(
        201,
        {
            "id": visit.pk,
            "institution_id": visit.institution_id,
            "date": visit.date,
            "partner": visit.partner,
            "notes": visit.notes,
        },
    )


__all__ = ["router"]
