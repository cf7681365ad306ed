"""Pages of demonstration institutions: applications (the operator's phone page to apply,
the county's recommendation, the city's evaluators and decision), the evaluator's scoring
page, awards paid by finance with two approvals, the rubric, the public list of current
demonstration institutions, the workforce's training and the policy library.

Each view resolves with a selector (404 outside the user's scope), calls one service and
renders; a service's DomainError is shown on the page and nothing is saved."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core import rules as core_rules
from huimin.core.models import User
from huimin.core.navigation import HomeStat
from huimin.demonstration import selectors
from huimin.demonstration.models import Application, Assignment, Award

Perm = core_rules.Perm
Role = core_rules.Role


def yuan_text(fen: int | None) -> str:
    if fen is None:
        return "—"
    return f"{Decimal(fen) / 100:,.2f}"


def home_stats(user: User) -> list[HomeStat]:
    """Demonstration work on a home page: an evaluator's scoring to do, the county's
    applications to recommend, finance's awards to pay or check, an operator's unread
    policies."""
    stats: list[HomeStat] = []
    if user.can(Perm.DEMO_SCORE):
        todo = selectors.assignment_list_for_user(user=user, status=Assignment.Status.ASSIGNED)
        stats.append((gettext_lazy("待评分的示范申报"), todo.count(), _("件")))
    if user.can(Perm.DEMO_RECOMMEND):
        waiting = selectors.application_list_for_user(
            user=user, filters=selectors.ApplicationFilters(status=Application.Status.SUBMITTED)
        )
        stats.append((gettext_lazy("待县级推荐的示范申报"), waiting.count(), _("件")))
    if user.can(Perm.DEMO_PAY):
        awards = selectors.award_list_for_user(user=user)
        stats.append(
            (
                gettext_lazy("待拨付或待复核的示范奖补"),
                awards.exclude(status=Award.Status.PAID).count(),
                _("笔"),
            )
        )
    if user.can(Perm.POLICY_CONFIRM):
        stats.append(
            (
                gettext_lazy("新发布待阅知的政策文件"),
                selectors.policies_unread_for_user(user).count(),
                _("件"),
            )
        )
    return stats
