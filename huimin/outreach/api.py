"""API of community outreach, on the pages' selectors and permissions: activities (list with
type, region and year filters; one activity with its sessions, volunteers and figures),
follow-ups (list with status, region, owner and overdue filters; one follow-up with its
events) and the per-county totals. Read only; 404 outside the user's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from huimin.core.api import PageOut, PageQuery, QueryText, errors, filters_of, page_of
from huimin.core.http import AuthedRequest
from huimin.core.models import Event
from huimin.core.pages import require
from huimin.core.rules import Perm
from huimin.core.selectors import WorkdayCalendar
from huimin.outreach import selectors
from huimin.outreach.models import Activity, FollowUp

router = Router(tags=["走访慰问与志愿服务 outreach"])

ActivityKind = Literal["home_visit", "volunteer", "cultural", "class", "on_site"]
NeedKind = Literal["heating", "medical", "benefit", "repair", "other"]
FollowUpStatus = Literal["open", "done", "cancelled"]


# --------------------------------------------------------------------------- activities


class ActivityListQuery(PageQuery):
    kind: Literal["", ActivityKind] = ""
    region: QueryText = Field("", max_length=12, description="区划代码：活动地点在该区域及下级")
    year: int | None = Field(None, ge=2004, le=2099, description="活动开始的年度")
    q: QueryText = Field("", max_length=50, description="活动名称或组织单位包含")


class ActivityItemOut(Schema):
    id: int
    kind: ActivityKind
    kind_label: str
    title: str
    organiser: str
    partners: str
    county_code: str
    region_code: str
    place: str
    starts_on: dt.date
    ends_on: dt.date
    head_count: int


class ActivityPageOut(PageOut):
    items: list[ActivityItemOut]


class SessionOut(Schema):
    held_on: dt.date
    topic: str
    attendance: int


class VolunteerOut(Schema):
    name: str
    in_registry: bool
    hours: Decimal


class ActivityOut(ActivityItemOut):
    address: str
    report: str
    beneficiaries: int = Field(description="逐一登记的服务对象（户或人）")
    attendances: int = Field(description="各场次到课人数之和")
    served: int = Field(description="服务人次：服务对象、现场服务人数和到课人数之和")
    volunteer_hours: Decimal
    sessions: list[SessionOut]
    volunteers: list[VolunteerOut]


def _activity_item(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "title": a.title,
        "organiser": a.organiser,
        "partners": a.partners,
        "county_code": a.county.code,
        "region_code": a.region.code,
        "place": a.region.name,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "head_count": a.head_count,
    }


@router.get(
    "/activities",
    response={200: ActivityPageOut, **errors(401, 403, 404, 422)},
    summary="活动列表",
)
def activity_list(request: AuthedRequest, query: Query[ActivityListQuery]) -> dict:
    """Activities in the user's scope, newest first. 404: a region outside the scope."""
    rows = selectors.activity_list_for_user(
        user=request.user, filters=filters_of(query, selectors.ActivityFilters)
    )
    return page_of(rows, query, _activity_item)


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, **errors(401, 403, 404, 422)},
    summary="活动详情",
)
def activity_get(request: AuthedRequest, activity_id: int) -> dict:
    """One activity with its sessions, volunteers and what it served."""
    a = selectors.activity_get_for_user(user=request.user, activity_id=activity_id)
    figures = selectors.activity_figures(a)
    return {
        **_activity_item(a),
        "address": a.address,
        "report": a.report,
        "beneficiaries": figures.beneficiaries,
        "attendances": figures.attendances,
        "served": figures.served,
        "volunteer_hours": figures.volunteer_hours,
        "sessions": [
            {"held_on": s.held_on, "topic": s.topic, "attendance": s.attendance}
            for s in a.sessions.all()
        ],
        "volunteers": [
            {"name": v.name, "in_registry": v.person_id is not None, "hours": v.hours}
            for v in a.volunteers.all()
        ],
    }


# --------------------------------------------------------------------------- follow-ups


