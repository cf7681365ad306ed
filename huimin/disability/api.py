"""API of the disability certificate home service: read endpoints with the pages' selectors
and permissions — cases (the queue with priority reasons and the clock), one case, teams and
their routes, certificates, the public posting (masked name and village only) and the
dashboard figures.

Each endpoint parses, resolves through a scoped selector (404 outside the user's scope) and
returns. The posting needs no login and carries no ID and no diagnosis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from huimin.core.api import PageOut, PageQuery, QueryText, errors, filters_of, page_of
from huimin.core.http import AuthedRequest
from huimin.core.selectors import WorkdayCalendar
from huimin.disability import rules, selectors
from huimin.disability.models import Case, Certificate, Team

router = Router(tags=["残疾人证上门办理 disability"])

CaseStatus = Literal[
    "requested",
    "scheduled",
    "visited",
    "assessed",
    "posted",
    "approved",
    "certified",
    "not_qualified",
    "refused",
    "withdrawn",
]
FlagValue = Literal["multiple_in_household", "elderly_carer", "severe", "living_alone", "bedridden"]


# --------------------------------------------------------------------------- cases


class CaseListQuery(PageQuery):
    status: Literal["", CaseStatus] = ""
    region: QueryText = Field("", max_length=12, description="区划代码：所在村在该区域及下级")
    q: QueryText = Field("", max_length=50, description="残疾人姓名包含")
    overdue: bool = Field(False, description="true：只看超过15个工作日未办结的")
    flag: Literal["", FlagValue] = Field("", description="只看有该优先原因的")
    team: int | None = Field(None, ge=1, description="上门服务组")


class CaseItemOut(Schema):
    id: int
    number: str
    kind: str
    status: CaseStatus
    status_label: str
    person_name: str
    village: str
    township: str
    priority: int
    reasons: list[FlagValue]
    reasons_text: str
    requested_at: dt.datetime
    visited_on: dt.date | None
    deadline: dt.date | None = Field(description="办结期限：上门之日起15个工作日")
    days_left: int | None = Field(description="剩余工作日，负数为逾期；未开始计时为空")
    completed_on: dt.date | None
    category: int | None
    grade: int | None


class CasePageOut(PageOut):
    items: list[CaseItemOut]


class ImpairmentOut(Schema):
    category: int
    grade: int
    basis: str


class CaseOut(CaseItemOut):
    multiple_in_household: bool
    team_id: int | None
    stop: int | None
    posted_on: dt.date | None
    posting_ends: dt.date | None
    objection_until: dt.date | None
    review_due: dt.date | None
    impairments: list[ImpairmentOut]


def _case_item(case: Case, calendar: WorkdayCalendar, today: dt.date) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "kind": case.kind,
        "status": case.status,
        "status_label": case.get_status_display(),
        "person_name": case.person.name,
        "village": case.region.name,
        "township": case.region.parent.name if case.region.parent else "",
        "priority": case.priority,
        "reasons": list(case.reasons),
        "reasons_text": case.reasons_text,
        "requested_at": case.requested_at,
        "visited_on": case.visited_on,
        "deadline": case.deadline,
        "days_left": selectors.days_left(case, today, calendar),
        "completed_on": case.completed_on,
        "category": case.category,
        "grade": case.grade,
    }


@router.get(
    "/cases",
    response={200: CasePageOut, **errors(401, 403, 404, 422)},
    summary="上门办证申请列表",
)
def case_list(request: AuthedRequest, query: Query[CaseListQuery]) -> dict:
    """Cases in the user's scope (a citizen: the ones they asked for), the queue's order:
    priority first, then first come. 404: a region outside the user's scope."""
    calendar, today = WorkdayCalendar(), timezone.localdate()
    cases = selectors.case_list_for_user(
        user=request.user, filters=filters_of(query, selectors.CaseFilters)
    )
    return page_of(cases, query, lambda c: _case_item(c, calendar, today))


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, **errors(401, 403, 404, 422)},
    summary="上门办证详情",
)
def case_get(request: AuthedRequest, case_id: int) -> dict:
    """One case with its posting dates and the impairments assessed."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    return {
        **_case_item(case, WorkdayCalendar(), timezone.localdate()),
        "multiple_in_household": case.multiple_in_household,
        "team_id": case.team_id,
        "stop": case.stop,
        "posted_on": case.posted_on,
        "posting_ends": case.posting_ends,
        "objection_until": case.objection_until,
        "review_due": case.review_due,
        "impairments": [
            {"category": i.category, "grade": i.grade, "basis": i.basis}
            for i in case.impairments.all()
        ],
    }


# --------------------------------------------------------------------------- teams


class RouteCaseOut(Schema):
    id: int
    person_name: str
    stop: int | None
    reasons_text: str
    status: CaseStatus


class RouteStopOut(Schema):
    village_code: str
    village: str
    cases: list[RouteCaseOut]


class TeamOut(Schema):
    id: int
    day: dt.date
    township_code: str
    township: str
    staff: str
    doctor: str
    hospital: str
    route: list[RouteStopOut]


def _team_out(team: Team) -> dict[str, Any]:
    return {
        "id": team.pk,
        "day": team.day,
        "township_code": team.township.code,
        "township": team.township.name,
        "staff": str(team.staff),
        "doctor": str(team.doctor),
        "hospital": team.hospital,
        "route": [
            {
                "village_code": stop.village.code,
                "village": stop.village.name,
                "cases": [
                    {
                        "id": c.pk,
                        "person_name": c.person.name,
                        "stop": c.stop,
                        "reasons_text": c.reasons_text,
                        "status": c.status,
                    }
                    for c in stop.cases
                ],
            }
            for stop in selectors.route(team)
        ],
    }


@router.get(
    "/teams/{team_id}",
    response={200: TeamOut, **errors(401, 403, 404, 422)},
    summary="上门服务组及当天路线",
)
def team_get(request: AuthedRequest, team_id: int) -> dict:
    """A team and its route, village by village. A doctor sees only their own teams."""
    return _team_out(selectors.team_get_for_user(user=request.user, team_id=team_id))


# --------------------------------------------------------------------------- certificates


class CertificateListQuery(PageQuery):
    region: QueryText = Field("", max_length=12)
    category: int | None = Field(None, ge=1, le=7)
    grade: int | None = Field(None, ge=1, le=4)
    status: Literal["", "valid", "replaced"] = ""


class CertificateOut(Schema):
    id: int
    number: str = Field(description="证号：身份证号前4位之后遮蔽，末两位为类别和等级")
    person_name: str
    village: str
    category: int
    grade: int
    result: str
    issued_on: dt.date
    valid_until: dt.date
    status: Literal["valid", "replaced"]


class CertificatePageOut(PageOut):
    items: list[CertificateOut]


def _certificate_out(cert: Certificate) -> dict[str, Any]:
    return {
        "id": cert.pk,
        "number": rules.certificate_number_masked(cert.number),
        "person_name": cert.person.name,
        "village": cert.region.name,
        "category": cert.category,
        "grade": cert.grade,
        "result": cert.result_text,
        "issued_on": cert.issued_on,
        "valid_until": cert.valid_until,
        "status": cert.status,
    }


@router.get(
    "/certificates",
    response={200: CertificatePageOut, **errors(401, 403, 404, 422)},
    summary="残疾人证列表",
)
def certificate_list(request: AuthedRequest, query: Query[CertificateListQuery]) -> dict:
    """Certificates in the user's scope (a citizen: their own), newest first."""
    rows = selectors.certificate_list_for_user(
        user=request.user, filters=filters_of(query, selectors.CertificateFilters)
    )
    return page_of(rows, query, _certificate_out)


