"""Pages of credit ratings (诚信评价), complaints (投诉) and inspectors' conflicts of interest
(利害关系申报)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.childcare.models import Institution
from huimin.childcare.selectors import institution_of_operator, institution_scope
from huimin.core import pages
from huimin.core.errors import DomainError, NotFound
from huimin.core.http import AuthedRequest
from huimin.core.models import User
from huimin.supervision import rules, selectors, services
from huimin.supervision.forms import (
    ComplaintFilterForm,
    ComplaintForm,
    ConflictForm,
    CreditFilterForm,
    DecideForm,
)
from huimin.supervision.models import Complaint
from huimin.supervision.views import Perm, form_errors, is_operator, level_name, today


def level_label(level: str) -> str:
    return level_name(level) if level else ""


# --------------------------------------------------------------------------- credit


@login_required
def credit_list(request: AuthedRequest) -> HttpResponse:
    """诚信评价: the institutions of the user's regions by their current score."""
    user = request.user
    if is_operator(user):
        return redirect("supervision_credit_mine")
    pages.require(user, Perm.SUPERVISION_VIEW)
    form = CreditFilterForm(request.GET or None, regions=pages.filter_regions(user))
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.CreditFilters(**{k: v or "" for k, v in data.items()})
    page = pages.paginate(request, selectors.credit_list_for_user(user=user, filters=filters))
    for i in page:
        i.level_label = level_label(i.credit_level or "")  # type: ignore[attr-defined]
    return pages.list_page(
        request,
        "supervision/credit_list.html",
        "supervision/_credit_rows.html",
        {"form": form, "page": page, "levels": _levels()},
    )


def _levels() -> list[dict[str, Any]]:
    """The level thresholds, for the explanation under the lists."""
    return [
        {"level": str(level), "label": rules.CREDIT_LEVEL_LABELS[level], "floor": floor}
        for floor, level in rules.CREDIT_LEVELS
    ]


@login_required
def credit_mine(request: AuthedRequest) -> HttpResponse:
    """本机构诚信评价: an operator's own institution."""
    user = request.user
    if not is_operator(user):
        return redirect("supervision_credit_list")
    institution = institution_of_operator(user)
    if institution is None:
        raise NotFound(_("您的账号尚未绑定托育机构。"))
    return redirect("supervision_credit_detail", institution_id=institution.pk)


@login_required
def credit_detail(request: AuthedRequest, institution_id: int) -> HttpResponse:
    """An institution's score and level, every contribution with its rule, and its history."""
    institution = selectors.credit_institution_for_user(
        user=request.user, institution_id=institution_id
    )
    current = selectors.credit_current(institution)
    history = pages.paginate(request, selectors.credit_history(institution))
    for rating in history:
        rating.level_label = level_label(rating.level)  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/credit_detail.html",
        {
            "institution": institution,
            "current": current,
            "level_label": level_label(current.level) if current else "",
            "contributions": current.contributions if current else [],
            "history": history,
            "base": rules.CREDIT_BASE,
            "max_score": rules.CREDIT_BASE + 10,
            "levels": _levels(),
            "mine": is_operator(request.user),
            "query": pages.query_without_page(request.GET),
        },
    )


# --------------------------------------------------------------------------- complaints


def _institutions(user: User) -> QuerySet[Institution]:
    return (
        institution_scope(user)
        .exclude(status=Institution.Status.CLOSED)
        .select_related("region__parent")
        .order_by("region__code", "name")
    )


