"""Awards: finance's list and one award's page (request payment; another officer approves or
returns it), and the rubric in force."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.demonstration import notice, selectors, services
from huimin.demonstration.models import Award, Rubric
from huimin.demonstration.views import Perm, yuan_text


@login_required
def award_list(request: AuthedRequest) -> HttpResponse:
    pages.require(request.user, Perm.DEMO_VIEW)
    status = request.GET.get("status", "")
    status = status if status in Award.Status.values else ""
    rows = selectors.award_list_for_user(user=request.user, status=status)
    page = pages.paginate(request, rows)
    for w in page:
        w.amount_text = yuan_text(w.amount_fen)
    return render(
        request,
        "demonstration/award_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Award.Status.choices,
            "query": pages.query_without_page(request.GET),
        },
    )


@login_required
def award_detail(request: AuthedRequest, award_id: int) -> HttpResponse:
    user = request.user
    award = selectors.award_get_for_user(user=user, award_id=award_id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "request":
                services.award_pay_request(actor=user, award_id=award.pk)
            elif action in ("approve", "return"):
                services.award_pay_decide(
                    actor=user,
                    award_id=award.pk,
                    approve=action == "approve",
                    reason=request.POST.get("reason", ""),
                )
            else:
                raise DomainError(_("未知的操作。"))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已办理。"))
            return redirect("demonstration_award_detail", award.pk)
    award = selectors.award_get_for_user(user=user, award_id=award_id)
    round_ = award.round
    return render(
        request,
        "demonstration/award_detail.html",
        {
            "award": award,
            "amount_text": yuan_text(award.amount_fen),
            "round": round_,
            "budget_text": yuan_text(round_.budget_fen),
            "reserved_text": yuan_text(round_.reserved_fen),
            "paid_text": yuan_text(round_.paid_fen),
            "left_text": yuan_text(round_.left_fen),
            "decisions": award.decisions.select_related("actor"),
            "can_pay": user.can(Perm.DEMO_PAY),
            "error": error,
        },
        status=422 if error else 200,
    )


@login_required
def award_notice(request: AuthedRequest, award_id: int) -> HttpResponse:
    """The award notice PDF of an award the user may see (Chinese font embedded)."""
    award = selectors.award_get_for_user(user=request.user, award_id=award_id)
    body = notice.notice_pdf(notice.award_notice(award))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="award-{award.pk}.pdf"'
    return response


@login_required
def rubric(request: AuthedRequest) -> HttpResponse:
    """The published rubrics, newest version first; ``?version=`` shows one."""
    rubrics = list(selectors.rubric_list_for_user(user=request.user))
    wanted = request.GET.get("id", "")
    shown = next((r for r in rubrics if str(r.pk) == wanted), None) or next(
        (r for r in rubrics if r.status == Rubric.Status.PUBLISHED), None
    )
    return render(
        request,
        "demonstration/rubric.html",
        {
            "rubrics": rubrics,
            "rubric": shown,
            "dimensions": shown.dimensions.prefetch_related("items") if shown else [],
            "vetoes": shown.items.filter(veto=True) if shown else [],
            "total": sum(i.points for i in shown.items.all()) if shown else 0,
            "can_manage": request.user.can(Perm.DEMO_MANAGE),
        },
    )


urlpatterns = [
    path("awards/", award_list, name="demonstration_award_list"),
    path("awards/<int:award_id>/", award_detail, name="demonstration_award_detail"),
    path("awards/<int:award_id>/notice.pdf", award_notice, name="demonstration_award_notice"),
    path("rubric/", rubric, name="demonstration_rubric"),
]
