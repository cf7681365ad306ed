"""The evaluator's declarations of conflicts of interest (利害关系申报): the institutions
they declared, and a search of institutions by name to declare one (never assigned to it
afterwards)."""

from __future__ import annotations

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
from huimin.demonstration.forms import ConflictForm, ConflictSearchForm
from huimin.demonstration.views import Perm


@login_required
def conflict_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.DEMO_SCORE)
    search = ConflictSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conflict = services.conflict_declare(
                actor=user,
                institution_id=form.cleaned_data["institution"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            pages.form_errors(form, exc)
        else:
            messages.success(
                request,
                _("已申报与%(name)s的利害关系，今后不会被指派评估该机构。")
                % {"name": conflict.institution.name},
            )
            return redirect("demonstration_conflict_list")
    declared = set(
        selectors.conflict_list_for_user(user=user).values_list("institution_id", flat=True)
    )
    found = selectors.institutions_for_conflict(user=user, q=q)[:20] if q else []
    return render(
        request,
        "demonstration/conflict_list.html",
        {
            "search": search,
            "q": q,
            "found": [(i, i.pk in declared) for i in found],
            "form": form,
            "page": pages.paginate(request, selectors.conflict_list_for_user(user=user)),
            "query": pages.query_without_page(request.GET),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


urlpatterns = [path("conflicts/", conflict_list, name="demonstration_conflict_list")]
