"""API of demonstration institutions (read endpoints): rounds, applications (with every
evaluator's item scores), awards, training courses with their enrolments, and — without login —
the current demonstration institutions and the policy library's search.

Each endpoint parses, resolves through the same scoped selectors as the pages (404 outside the
user's scope, 403 for a role without the permission) and returns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from huimin.core.api import PageOut, PageQuery, QueryText, errors, page_of, yuan
from huimin.core.http import AuthedRequest
from huimin.demonstration import selectors
from huimin.demonstration.models import (
    Application,
    Award,
    Course,
    PolicyDocument,
    Round,
    Title,
)

router = Router(tags=["示范托育机构 demonstration"])

ApplicationStatus = Literal[
    "submitted",
    "ineligible",
    "not_recommended",
    "recommended",
    "scoring",
    "scored",
    "approved",
    "failed",
]
AwardStatus = Literal["reserved", "requested", "paid"]
Subject = Literal["recognition", "funding", "supervision", "fees", "medical", "demonstration"]


class DemoRoundOut(Schema):
    id: int
    name: str
    level: str
    status: str
    deadline: dt.date
    combine: str
    rubric: str
    award: str = Field(description="每所奖励（元）")
    budget: str
    reserved: str
    paid: str
    left: str


def _round_out(r: Round) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "level": r.level,
        "status": r.status,
        "deadline": r.deadline,
        "combine": r.combine,
        "rubric": str(r.rubric),
        "award": yuan(r.award_fen),
        "budget": yuan(r.budget_fen),
        "reserved": yuan(r.reserved_fen),
        "paid": yuan(r.paid_fen),
        "left": yuan(r.left_fen),
    }


class DemoRoundPageOut(PageOut):
    items: list[DemoRoundOut]


class DemoRoundListQuery(PageQuery):
    status: Literal["", "open", "scoring", "decided", "closed"] = ""


@router.get(
    "/rounds", response={200: DemoRoundPageOut, **errors(401, 403, 422)}, summary="创建批次列表"
)
def round_list(request: AuthedRequest, query: Query[DemoRoundListQuery]) -> dict:
    rounds = selectors.round_list_for_user(user=request.user, status=query.status)
    return page_of(rounds, query, _round_out)


class DemoApplicationItemOut(Schema):
    id: int
    round_id: int
    institution: str
    county: str
    status: str
    status_label: str
    self_score: int
    score: str | None
    grade: str
    vetoed: bool
    submitted_at: dt.datetime


def _application_item(a: Application) -> dict[str, Any]:
    county = a.region if a.region.level == "county" else a.region.parent
    return {
        "id": a.pk,
        "round_id": a.round_id,
        "institution": a.institution.name,
        "county": county.name if county else "",
        "status": a.status,
        "status_label": a.get_status_display(),
        "self_score": a.self_score,
        "score": None if a.score is None else f"{a.score:.1f}",
        "grade": a.grade,
        "vetoed": a.vetoed,
        "submitted_at": a.submitted_at,
    }


class DemoApplicationPageOut(PageOut):
    items: list[DemoApplicationItemOut]


class DemoApplicationListQuery(PageQuery):
    round: int | None = Field(None, ge=1, le=2_000_000_000)
    status: ApplicationStatus | Literal[""] = ""
    region: QueryText = Field("", max_length=12, description="区划代码")
    q: QueryText = Field("", max_length=50, description="机构名称包含")


@router.get(
    "/applications",
    response={200: DemoApplicationPageOut, **errors(401, 403, 404, 422)},
    summary="申报列表",
)
def application_list(request: AuthedRequest, query: Query[DemoApplicationListQuery]) -> dict:
    """Applications in the user's scope (an operator its own, an evaluator those assigned)."""
    qs = selectors.application_list_for_user(
        user=request.user,
        filters=selectors.ApplicationFilters(
            round=query.round, status=query.status, region=query.region, q=query.q
        ),
    )
    return page_of(qs, query, _application_item)


class DemoItemScoreOut(Schema):
    code: str
    points: str
    vetoed: bool
    note: str


class DemoAssignmentOut(Schema):
    evaluator: str
    status: str
    total: str | None
    veto: bool
    items: list[DemoItemScoreOut]


class DemoApplicationOut(DemoApplicationItemOut):
    refusals: list[str]
    evaluations: list[DemoAssignmentOut]


@router.get(
    "/applications/{demo_application_id}",
    response={200: DemoApplicationOut, **errors(401, 403, 404, 422)},
    summary="申报详情（逐项评分）",
)
def application_get(request: AuthedRequest, demo_application_id: int) -> dict:
    """One application with each evaluator's total and item scores (traceable)."""
    a = selectors.application_get_for_user(user=request.user, application_id=demo_application_id)
    evaluations = [
        {
            "evaluator": s.evaluator.full_name or s.evaluator.username,
            "status": s.status,
            "total": None if s.total is None else f"{s.total:.1f}",
            "veto": s.veto,
            "items": [
                {
                    "code": i.item.code,
                    "points": f"{i.points:.1f}",
                    "vetoed": i.vetoed,
                    "note": i.note,
                }
                for i in s.scores.select_related("item").order_by("item__code")
            ],
        }
        for s in selectors.assignment_list(a)
    ]
    return {
        **_application_item(a),
        "refusals": [r.get("message", "") for r in a.refusals],
        "evaluations": evaluations,
    }


