"""The evaluator's pages: the assignments to score, and the scoring page (item by item, with
notes and the veto items; saved as a draft until submitted)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.demonstration import selectors, services
from huimin.demonstration.models import Assignment
from huimin.demonstration.views import Perm


@login_required
def scoring_list(request: AuthedRequest) -> HttpResponse:
    pages.require(request.user, Perm.DEMO_SCORE)
    status = request.GET.get("status", "")
    status = status if status in Assignment.Status.values else ""
    rows = selectors.assignment_list_for_user(user=request.user, status=status)
    return render(
        request,
        "demonstration/scoring_list.html",
        {
            "page": pages.paginate(request, rows),
            "status": status,
            "statuses": Assignment.Status.choices,
            "query": pages.query_without_page(request.GET),
        },
    )


@login_required
def scoring(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    user = request.user
    assignment = selectors.assignment_get_for_user(user=user, assignment_id=assignment_id)
    application = assignment.application
    items: list[Any] = list(selectors.rubric_items(application.round.rubric))
    saved = {s.item_id: s for s in assignment.scores.all()}
    error = ""
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {k: str(v) for k, v in request.POST.items() if k.startswith(("item_", "note_"))}
        points = {i.pk: request.POST.get(f"item_{i.pk}", "").strip() for i in items if not i.veto}
        vetoes = {i.pk for i in items if i.veto and request.POST.get(f"item_{i.pk}") == "on"}
        notes = {i.pk: request.POST.get(f"note_{i.pk}", "") for i in items}
        try:
            services.assignment_score(
                actor=user,
                assignment_id=assignment.pk,
                points={k: v for k, v in points.items() if v},
                vetoes=vetoes,
                notes=notes,
                submit=request.POST.get("submit") == "1",
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("评分已提交。") if request.POST.get("submit") == "1" else _("已暂存。"),
            )
            return redirect("demonstration_scoring", assignment.pk)
    dimensions: list[dict] = []
    for item in items:
        score = saved.get(item.pk)
        item.value = posted.get(
            f"item_{item.pk}", "" if score is None or item.veto else f"{score.points:.1f}"
        )
        item.note_value = posted.get(f"note_{item.pk}", score.note if score else "")
        item.checked = bool(score and score.vetoed)
        name = item.dimension.name if item.dimension else _("一票否决项")
        if not dimensions or dimensions[-1]["name"] != name:
            dimensions.append(
                {
                    "name": name,
                    "points": item.dimension.points if item.dimension else 0,
                    "items": [],
                }
            )
        dimensions[-1]["items"].append(item)
    return render(
        request,
        "demonstration/scoring.html",
        {
            "assignment": assignment,
            "a": application,
            "dimensions": dimensions,
            "error": error,
            "editable": assignment.status == Assignment.Status.ASSIGNED,
        },
        status=422 if error else 200,
    )


urlpatterns = [
    path("scoring/", scoring_list, name="demonstration_scoring_list"),
    path("scoring/<int:assignment_id>/", scoring, name="demonstration_scoring"),
]
