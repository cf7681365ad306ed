"""A citizen's own matters (我的办事), read only through the other modules' selectors: each
with its state, its next step in plain Chinese and its deadline. Only citizens have one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core.errors import Forbidden
from huimin.core.models import User
from huimin.core.rules import Role
from huimin.disability import selectors as disability
from huimin.disability.models import Case
from huimin.outreach import selectors as outreach
from huimin.subsidy import selectors as subsidy
from huimin.subsidy.models import Application, PaymentLine
from huimin.wildlife import rules as wildlife_rules
from huimin.wildlife import selectors as wildlife
from huimin.wildlife.models import Claim

KINDS = {
    "subsidy": gettext_lazy("育儿补贴申请"),
    "payment": gettext_lazy("育儿补贴发放"),
    "wildlife": gettext_lazy("野生动物致害报案"),
    "disability": gettext_lazy("残疾人证上门办理"),
    "followup": gettext_lazy("走访发现的需求"),
}


@dataclass(frozen=True)
class Matter:
    kind: str  # a key of KINDS
    id: int
    title: str
    status: str
    status_label: str
    next_step: str
    deadline: dt.date | None
    url: str
    done: bool  # nothing more to do or to wait for

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


@dataclass(frozen=True)
class Matters:
    subsidy: list[Matter]
    payments: list[Matter]
    wildlife: list[Matter]
    disability: list[Matter]
    followups: list[Matter]

    @property
    def all(self) -> list[Matter]:
        return [
            *self.subsidy,
            *self.payments,
            *self.wildlife,
            *self.disability,
            *self.followups,
        ]


def require_citizen(user: User) -> None:
    """我的办事 and the inbox are a citizen's: every other role is refused (403)."""
    if not user.is_authenticated or not user.is_active or user.role != Role.CITIZEN:
        raise Forbidden("“我的办事”只对群众账号开放。")


def _application(a: Application) -> Matter:
    S = Application.Status
    steps = {
        S.SUBMITTED: _("等待乡镇（街道）审核，无需再交材料"),
        S.TOWNSHIP_APPROVED: _("已通过乡镇审核，等待县级确认"),
        S.CONFIRMED: _("已确认，补贴每年随发放批次打到您的银行账户"),
        S.REJECTED: _("未通过：查看原因，补正后可重新申请"),
    }
    waiting = a.status in (S.SUBMITTED, S.TOWNSHIP_APPROVED)
    return Matter(
        kind="subsidy",
        id=a.pk,
        title=_("%(name)s的育儿补贴") % {"name": a.child.name},
        status=a.status,
        status_label=a.get_status_display(),
        next_step=steps.get(S(a.status), ""),
        deadline=a.deadline if waiting else None,
        url=f"{reverse('subsidy_apply')}#application-{a.pk}",
        done=not waiting,
    )


def _payment(line: PaymentLine) -> Matter:
    S = PaymentLine.Status
    yuan = (
        f"{line.amount_fen // 100:,}"
        if line.amount_fen % 100 == 0
        else f"{line.amount_fen / 100:,.2f}"
    )
    facts = {"yuan": yuan, "tail": line.bank_account[-4:]}
    if line.status == S.PAID:
        facts["day"] = date_format(line.settled_on) if line.settled_on else ""
        step = _("%(yuan)s元已于%(day)s发放到尾号%(tail)s的账户") % facts
    elif line.status == S.FAILED:
        step = _("发放失败（%(reason)s）：请核对收款账户，下一批次重新发放") % {
            "reason": line.failure_reason or _("银行未说明")
        }
    else:
        step = _("%(yuan)s元正在由银行发放到尾号%(tail)s的账户") % facts
    return Matter(
        kind="payment",
        id=line.pk,
        title=_("%(name)s %(year)s年育儿补贴（%(months)s个月）")
        % {"name": line.child.name, "year": line.year, "months": line.months},
        status=line.status,
        status_label=line.get_status_display(),
        next_step=step,
        deadline=None,
        url=f"{reverse('subsidy_apply')}#application-{line.application_id}",
        done=line.status == S.PAID,
    )


