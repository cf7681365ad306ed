"""Pages of payment batches and the subsidy dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def batch_list(request: HttpRequest) -> HttpResponse:  # placeholder, replaced by the pages work
    return HttpResponse(status=501)


def dashboard(request: HttpRequest) -> HttpResponse:  # placeholder
    return HttpResponse(status=501)


urlpatterns = [
    path("batches/", batch_list, name="subsidy_batch_list"),
    path("dashboard/", dashboard, name="subsidy_dashboard"),
]
