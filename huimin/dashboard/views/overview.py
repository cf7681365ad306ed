"""The city overview (全市概览), a county's (本县概览), and the yearly reports built in the
background: request, progress (htmx polling), download."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.core.rules import Perm
from huimin.core.spreadsheets import XLSX_TYPE, attachment
from huimin.dashboard import reports
from huimin.dashboard.models import ReportRun
from huimin.dashboard.overview import (
    Overview,
    counties_for_user,
    covers_city,
    overview_for_user,
)

#: The figure the map is coloured by when none is chosen.
MAP_DEFAULT = "places"


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if raw.isdigit() and reports.FIRST_YEAR <= int(raw) <= this_year:
        return int(raw)
    return this_year


def _years() -> list[int]:
    return list(range(timezone.localdate().year, reports.FIRST_YEAR - 1, -1))


def _map_data(data: Overview, chosen: str) -> dict[str, Any]:
    """What the map script reads: the figures it may colour by, and the counties shown with
    their values and the page each opens."""
    return {
        "chosen": chosen,
        "figures": [
            {"key": f.key, "label": str(f.label), "unit": str(f.unit)} for f in data.figures
        ],
        "counties": [
            {
                "name": row.name,
                "code": row.code,
                "url": reverse("overview_county", args=[row.code]) + f"?year={data.year}",
                "values": {
                    f.key: (float(v) if (v := row.value(f.key)) is not None else None)
                    for f in data.figures
                },
            }
            for row in data.rows
        ],
    }


def _render(request: AuthedRequest, data: Overview) -> HttpResponse:
    keys = {f.key for f in data.figures}
    chosen = request.GET.get("figure", "")
    if chosen not in keys:
        chosen = MAP_DEFAULT if MAP_DEFAULT in keys else (data.figures[0].key if keys else "")
    sections = [
        {
            "section": section,
            "figures": [
                {
                    "figure": f,
                    "value": data.total.value(f.key),
                    "url": data.link(f, data.total),
                }
                for f in data.figures
                if f.section == section.key
            ],
        }
        for section in data.sections
    ]
    rows = [
        {
            "row": row,
            "url": reverse("overview_county", args=[row.code]) + f"?year={data.year}",
            "cells": [{"value": row.value(f.key), "url": data.link(f, row)} for f in data.figures],
        }
        for row in data.rows
    ]
    return render(
        request,
        "dashboard/overview.html",
        {
            "data": data,
            "sections": sections,
            "rows": rows,
            "total_cells": [
                {"value": data.total.value(f.key), "url": data.link(f, data.total)}
                for f in data.figures
            ],
            "years": _years(),
            "chosen": chosen,
            "map_data": _map_data(data, chosen),
            "city_view": covers_city(request.user),
        },
    )


@login_required
def overview_city(request: AuthedRequest) -> HttpResponse:
    """全市概览: the 13 counties. A user whose counties are not the whole city (a county
    official) is sent to their county's overview."""
    user = request.user
    pages.require(user, Perm.OVERVIEW_VIEW)
    year = _year(request)
    if not covers_city(user):
        counties = counties_for_user(user)
        if not counties:
            raise Http404
        return redirect(reverse("overview_county", args=[counties[0].code]) + f"?year={year}")
    data = overview_for_user(user=user, year=year, today=timezone.localdate())
    return _render(request, data)


@login_required
def overview_county(request: AuthedRequest, county_code: str) -> HttpResponse:
    """本县概览: one county's figures; a county outside the user's counties is 404."""
    pages.require(request.user, Perm.OVERVIEW_VIEW)
    data = overview_for_user(
        user=request.user,
        year=_year(request),
        today=timezone.localdate(),
        county_code=county_code,
    )
    return _render(request, data)


# --------------------------------------------------------------------------- reports


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: AuthedRequest) -> HttpResponse:
    """The yearly reports in the user's scope with their state; a form asks for a new one."""
    user = request.user
    pages.require(user, Perm.OVERVIEW_VIEW)
    counties = counties_for_user(user)
    city = covers_city(user)
    error = ""
    if request.method == "POST":
        raw_year = request.POST.get("year", "")
        try:
            run = reports.report_request(
                actor=user,
                year=int(raw_year) if raw_year.isdigit() else 0,
                county_code=request.POST.get("county", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(reverse("overview_report_list") + f"#report-{run.pk}")
    page = pages.paginate(request, reports.report_list_for_user(user=user))
    return render(
        request,
        "dashboard/report_list.html",
        {
            "page": page,
            "counties": counties,
            "city_view": city,
            "years": _years(),
            "error": error,
            "building": [r.pk for r in page if r.status in (ReportRun.Status.QUEUED, "running")],
        },
        status=400 if error else 200,
    )


@login_required
def report_progress(request: AuthedRequest, report_id: int) -> HttpResponse:
    """A report's row, polled every second by htmx while it is built."""
    run = reports.report_get_for_user(user=request.user, report_id=report_id)
    return render(request, "dashboard/_report_row.html", {"r": run})


@login_required
def report_download(request: AuthedRequest, report_id: int, kind: str) -> FileResponse:
    run = reports.report_get_for_user(user=request.user, report_id=report_id)
    file = run.pdf if kind == "pdf" else run.xlsx
    if run.status != ReportRun.Status.DONE or not file:
        raise Http404
    name = f"{run.scope_name}{run.year}年度民生服务概况.{kind}"
    response = FileResponse(
        file.open("rb"), content_type="application/pdf" if kind == "pdf" else XLSX_TYPE
    )
    response["Content-Disposition"] = attachment(name)
    return response


urlpatterns = [
    path("overview/", overview_city, name="overview"),
    path("overview/reports/", report_list, name="overview_report_list"),
    path(
        "overview/reports/<int:report_id>/progress/",
        report_progress,
        name="overview_report_progress",
    ),
    path(
        "overview/reports/<int:report_id>/pdf/",
        report_download,
        {"kind": "pdf"},
        name="overview_report_pdf",
    ),
    path(
        "overview/reports/<int:report_id>/xlsx/",
        report_download,
        {"kind": "xlsx"},
        name="overview_report_xlsx",
    ),
    # after the reports: "reports" is no county's code (and would be 404 as one)
    path("overview/<str:county_code>/", overview_county, name="overview_county"),
]