class DemoAwardOut(Schema):
    id: int
    institution: str
    round: str
    amount: str
    status: AwardStatus


class DemoAwardPageOut(PageOut):
    items: list[DemoAwardOut]


class DemoAwardListQuery(PageQuery):
    status: AwardStatus | Literal[""] = ""


def _award_out(w: Award) -> dict[str, Any]:
    return {
        "id": w.pk,
        "institution": w.application.institution.name,
        "round": w.round.name,
        "amount": yuan(w.amount_fen),
        "status": w.status,
    }


@router.get(
    "/awards", response={200: DemoAwardPageOut, **errors(401, 403, 422)}, summary="示范奖补列表"
)
def award_list(request: AuthedRequest, query: Query[DemoAwardListQuery]) -> dict:
    return page_of(
        selectors.award_list_for_user(user=request.user, status=query.status), query, _award_out
    )


# --------------------------------------------------------------------------- workforce

CourseKind = Literal["pre_service", "in_service", "head"]


class DemoCourseOut(Schema):
    id: int
    title: str
    provider: str
    kind: CourseKind
    hours: int
    starts_on: dt.date
    region: str
    enrolled: int
    completed: int


class DemoCoursePageOut(PageOut):
    items: list[DemoCourseOut]


class DemoCourseListQuery(PageQuery):
    year: int | None = Field(None, ge=2000, le=2099)
    kind: CourseKind | Literal[""] = ""


def _course_out(c: Course) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "provider": c.provider,
        "kind": c.kind,
        "hours": c.hours,
        "starts_on": c.starts_on,
        "region": c.region.name,
        "enrolled": c.enrolled,  # type: ignore[attr-defined]
        "completed": c.completed,  # type: ignore[attr-defined]
    }


@router.get(
    "/courses", response={200: DemoCoursePageOut, **errors(401, 403, 422)}, summary="培训课程列表"
)
def course_list(request: AuthedRequest, query: Query[DemoCourseListQuery]) -> dict:
    """The city's courses and those of the user's own regions."""
    courses = selectors.course_list_for_user(
        user=request.user, filters=selectors.CourseFilters(year=query.year, kind=query.kind)
    )
    return page_of(courses, query, _course_out)


class DemoEnrolmentOut(Schema):
    id: int
    staff: str
    institution: str
    status: Literal["enrolled", "completed"]
    completed_on: dt.date | None
    certificate_no: str


class DemoCourseDetailOut(DemoCourseOut):
    enrolments: list[DemoEnrolmentOut] = Field(description="用户负责区域内的报名学员")


@router.get(
    "/courses/{course_id}",
    response={200: DemoCourseDetailOut, **errors(401, 403, 404, 422)},
    summary="培训课程详情（报名与结业）",
)
def course_get(request: AuthedRequest, course_id: int) -> dict:
    course = selectors.course_get_for_user(user=request.user, course_id=course_id)
    return {
        **_course_out(course),
        "enrolments": [
            {
                "id": e.pk,
                "staff": e.staff.person.name,
                "institution": e.staff.institution.name,
                "status": e.status,
                "completed_on": e.completed_on,
                "certificate_no": e.certificate_no,
            }
            for e in selectors.enrolment_list(course, user=request.user)
        ],
    }


# --------------------------------------------------------------------------- public


class DemoTitleOut(Schema):
    institution: str
    county: str
    level: str
    valid_from: dt.date
    valid_to: dt.date


class DemoTitlePageOut(PageOut):
    items: list[DemoTitleOut]


def _title_out(t: Title) -> dict[str, Any]:
    county = t.region if t.region.level == "county" else t.region.parent
    return {
        "institution": t.institution.filed_name or t.institution.name,
        "county": county.name if county else "",
        "level": t.level,
        "valid_from": t.valid_from,
        "valid_to": t.valid_to,
    }


@router.get(
    "/public/titles",
    auth=None,
    response={200: DemoTitlePageOut, **errors(422)},
    summary="现有示范托育机构（公开）",
)
def public_titles(request: AuthedRequest, query: Query[PageQuery]) -> dict:
    return page_of(selectors.titles_current(), query, _title_out)


class DemoPolicyOut(Schema):
    id: int
    title: str
    issuers: str
    number: str
    issued_on: dt.date
    subject: str
    summary: str


class DemoPolicyPageOut(PageOut):
    items: list[DemoPolicyOut]


class DemoPolicyQuery(PageQuery):
    q: QueryText = Field("", max_length=50, description="标题或摘要中的词（3字及以上用三元组索引）")
    subject: Subject | Literal[""] = ""


def _policy_out(p: PolicyDocument) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "issuers": p.issuers,
        "number": p.number,
        "issued_on": p.issued_on,
        "subject": p.subject,
        "summary": p.summary,
    }


@router.get(
    "/public/policies",
    auth=None,
    response={200: DemoPolicyPageOut, **errors(422)},
    summary="政策汇编检索（公开）",
)
def public_policies(request: AuthedRequest, query: Query[DemoPolicyQuery]) -> dict:
    return page_of(selectors.policy_search(query.q, subject=query.subject), query, _policy_out)
