"""The city administrator's rubric and round pages: a new version of a rubric (a draft copy
of the latest, its dimensions and items edited), its publication (a published version never
changes: the services refuse), and a new round (level, deadline, award, budget, combining
rule)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.forms import PageForm
from huimin.core.http import AuthedRequest
from huimin.demonstration import rules, selectors, services
from huimin.demonstration.forms import (
    RoundForm,
    RubricDimensionForm,
    RubricItemForm,
    RubricSettingsForm,
)
from huimin.demonstration.models import Rubric
from huimin.demonstration.views import Perm


def _form_error(form: PageForm, exc: DomainError) -> None:
    if exc.status == 404:
        raise exc
    aliases = {"award_fen": "award", "budget_fen": "budget", "rubric_id": "rubric"}
    pages.form_errors(form, exc, aliases=aliases)


@login_required
def rubric_edit(request: AuthedRequest, rubric_id: int) -> HttpResponse:
    """A rubric version: a draft is edited here (pass mark and grades, items) and published;
    a published one is shown read-only, with the button that starts its next version."""
    user = request.user
    pages.require(user, Perm.DEMO_MANAGE)
    rubric = selectors.rubric_get_for_user(user=user, rubric_id=rubric_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    settings = RubricSettingsForm(
        request.POST if action == "settings" else None,
        initial={
            "pass_mark": rubric.pass_mark,
            "grade_a_min": rubric.grade_a_min,
            "grade_b_min": rubric.grade_b_min,
            "grade_c_min": rubric.grade_c_min,
        },
    )
    item_form = RubricItemForm(request.POST if action == "item" else None)
    dimension_form = RubricDimensionForm(request.POST if action == "dimension" else None)
    error = ""
    if action:
        try:
            if action == "new_version":
                draft = services.rubric_new_version(actor=user, rubric_id=rubric.pk)
                messages.success(request, _("已新建草稿版本，修改后发布。"))
                return redirect("demonstration_rubric_edit", draft.pk)
            if action == "publish":
                services.rubric_publish(actor=user, rubric_id=rubric.pk)
                messages.success(request, _("已发布：此版本今后不能再修改。"))
                return redirect("demonstration_rubric_edit", rubric.pk)
            if action == "settings" and settings.is_valid():
                data = settings.cleaned_data
                services.rubric_settings_set(actor=user, rubric_id=rubric.pk, **data)
                messages.success(request, _("已保存。"))
                return redirect("demonstration_rubric_edit", rubric.pk)
            if action == "item" and item_form.is_valid():
                services.rubric_item_set(actor=user, rubric_id=rubric.pk, **item_form.cleaned_data)
                messages.success(request, _("已保存。"))
                return redirect("demonstration_rubric_edit", rubric.pk)
            if action == "dimension" and dimension_form.is_valid():
                data = dimension_form.cleaned_data
                services.rubric_dimension_set(actor=user, rubric_id=rubric.pk, **data)
                messages.success(request, _("已保存。"))
                return redirect("demonstration_rubric_edit", rubric.pk)
            if action not in ("settings", "item", "dimension"):
                raise DomainError(_("未知的操作。"))
        except DomainError as exc:
            if exc.status == 404:
                raise
            if action == "settings" and exc.field_errors:
                _form_error(settings, exc)
            elif action == "item" and exc.field_errors:
                _form_error(item_form, exc)
            elif action == "dimension" and exc.field_errors:
                _form_error(dimension_form, exc)
            else:  # a published version, another region's rubric: said on top
                error = exc.message
    failed = bool(error or settings.errors or item_form.errors or dimension_form.errors)
    items = selectors.rubric_items(rubric)
    return render(
        request,
        "demonstration/rubric_edit.html",
        {
            "rubric": rubric,
            "dimensions": rubric.dimensions.order_by("order"),
            "items": items,
            "total": sum(i.points for i in items),
            "problems": services.rubric_problems(rubric) if rubric.editable else [],
            "settings": settings,
            "item_form": item_form,
            "dimension_form": dimension_form,
            "error": error,
            "latest": Rubric.objects.filter(name=rubric.name).order_by("-version").first(),
        },
        status=422 if failed else 200,
    )


@login_required
def round_new(request: AuthedRequest) -> HttpResponse:
    """The city opens a round on a published rubric."""
    user = request.user
    pages.require(user, Perm.DEMO_MANAGE)
    rubrics = [
        r for r in selectors.rubric_list_for_user(user=user) if r.status == Rubric.Status.PUBLISHED
    ]
    form = RoundForm(
        request.POST or None,
        rubrics=rubrics,
        initial={
            "level": rules.Level.CITY.value,
            "award": Decimal(rules.CITY_AWARD_MIN_FEN) / 100,
            "combine": rules.Combine.TRIMMED.value,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_open(
                actor=user,
                data=services.RoundInput(
                    name=data["name"],
                    level=data["level"],
                    rubric_id=int(data["rubric"]),
                    deadline=data["deadline"],
                    award_fen=int(data["award"] * 100),
                    budget_fen=int(data["budget"] * 100),
                    combine=data["combine"],
                ),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("批次已开设，托育机构可以申报。"))
            return redirect(f"{reverse('demonstration_application_list')}?round={round_.pk}")
    return render(
        request,
        "demonstration/round_form.html",
        {"form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


urlpatterns = [
    path("rubrics/<int:rubric_id>/", rubric_edit, name="demonstration_rubric_edit"),
    path("rounds/new/", round_new, name="demonstration_round_new"),
]