def _claim(c: Claim) -> Matter:
    S = Claim.Status
    amount = wildlife_rules.fen_to_yuan(c.amount_fen or 0)
    steps: dict[str, tuple[str, dt.date | None]] = {
        S.REPORTED: (_("等待当日接案"), c.accept_due),
        S.ACCEPTED: (_("等待查勘员上门查勘定损，请保留受损现场"), c.deadline),
        S.REJECTED: (
            _("不予受理：%(reason)s") % {"reason": c.exclusion_label or _("见报案页面")},
            None,
        ),
        S.SURVEYED: (
            _("定损%(yuan)s元：请打开报案确认金额，或提出异议") % {"yuan": amount},
            None,
        ),
        S.AGREED: (_("已确认金额，等待赔付"), c.payment_due),
        S.PAYING: (_("赔款正在由银行发放"), c.payment_due),
        S.PAID: (
            _("已赔付%(yuan)s元") % {"yuan": wildlife_rules.fen_to_yuan(c.paid_fen)},
            None,
        ),
    }
    step, due = steps.get(c.status, ("", None))
    return Matter(
        kind="wildlife",
        id=c.pk,
        title=_("%(species)s损害%(crop)s（%(number)s）")
        % {"species": c.species, "crop": c.crop, "number": c.number},
        status=c.status,
        status_label=c.get_status_display(),
        next_step=step,
        deadline=due,
        url=reverse("wildlife_claim_detail", args=[c.pk]),
        done=c.status in (S.REJECTED, S.PAID),
    )


def _case(c: Case) -> Matter:
    S = Case.Status
    day = c.team.day if c.team is not None else None
    steps: dict[str, tuple[str, dt.date | None]] = {
        S.REQUESTED: (_("等待残联安排上门服务组"), None),
        S.SCHEDULED: (
            _("上门服务组将于%(day)s到家，请本人在家并备好身份证、户口簿")
            % {"day": date_format(day, "MONTH_DAY_FORMAT")}
            if day
            else "",
            day,
        ),
        S.VISITED: (_("已上门，等待医生评定"), c.deadline),
        S.ASSESSED: (_("评定为%(result)s，等待公示") % {"result": c.result_text}, c.deadline),
        S.POSTED: (
            _("公示中；如有异议，在%(day)s前提出")
            % {"day": date_format(c.objection_until, "MONTH_DAY_FORMAT")}
            if c.objection_until
            else _("公示中"),
            c.objection_until,
        ),
        S.APPROVED: (_("县级审核通过，等待发证"), c.deadline),
        S.CERTIFIED: (_("残疾人证已发放"), None),
        S.NOT_QUALIFIED: (_("未达到残疾标准"), None),
        S.REFUSED: (_("县级审核未通过：查看理由"), None),
        S.WITHDRAWN: (_("已撤回"), None),
    }
    step, due = steps.get(c.status, ("", None))
    return Matter(
        kind="disability",
        id=c.pk,
        title=_("%(name)s的残疾人证（%(number)s）") % {"name": c.person.name, "number": c.number},
        status=c.status,
        status_label=c.get_status_display(),
        next_step=step,
        deadline=due,
        url=reverse("disability_case_detail", args=[c.pk]),
        done=c.status in (S.CERTIFIED, S.NOT_QUALIFIED, S.REFUSED, S.WITHDRAWN),
    )


def _followups(user: User) -> list[Matter]:
    person = user.person
    if person is None:
        return []
    rows = []
    for f in outreach.followups_for_person(person):
        open_ = f.status == "open"
        rows.append(
            Matter(
                kind="followup",
                id=f.pk,
                title=_("%(kind)s：%(text)s")
                % {"kind": f.get_kind_display(), "text": f.description},
                status=f.status,
                status_label=f.get_status_display(),
                next_step=_("工作人员正在跟进办理") if open_ else f.get_status_display(),
                deadline=f.deadline if open_ else None,
                url="",
                done=not open_,
            )
        )
    return rows


def matters_of_citizen(user: User) -> Matters:
    """Everything a citizen has with the platform, newest first in each section; only their
    own (each module's citizen selector scopes it). Raises Forbidden for another role."""
    require_citizen(user)
    return Matters(
        subsidy=[_application(a) for a in subsidy.applications_of_citizen(user)],
        payments=[_payment(p) for p in subsidy.payments_of_citizen(user)],
        wildlife=[_claim(c) for c in wildlife.claims_of_farmer(user)],
        disability=[_case(c) for c in disability.cases_of_citizen(user)],
        followups=_followups(user),
    )
