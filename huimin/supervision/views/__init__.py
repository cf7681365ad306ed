"""Pages of supervision (双随机、一公开): draw plans, inspections, opinion letters, credit
ratings, complaints and conflicts, and the public results page without login.

Each view resolves with a selector (404 outside the user's scope), calls one service and
renders; a service's DomainError is shown next to the form's fields and nothing is saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.childcare.selectors import institution_of_operator
from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, InvalidInput
from huimin.core.models import Region, User
from huimin.core.navigation import HomeStat
from huimin.supervision import rules, selectors, services
from huimin.supervision.models import Inspection, OpinionLetter

Perm = core_rules.Perm
Role = core_rules.Role


def today() -> dt.date:
    return services.today()


def is_operator(user: User) -> bool:
    return user.role == Role.OPERATOR and not user.is_superuser


def form_errors(form: Any, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """A service's messages on the form; a refused step's message (not a field's) on top."""
    pages.form_errors(form, exc, aliases=aliases, whole=not isinstance(exc, InvalidInput))


def county_name(region: Region) -> str:
    """The county of a region for display (the parent of a township, loaded with it)."""
    county = region.county
    return county.name if county else ""


def stratum_labels(strata: set[str]) -> dict[str, str]:
    """Chinese labels of draw strata: ``140802/high`` → ``盐湖区 · 重点（有风险因素）``."""
    codes = {part for s in strata for part in s.split("/") if part.isdigit()}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    labels = {}
    for stratum in strata:
        parts = []
        for part in stratum.split("/"):
            if part == "all":
                parts.append(_("不分层"))
            elif part in rules.RISK_TIER_LABELS:
                parts.append(rules.RISK_TIER_LABELS[part])
            else:
                parts.append(names.get(part, part))
        labels[stratum] = " · ".join(parts)
    return labels


def level_name(level: str) -> str:
    """The words of a credit level without its letter: C → 失信风险."""
    label = rules.CREDIT_LEVEL_LABELS[rules.CreditLevel(level)]
    return label.removeprefix(level).strip("（）")


def reason_labels(reasons: list[str] | tuple[str, ...]) -> list[str]:
    return [rules.WEIGHT_LABELS.get(code, code) for code in reasons]


# --------------------------------------------------------------------------- home page


def _numbers(letters: Any, limit: int = 3) -> str:
    shown = [f"{letter.number}（{letter.institution.name}）" for letter in letters[:limit]]
    return "；".join(shown)


def home_stats(user: User) -> list[HomeStat]:
    """Supervision on a home page: a county official's escalated (overdue) letters and results
    to publish; an inspector's open inspections and evidence to judge; an operator's open
    letters and credit score."""
    if not user.can(Perm.SUPERVISION_VIEW):
        return []
    if is_operator(user):
        # an overdue letter is not “待整改” any more: the county has it; each is named as it is
        letters = selectors.letter_list_for_user(user=user)
        stats: list[HomeStat] = []
        for status, label in (
            (OpinionLetter.Status.ISSUED, gettext_lazy("待整改的监督意见书")),
            (OpinionLetter.Status.OVERDUE, gettext_lazy("逾期未整改的监督意见书（已上报）")),
        ):
            these = letters.filter(status=status)
            count = these.count()
            if count or status == OpinionLetter.Status.ISSUED:
                stats.append((label, count, _("份") + (("：" + _numbers(these)) if count else "")))
        institution = institution_of_operator(user)
        rating = selectors.credit_current(institution) if institution else None
        if rating is not None:
            stats.append(
                (
                    gettext_lazy("本机构诚信得分"),
                    rating.score,
                    _("分，%(level)s")
                    % {"level": rules.CREDIT_LEVEL_LABELS[rules.CreditLevel(rating.level)]},
                )
            )
        return stats
    if user.role == Role.INSPECTOR and not user.is_superuser:
        assigned = selectors.inspection_list_for_user(
            user=user, filters=selectors.InspectionFilters(status=Inspection.Status.ASSIGNED)
        ).count()
        submitted = selectors.letter_list_for_user(
            user=user, filters=selectors.LetterFilters(status=OpinionLetter.Status.SUBMITTED)
        ).count()
        return [
            (gettext_lazy("待检查的抽查任务"), assigned, _("项")),
            (gettext_lazy("待验收的整改材料"), submitted, _("份")),
        ]
    escalated = selectors.letters_escalated_for_user(user).order_by("-deadline", "-pk")
    count = escalated.count()
    stats = [
        (
            gettext_lazy("逾期未整改的监督意见书（已上报）"),
            count,
            _("份") + (("：" + _numbers(escalated)) if count else ""),
        )
    ]
    late = selectors.inspections_publish_overdue_for_user(user=user, today=today()).order_by(
        "publish_due", "pk"
    )
    late_count = late.count()
    shown = "；".join(
        _("%(name)s（应于%(due)s前公示）") % {"name": i.institution.name, "due": i.publish_due}
        for i in late[:3]
    )
    stats.append(
        (
            gettext_lazy("逾期未公示的检查结果"),
            late_count,
            _("项") + (("：" + shown) if late_count else ""),
        )
    )
    if user.can(Perm.DRAW_MANAGE):
        unpublished = selectors.inspection_list_for_user(
            user=user, filters=selectors.InspectionFilters(unpublished=True)
        ).count()
        stats.append((gettext_lazy("待公示的检查结果"), unpublished, _("项")))
    return stats
