"""API of the overview (/api/overview) and of a citizen's own matters and inbox (/api/me), on
the pages' selectors and permissions."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from huimin.core import selectors as core_selectors
from huimin.core import services as core_services
from huimin.core.api import PageOut, PageQuery, errors, page_of
from huimin.core.http import AuthedRequest
from huimin.core.models import Notification
from huimin.dashboard.mine import Matter, matters_of_citizen, require_citizen

router = Router(tags=["全市概览 overview"])
mine_router = Router(tags=["我的办事 me"])


# --------------------------------------------------------------------------- a citizen's own
# (/api/me): only citizens; every other role gets 403.


class MatterOut(Schema):
    kind: Literal["subsidy", "payment", "wildlife", "disability", "followup"]
    kind_label: str
    id: int
    title: str
    status: str
    status_label: str
    next_step: str = Field(description="下一步（中文）")
    deadline: dt.date | None = Field(description="期限；没有待办或等待的事时为空")
    url: str = Field(description="办理详情页的地址（走访需求没有）")
    done: bool = Field(description="已办结，不需要再做或等待什么")


class MattersOut(Schema):
    subsidy: list[MatterOut]
    payments: list[MatterOut]
    wildlife: list[MatterOut]
    disability: list[MatterOut]
    followups: list[MatterOut]


def _matter_out(m: Matter) -> dict[str, Any]:
    return {**asdict(m), "kind_label": m.kind_label}


@mine_router.get(
    "/matters",
    response={200: MattersOut, **errors(401, 403)},
    summary="我的办事：本人的全部事项",
)
def matters(request: AuthedRequest) -> dict[str, Any]:
    """The citizen's subsidy applications and payments, wildlife claims, disability cases and
    outreach follow-ups, each with its state, next step and deadline. 403 for other roles."""
    found = matters_of_citizen(request.user)
    return {
        "subsidy": [_matter_out(m) for m in found.subsidy],
        "payments": [_matter_out(m) for m in found.payments],
        "wildlife": [_matter_out(m) for m in found.wildlife],
        "disability": [_matter_out(m) for m in found.disability],
        "followups": [_matter_out(m) for m in found.followups],
    }


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    emailed_at: dt.datetime | None


class InboxQuery(PageQuery):
    unread: bool = Field(False, description="true：只看未读")


class InboxOut(PageOut):
    unread_count: int
    items: list[NotificationOut]


def _notification_out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "emailed_at": n.emailed_at,
    }


@mine_router.get(
    "/inbox",
    response={200: InboxOut, **errors(401, 403, 422)},
    summary="我的消息（新的在前）",
)
def inbox(request: AuthedRequest, query: Query[InboxQuery]) -> dict[str, Any]:
    """The citizen's messages, newest first, with the number unread. 403 for other roles."""
    require_citizen(request.user)
    rows = core_selectors.inbox_for_user(request.user, unread=query.unread)
    return {
        **page_of(rows, query, _notification_out),
        "unread_count": core_selectors.inbox_unread_count(request.user),
    }


@mine_router.post(
    "/inbox/{notification_id}/read",
    response={200: NotificationOut, **errors(401, 403, 404, 422)},
    summary="标记消息已读",
)
def inbox_read(request: AuthedRequest, notification_id: int) -> dict[str, Any]:
    """Mark one of the citizen's own messages read (again: no change). 404 for a message that
    is not theirs."""
    require_citizen(request.user)
    return _notification_out(
        core_services.notification_read(user=request.user, notification_id=notification_id)
    )
