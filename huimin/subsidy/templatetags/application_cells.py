"""The cells of an application shown on every row of the applications list and on its page —
status, hukou region, working-day clock — as Python tags: ``{% load application_cells %}``.

They were partial templates included three times per row; 50 rows made 150 includes, each
with its own context and nodes, a quarter of the list's rendering (issue 17, ADR 0014). The
partials now call these tags, so the list and the pages say the same thing; the messages are
the same gettext ids the templates had.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from huimin.core.models import Region
from huimin.core.templatetags.calendar_tags import provisional_badge
from huimin.subsidy.models import Application
from huimin.subsidy.selectors import ReviewClock

register = template.Library()

_STATUS_CLASS = {Application.Status.CONFIRMED: "ok", Application.Status.REJECTED: "bad"}


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@register.simple_tag
def application_status(application: Application) -> SafeString:
    """The status as a coloured tag: confirmed green, rejected red, the rest amber."""
    return format_html(
        '<span class="tag {}">{}</span>',
        _STATUS_CLASS.get(application.status, "warn"),  # type: ignore[call-overload]
        application.get_status_display(),
    )


@register.simple_tag
def region_path(region: Region) -> SafeString:
    """County, then township and village in grey (a village: county · township · village)."""
    if region.level == Region.Level.VILLAGE:
        township = region.parent
        county = township.parent if township else None
        return format_html(
            '{}<span class="muted"> · {} · {}</span>',
            county.name if county else "",
            township.name if township else "",
            region.name,
        )
    if region.level == Region.Level.TOWNSHIP:
        return format_html(
            '{}<span class="muted"> · {}</span>',
            region.parent.name if region.parent else "",
            region.name,
        )
    return format_html("{}", region.name)


@register.simple_tag
def application_clock(
    clock: ReviewClock | None, deadline: dt.date | None = None, provisional: bool = False
) -> SafeString:
    """An open application's deadline with the working days left (overdue in red, 5 or fewer
    in amber), or "pending" while its year's holidays are not entered; a decided one's
    "已办结" with the deadline it had."""
    if clock is None:
        done = gettext("已办结")
        if deadline:
            done += " · " + gettext("时限 %(d)s") % {"d": _day(deadline)}
        return format_html('<span class="small muted">{}</span>', done)
    if clock.pending_year:
        return format_html(
            '<span class="tag warn">{}</span>',
            gettext("办结时限待定（%(year)s年节假日安排尚未录入）") % {"year": clock.pending_year},
        )
    left = clock.working_days_left or 0
    if clock.overdue:
        tag = format_html(
            '<span class="tag bad overdue">{}</span>',
            gettext("已逾期 %(n)s 个工作日") % {"n": -left},
        )
    elif left == 0:
        tag = format_html('<span class="tag warn">{}</span>', gettext("今天到期"))
    else:
        tag = format_html(
            '<span class="tag{}">{}</span>',
            " warn" if left <= 5 else "",
            gettext("剩余 %(n)s 个工作日") % {"n": left},
        )
    badge = provisional_badge(provisional, clock.deadline)
    return mark_safe(f"{_day(clock.deadline)}{badge} {tag}")  # noqa: S308 - escaped parts
