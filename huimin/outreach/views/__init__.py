"""Pages of community outreach: activities (list, new, detail with sessions, volunteers,
beneficiaries and photos), visits with the needs they find, follow-ups (list, detail, close,
"检查是否已办理"), volunteers' hours, and the children under 3 without a subsidy application.

Each view resolves with a selector (404 outside the user's scope), calls one service and
renders; a service's DomainError is shown next to the form's fields and nothing is saved."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, InvalidInput
from huimin.core.models import Region, User
from huimin.core.navigation import HOME_LIST_ROWS, HomeList, HomeListRow, HomeStat
from huimin.outreach import selectors

Perm = core_rules.Perm


def form_errors(form: Any, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    pages.form_errors(form, exc, aliases=aliases, whole=not isinstance(exc, InvalidInput))


def region_query(query: QueryDict) -> QueryDict:
    """The lists take ``?region=`` as a region code, as every list here does; the overview
    links with a region's id, which becomes its code (an unknown id is left to the form)."""
    value = query.get("region", "")
    if value.isdigit() and len(value) < 6:
        code = Region.objects.filter(pk=int(value)).values_list("code", flat=True).first()
        if code is not None:
            query = query.copy()
            query["region"] = code
    return query


def home_stats(user: User) -> list[HomeStat]:
    """The user's own open follow-ups and those overdue."""
    if not user.can(Perm.OUTREACH_MANAGE):
        return []
    mine = selectors.followup_scope(user).filter(owner=user, status=selectors.S.OPEN)
    open_count = mine.count()
    if not open_count:
        return []
    late = mine.filter(deadline__lt=timezone.localdate()).count()
    return [
        (gettext_lazy("我负责的待跟进事项"), open_count, _("件")),
        (gettext_lazy("其中已逾期"), late, _("件")),
    ]


def home_lists(user: User) -> list[HomeList]:
    """The owner's overdue follow-ups, the longest overdue first."""
    if not user.can(Perm.OUTREACH_MANAGE):
        return []
    overdue = selectors.overdue_for_owner(user=user, today=timezone.localdate())[:HOME_LIST_ROWS]
    rows = [
        HomeListRow(
            label=f"{f.get_kind_display()}：{f.description}（{f.region.name}）",
            url=reverse("outreach_followup_detail", args=[f.pk]),
            note=_("办理期限%(date)s") % {"date": f"{f.deadline:%Y-%m-%d}"},
        )
        for f in overdue
    ]
    return [
        HomeList(
            title=gettext_lazy("逾期未办的走访跟进事项"),
            rows=rows,
            more_url=reverse("outreach_followup_list") + f"?status=open&overdue=1&owner={user.pk}",
            more_label=gettext_lazy("查看我负责的全部逾期事项"),
        )
    ]
