"""A citizen's own pages (me/…), phone first: 我的办事 (every matter with its state, next
step and deadline) and the inbox (newest first, unread marked; opening a message is a POST
that marks it read, then its page links to the matter). Other roles are refused (403)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from huimin.core import pages, selectors, services
from huimin.core.http import AuthedRequest
from huimin.dashboard.mine import matters_of_citizen, require_citizen

INBOX_PAGE_SIZE = 20


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """我的办事: the citizen's applications, payments, claims, cases and follow-ups."""
    matters = matters_of_citizen(request.user)
    return render(
        request,
        "dashboard/mine.html",
        {
            "matters": matters,
            "today": timezone.localdate(),
            "latest": selectors.inbox_for_user(request.user, unread=True)[:3],
        },
    )


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """消息: the citizen's messages, newest first, 20 a page; ``?unread=1`` only unread."""
    require_citizen(request.user)
    unread = request.GET.get("unread") == "1"
    page = pages.paginate(
        request, selectors.inbox_for_user(request.user, unread=unread), size=INBOX_PAGE_SIZE
    )
    return render(
        request,
        "dashboard/inbox.html",
        {"page": page, "unread": unread, "query": "unread=1" if unread else ""},
    )


@login_required
@require_POST
def inbox_open(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Open a message: marked read (a write, so a POST), then shown on its page."""
    require_citizen(request.user)
    services.notification_read(user=request.user, notification_id=notification_id)
    return redirect("mine_message", notification_id=notification_id)


@login_required
@require_POST
def inbox_read_all(request: AuthedRequest) -> HttpResponse:
    require_citizen(request.user)
    services.notifications_read_all(user=request.user)
    return redirect("mine_inbox")


@login_required
def message(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """One message with a link to the matter it is about (reading it changes nothing)."""
    require_citizen(request.user)
    notification = selectors.notification_get_for_user(
        user=request.user, notification_id=notification_id
    )
    return render(request, "dashboard/message.html", {"message": notification})


urlpatterns = [
    path("me/", mine, name="mine"),
    path("me/inbox/", inbox, name="mine_inbox"),
    path("me/inbox/read-all/", inbox_read_all, name="mine_inbox_read_all"),
    path("me/inbox/<int:notification_id>/", message, name="mine_message"),
    path("me/inbox/<int:notification_id>/open/", inbox_open, name="mine_message_open"),
]
