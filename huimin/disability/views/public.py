"""The public posting (公示): masked name and village only, never the ID or the diagnosis."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from huimin.core.selectors import region_counties
from huimin.disability import rules, selectors


def postings(request: HttpRequest) -> HttpResponse:
    counties = list(region_counties())
    code = request.GET.get("county", "140822")
    if code not in {c.code for c in counties}:
        code = "140822"
    lines = selectors.posting_list(county_code=code, today=timezone.localdate())
    return render(
        request,
        "disability/postings.html",
        {
            "counties": counties,
            "county": code,
            "lines": lines,
            "posting_days": rules.POSTING_WORKING_DAYS,
            "objection_days": rules.OBJECTION_WORKING_DAYS,
        },
    )


urlpatterns = [path("postings/", postings, name="disability_postings")]
