"""Public pages (no login): the current demonstration institutions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from huimin.core import pages
from huimin.demonstration import selectors


def public_titles(request: HttpRequest) -> HttpResponse:
    titles = selectors.titles_current()
    level = request.GET.get("level", "")
    if level in ("provincial", "city"):
        titles = titles.filter(level=level)
    return render(
        request,
        "demonstration/public.html",
        {
            "page": pages.paginate(request, titles),
            "level": level,
            "provincial": selectors.titles_current().filter(level="provincial").count(),
            "city_level": selectors.titles_current().filter(level="city").count(),
            "query": pages.query_without_page(request.GET),
        },
    )


urlpatterns = [path("public/", public_titles, name="demonstration_public")]
