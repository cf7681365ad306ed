"""API of the subsidy module: the public entitlement quote; applications (submit, review,
confirm, hukou moves, deaths, bank account), the roster import; payment batches (create,
progress and totals, lines, the checker's decision).

Each endpoint parses, resolves through a scoped selector (404 outside the user's scope, so
existence never leaks), calls one service and returns. Resident IDs, bank accounts and phone
numbers are masked in every output. Bodies inherit ``StrictIn``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from huimin.core import rules as core_rules
from huimin.core.api import (
    TYPED_NUMBER,
    Date,
    ErrorOut,
    IsoDate,
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
from huimin.core.errors import InvalidInput
from huimin.core.http import AuthedRequest
from huimin.core.models import User
from huimin.core.selectors import WorkdayCalendar
from huimin.subsidy import imports, rules, selectors, services
from huimin.subsidy.models import Application, PaymentBatch, PaymentLine

router = Router(tags=["育儿补贴 subsidy"])


Yuan = Annotated[str, Field(pattern=r"^\d+\.\d{2}$", examples=["3600.00"], description="元")]


class QuoteQuery(Schema):
    birth_date: IsoDate = Field(description="孩子的出生日期 YYYY-MM-DD", examples=["2023-12-15"])


class QuoteYearOut(Schema):
    year: int = Field(description="发放年度")
    months: int = Field(description="该年度应发月数")
    amount: Yuan


class QuoteOut(Schema):
    eligible: bool = Field(description="是否可领取育儿补贴")
    total_months: int
    total_amount: Yuan
    years: list[QuoteYearOut]


@router.get(
    "/quote",
    auth=None,
    url_name="subsidy_quote",
    response={200: QuoteOut, **errors(422)},
    summary="按出生日期测算育儿补贴",
)
def quote(request: HttpRequest, query: Query[QuoteQuery]) -> dict[str, Any]:
    """The months and amount of the childcare subsidy owed for a birth date, per calendar year
    and in total (《育儿补贴制度实施方案》: 300 yuan a month up to the third birthday, or three
    full years for children born from 2025 on). No login. 422 with a Chinese ``detail`` for a
    malformed date, a future date or one before 1900."""
    return rules.quote_json(selectors.entitlement_quote(birth_date=query.birth_date))


# --------------------------------------------------------------------------- shared types

ApplicationStatus = Literal["submitted", "township_approved", "confirmed", "rejected"]
ApplicationChannel = Literal["online", "counter", "roster"]
RelationValue = Literal["father", "mother", "guardian"]
HolderValue = Literal["applicant", "child"]
BatchStatus = Literal["created", "running", "built", "approved", "settled", "rejected"]
LineStatus = Literal["pending", "paid", "failed", "cancelled"]
Reason = Annotated[str, Field(max_length=500, description="意见或原因；不通过、退回时必填")]

#: Roster files larger than this are refused before they are read.
ROSTER_MAX_BYTES = 10 * 1024 * 1024


class PersonBriefOut(Schema):
    """A person with the resident ID masked (``1408**************``)."""

    id: int
    name: str
    resident_id: str


class ChildOut(PersonBriefOut):
    birth_date: dt.date
    sex: Literal["M", "F"]


# --------------------------------------------------------------------------- applications


class ApplicationListQuery(PageQuery):
    q: QueryText = Field("", max_length=50, description="儿童或申请人姓名包含，或完整身份证号")
    region: QueryText = Field("", max_length=12, description="区划代码：孩子户籍在该区域及下级")
    status: Literal["", ApplicationStatus] = ""
    channel: Literal["", ApplicationChannel] = ""
    overdue: bool = Field(False, description="true：只看已超过办理期限的待办申请")
    submitted_from: IsoDate | None = Field(None, description="申请日期从 YYYY-MM-DD")
    submitted_to: IsoDate | None = Field(None, description="申请日期至 YYYY-MM-DD")


class ClockOut(Schema):
    deadline: dt.date | None = Field(description="办结时限（申请后30个工作日）")
    working_days_left: int | None = Field(
        description="距办结时限的工作日数：当天为0，逾期为负；节假日安排未公布时为 null"
    )
    overdue: bool
    pending_year: int | None = Field(description="尚未录入节假日安排、因而无法计算时限的年度")


class ApplicationItemOut(Schema):
    id: int = Field(description="申请编号")
    child: ChildOut
    applicant: PersonBriefOut
    relation: RelationValue
    relation_label: str
    region_code: str = Field(description="孩子户籍所在地区划代码")
    region_name: str
    status: ApplicationStatus
    status_label: str
    channel: ApplicationChannel
    channel_label: str
    submitted_on: dt.date
    deadline: dt.date | None = Field(description="办结时限；待审核、待确认之外为 null")
    deadline_provisional: bool = Field(
        description="期限计入的日子里有国务院放假通知尚未录入的年份（按法定节假日暂定推算）"
    )
    working_days_left: int | None
    overdue: bool
    last_year: int | None = Field(description="发放截止年度（死亡或迁出本市后）")


class ApplicationPageOut(PageOut):
    items: list[ApplicationItemOut]


class ApplicationDecisionOut(Schema):
    level: Literal["township", "county"]
    level_label: str
    outcome: Literal["approve", "reject"]
    outcome_label: str
    reason: str
    actor: str
    decided_at: dt.datetime


class EntitlementYearOut(Schema):
    year: int = Field(description="发放年度")
    months: int = Field(description="该年度应发月数")
    amount: Yuan
    paid: bool = Field(description="该年度已发放成功")


class ApplicationLineOut(Schema):
    id: int
    batch_id: int
    batch_name: str
    year: int
    months: int
    amount: Yuan
    status: LineStatus
    status_label: str
    failure_reason: str
    settled_on: dt.date | None


class ApplicationOut(ApplicationItemOut):
    birth_certificate: str = Field(description="出生医学证明编号")
    previous_region_code: str | None = Field(description="户籍迁移前的户籍所在地")
    previous_region_name: str | None
    region_from_year: int = Field(description="现户籍所在地发放起始年度")
    stop_reason: str
    bank_name: str
    bank_account: str = Field(description="银行账号（脱敏）")
    account_holder: HolderValue
    account_holder_label: str
    account_name: str = Field(description="收款人")
    phone: str = Field(description="联系电话（脱敏）")
    filed_by: str = Field(description="录入人")
    clock: ClockOut | None = Field(description="审核确认时限；已办结的为 null")
    decisions: list[ApplicationDecisionOut]
    entitlement_total_months: int
    entitlement_total_amount: Yuan
    entitlement: list[EntitlementYearOut] = Field(description="按年度的应发月数和金额")
    lines: list[ApplicationLineOut] = Field(description="发放明细（最新在前）")
    created_at: dt.datetime
    updated_at: dt.datetime


def _clock_out(clock: selectors.ReviewClock | None) -> dict | None:
    if clock is None:
        return None
    return {
        "deadline": clock.deadline,
        "working_days_left": clock.working_days_left,
        "overdue": clock.overdue,
        "pending_year": clock.pending_year,
    }


def _application_item(
    row: Application, *, calendar: WorkdayCalendar, today: dt.date
) -> dict[str, Any]:
    clock = selectors.application_clock(row, today=today, calendar=calendar)
    return {
        "id": row.pk,
        "child": {
            **person_brief(row.child),
            "birth_date": row.child_birth_date,
            "sex": row.child.sex,
        },
        "applicant": person_brief(row.applicant),
        "relation": row.relation,
        "relation_label": row.get_relation_display(),
        "region_code": row.region.code,
        "region_name": row.region.name,
        "status": row.status,
        "status_label": row.get_status_display(),
        "channel": row.channel,
        "channel_label": row.get_channel_display(),
        "submitted_on": row.submitted_on,
        "deadline": clock.deadline if clock else None,
        "deadline_provisional": bool(clock and row.deadline_provisional),
        "working_days_left": clock.working_days_left if clock else None,
        "overdue": clock.overdue if clock else False,
        "last_year": row.last_year,
    }


def _application_renderer() -> Callable[[Application], dict[str, Any]]:
    calendar, today = WorkdayCalendar(), services.today()
    return lambda row: _application_item(row, calendar=calendar, today=today)


def _application_out(user: User, application_id: int) -> dict[str, Any]:
    row = selectors.application_get_for_user(user=user, application_id=application_id)
    calendar, today = WorkdayCalendar(), services.today()
    lines = list(selectors.application_lines(row))
    paid_years = {line.year for line in lines if line.status == PaymentLine.Status.PAID}
    entitlement = selectors.application_entitlement(row)
    previous = row.previous_region
    return {
        **_application_item(row, calendar=calendar, today=today),
        "birth_certificate": row.birth_certificate,
        "previous_region_code": previous.code if previous else None,
        "previous_region_name": previous.name if previous else None,
        "region_from_year": row.region_from_year,
        "stop_reason": row.stop_reason,
        "bank_name": row.bank_name,
        "bank_account": row.masked_bank_account,
        "account_holder": row.account_holder,
        "account_holder_label": row.get_account_holder_display(),
        "account_name": row.account_name,
        "phone": core_rules.mask_phone(row.phone),
        "filed_by": str(row.filed_by),
        "clock": _clock_out(selectors.application_clock(row, today=today, calendar=calendar)),
        "decisions": [
            {
                "level": d.level,
                "level_label": d.get_level_display(),
                "outcome": d.outcome,
                "outcome_label": d.get_outcome_display(),
                "reason": d.reason,
                "actor": str(d.actor),
                "decided_at": d.decided_at,
            }
            for d in selectors.application_decisions(row)
        ],
        "entitlement_total_months": entitlement.total_months,
        "entitlement_total_amount": yuan(entitlement.total_amount_fen),
        "entitlement": [
            {
                "year": y.year,
                "months": y.months,
                "amount": yuan(y.amount_fen),
                "paid": y.year in paid_years,
            }
            for y in entitlement.years
        ],
        "lines": [
            {
                "id": line.pk,
                "batch_id": line.batch_id,
                "batch_name": line.batch.name,
                "year": line.year,
                "months": line.months,
                "amount": yuan(line.amount_fen),
                "status": line.status,
                "status_label": line.get_status_display(),
                "failure_reason": line.failure_reason,
                "settled_on": line.settled_on,
            }
            for line in lines
        ],
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


class ApplicationIn(StrictIn):
    """A guardian applies for their own child (the applicant is the account's person), or a
    county or township official enters an application on a guardian's behalf (then
    ``applicant_name`` and ``applicant_resident_id`` are required)."""

    child_name: Annotated[str, Field(min_length=1, max_length=50)]
    child_resident_id: Annotated[str, Field(min_length=1, max_length=20), TYPED_NUMBER]
    birth_certificate: Annotated[
        str, Field(min_length=1, max_length=20, examples=["Q140123456"]), TYPED_NUMBER
    ]
    region_code: Annotated[
        str, Field(min_length=1, max_length=12, description="孩子户籍所在乡镇（街道）或村的代码")
    ]
    relation: RelationValue = Field(description="申请人与孩子的关系")
    bank_name: Annotated[str, Field(min_length=1, max_length=50)]
    bank_account: Annotated[str, Field(min_length=1, max_length=40), TYPED_NUMBER]
    account_holder: HolderValue = "applicant"
    phone: Annotated[str, Field(max_length=20), TYPED_NUMBER] = ""
    applicant_name: Annotated[str, Field(max_length=50, description="工作人员代办时必填")] = ""
    applicant_resident_id: Annotated[
        str, Field(max_length=20, description="工作人员代办时必填"), TYPED_NUMBER
    ] = ""


class DecisionIn(StrictIn):
    approve: bool = Field(description="true 通过；false 不通过（须填写原因）")
    reason: Reason = ""


class HukouMoveIn(StrictIn):
    moved_on: Date = Field(description="户籍迁移日期")
    region_code: Annotated[
        str, Field(max_length=12, description="迁入地（本市乡镇或村）代码；迁出本市时留空")
    ] = ""
    out_of_city: bool = Field(False, description="true：迁出本市，迁移当年之后停发")
    reason: Reason = ""


class DeathIn(StrictIn):
    died_on: Date = Field(description="死亡日期")
    reason: Reason = ""


class BankIn(StrictIn):
    bank_name: Annotated[str, Field(min_length=1, max_length=50)]
    bank_account: Annotated[str, Field(min_length=1, max_length=40), TYPED_NUMBER]
    account_holder: HolderValue = "applicant"


def _changed(
    request: AuthedRequest,
    application_id: int,
    service: Callable[..., Application],
    payload: StrictIn,
) -> dict[str, Any]:
    """Call one service on the application with the body's fields; the application as it is
    then."""
    service(actor=request.user, application_id=application_id, **payload.model_dump())
    return _application_out(request.user, application_id)


@router.get(
    "/applications",
    response={200: ApplicationPageOut, **errors(401, 403, 404, 422)},
    summary="育儿补贴申请列表",
)
def application_list(request: AuthedRequest, query: Query[ApplicationListQuery]) -> dict:
    """Applications in the user's regions (a guardian: the ones they made or are the applicant
    of), newest first, filtered and paginated, with the review deadline of each open one. A
    region outside the user's scope is 404. Resident IDs are masked."""
    rows = selectors.application_list_for_user(
        user=request.user,
        filters=filters_of(query, selectors.ApplicationFilters),
        today=services.today(),
    )
    return page_of(rows, query, _application_renderer())


