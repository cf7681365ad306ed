"""What a disabled person (and the relative who asked for them) is told when their home
certificate service changes: one message per change in their inbox (core.services.notify),
written by the service that makes the change, in its transaction."""

from __future__ import annotations

from django.urls import reverse

from huimin.core.services import notify
from huimin.disability import rules
from huimin.disability.models import Case, Certificate


def case_changed(case: Case, *, reason: str = "", certificate: Certificate | None = None) -> None:
    """The visit was scheduled, the doctor assessed, the result was posted, an objection
    reopened it, the county decided, or the certificate was issued."""
    who = case.person.name
    S = Case.Status
    status = case.status
    if status == S.SCHEDULED and case.team is not None:
        title = "上门办证已排期"
        body = (
            f"残联上门服务组将于{case.team.day:%Y年%m月%d日}到{who}家中办理残疾人证，"
            "请本人在家，并备好身份证、户口簿和近期病历。"
        )
    elif status == S.NOT_QUALIFIED:
        title = "评残结果：未达到残疾标准"
        body = f"经医生评定，{who}未达到残疾标准。说明：{reason or '未填写'}。"
    elif status == S.ASSESSED:
        title = "评残结果已出"
        body = f"经医生评定，{who}为{case.result_text}，结果将在村（社区）公示。"
    elif status == S.POSTED and case.posting_ends and case.objection_until:
        title = "评残结果公示中"
        body = (
            f"{who}的评残结果（{case.result_text}）公示至{case.posting_ends:%Y年%m月%d日}；"
            f"如有异议，可在{case.objection_until:%Y年%m月%d日}前向乡镇（街道）残联提出。"
        )
    elif status == S.VISITED and reason:  # an objection reopened the case
        title = "评残结果有异议，将重新评定"
        body = f"{who}的评残结果公示期间收到异议（{reason}），将重新评定。"
    elif status == S.APPROVED:
        title = "县级审核通过，待发证"
        body = f"{who}的评残结果已通过县残联审核，残疾人证将尽快发放。"
    elif status == S.REFUSED:
        title = "县级审核未通过"
        body = f"{who}的评残结果未通过县残联审核。理由：{reason or '未说明'}。"
    elif status == S.CERTIFIED and certificate is not None:
        title = "残疾人证已发放"
        body = (
            f"{who}的残疾人证已发放，证号{certificate.number}，"
            f"{rules.CATEGORY_NAMES[certificate.category]}{rules.GRADE_NAMES[certificate.grade]}，"
            f"有效期至{certificate.valid_until:%Y年%m月%d日}。"
        )
    else:
        return
    notify(
        person_ids=[case.person_id],
        users=[case.requested_by],
        title=title,
        body=body,
        url=reverse("disability_case_detail", args=[case.pk]),
        obj=case,
    )
