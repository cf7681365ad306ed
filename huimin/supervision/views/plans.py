"""Pages of draw plans (双随机抽查计划): a county or city official creates a plan, locks it with
a public value (which fixes and publishes the seed), draws, and anyone in scope sees the
drawn targets with their weights, the pools' snapshot, the hashes and the re-computation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.core.models import Region, User
from huimin.core.rules import region_path_covered
from huimin.core.selectors import region_may_act, region_paths_for_user, timeline_for_user
from huimin.supervision import rules, selectors, services
from huimin.supervision.forms import CancelForm, LockForm, PlanFilterForm, PlanForm
from huimin.supervision.models import DrawCandidate, DrawInspector, DrawPlan
from huimin.supervision.views import Perm, form_errors, reason_labels, stratum_labels


def weight_table() -> list[dict[str, Any]]:
    return [{"label": row.label, "weight": row.weight} for row in rules.WEIGHT_TABLE]


def algorithm_context() -> dict[str, Any]:
    """What the algorithm partial quotes: its version, the base weight and the table."""
    return {
        "algorithm": rules.DRAW_ALGORITHM,
        "weight_base": rules.WEIGHT_BASE,
        "weights": weight_table(),
    }


@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    """双随机抽查: the plans of the user's regions (and the city's), newest first."""
    user = request.user
    pages.require(user, Perm.DRAW_MANAGE)
    form = PlanFilterForm(request.GET or None, regions=pages.filter_regions(user))
    filters = pages.list_filters(form, selectors.PlanFilters)
    rows = selectors.plan_list_for_user(user=user, filters=filters).order_by("-created_at", "-pk")
    page = pages.paginate(request, rows)
    for plan in page:
        plan.may_act = region_may_act(user, plan.region)  # type: ignore[attr-defined]
    return pages.list_page(
        request,
        "supervision/plan_list.html",
        "supervision/_plan_rows.html",
        {"form": form, "page": page},
    )


def _plan_regions(request: AuthedRequest) -> list[Region]:
    return [
        r
        for r in pages.filter_regions(request.user)
        if r.level in (Region.Level.CITY, Region.Level.COUNTY)
    ]


@login_required
def plan_create(request: AuthedRequest) -> HttpResponse:
    """新建抽查计划: a draft; nothing is drawn until it is locked."""
    user = request.user
    pages.require(user, Perm.DRAW_MANAGE)
    regions = _plan_regions(request)
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        regions=regions,
        initial={"region": regions[0].code} if len(regions) == 1 else {},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                actor=user,
                name=data["name"],
                region_code=data["region"],
                target_count=data["target_count"],
                target_percent=data["target_percent"],
                inspectors_per_target=data["inspectors_per_target"],
                by_county=data["by_county"],
                by_risk=data["by_risk"],
                kind=data["kind"],
                inclusive=data["inclusive"],
            )
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("已创建抽查计划“%(name)s”。下一步：填写公开随机数来源并锁定计划。")
                % {"name": plan.name},
            )
            return redirect("supervision_plan_detail", plan_id=plan.pk)
    return render(
        request,
        "supervision/plan_form.html",
        {"form": form, "min_inspectors": rules.MIN_INSPECTORS_PER_TARGET},
    )


def _drawn_context(plan: DrawPlan, user: User, *, may_act: bool) -> dict[str, Any]:
    """The result of a drawn plan: targets with stratum, weight and reasons, their
    inspectors, both pools as snapshotted, and the re-computation of the draw. One who sees
    the plan from below (a county on a city plan) sees the weights and reasons of their own
    regions' institutions only, and not the inspector pool."""
    inspections = list(selectors.plan_inspections(plan))
    candidates = list(plan.candidates.select_related("institution").order_by("county", "pk"))
    pool: list[DrawInspector] | None = list(
        plan.inspectors.select_related("inspector").order_by("inspector__username")
    )
    if not may_act:
        paths = region_paths_for_user(user)
        candidates = [c for c in candidates if region_path_covered(paths, c.region_path)]
        pool = None
    context = _pools_context(candidates, pool, drawn={i.institution_id for i in inspections})
    by_institution = {c.institution_id: c for c in candidates}
    strata = {i.stratum for i in inspections}
    labels = stratum_labels(strata | {c.county for c in candidates if c.county})
    for i in inspections:
        candidate = by_institution.get(i.institution_id)
        i.stratum_label = labels.get(i.stratum, i.stratum)  # type: ignore[attr-defined]
        i.weight = candidate.weight if candidate else None  # type: ignore[attr-defined]
        i.reason_labels = reason_labels(candidate.reasons) if candidate else []  # type: ignore[attr-defined]
        i.crew_names = [str(c.inspector) for c in i.crew.all()]  # type: ignore[attr-defined]
    return {
        **context,
        "inspections": inspections,
        "verification": selectors.draw_verify(plan.pk),
    }