@router.post(
    "/applications",
    response={201: ApplicationOut, **errors(401, 403, 404, 409, 422)},
    summary="提交育儿补贴申请",
)
def application_submit(request: AuthedRequest, payload: ApplicationIn) -> Status[dict]:
    """A guardian applies online, or an official enters an application for a guardian. Every
    problem is reported at once (422); a second application for the same child or birth
    certificate is 409 with the existing one's number and status."""
    application = services.application_submit(
        actor=request.user, data=services.ApplicationInput(**payload.model_dump())
    )
    return Status(201, _application_out(request.user, application.pk))


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **errors(401, 403, 404, 422)},
    summary="育儿补贴申请详情",
)
def application_get(request: AuthedRequest, application_id: int) -> dict:
    """One application with its review decisions, the months and amount owed per year, the
    payment lines and the review clock. Numbers are masked."""
    return _application_out(request.user, application_id)


@router.post(
    "/applications/{application_id}/review",
    response={200: ApplicationOut, **errors(401, 403, 404, 409, 422)},
    summary="乡镇审核",
)
def application_review(request: AuthedRequest, application_id: int, payload: DecisionIn) -> dict:
    """The township passes the application on to the county, or refuses it with a reason."""
    return _changed(request, application_id, services.application_review, payload)


@router.post(
    "/applications/{application_id}/confirm",
    response={200: ApplicationOut, **errors(401, 403, 404, 409, 422)},
    summary="县级确认",
)
def application_confirm(request: AuthedRequest, application_id: int, payload: DecisionIn) -> dict:
    """The county confirms a reviewed application (the child is paid from the next batch),
    or refuses it with a reason."""
    return _changed(request, application_id, services.application_confirm, payload)


