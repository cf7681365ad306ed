"""Pages of the subsidy module. The public calculator uses the same selector and rules as
GET /api/subsidy/quote and ``huimin subsidy quote``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from huimin.core.errors import InvalidInput
from huimin.core.http import HtmxRequest
from huimin.subsidy import rules, selectors
from huimin.subsidy.forms import QuoteForm


def _rate_facts(rates: rules.Rates) -> dict[str, object]:
    """The amounts the explanation of the rule quotes, at the configured rates."""
    per_month = rates.fen_per_month
    return {
        "month": rules.yuan_display(per_month),
        "year": rules.yuan_display(per_month * rules.MONTHS_PER_YEAR),
        "newborn_total": rules.yuan_display(
            per_month * rules.MONTHS_PER_YEAR * rules.FULL_YEARS_FROM_BIRTH
        ),
        # the explanation's example: born 2023-12, 24 months
        "example_24": rules.yuan_display(
            per_month * sum(months for _, months in rules.months_by_year(dt.date(2023, 12, 1)))
        ),
        "national_month": rules.yuan_display(rates.national_fen_per_month),
        "province_month": rules.yuan_display(rates.province_topup_fen_per_month),
        "city_month": rules.yuan_display(rates.city_topup_fen_per_month),
        "has_topups": rates.has_topups,
    }


@vary_on_headers("HX-Request")
def quote(request: HtmxRequest) -> HttpResponse:
    """Public subsidy calculator (育儿补贴测算): no login; htmx swaps the form and result."""
    form = QuoteForm(request.GET or None)
    entitlement = None
    if form.is_bound and form.is_valid():
        try:
            entitlement = selectors.entitlement_quote(birth_date=form.cleaned_data["birth_date"])
        except InvalidInput as exc:
            form.add_error("birth_date", exc.field_errors.get("birth_date", exc.message))
    partial = request.htmx and not request.htmx.history_restore_request
    return render(
        request,
        "subsidy/_quote.html" if partial else "subsidy/quote.html",
        {
            "form": form,
            "entitlement": entitlement,
            "years": [
                {"year": y.year, "months": y.months, "amount": rules.yuan_display(y.amount_fen)}
                for y in (entitlement.years if entitlement else ())
            ],
            "last_year": entitlement.years[-1].year if entitlement and entitlement.years else None,
            "total": rules.yuan_display(entitlement.total_amount_fen) if entitlement else "",
            "rate": _rate_facts(selectors.rates()),
            "api_url": reverse("api:subsidy_quote"),
        },
    )