class FollowUpListQuery(PageQuery):
    status: Literal["", FollowUpStatus] = ""
    region: QueryText = Field("", max_length=12, description="区划代码：在该区域及下级")
    owner: int | None = Field(None, ge=1, description="负责人（用户编号）")
    kind: Literal["", NeedKind] = ""
    overdue: bool = Field(False, description="true：只看逾期未办的")
    year: int | None = Field(None, ge=2004, le=2099, description="发现需求的年度")


class FollowUpItemOut(Schema):
    id: int
    kind: NeedKind
    kind_label: str
    description: str
    benefit: str
    county_code: str
    region_code: str
    place: str
    owner: str
    found_on: dt.date
    deadline: dt.date = Field(description="办理期限（工作日）")
    deadline_provisional: bool
    days_left: int | None = Field(description="剩余工作日，负数为逾期；已关闭为空")
    status: FollowUpStatus
    status_label: str
    closed_on: dt.date | None


class FollowUpPageOut(PageOut):
    items: list[FollowUpItemOut]


class EventOut(Schema):
    at: dt.datetime
    actor: str
    from_status: str
    to_status: str
    reason: str


class FollowUpOut(FollowUpItemOut):
    visited_on: dt.date
    situation: str
    events: list[EventOut]


def _followup_item(f: FollowUp, calendar: WorkdayCalendar, today: dt.date) -> dict[str, Any]:
    return {
        "id": f.pk,
        "kind": f.kind,
        "kind_label": f.get_kind_display(),
        "description": f.description,
        "benefit": f.benefit,
        "county_code": f.county.code,
        "region_code": f.region.code,
        "place": f.region.name,
        "owner": str(f.owner),
        "found_on": f.found_on,
        "deadline": f.deadline,
        "deadline_provisional": f.deadline_provisional,
        "days_left": selectors.days_left(f, today, calendar),
        "status": f.status,
        "status_label": f.get_status_display(),
        "closed_on": f.closed_on,
    }


@router.get(
    "/followups",
    response={200: FollowUpPageOut, **errors(401, 403, 404, 422)},
    summary="走访跟进事项列表",
)
def followup_list(request: AuthedRequest, query: Query[FollowUpListQuery]) -> dict:
    """Follow-ups in the user's scope: open ones by deadline first."""
    calendar, today = WorkdayCalendar(), timezone.localdate()
    rows = selectors.followup_list_for_user(
        user=request.user, filters=filters_of(query, selectors.FollowUpFilters), today=today
    ).select_related("county")
    return page_of(rows, query, lambda f: _followup_item(f, calendar, today))


@router.get(
    "/followups/{followup_id}",
    response={200: FollowUpOut, **errors(401, 403, 404, 422)},
    summary="走访跟进事项详情",
)
def followup_get(request: AuthedRequest, followup_id: int) -> dict:
    """One follow-up with its visit and its state changes."""
    f = selectors.followup_get_for_user(user=request.user, followup_id=followup_id)
    events = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(FollowUp), object_id=f.pk
    ).select_related("actor")
    return {
        **_followup_item(f, WorkdayCalendar(), timezone.localdate()),
        "visited_on": f.visit.visited_on,
        "situation": f.visit.situation,
        "events": [
            {
                "at": e.created_at,
                "actor": str(e.actor) if e.actor else "系统",
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason": e.reason,
            }
            for e in events
        ],
    }


# --------------------------------------------------------------------------- totals


class TotalsQuery(Schema):
    year: int = Field(ge=2004, le=2099, description="年度")


class CountyTotalsOut(Schema):
    county_code: str
    activities: int
    attendances: int
    volunteer_hours: Decimal
    followups_open: int
    followups_overdue: int


@router.get(
    "/totals",
    response={200: list[CountyTotalsOut], **errors(401, 403, 422)},
    summary="各县（市、区）走访慰问与志愿服务汇总",
)
def totals(request: AuthedRequest, query: Query[TotalsQuery]) -> list[dict]:
    """Per county in the user's scope: activities and people served in the year, volunteer
    hours, follow-ups open and overdue now."""
    require(request.user, Perm.OUTREACH_VIEW)
    return [
        {"county_code": code, **t.__dict__}
        for code, t in selectors.outreach_totals_by_county(request.user, year=query.year).items()
    ]
