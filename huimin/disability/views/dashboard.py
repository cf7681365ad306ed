"""The disability dashboard: visits by month, certificates by category and grade, the on-time
rate per month (15 working days from the visit), visits and certificates by township."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.http import AuthedRequest
from huimin.disability import rules, selectors
from huimin.disability.views import Perm


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.DISABILITY_VIEW)
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2099 else this_year - 1
    region = request.GET.get("region", "")
    regions = pages.filter_regions(user)
    if region not in {r.code for r in regions}:
        region = ""
    data = selectors.dashboard_for_user(user=user, year=year, region=region)
    completed = sum(m.completed for m in data.on_time)
    on_time = sum(m.on_time for m in data.on_time)
    chart: dict[str, Any] = {
        "labels": {
            "visits": _("上门"),
            "rate": _("按时办结率（%）"),
            "completed": _("办结"),
            "grades": [rules.GRADE_NAMES[g] for g in range(1, 5)],
            "certificates": _("发证"),
        },
        "months": [m for m, _n in data.visits_by_month],
        "visits": [n for _m, n in data.visits_by_month],
        "rate_months": [m.month for m in data.on_time],
        "rate": [m.percent for m in data.on_time],
        "completed": [m.completed for m in data.on_time],
        "categories": [rules.CATEGORY_NAMES[c] for c in range(1, 8)],
        "grid": data.by_category_grade,
        "townships": [t for t, _v, _c in data.by_township],
        "township_visits": [v for _t, v, _c in data.by_township],
        "township_certificates": [c for _t, _v, c in data.by_township],
    }
    return render(
        request,
        "disability/dashboard.html",
        {
            "year": year,
            "years": list(range(this_year, this_year - 4, -1)),
            "regions": regions,
            "region": region,
            "visits": sum(n for _m, n in data.visits_by_month),
            "certificates": sum(sum(r) for r in data.by_category_grade),
            "completed": completed,
            "on_time": on_time,
            "rate": round(100 * on_time / completed, 1) if completed else None,
            "months": data.on_time,
            "grid": list(zip(chart["categories"], data.by_category_grade, strict=True)),
            "townships": data.by_township,
            "service_days": rules.SERVICE_WORKING_DAYS,
            "chart": chart,
        },
    )


urlpatterns = [path("dashboard/", dashboard, name="disability_dashboard")]