def _complaint_page(
    request: AuthedRequest,
    *,
    form: ComplaintForm | None = None,
    decide: tuple[int, DecideForm] | None = None,
) -> HttpResponse:
    user = request.user
    filter_form = ComplaintFilterForm(request.GET or None)
    rows = selectors.complaint_list_for_user(user=user)
    if filter_form.is_bound and filter_form.is_valid():
        if filter_form.cleaned_data["status"]:
            rows = rows.filter(status=filter_form.cleaned_data["status"])
        if filter_form.cleaned_data["q"]:
            rows = rows.filter(institution__name__contains=filter_form.cleaned_data["q"].strip())
    page = pages.paginate(request, rows.select_related("institution__region__parent"))
    for c in page:
        c.decide_form = (  # type: ignore[attr-defined]
            decide[1]
            if decide and decide[0] == c.pk
            else DecideForm(auto_id=f"id_c{c.pk}_%s")
            if c.status == Complaint.Status.OPEN
            else None
        )
    return pages.list_page(
        request,
        "supervision/complaint_list.html",
        "supervision/_complaint_rows.html",
        {
            "filter_form": filter_form,
            "form": form
            or ComplaintForm(institutions=_institutions(user), initial={"received_on": today()}),
            "page": page,
            "decide_for": decide[0] if decide else None,
        },
    )


@login_required
def complaint_list(request: AuthedRequest) -> HttpResponse:
    """投诉登记: the complaints of the user's regions, the form to record one, and the
    decision (查实/不实) of each open one."""
    user = request.user
    pages.require(user, Perm.COMPLAINT_RECORD)
    if request.method != "POST":
        return _complaint_page(request)
    form = ComplaintForm(request.POST, institutions=_institutions(user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_record(
                actor=user,
                institution_id=int(data["institution_id"]),
                received_on=data["received_on"],
                summary=data["summary"],
            )
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记对“%(name)s”的投诉，请核查后填写结论。")
                % {"name": complaint.institution.name},
            )
            return redirect("supervision_complaint_list")
    return _complaint_page(request, form=form)


@login_required
@require_POST
def complaint_decide(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.COMPLAINT_RECORD)
    form = DecideForm(request.POST, auto_id=f"id_c{complaint_id}_%s")
    if form.is_valid():
        try:
            complaint = services.complaint_decide(
                actor=user,
                complaint_id=complaint_id,
                substantiated=form.cleaned_data["outcome"] == "substantiated",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("投诉核查结论：%(status)s（%(name)s）。诚信评价已更新。")
                % {"status": complaint.get_status_display(), "name": complaint.institution.name},
            )
            return redirect("supervision_complaint_list")
    if not selectors.complaint_list_for_user(user=user).filter(pk=complaint_id).exists():
        raise NotFound()
    return _complaint_page(request, decide=(complaint_id, form))


# --------------------------------------------------------------------------- conflicts


@login_required
def conflict_list(request: AuthedRequest) -> HttpResponse:
    """利害关系申报: an inspector declares conflicts and sees their own; a declared conflict
    keeps them from being drawn for that institution."""
    user = request.user
    pages.require(user, Perm.INSPECT)
    form = ConflictForm(request.POST or None, institutions=_institutions(user))
    if request.method == "POST" and form.is_valid():
        try:
            conflict = services.conflict_declare(
                actor=user,
                institution_id=int(form.cleaned_data["institution_id"]),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("已申报与“%(name)s”的利害关系，今后不会被抽中检查该机构。")
                % {"name": conflict.institution.name},
            )
            return redirect("supervision_conflict_list")
    page = pages.paginate(
        request, selectors.conflict_list_for_user(user=user).order_by("-declared_at", "-pk")
    )
    return render(
        request,
        "supervision/conflict_list.html",
        {"form": form, "page": page, "query": pages.query_without_page(request.GET)},
    )


urlpatterns = [
    path("credit/", credit_list, name="supervision_credit_list"),
    path("credit/mine/", credit_mine, name="supervision_credit_mine"),
    path("credit/<int:institution_id>/", credit_detail, name="supervision_credit_detail"),
    path("complaints/", complaint_list, name="supervision_complaint_list"),
    path(
        "complaints/<int:complaint_id>/decide/",
        complaint_decide,
        name="supervision_complaint_decide",
    ),
    path("conflicts/", conflict_list, name="supervision_conflict_list"),
]