@router.get(
    "/certificates/{certificate_id}",
    response={200: CertificateOut, **errors(401, 403, 404, 422)},
    summary="残疾人证",
)
def certificate_get(request: AuthedRequest, certificate_id: int) -> dict:
    return _certificate_out(
        selectors.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    )


# --------------------------------------------------------------------------- posting


class PostingQuery(Schema):
    county: QueryText = Field("140822", max_length=12, description="县（市、区）区划代码")


class PostingOut(Schema):
    masked_name: str
    village: str
    township: str
    posted_on: dt.date
    posting_ends: dt.date
    objection_until: dt.date


@router.get(
    "/postings",
    auth=None,
    url_name="disability_postings_api",
    response={200: list[PostingOut], **errors(404, 422)},
    summary="残疾评定结果公示",
)
def postings(request: HttpRequest, query: Query[PostingQuery]) -> list[dict[str, Any]]:
    """The results posted now in a county: masked name and village, never the ID or the
    diagnosis. No login. 404: not a county code."""
    return [
        line.__dict__
        for line in selectors.posting_list(county_code=query.county, today=timezone.localdate())
    ]


# --------------------------------------------------------------------------- dashboard


class DashboardQuery(Schema):
    year: int = Field(ge=2000, le=2099)
    region: QueryText = Field("", max_length=12)


class MonthRateOut(Schema):
    month: str
    completed: int
    on_time: int
    percent: float


class TownshipOut(Schema):
    township: str
    visits: int
    certificates: int


class DashboardOut(Schema):
    visits_by_month: dict[str, int]
    certificates_by_category_grade: list[list[int]] = Field(
        description="7 行（类别1–7）× 4 列（等级1–4）"
    )
    on_time: list[MonthRateOut]
    by_township: list[TownshipOut]


@router.get(
    "/dashboard",
    response={200: DashboardOut, **errors(401, 403, 404, 422)},
    summary="上门办证统计",
)
def dashboard(request: AuthedRequest, query: Query[DashboardQuery]) -> dict:
    """Visits by month, certificates by category and grade, the on-time rate per month and
    the figures by township, for a year, in the user's scope."""
    data = selectors.dashboard_for_user(user=request.user, year=query.year, region=query.region)
    return {
        "visits_by_month": dict(data.visits_by_month),
        "certificates_by_category_grade": data.by_category_grade,
        "on_time": [
            {"month": m.month, "completed": m.completed, "on_time": m.on_time, "percent": m.percent}
            for m in data.on_time
        ],
        "by_township": [
            {"township": t, "visits": v, "certificates": c} for t, v, c in data.by_township
        ],
    }
