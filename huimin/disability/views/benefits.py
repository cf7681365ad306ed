"""The policy explanation list (惠残政策): administrators keep it, with each source document."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.disability import rules, selectors, services
from huimin.disability.forms import BenefitForm
from huimin.disability.models import Benefit
from huimin.disability.views import Perm, form_errors


@login_required
def benefit_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (user.can(Perm.DISABILITY_VIEW) or user.can(Perm.DISABILITY_POLICY)):
        pages.require(user, Perm.DISABILITY_POLICY)
    page = pages.paginate(request, selectors.benefit_list())
    for b in page:
        b.who = (
            "、".join(rules.CATEGORY_NAMES[int(c)] for c in b.categories) or _("各类残疾")
        ) + f" {b.grade_min}–{b.grade_max}级"
    return render(
        request,
        "disability/benefit_list.html",
        {"page": page, "can_edit": user.can(Perm.DISABILITY_POLICY), "query": ""},
    )


@login_required
def benefit_edit(request: AuthedRequest, benefit_id: int | None = None) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.DISABILITY_POLICY)
    benefit = None
    if benefit_id is not None:
        benefit = Benefit.objects.filter(pk=benefit_id).first()
        if benefit is None:
            raise Http404
    initial = (
        {
            "title": benefit.title,
            "source": benefit.source,
            "summary": benefit.summary,
            "categories": benefit.categories,
            "grade_min": benefit.grade_min,
            "grade_max": benefit.grade_max,
            "age_min": benefit.age_min,
            "age_max": benefit.age_max,
            "multiple_household_only": benefit.multiple_household_only,
            "active": benefit.active,
        }
        if benefit
        else {"active": True, "grade_min": 1, "grade_max": 4}
    )
    form = BenefitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.benefit_save(
                actor=user,
                benefit_id=benefit_id,
                data=services.BenefitInput(
                    title=d["title"],
                    source=d["source"],
                    summary=d["summary"],
                    categories=tuple(d["categories"]),
                    grade_min=d["grade_min"],
                    grade_max=d["grade_max"],
                    age_min=d["age_min"],
                    age_max=d["age_max"],
                    multiple_household_only=d["multiple_household_only"],
                    active=d["active"],
                ),
            )
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("惠残政策已保存。"))
            return redirect("disability_benefit_list")
    return render(request, "disability/benefit_form.html", {"form": form, "benefit": benefit})


urlpatterns = [
    path("benefits/", benefit_list, name="disability_benefit_list"),
    path("benefits/new/", benefit_edit, name="disability_benefit_new"),
    path("benefits/<int:benefit_id>/", benefit_edit, name="disability_benefit_edit"),
]