def _pools_context(
    candidates: list[DrawCandidate], pool: list[DrawInspector] | None, *, drawn: set[int]
) -> dict[str, Any]:
    """Both pools for the page, drawn or as they stand now (``pool`` None: not shown)."""
    labels = stratum_labels({c.county for c in candidates if c.county})
    for c in candidates:
        c.county_name = labels.get(c.county, c.county)  # type: ignore[attr-defined]
        c.reason_labels = reason_labels(c.reasons)  # type: ignore[attr-defined]
        c.drawn = c.institution_id in drawn  # type: ignore[attr-defined]
    for entry in pool or []:
        entry.conflict_count = len(entry.conflicts)  # type: ignore[attr-defined]
    return {"candidates": candidates, "pool": pool}


def _plan_page(request: AuthedRequest, plan: DrawPlan, **bound: Any) -> HttpResponse:
    """The plan's page; ``bound`` holds the form (or the draw's message) that was refused."""
    open_status = plan.status in (DrawPlan.Status.DRAFT, DrawPlan.Status.LOCKED)
    # seeing a plan (a county sees the city's plans reaching into it) is not acting on it
    may_act = region_may_act(request.user, plan.region)
    context: dict[str, Any] = {
        "plan": plan,
        "may_act": may_act,
        "lock_form": bound.get("lock_form") or LockForm(),
        "cancel_form": bound.get("cancel_form") or CancelForm(),
        "draw_error": bound.get("draw_error", ""),
        "can_lock": may_act and plan.status == DrawPlan.Status.DRAFT,
        "can_draw": may_act and plan.status == DrawPlan.Status.LOCKED,
        "can_cancel": may_act and open_status,
        "open_form": next(iter(bound), ""),
        "timeline": timeline_for_user(user=request.user, obj=plan),
        **algorithm_context(),
    }
    if plan.status == DrawPlan.Status.DRAWN:
        context.update(_drawn_context(plan, request.user, may_act=may_act))
    elif open_status and may_act:
        candidates, pool = selectors.pool_preview(plan, timezone.localdate())
        context.update(_pools_context(candidates, pool, drawn=set()))
    return render(request, "supervision/plan_detail.html", context)


@login_required
def plan_detail(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    return _plan_page(request, plan)


def _step(
    request: AuthedRequest,
    plan_id: int,
    *,
    form_class: type[LockForm] | type[CancelForm],
    bound: str,
    call: Callable[[dict[str, Any]], DrawPlan],
    done: Callable[[DrawPlan], str],
) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            plan = call(form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise  # not the form's fault: the plan is not the user's to act on
            form_errors(form, exc)
        else:
            messages.success(request, done(plan))
            return redirect("supervision_plan_detail", plan_id=plan.pk)
    return _plan_page(request, plan, **{bound: form})


@login_required
@require_POST
def plan_lock(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """锁定: the public value fixes the seed, which is published before the draw."""
    return _step(
        request,
        plan_id,
        form_class=LockForm,
        bound="lock_form",
        call=lambda data: services.plan_lock(
            actor=request.user, plan_id=plan_id, public_value=data["public_value"]
        ),
        done=lambda plan: _("计划已锁定，随机种子：%(seed)s。现在可以抽取。") % {"seed": plan.seed},
    )


@login_required
@require_POST
def plan_cancel(request: AuthedRequest, plan_id: int) -> HttpResponse:
    return _step(
        request,
        plan_id,
        form_class=CancelForm,
        bound="cancel_form",
        call=lambda data: services.plan_cancel(
            actor=request.user, plan_id=plan_id, reason=data["reason"]
        ),
        done=lambda plan: _("计划“%(name)s”已作废。") % {"name": plan.name},
    )


@login_required
@require_POST
def plan_draw(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """抽取: with the published seed; the draw's refusal (an empty pool, too few inspectors)
    is shown on the plan's page and nothing is drawn."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    try:
        plan = services.plan_draw(actor=request.user, plan_id=plan_id)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _plan_page(request, plan, draw_error=exc.message)
    count = plan.inspections.count()
    messages.success(
        request,
        _("已抽取：对象库%(pool)s家，抽中%(count)s家，已分派检查人员。")
        % {"pool": plan.candidate_count, "count": count},
    )
    return redirect("supervision_plan_detail", plan_id=plan.pk)


urlpatterns = [
    path("plans/", plan_list, name="supervision_plan_list"),
    path("plans/new/", plan_create, name="supervision_plan_create"),
    path("plans/<int:plan_id>/", plan_detail, name="supervision_plan_detail"),
    path("plans/<int:plan_id>/lock/", plan_lock, name="supervision_plan_lock"),
    path("plans/<int:plan_id>/draw/", plan_draw, name="supervision_plan_draw"),
    path("plans/<int:plan_id>/cancel/", plan_cancel, name="supervision_plan_cancel"),
]
