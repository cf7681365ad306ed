"""Applications: the list (filters, pages), one application with its eligibility, every
evaluator's item scores and the actions its viewer may take, and the operator's apply page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from huimin.childcare import selectors as childcare_selectors
from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.demonstration import selectors, services
from huimin.demonstration.models import Application, Round
from huimin.demonstration.views import Perm, yuan_text


@login_required
def application_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.DEMO_VIEW)
    g = request.GET
    round_id = g.get("round", "")
    filters = selectors.ApplicationFilters(
        round=int(round_id) if round_id.isdigit() and len(round_id) < 10 else None,
        status=g.get("status", "") if g.get("status", "") in Application.Status.values else "",
        region=g.get("region", "")[:12],
        q=g.get("q", "")[:50],
    )
    rows = selectors.application_list_for_user(user=user, filters=filters)
    rounds: list[Any] = list(selectors.round_list_for_user(user=user))
    for r in rounds:
        r.award_text = yuan_text(r.award_fen)
        r.budget_text = yuan_text(r.budget_fen)
        r.paid_text = yuan_text(r.paid_fen)
        r.reserved_text = yuan_text(r.reserved_fen)
        r.left_text = yuan_text(r.left_fen)
    return render(
        request,
        "demonstration/application_list.html",
        {
            "page": pages.paginate(request, rows),
            "rounds": rounds,
            "filters": filters,
            "statuses": Application.Status.choices,
            "regions": pages.filter_regions(user),
            "query": pages.query_without_page(request.GET),
            "can_apply": user.can(Perm.DEMO_APPLY),
            "can_open": user.can(Perm.DEMO_MANAGE),
        },
    )


def _scores_table(application: Application) -> dict[str, Any]:
    """Items down, evaluators across: every score traceable to its item."""
    assignments = list(selectors.assignment_list(application).prefetch_related("scores"))
    by_assignment = {a.pk: {s.item_id: s for s in a.scores.all()} for a in assignments}
    rows = []
    for item in selectors.rubric_items(application.round.rubric):
        cells = [by_assignment[a.pk].get(item.pk) for a in assignments]
        rows.append({"item": item, "cells": cells})
    return {"assignments": assignments, "rows": rows}


@login_required
def application_detail(request: AuthedRequest, demo_application_id: int) -> HttpResponse:
    user = request.user
    application = selectors.application_get_for_user(user=user, application_id=demo_application_id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")
        try:
            if action in ("recommend", "not_recommend"):
                services.application_recommend(
                    actor=user,
                    application_id=application.pk,
                    recommend=action == "recommend",
                    note=note,
                )
            elif action == "assign":
                ids = [int(v) for v in request.POST.getlist("evaluator") if v.isdigit()]
                services.evaluators_assign(
                    actor=user, application_id=application.pk, evaluator_ids=ids
                )
            elif action in ("approve", "fail"):
                services.application_decide(
                    actor=user,
                    application_id=application.pk,
                    approve=action == "approve",
                    reason=note,
                )
            elif action == "revoke":
                title = getattr(application, "title", None)
                if title is None:
                    raise DomainError(_("该申报没有示范称号。"))
                services.title_revoke(actor=user, title_id=title.pk, reason=note)
            else:
                raise DomainError(_("未知的操作。"))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已办理。"))
            return redirect("demonstration_application_detail", application.pk)
    application = selectors.application_get_for_user(user=user, application_id=application.pk)
    conflicted = selectors.conflicted_evaluator_ids(application.institution)
    evaluators = (
        [(e, e.pk in conflicted) for e in selectors.evaluator_pool()]
        if user.can(Perm.DEMO_MANAGE)
        else []
    )
    award = getattr(application, "award", None) if hasattr(application, "award") else None
    title = getattr(application, "title", None) if hasattr(application, "title") else None
    return render(
        request,
        "demonstration/application_detail.html",
        {
            "a": application,
            "error": error,
            "evaluators": evaluators,
            "award": award,
            "award_text": yuan_text(award.amount_fen) if award else "",
            "title": title,
            "passes": services.application_passes(application),
            "pass_mark": application.round.rubric.pass_mark,
            "can_recommend": user.can(Perm.DEMO_RECOMMEND)
            and application.status == Application.Status.SUBMITTED,
            "can_assign": user.can(Perm.DEMO_MANAGE)
            and application.status == Application.Status.RECOMMENDED,
            "can_decide": user.can(Perm.DEMO_MANAGE)
            and application.status == Application.Status.SCORED,
            "can_revoke": user.can(Perm.DEMO_MANAGE)
            and title is not None
            and title.status == "active",
            **_scores_table(application),
        },
        status=422 if error else 200,
    )


@login_required
def apply(request: AuthedRequest) -> HttpResponse:
    """The operator's phone page: the open round, self-score, self-assessment, evidence."""
    user = request.user
    pages.require(user, Perm.DEMO_APPLY)
    institution = childcare_selectors.institution_of_operator(user)
    open_rounds = list(selectors.round_list_for_user(user=user, status=Round.Status.OPEN))
    error = ""
    values = {"self_score": "", "self_assessment": "", "round": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            score = values["self_score"].strip()
            if not score.isdigit() or len(score) > 4:
                raise DomainError(_("自评分应为0至1000之间的整数。"))
            round_id = values["round"]
            application = services.application_submit(
                actor=user,
                round_id=int(round_id) if round_id.isdigit() and len(round_id) < 10 else 0,
                self_score=int(score),
                self_assessment=values["self_assessment"],
                evidence=request.FILES.get("evidence"),
            )
        except DomainError as exc:
            error = exc.message
        else:
            if application.status == Application.Status.INELIGIBLE:
                messages.warning(request, _("申报已登记，但不符合申报条件，原因见下。"))
            else:
                messages.success(request, _("申报已提交，等待县级推荐。"))
            return redirect("demonstration_application_detail", application.pk)
    mine = selectors.application_list_for_user(user=user)[:10]
    return render(
        request,
        "demonstration/apply.html",
        {
            "institution": institution,
            "rounds": open_rounds,
            "values": values,
            "error": error,
            "mine": mine,
        },
        status=422 if error else 200,
    )


urlpatterns = [
    path("applications/", application_list, name="demonstration_application_list"),
    path(
        "applications/<int:demo_application_id>/",
        application_detail,
        name="demonstration_application_detail",
    ),
    path("apply/", apply, name="demonstration_apply"),
]
