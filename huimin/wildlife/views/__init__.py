"""Pages of the wildlife-damage relief insurance: the public estimate, the farmer's phone
pages (report, my claims, confirm or dispute), the adjuster's and county forestry's inbox
(accept the same day, reject with an exclusion, survey a village in one visit), policy years,
payout batches with the bank's files, the settlement notice and the dashboard.

Each view resolves with a selector (404 outside the user's scope), calls one service and
renders; a service's DomainError is shown next to the form's fields and nothing is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, InvalidInput
from huimin.core.models import User
from huimin.core.navigation import HomeStat
from huimin.wildlife import rules, selectors
from huimin.wildlife.models import Claim

Perm = core_rules.Perm
Role = core_rules.Role


def form_errors(form: Any, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    pages.form_errors(form, exc, aliases=aliases, whole=not isinstance(exc, InvalidInput))


def yuan_text(fen: int | None) -> str:
    """Fen as the pages write yuan: 15780000 → "157,800.00"."""
    if fen is None:
        return "—"
    return f"{Decimal(fen) / 100:,.2f}"


def waited_text(delta: dt.timedelta | None) -> str:
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(n)s分钟") % {"n": max(minutes, 0)}
    hours = minutes // 60
    if hours < 48:
        return _("%(h)s小时%(m)s分钟") % {"h": hours, "m": minutes % 60}
    return _("%(d)s天") % {"d": hours // 24}


def home_stats(user: User) -> list[HomeStat]:
    """Wildlife on a home page: a handler's reports waiting (and those late), a farmer's
    claims waiting for their confirmation."""
    if selectors.is_farmer(user):
        if not user.can(Perm.WILDLIFE_REPORT):
            return []
        mine = selectors.claim_list_for_user(user=user)
        return [
            (
                gettext_lazy("待我确认的定损结果"),
                mine.filter(status=Claim.Status.SURVEYED).count(),
                _("件"),
            )
        ]
    if not user.can(Perm.WILDLIFE_HANDLE):
        return []
    claims = selectors.claim_list_for_user(user=user)
    today = timezone.localdate()
    return [
        (
            gettext_lazy("待接案的野生动物致害报案"),
            claims.filter(status=Claim.Status.REPORTED).count(),
            _("件"),
        ),
        (
            gettext_lazy("超过当日未接案"),
            claims.filter(status=Claim.Status.REPORTED, accept_due__lt=today).count(),
            _("件"),
        ),
        (
            gettext_lazy("待查勘定损"),
            claims.filter(status=Claim.Status.ACCEPTED).count(),
            _("件") + _("（%(n)s个工作日内）") % {"n": rules.SURVEY_WORKING_DAYS},
        ),
    ]