@router.post(
    "/applications/{application_id}/hukou-move",
    response={200: ApplicationOut, **errors(401, 403, 404, 422)},
    summary="登记户籍迁移",
)
def application_hukou_move(
    request: AuthedRequest, application_id: int, payload: HukouMoveIn
) -> dict:
    """The child's hukou moved: the new place pays from the next payment year; a move out of
    the city stops payment after the year of the move."""
    return _changed(request, application_id, services.application_hukou_move, payload)


@router.post(
    "/applications/{application_id}/death",
    response={200: ApplicationOut, **errors(401, 403, 404, 422)},
    summary="登记儿童死亡",
)
def application_death(request: AuthedRequest, application_id: int, payload: DeathIn) -> dict:
    """Nothing is paid after the year of death; the child is marked deceased."""
    return _changed(request, application_id, services.application_child_death, payload)


@router.post(
    "/applications/{application_id}/bank",
    response={200: ApplicationOut, **errors(401, 403, 404, 422)},
    summary="变更收款账户",
)
def application_bank(request: AuthedRequest, application_id: int, payload: BankIn) -> dict:
    """Correct the account the child is paid to; lines already written keep their account."""
    return _changed(request, application_id, services.application_bank_change, payload)


# --------------------------------------------------------------------------- roster


class RosterOut(Schema):
    created: int = Field(description="导入的申请数（均为待乡镇审核）")


