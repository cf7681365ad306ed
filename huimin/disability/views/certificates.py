"""Pages of certificates: the list (filter by region, category, grade), one certificate, its
data sheet (PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from huimin.core import pages
from huimin.core.http import AuthedRequest
from huimin.disability import documents, rules, selectors
from huimin.disability.forms import CertificateFilterForm
from huimin.disability.views import Perm


@login_required
def certificate_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.DISABILITY_VIEW)
    form = CertificateFilterForm(request.GET or None, regions=pages.filter_regions(user))
    filters = pages.list_filters(form, selectors.CertificateFilters)
    page = pages.paginate(request, selectors.certificate_list_for_user(user=user, filters=filters))
    for c in page:
        c.masked = rules.certificate_number_masked(c.number)
    return pages.list_page(
        request,
        "disability/certificate_list.html",
        "disability/_certificate_rows.html",
        {"form": form, "page": page},
    )


@login_required
def certificate_detail(request: AuthedRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    cert.masked = rules.certificate_number_masked(cert.number)  # type: ignore[attr-defined]
    return render(request, "disability/certificate_detail.html", {"cert": cert})


@login_required
def certificate_sheet(request: AuthedRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    return documents.pdf_response(
        documents.certificate_sheet_pdf(cert), f"残疾人证信息表-{cert.case.number}.pdf"
    )


urlpatterns = [
    path("certificates/", certificate_list, name="disability_certificate_list"),
    path(
        "certificates/<int:certificate_id>/",
        certificate_detail,
        name="disability_certificate_detail",
    ),
    path(
        "certificates/<int:certificate_id>/sheet.pdf",
        certificate_sheet,
        name="disability_certificate_sheet",
    ),
]
