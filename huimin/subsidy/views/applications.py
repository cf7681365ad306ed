"""Pages of subsidy applications: a guardian applies, officials enter, review and confirm."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def apply(request: HttpRequest) -> HttpResponse:  # placeholder, replaced by the pages work
    return HttpResponse(status=501)


def application_list(request: HttpRequest) -> HttpResponse:  # placeholder
    return HttpResponse(status=501)


urlpatterns = [
    path("apply/", apply, name="subsidy_apply"),
    path("applications/", application_list, name="subsidy_application_list"),
]