class RowErrorOut(Schema):
    row: int = Field(description="Excel 行号（第1行为列名）")
    column: str
    message: str


class RosterErrorOut(ErrorOut):
    rows: list[RowErrorOut] = Field([], description="逐行列出的错误；有错误时未导入任何数据")


@router.post(
    "/roster",
    response={201: RosterOut, 422: RosterErrorOut, **errors(401, 403)},
    summary="导入育儿补贴名册",
)
def roster_import(request: AuthedRequest, file: File[UploadedFile]) -> Status[dict]:
    """Import a roster ``.xlsx`` (multipart ``file``; columns as in the template of the roster
    page): every row becomes an application waiting for the township's review, or, if any row
    has a problem, nothing is imported and 422 lists every problem by row and column."""
    if (file.size or 0) > ROSTER_MAX_BYTES:
        raise InvalidInput("文件超过10 MB，请拆分后分批导入。")
    try:
        result = imports.roster_import(actor=request.user, content=file.read())
    except imports.ImportRejected as exc:
        return Status(
            422,
            {
                "detail": exc.message,
                "code": exc.code,
                "errors": [],
                "rows": [
                    {"row": e.row, "column": e.column, "message": e.message} for e in exc.errors
                ],
            },
        )
    return Status(201, {"created": result.created})


