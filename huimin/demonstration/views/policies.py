"""The policy library (政策汇编): the public list with its search and a document's page; the
officials' publish form; the operator's list of policies to read and their confirmation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.demonstration import selectors, services
from huimin.demonstration.models import PolicyDocument
from huimin.demonstration.views import Perm


def policy_list(request: HttpRequest) -> HttpResponse:
    """Public: browse by subject and search words inside titles and summaries."""
    q = request.GET.get("q", "")[:50].strip()
    subject = request.GET.get("subject", "")
    subject = subject if subject in PolicyDocument.Subject.values else ""
    rows = selectors.policy_search(q, subject=subject)
    user = request.user
    return render(
        request,
        "demonstration/policy_list.html",
        {
            "page": pages.paginate(request, rows),
            "q": q,
            "subject": subject,
            "subjects": PolicyDocument.Subject.choices,
            "query": pages.query_without_page(request.GET),
            "can_publish": user.is_authenticated and user.can(Perm.POLICY_PUBLISH),
        },
    )


def policy_detail(request: HttpRequest, policy_document_id: int) -> HttpResponse:
    """Public: one document; an operator confirms reading one that applies to it (POST)."""
    document = selectors.policy_get_public(policy_document_id)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        services.policy_confirm_read(actor=user, document_id=document.pk)  # type: ignore[arg-type]
        messages.success(request, _("已确认阅知。"))
        return redirect("demonstration_policy_detail", document.pk)
    may_confirm = user.is_authenticated and user.can(Perm.POLICY_CONFIRM)
    return render(
        request,
        "demonstration/policy_detail.html",
        {
            "d": document,
            "may_confirm": may_confirm and document.for_operators,
            "read": may_confirm and document.pk in selectors.policy_read_by(user),  # type: ignore[arg-type]
        },
    )


@login_required
def policy_new(request: AuthedRequest) -> HttpResponse:
    pages.require(request.user, Perm.POLICY_PUBLISH)
    error = ""
    values = {
        k: request.POST.get(k, "")
        for k in ("title", "issuers", "number", "issued_on", "subject", "summary", "for_operators")
    }
    if request.method == "POST":
        try:
            try:
                issued = dt.date.fromisoformat(values["issued_on"])
            except ValueError:
                raise DomainError(_("发布日期应为 YYYY-MM-DD 格式的日期。")) from None
            document = services.policy_publish(
                actor=request.user,
                data=services.PolicyInput(
                    title=values["title"],
                    issuers=values["issuers"],
                    number=values["number"],
                    issued_on=issued,
                    subject=values["subject"],
                    summary=values["summary"],
                    for_operators=values["for_operators"] == "on",
                ),
                file=request.FILES.get("file"),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已发布。"))
            return redirect("demonstration_policy_detail", document.pk)
    return render(
        request,
        "demonstration/policy_form.html",
        {"values": values, "error": error, "subjects": PolicyDocument.Subject.choices},
        status=422 if error else 200,
    )


@login_required
def policy_mine(request: AuthedRequest) -> HttpResponse:
    """The operator's policies to read, newest first, and those already confirmed."""
    pages.require(request.user, Perm.POLICY_CONFIRM)
    return render(
        request,
        "demonstration/policy_mine.html",
        {
            "unread": selectors.policies_unread_for_user(request.user),
            "read": selectors.policy_public().filter(
                for_operators=True, pk__in=selectors.policy_read_by(request.user)
            ),
        },
    )


urlpatterns = [
    path("policies/", policy_list, name="demonstration_policy_list"),
    path("policies/new/", policy_new, name="demonstration_policy_new"),
    path("policies/mine/", policy_mine, name="demonstration_policy_mine"),
    path("policies/<int:policy_document_id>/", policy_detail, name="demonstration_policy_detail"),
]
