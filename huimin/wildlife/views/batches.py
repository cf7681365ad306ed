"""Pages of payout batches: the list, a new batch of a policy year's agreed claims (each paid
within what is left of the aggregate limit), a batch's lines, its bank file and the bank's
result (回盘) that marks claims paid or returns them to be paid again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core.errors import DomainError, NotFound
from huimin.core.http import AuthedRequest
from huimin.core.spreadsheets import download
from huimin.wildlife import bankfiles, selectors, services
from huimin.wildlife.forms import BankResultForm
from huimin.wildlife.models import Claim
from huimin.wildlife.views import Perm, yuan_text


@login_required
def batch_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.WILDLIFE_VIEW)
    year = request.GET.get("year", "")
    batches = selectors.batch_list_for_user(user=user, year=int(year) if year.isdigit() else None)
    page = pages.paginate(request, batches)
    for b in page:
        b.total_text = yuan_text(b.total_fen)
    policies = []
    if user.can(Perm.WILDLIFE_PAY):
        for p in selectors.policy_list_for_user(user=user):
            waiting = selectors.claim_scope(user).filter(policy=p, status=Claim.Status.AGREED)
            count = waiting.count()
            if count:
                policies.append({"policy": p, "count": count})
    return render(
        request,
        "wildlife/batch_list.html",
        {
            "page": page,
            "year": year,
            "policies": policies,
            "query": pages.query_without_page(request.GET),
        },
    )


@login_required
@require_POST
def batch_new(request: AuthedRequest) -> HttpResponse:
    """A payout batch of one policy year's agreed claims."""
    pages.require(request.user, Perm.WILDLIFE_PAY)
    raw = request.POST.get("policy", "")
    if not raw.isdigit():
        raise NotFound()
    try:
        batch = services.batch_create(actor=request.user, policy_id=int(raw))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect("wildlife_batch_list")
    messages.success(
        request,
        _("已生成赔付批次“%(name)s”：%(n)s笔，%(total)s元。请导出代发文件交银行。")
        % {"name": batch.name, "n": batch.line_count, "total": yuan_text(batch.total_fen)},
    )
    return redirect("wildlife_batch_detail", payout_batch_id=batch.pk)


def _batch_page(
    request: AuthedRequest,
    payout_batch_id: int,
    form: BankResultForm | None = None,
    status: int = 200,
) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, batch_id=payout_batch_id)
    lines = pages.paginate(request, batch.lines.select_related("claim").order_by("pk"))
    for line in lines:
        line.amount_text = yuan_text(line.amount_fen)
        line.shortfall_text = yuan_text(line.shortfall_fen) if line.shortfall_fen else ""
    return render(
        request,
        "wildlife/batch_detail.html",
        {
            "batch": batch,
            "total": yuan_text(batch.total_fen),
            "page": lines,
            "query": pages.query_without_page(request.GET),
            "form": form or BankResultForm(),
            "can_pay": request.user.can(Perm.WILDLIFE_PAY),
        },
        status=status,
    )


@login_required
def batch_detail(request: AuthedRequest, payout_batch_id: int) -> HttpResponse:
    return _batch_page(request, payout_batch_id)


@login_required
def batch_bank_file(request: AuthedRequest, payout_batch_id: int, fmt: str) -> HttpResponse:
    """代发文件 of a batch (.xlsx or .csv), full account numbers: WILDLIFE_PAY only."""
    if fmt not in ("xlsx", "csv"):
        raise NotFound()
    content, filename, content_type = bankfiles.payment_file(
        actor=request.user, batch_id=payout_batch_id, fmt=fmt
    )
    return download(content, filename, content_type)


@login_required
@require_POST
def batch_result(request: AuthedRequest, payout_batch_id: int) -> HttpResponse:
    """导入银行回盘: all or nothing."""
    pages.require(request.user, Perm.WILDLIFE_PAY)
    selectors.batch_get_for_user(user=request.user, batch_id=payout_batch_id)
    form = BankResultForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            bankfiles.result_import(
                actor=request.user,
                batch_id=payout_batch_id,
                content=form.cleaned_data["file"].read(),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("银行回盘已导入。"))
            return redirect("wildlife_batch_detail", payout_batch_id=payout_batch_id)
    return _batch_page(request, payout_batch_id, form, status=422)


urlpatterns = [
    path("batches/", batch_list, name="wildlife_batch_list"),
    path("batches/new/", batch_new, name="wildlife_batch_new"),
    path("batches/<int:payout_batch_id>/", batch_detail, name="wildlife_batch_detail"),
    path(
        "batches/<int:payout_batch_id>/bank.<str:fmt>",
        batch_bank_file,
        name="wildlife_batch_bank_file",
    ),
    path("batches/<int:payout_batch_id>/result/", batch_result, name="wildlife_batch_result"),
]