# --------------------------------------------------------------------------- batches


class BatchListQuery(PageQuery):
    year: int | None = Field(None, ge=2025, le=2100, description="发放年度")
    status: Literal["", BatchStatus] = ""


class BatchItemOut(Schema):
    id: int
    name: str
    year: int = Field(description="发放年度")
    region_code: str = Field(description="发放区域（全市或县）")
    region_name: str
    status: BatchStatus
    status_label: str
    percent: int = Field(description="生成进度（%）")
    line_count: int = Field(description="明细笔数")
    total_amount: Yuan
    paid_count: int
    paid_amount: Yuan
    failed_count: int
    created_by: str = Field(description="制单人")
    created_at: dt.datetime


class BatchPageOut(PageOut):
    items: list[BatchItemOut]


class BatchTotalsOut(Schema):
    """The batch's lines summed now, by status."""

    lines: int = Field(description="全部明细笔数（含作废）")
    amount: Yuan = Field(description="未作废明细的金额合计")
    pending: int
    paid: int
    paid_amount: Yuan
    failed: int
    failed_amount: Yuan
    cancelled: int


class BatchDecisionOut(Schema):
    outcome: Literal["approve", "reject"]
    outcome_label: str
    reason: str
    actor: str
    decided_at: dt.datetime


class BatchOut(BatchItemOut):
    expected: int = Field(description="预计人数")
    processed: int = Field(description="已处理人数")
    month_amount: Yuan = Field(description="每月标准")
    started_at: dt.datetime | None
    built_at: dt.datetime | None
    updated_at: dt.datetime
    totals: BatchTotalsOut
    totals_match: bool | None = Field(
        description="批次记录的合计与明细之和一致；生成中、待生成和已退回的批次为 null"
    )
    decisions: list[BatchDecisionOut]


class BatchIn(StrictIn):
    year: int = Field(ge=2000, le=2100, description="发放年度")
    region_code: Annotated[str, Field(min_length=1, max_length=12, description="全市或县的代码")]
    name: Annotated[str, Field(max_length=100, description="批次名称；留空自动命名")] = ""


class LineListQuery(PageQuery):
    status: Literal["", LineStatus] = ""
    region: QueryText = Field("", max_length=12, description="发放地区划代码：该区域及下级")
    q: QueryText = Field("", max_length=50, description="收款人姓名包含，或完整儿童身份证号")


class LineOut(Schema):
    id: int
    application_id: int
    child: PersonBriefOut
    year: int
    months: int
    amount: Yuan
    region_code: str = Field(description="发放地")
    region_name: str
    account_name: str = Field(description="收款人")
    bank_name: str
    bank_account: str = Field(description="银行账号（脱敏）")
    status: LineStatus
    status_label: str
    failure_reason: str
    settled_on: dt.date | None


class LinePageOut(PageOut):
    items: list[LineOut]


def _batch_item(row: PaymentBatch) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "year": row.year,
        "region_code": row.region.code,
        "region_name": row.region.name,
        "status": row.status,
        "status_label": row.get_status_display(),
        "percent": row.percent,
        "line_count": row.line_count,
        "total_amount": yuan(row.total_fen),
        "paid_count": row.paid_count,
        "paid_amount": yuan(row.paid_fen),
        "failed_count": row.failed_count,
        "created_by": str(row.created_by),
        "created_at": row.created_at,
    }


