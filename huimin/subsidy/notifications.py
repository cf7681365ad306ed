"""What a guardian is told when their childcare subsidy application or payment changes: one
message per change in their inbox (core.services.notify), written by the service that makes
the change, in its transaction."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from huimin.core.models import Notification
from huimin.core.services import notify
from huimin.subsidy.models import Application, BankResultImport, PaymentLine


def _url(application_id: int) -> str:
    """Where a guardian reads their application: their own page, at its card."""
    return f"{reverse('subsidy_apply')}#application-{application_id}"


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}" if fen % 100 == 0 else f"{fen / 100:,.2f}"


def application_changed(application: Application, *, reason: str = "") -> None:
    """The application was submitted, passed the township, confirmed or refused."""
    child = application.child.name
    status = application.status
    S = Application.Status
    if status == S.SUBMITTED:
        title = "育儿补贴申请已受理"
        due = application.deadline
        deadline = f"，办结时限为{due:%Y年%m月%d日}" if due else ""
        body = f"您为{child}提交的育儿补贴申请已收到，正在等待乡镇（街道）审核{deadline}。"
    elif status == S.TOWNSHIP_APPROVED:
        title = "育儿补贴申请已通过乡镇审核"
        body = f"您为{child}提交的育儿补贴申请已通过乡镇（街道）审核，正在等待县级确认。"
    elif status == S.CONFIRMED:
        title = "育儿补贴申请已确认"
        body = (
            f"您为{child}提交的育儿补贴申请已经县级确认，补贴将随下一个发放批次"
            f"打到尾号{application.bank_account[-4:]}的账户。"
        )
    elif status == S.REJECTED:
        title = "育儿补贴申请未通过"
        body = (
            f"您为{child}提交的育儿补贴申请未通过审核。原因：{reason or '未说明'}。"
            "您可以按说明补正材料后重新提交申请。"
        )
    else:
        return
    notify(
        person_ids=[application.applicant_id],
        users=[application.filed_by],
        title=title,
        body=body,
        url=_url(application.pk),
        obj=application,
    )


def payment_results(record: BankResultImport) -> Iterator[Notification]:
    """One message per settled line of a bank's result whose applicant has a citizen
    account (paid, or failed with the bank's reason), read set-wise; written in bulk by the
    caller (``notifications_send_bulk``)."""
    content_type = ContentType.objects.get_for_model(Application)
    lines = (
        PaymentLine.objects.filter(
            result_import=record,
            application__applicant__account__isnull=False,
            application__applicant__account__is_active=True,
        )
        .values_list(
            "application_id",
            "application__applicant__account__id",
            "application__child__name",
            "year",
            "months",
            "amount_fen",
            "status",
            "failure_reason",
            "settled_on",
            "bank_account",
        )
        .order_by("id")
    )
    for app_id, user_id, child, year, months, fen, status, reason, on, account in lines:
        if status == PaymentLine.Status.PAID:
            title = "育儿补贴已发放"
            body = (
                f"{child}{year}年的育儿补贴{months}个月共{_yuan(fen)}元，"
                f"已于{on:%Y年%m月%d日}发放到尾号{account[-4:]}的账户。"
            )
        else:
            title = "育儿补贴发放失败"
            body = (
                f"{child}{year}年的育儿补贴{_yuan(fen)}元未能发放到尾号{account[-4:]}的账户"
                f"（银行原因：{reason or '未说明'}）。请核对收款账户，"
                "需要更换时在申请页面提交新的银行账户，下一批次将重新发放。"
            )
        yield Notification(
            recipient_id=user_id,
            title=title,
            body=body,
            url=_url(app_id),
            content_type=content_type,
            object_id=app_id,
        )
