"""What a farmer is told when their wildlife-damage claim changes: one message per change in
their inbox (core.services.notify), written by the service that makes the change, in its
transaction."""

from __future__ import annotations

from django.urls import reverse

from huimin.core.services import notify
from huimin.wildlife import rules
from huimin.wildlife.models import Claim


def claim_changed(claim: Claim, *, reason: str = "") -> None:
    """The claim was accepted, refused, surveyed, put into a payout batch, paid, or its
    payment failed (back to agreed)."""
    what = f"您报的{claim.damaged_on:%m月%d日}{claim.species}损害{claim.crop}（{claim.number}）"
    S = Claim.Status
    status = claim.status
    if status == S.ACCEPTED:
        due = f"，查勘员将在{claim.deadline:%Y年%m月%d日}前上门查勘" if claim.deadline else ""
        title = "野生动物致害报案已接案"
        body = f"{what}已接案{due}。请保留受损现场。"
    elif status == S.REJECTED:
        title = "野生动物致害报案不予受理"
        body = f"{what}不予受理。原因：{reason or '未说明'}。"
    elif status == S.SURVEYED:
        amount = rules.fen_to_yuan(claim.amount_fen or 0)
        title = "查勘定损完成，请确认金额"
        body = (
            f"{what}已查勘定损，定损金额{amount}元。请打开报案页面确认金额；"
            "如有不同意见，可在页面上提出异议，将重新查勘。"
        )
    elif status == S.PAYING:
        title = "赔款已列入发放批次"
        body = f"{what}的赔款已列入发放批次，{reason}，正在由银行发放。"
    elif status == S.PAID:
        amount = rules.fen_to_yuan(claim.paid_fen or 0)
        title = "野生动物致害赔款已发放"
        body = f"{what}的赔款{amount}元已发放。" if claim.paid_fen else f"{what}：{reason}。"
    elif status == S.AGREED and reason:  # a payment the bank returned
        title = "赔款发放失败"
        body = f"{what}的赔款未能发放（{reason}），将在下一批次重新发放，请核对收款账户。"
    else:
        return
    notify(
        person_ids=[claim.farmer_id],
        title=title,
        body=body,
        url=reverse("wildlife_claim_detail", args=[claim.pk]),
        obj=claim,
    )