def _batch_out(user: User, batch_id: int) -> dict[str, Any]:
    row = selectors.batch_get_for_user(user=user, batch_id=batch_id)
    totals = selectors.batch_totals(row)
    return {
        **_batch_item(row),
        "expected": row.expected,
        "processed": row.processed,
        "month_amount": yuan(row.fen_per_month),
        "started_at": row.started_at,
        "built_at": row.built_at,
        "updated_at": row.updated_at,
        "totals": {
            "lines": totals.lines,
            "amount": yuan(totals.amount_fen),
            "pending": totals.pending,
            "paid": totals.paid,
            "paid_amount": yuan(totals.paid_fen),
            "failed": totals.failed,
            "failed_amount": yuan(totals.failed_fen),
            "cancelled": totals.cancelled,
        },
        "totals_match": (
            totals.matches(row) if row.status in selectors.COMPARABLE_STATUSES else None
        ),
        "decisions": [
            {
                "outcome": d.outcome,
                "outcome_label": d.get_outcome_display(),
                "reason": d.reason,
                "actor": str(d.actor),
                "decided_at": d.decided_at,
            }
            for d in row.decisions.select_related("actor")
        ],
    }


def _line_out(row: PaymentLine) -> dict[str, Any]:
    return {
        "id": row.pk,
        "application_id": row.application_id,
        "child": person_brief(row.child),
        "year": row.year,
        "months": row.months,
        "amount": yuan(row.amount_fen),
        "region_code": row.region.code,
        "region_name": row.region.name,
        "account_name": row.account_name,
        "bank_name": row.bank_name,
        "bank_account": row.masked_bank_account,
        "status": row.status,
        "status_label": row.get_status_display(),
        "failure_reason": row.failure_reason,
        "settled_on": row.settled_on,
    }


@router.get(
    "/batches",
    response={200: BatchPageOut, **errors(401, 403, 422)},
    summary="发放批次列表",
)
def batch_list(request: AuthedRequest, query: Query[BatchListQuery]) -> dict:
    """Payment batches of the user's regions, newest first, with progress and totals."""
    batches = selectors.batch_list_for_user(user=request.user, year=query.year, status=query.status)
    return page_of(batches, query, _batch_item)


@router.post(
    "/batches",
    response={201: BatchOut, **errors(401, 403, 404, 422)},
    summary="创建发放批次",
)
def batch_create(request: AuthedRequest, payload: BatchIn) -> Status[dict]:
    """A finance officer opens a batch for a payment year and a region (the city or a
    county); a background task then writes one line per confirmed child owed money for that
    year and not yet paid. Follow its progress with GET /batches/{id}."""
    batch = services.batch_create(actor=request.user, **payload.model_dump())
    return Status(201, _batch_out(request.user, batch.pk))


@router.get(
    "/batches/{batch_id}",
    response={200: BatchOut, **errors(401, 403, 404, 422)},
    summary="发放批次详情",
)
def batch_get(request: AuthedRequest, batch_id: int) -> dict:
    """Status, build progress, the stored totals next to the sum of the lines, and the
    checker's decisions."""
    return _batch_out(request.user, batch_id)


@router.get(
    "/batches/{batch_id}/lines",
    response={200: LinePageOut, **errors(401, 403, 404, 422)},
    summary="发放明细",
)
def batch_lines(request: AuthedRequest, batch_id: int, query: Query[LineListQuery]) -> dict:
    """A batch's payment lines in order, filtered and paginated; numbers masked."""
    batch = selectors.batch_get_for_user(user=request.user, batch_id=batch_id)
    lines = selectors.batch_lines(batch, filters_of(query, selectors.LineFilters))
    return page_of(lines, query, _line_out)


@router.post(
    "/batches/{batch_id}/decision",
    response={200: BatchOut, **errors(401, 403, 404, 409, 422)},
    summary="复核发放批次",
)
def batch_decide(request: AuthedRequest, batch_id: int, payload: DecisionIn) -> dict:
    """A second finance officer approves a built batch, or sends it back with a reason (its
    lines are void and the children go into a new batch). The maker may not check their own
    batch (403)."""
    services.batch_decide(actor=request.user, batch_id=batch_id, **payload.model_dump())
    return _batch_out(request.user, batch_id)
