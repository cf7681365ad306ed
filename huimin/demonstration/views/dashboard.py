"""The demonstration dashboard: awards paid and reserved, budgets by round, demonstration
institutions by county and level, the open round's applications — from the records
themselves, drawn with the vendored ECharts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.http import AuthedRequest
from huimin.demonstration import selectors
from huimin.demonstration.views import Perm, yuan_text


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    pages.require(request.user, Perm.DEMO_VIEW)
    d = selectors.dashboard_for_user(user=request.user, today=timezone.localdate())
    chart = {
        "labels": {
            "budget": _("预算"),
            "paid": _("已拨付"),
            "reserved": _("已预留"),
            "provincial": _("省级"),
            "city": _("市级"),
            "yuan": _("万元"),
        },
        "rounds": {
            "keys": [name for name, *_rest in d.by_round],
            "budget": [b / 1_000_000 for _n, b, _p, _r in d.by_round],
            "paid": [p / 1_000_000 for _n, _b, p, _r in d.by_round],
            "reserved": [r / 1_000_000 for _n, _b, _p, r in d.by_round],
        },
        "counties": {
            "keys": [c for c, _p, _c in d.by_county],
            "provincial": [p for _c, p, _x in d.by_county],
            "city": [x for _c, _p, x in d.by_county],
        },
        "status": [{"name": label, "value": n} for label, n in d.by_status],
    }
    return render(
        request,
        "demonstration/dashboard.html",
        {
            "d": d,
            "paid": yuan_text(d.paid_fen),
            "reserved": yuan_text(d.reserved_fen),
            "rounds": [(n, yuan_text(b), yuan_text(p), yuan_text(r)) for n, b, p, r in d.by_round],
            "chart": chart,
        },
    )


urlpatterns = [path("dashboard/", dashboard, name="demonstration_dashboard")]
