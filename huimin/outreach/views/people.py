"""Pages about people: volunteers with their hours (and one volunteer's hours by month), and
the children under 3 in the registry without a subsidy application, by township."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from huimin.core import pages
from huimin.core.http import AuthedRequest
from huimin.outreach import selectors
from huimin.outreach.forms import ChildFilterForm, VolunteerFilterForm
from huimin.outreach.views import Perm, region_query
from huimin.subsidy import selectors as subsidy_selectors


@login_required
def volunteer_list(request: AuthedRequest) -> HttpResponse:
    """志愿者: everyone who volunteered in scope, most hours first."""
    user = request.user
    pages.require(user, Perm.OUTREACH_VIEW)
    form = VolunteerFilterForm(
        region_query(request.GET) or None,
        regions=pages.filter_regions(user),
        years=selectors.activity_years(user),
    )
    region, year = "", None
    if form.is_bound and form.is_valid():
        region, year = form.cleaned_data["region"], form.cleaned_data["year"]
    totals = selectors.volunteer_totals_for_user(user=user, region=region, year=year)
    page = pages.paginate(request, totals)
    return pages.list_page(
        request,
        "outreach/volunteer_list.html",
        "outreach/_volunteer_rows.html",
        {"form": form, "page": page, "hours": sum(t.hours for t in totals)},
    )


@login_required
def volunteer_detail(request: AuthedRequest, volunteer_key: str) -> HttpResponse:
    """One volunteer's hours by month and the activities they served in."""
    name, months, rows = selectors.volunteer_months_for_user(user=request.user, key=volunteer_key)
    peak = max((m.hours for m in months), default=0) or 1
    return render(
        request,
        "outreach/volunteer_detail.html",
        {
            "name": name,
            "months": [(m, int(100 * m.hours / peak)) for m in months],
            "rows": rows,
            "total": sum(m.hours for m in months),
        },
    )


@login_required
def children_unclaimed(request: AuthedRequest) -> HttpResponse:
    """3岁以下未申请育儿补贴的婴幼儿: by township, each with a link to start a visit or to
    enter the application."""
    user = request.user
    pages.require(user, Perm.OUTREACH_VIEW)
    pages.require(user, Perm.SUBSIDY_VIEW)
    form = ChildFilterForm(region_query(request.GET) or None, regions=pages.filter_regions(user))
    region = form.cleaned_data["region"] if form.is_bound and form.is_valid() else ""
    today = timezone.localdate()
    children = subsidy_selectors.children_without_application(user=user, today=today, region=region)
    by_township = Counter(
        parent if level == "village" else name
        for level, name, parent in children.order_by().values_list(
            "region__level", "region__name", "region__parent__name"
        )
    )
    page = pages.paginate(request, children)
    return pages.list_page(
        request,
        "outreach/children.html",
        "outreach/_children_rows.html",
        {
            "form": form,
            "page": page,
            "by_township": sorted(by_township.items(), key=lambda kv: -kv[1]),
            "can_manage": user.can(Perm.OUTREACH_MANAGE),
            "can_enter": user.can(Perm.SUBSIDY_ENTER),
            "today": today,
        },
    )


urlpatterns = [
    path("volunteers/", volunteer_list, name="outreach_volunteer_list"),
    path("volunteers/<path:volunteer_key>/", volunteer_detail, name="outreach_volunteer_detail"),
    path("children/", children_unclaimed, name="outreach_children"),
]
