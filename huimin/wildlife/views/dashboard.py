"""The wildlife dashboard: claims and amounts by species, crop, village and month; the limit
used and left; hours from report to acceptance and days from report to payment, against the
promise (same working day; survey 5 working days; payment 10 days after agreement)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.http import AuthedRequest
from huimin.wildlife import rules, selectors
from huimin.wildlife.models import Claim
from huimin.wildlife.views import Perm, yuan_text


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)  # for the chart only; the tables show exact yuan


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.WILDLIFE_VIEW)
    years = sorted(
        set(selectors.policy_list_for_user(user=user).values_list("year", flat=True)),
        reverse=True,
    )
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else (years[0] if years else timezone.localdate().year)
    claims = list(
        selectors.claim_list_for_user(user=user, filters=selectors.ClaimFilters(year=year))
    )
    policies = list(
        selectors.policy_list_for_user(user=user, filters=selectors.PolicyFilters(year=year))
    )
    by: dict[str, dict[str, list[int]]] = {
        k: defaultdict(lambda: [0, 0]) for k in ("species", "crop", "village", "month")
    }
    for c in claims:
        keys = {
            "species": c.species,
            "crop": c.crop,
            "village": f"{c.region.parent.name if c.region.parent else ''}{c.region.name}",
            "month": f"{timezone.localtime(c.reported_at):%Y-%m}",
        }
        for kind, key in keys.items():
            by[kind][key][0] += 1
            by[kind][key][1] += c.paid_fen
    accept_hours = [
        (c.accepted_at - c.reported_at).total_seconds() / 3600 for c in claims if c.accepted_at
    ]
    pay_days = [(c.paid_at - c.reported_at).days for c in claims if c.paid_at and c.paid_fen]
    same_day = sum(
        1
        for c in claims
        if c.accepted_at and timezone.localtime(c.accepted_at).date() <= c.accept_due
    )
    paid_on_time = sum(
        1
        for c in claims
        if c.paid_at and c.payment_due and timezone.localtime(c.paid_at).date() <= c.payment_due
    )
    statuses = Counter(c.status for c in claims)
    limit = sum(p.limit_fen for p in policies)
    committed = sum(p.committed_fen for p in policies)
    chart: dict[str, Any] = {
        "labels": {
            "claims": _("报案数"),
            "paid": _("赔付金额（元）"),
            "used": _("已用"),
            "left": _("剩余"),
            "unit_count": _("件"),
            "unit_yuan": _("元"),
        },
        **{
            kind: {
                "keys": sorted(rows),
                "claims": [rows[k][0] for k in sorted(rows)],
                "paid": [_yuan(rows[k][1]) for k in sorted(rows)],
            }
            for kind, rows in by.items()
        },
        "limit": {"used": _yuan(committed), "left": _yuan(limit - committed)},
    }
    accepted = [c for c in claims if c.accepted_at]
    return render(
        request,
        "wildlife/dashboard.html",
        {
            "year": year,
            "years": years,
            "total": len(claims),
            "statuses": [(label, statuses.get(value, 0)) for value, label in Claim.Status.choices],
            "paid": yuan_text(sum(c.paid_fen for c in claims)),
            "limit": yuan_text(limit),
            "committed": yuan_text(committed),
            "left": yuan_text(limit - committed),
            "shortfall": yuan_text(sum(c.shortfall_fen for c in claims)),
            "accept_hours": round(sum(accept_hours) / len(accept_hours), 1)
            if accept_hours
            else None,
            "same_day": same_day,
            "accepted": len(accepted),
            "pay_days": round(sum(pay_days) / len(pay_days), 1) if pay_days else None,
            "paid_count": len(pay_days),
            "paid_on_time": paid_on_time,
            "payment_days": rules.PAYMENT_DAYS,
            "tables": [
                (title, head, [(k, n, yuan_text(fen)) for k, (n, fen) in sorted(by[kind].items())])
                for kind, title, head in (
                    ("species", _("按物种"), _("物种")),
                    ("crop", _("按作物"), _("作物")),
                    ("village", _("按村"), _("村")),
                )
            ],
            "chart": chart,
        },
    )


urlpatterns = [path("dashboard/", dashboard, name="wildlife_dashboard")]
