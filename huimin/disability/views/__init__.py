"""Pages of the disability certificate home service: the relative's phone request, the
federation's queue with its priority reasons and the 15-working-day clock, teams and their
village-by-village routes, the tablet visit form with the identity check, the doctor's
assessment, posting, objection, county review, certificates with their data sheet, the
public posting (masked name and village), the policy list and the dashboard.

Each view resolves with a selector (404 outside the user's scope), calls one service and
renders; a service's DomainError is shown next to the form's fields and nothing is saved."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, InvalidInput
from huimin.core.models import User
from huimin.core.navigation import HOME_LIST_ROWS, HomeList, HomeListRow, HomeStat
from huimin.disability import rules, selectors
from huimin.disability.models import Case

Perm = core_rules.Perm
Role = core_rules.Role


def form_errors(form: Any, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    pages.form_errors(form, exc, aliases=aliases, whole=not isinstance(exc, InvalidInput))


def home_stats(user: User) -> list[HomeStat]:
    """The federation's queue and its overdue cases, the doctor's cases to assess, the county's
    results to review."""
    if not user.can(Perm.DISABILITY_VIEW):
        return []
    cases = selectors.case_scope(user)
    today = timezone.localdate()
    out: list[HomeStat] = []
    if user.can(Perm.DISABILITY_HANDLE):
        out += [
            (
                gettext_lazy("待安排上门的办证申请"),
                cases.filter(status=Case.Status.REQUESTED).count(),
                _("件"),
            ),
            (
                gettext_lazy("上门办证逾期未办结"),
                cases.filter(status__in=selectors.RUNNING, deadline__lt=today).count(),
                _("件") + _("（%(n)s个工作日内办结）") % {"n": rules.SERVICE_WORKING_DAYS},
            ),
        ]
    if user.can(Perm.DISABILITY_ASSESS):
        mine = cases.filter(status=Case.Status.VISITED)
        if user.role == Role.DOCTOR:
            mine = mine.filter(team__doctor=user)
        out.append((gettext_lazy("待我评定的残疾人"), mine.count(), _("人")))
    if user.can(Perm.DISABILITY_REVIEW):
        out.append(
            (
                gettext_lazy("待县级审核的评定结果"),
                cases.filter(status=Case.Status.POSTED, posting_ends__lt=today).count(),
                _("件"),
            )
        )
    return out


def home_lists(user: User) -> list[HomeList]:
    """The federation's overdue cases, the longest overdue first (RULES.md §6: done within 15
    working days of the visit)."""
    if not user.can(Perm.DISABILITY_HANDLE):
        return []
    overdue = (
        selectors.case_scope(user)
        .filter(status__in=selectors.RUNNING, deadline__lt=timezone.localdate())
        .select_related("person", "region")
        .order_by("deadline", "pk")[:HOME_LIST_ROWS]
    )
    rows = [
        HomeListRow(
            label=f"{case.number} {case.person.name}（{case.region.name}）",
            url=reverse("disability_case_detail", args=[case.pk]),
            note=_("办结期限%(date)s，%(status)s")
            % {"date": f"{case.deadline:%Y-%m-%d}", "status": case.get_status_display()},
        )
        for case in overdue
    ]
    return [
        HomeList(
            title=gettext_lazy("逾期未办结的上门办证"),
            rows=rows,
            more_url=reverse("disability_case_list") + "?overdue=on",
            more_label=gettext_lazy("在上门办证页查看全部逾期"),
        )
    ]
