"""Pages of payment batches (发放批次) and the subsidy dashboard (育儿补贴统计).

A finance officer opens a batch for a year and region; a background task builds it while the
page shows its progress; another finance officer approves it or sends it back; the payment
file goes to the bank and the bank's result file settles the lines. City and county
officials may look. Each view resolves with a selector (404 outside the user's scope), calls
one service and renders; a service's DomainError is shown next to the form it concerns.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, InvalidInput
from huimin.core.http import AuthedRequest
from huimin.core.imports import ImportRejected
from huimin.core.models import Region, User
from huimin.core.selectors import region_list_for_user
from huimin.core.views import client_ip
from huimin.subsidy import bankfiles, rules, selectors, services
from huimin.subsidy.forms.batches import (
    BankResultForm,
    BatchCreateForm,
    BatchFilterForm,
    BatchRejectForm,
    DashboardForm,
    LineFilterForm,
)
from huimin.subsidy.models import PaymentBatch

#: Row errors of a refused result file shown on the page (the count says how many in all).
ROW_ERRORS_SHOWN = 200
#: A bank result file of the largest batch we design for (1,000,000 lines as CSV) fits.
RESULT_MAX_BYTES = 100 * 1024 * 1024
Perm = core_rules.Perm
Status = PaymentBatch.Status
BUILDING = (Status.CREATED, Status.RUNNING)


def _yuan(fen: int) -> str:
    return rules.yuan_display(fen)


def _batch_years() -> list[int]:
    return selectors.dashboard_years()


# --------------------------------------------------------------------------- list and create


@login_required
def batch_list(request: AuthedRequest) -> HttpResponse:
    """发放批次: the batches in the user's regions, newest first, by year and status."""
    user = request.user
    form = BatchFilterForm(request.GET or None, years=_batch_years())
    year, status = None, ""
    if form.is_bound and form.is_valid():
        year, status = form.cleaned_data["year"], form.cleaned_data["status"]
    page = pages.paginate(
        request, selectors.batch_list_for_user(user=user, year=year, status=status)
    )
    return pages.list_page(
        request,
        "subsidy/batch_list.html",
        "subsidy/_batch_rows.html",
        {
            "form": form,
            "page": page,
            "rows": [(batch, _yuan(batch.total_fen)) for batch in page],
            "can_make": user.can(Perm.BATCH_MAKE),
        },
    )


def _batch_regions(user: User) -> list[Region]:
    """Where a user may open a batch: the city (if they serve it) and counties in scope."""
    return list(
        region_list_for_user(user=user)
        .filter(level__in=[Region.Level.CITY, Region.Level.COUNTY])
        .order_by("path")
    )


@login_required
def batch_create(request: AuthedRequest) -> HttpResponse:
    """新建发放批次: year and region; the build then runs in the background."""
    user = request.user
    pages.require(user, Perm.BATCH_MAKE)
    years = _batch_years()
    regions = _batch_regions(user)
    initial: dict[str, object] = {"year": years[0] if years else None}
    if len(regions) == 1:
        initial["region"] = regions[0].code
    form = BatchCreateForm(request.POST or None, years=years, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.batch_create(
                actor=user, year=data["year"], region_code=data["region"], name=data["name"]
            )
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(
                request,
                _("已创建发放批次“%(name)s”，正在后台生成发放明细。") % {"name": batch.name},
            )
            return redirect("subsidy_batch_detail", batch_id=batch.pk)
    return render(request, "subsidy/batch_form.html", {"form": form})


# --------------------------------------------------------------------------- detail


def _line_filters(
    request: AuthedRequest, batch: PaymentBatch
) -> tuple[LineFilterForm, selectors.LineFilters]:
    regions = (
        region_list_for_user(user=request.user)
        .filter(
            path__startswith=batch.region.path,
            level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP],
        )
        .order_by("path")
    )
    form = LineFilterForm(request.GET or None, regions=regions)
    return form, pages.list_filters(form, selectors.LineFilters)


def _lines_context(request: AuthedRequest, batch: PaymentBatch) -> dict[str, Any]:
    line_form, filters = _line_filters(request, batch)
    page = pages.paginate(request, selectors.batch_lines(batch, filters))
    return {
        "line_form": line_form,
        "page": page,
        "lines": [(line, _yuan(line.amount_fen)) for line in page],
        "query": pages.query_without_page(request.GET),
        "target": "lines",
    }


def _detail_page(
    request: AuthedRequest,
    batch: PaymentBatch,
    *,
    reject_form: BatchRejectForm | None = None,
    result_form: BankResultForm | None = None,
    row_errors: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    # the lines as last summed one by one (after every action, nightly and before an export):
    # summing a city batch's 116,400 lines on every view took most of the page's time
    totals = selectors.batch_lines_counted(batch)
    is_maker = batch.created_by_id == user.pk
    may_check = user.can(Perm.BATCH_CHECK) and batch.status == Status.BUILT
    row_errors = row_errors or []
    context = {
        "batch": batch,
        "building": batch.status in BUILDING,
        "totals": totals,
        "matches": totals.matches(batch),
        "stored_total": _yuan(batch.total_fen),
        "lines_total": _yuan(totals.amount_fen),
        "paid_total": _yuan(totals.paid_fen),
        "failed_total": _yuan(totals.failed_fen),
        "pending_total": _yuan(totals.amount_fen - totals.paid_fen - totals.failed_fen),
        "live_lines": totals.lines - totals.cancelled,
        "month_rate": _yuan(batch.fen_per_month),
        "can_check": may_check and not is_maker,
        "maker_blocked": may_check and is_maker,
        "can_export": user.can(Perm.BATCH_MAKE)
        and batch.status in (Status.APPROVED, Status.SETTLED),
        "can_import": user.can(Perm.BATCH_MAKE) and batch.status == Status.APPROVED,
        "reject_form": reject_form or BatchRejectForm(),
        "result_form": result_form or BankResultForm(),
        "row_errors": row_errors[:ROW_ERRORS_SHOWN],
        "row_errors_count": len(row_errors),
        "decisions": batch.decisions.select_related("actor"),
        "imports": batch.imports.select_related("actor"),
        "timeline": selectors.batch_timeline(user=user, batch=batch),
        **_lines_context(request, batch),
    }
    return render(request, "subsidy/batch_detail.html", context, status=status)


@login_required
def batch_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """One batch: status and progress, totals and their check, the checker's decision, the
    bank files, the bank's results, the lines (filtered, 50 a page) and the timeline."""
    batch = selectors.batch_get_for_user(user=request.user, batch_id=batch_id)
    if request.htmx and request.htmx.target == "lines":
        return render(
            request, "subsidy/_batch_lines.html", {"batch": batch, **_lines_context(request, batch)}
        )
    return _detail_page(request, batch)


@login_required
def batch_progress(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The progress fragment the batch page polls every second while the batch is built;
    once it is built, htmx reloads the page (HX-Refresh) to show the totals and lines."""
    batch = selectors.batch_get_for_user(user=request.user, batch_id=batch_id)
    building = batch.status in BUILDING
    response = render(
        request, "subsidy/_batch_progress.html", {"batch": batch, "building": building}
    )
    if request.htmx and not building:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_decide(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """复核: approve, or send back with a reason (the service refuses the batch's maker)."""
    user = request.user
    batch = selectors.batch_get_for_user(user=user, batch_id=batch_id)
    approve = request.POST.get("decision") == "approve"
    form = BatchRejectForm(request.POST)
    if not approve and not form.is_valid():
        return _detail_page(request, batch, reject_form=form)
    try:
        services.batch_decide(
            actor=user,
            batch_id=batch.pk,
            approve=approve,
            reason="" if approve else form.cleaned_data["reason"],
        )
    except InvalidInput as exc:
        pages.form_errors(form, exc)
        return _detail_page(request, batch, reject_form=form)
    if approve:
        messages.success(request, _("批次已复核通过，可以导出银行发放文件。"))
    else:
        messages.success(request, _("批次已退回，明细已作废，孩子可进入新的批次。"))
    return redirect("subsidy_batch_detail", batch_id=batch.pk)


# --------------------------------------------------------------------------- bank files

BANK_FILES = {
    "xlsx": bankfiles.payment_file_xlsx,
    "csv": bankfiles.payment_file_csv,
}


def _send(file: bankfiles.BankFile) -> StreamingHttpResponse:
    response = StreamingHttpResponse(file.chunks, content_type=file.content_type)
    response["Content-Disposition"] = file.content_disposition
    response["Cache-Control"] = "no-store"  # full ID and account numbers
    return response


@login_required
def batch_bank_file(request: AuthedRequest, batch_id: int, fmt: str) -> StreamingHttpResponse:
    """The bank payment file (.xlsx or .csv) of an approved batch; the export is logged."""
    if fmt not in BANK_FILES:
        raise Http404
    return _send(
        BANK_FILES[fmt](actor=request.user, batch_id=batch_id, ip_address=client_ip(request))
    )


@login_required
def batch_result_template(request: AuthedRequest, batch_id: int) -> StreamingHttpResponse:
    """The result file to fill in: the pending lines pre-filled with 成功."""
    return _send(
        bankfiles.result_template(
            actor=request.user, batch_id=batch_id, ip_address=client_ip(request)
        )
    )


@login_required
@require_POST
def batch_result_import(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Upload the bank's result file: all rows or none, refusals listed row by row."""
    user = request.user
    batch = selectors.batch_get_for_user(user=user, batch_id=batch_id)
    form = BankResultForm(request.POST, request.FILES)
    row_errors: list[Any] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > RESULT_MAX_BYTES:
                raise InvalidInput(_("文件超过100 MB，请拆分后分次导入。"))
            record = bankfiles.result_import(
                actor=user,
                batch_id=batch.pk,
                content=upload.read(),
                file_name=upload.name or "",
            )
        except ImportRejected as exc:
            row_errors = exc.errors
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            message = _("已导入银行回盘“%(name)s”：发放成功%(paid)s笔，发放失败%(failed)s笔。") % {
                "name": record.file_name,
                "paid": record.paid_count,
                "failed": record.failed_count,
            }
            if record.failed_count:
                message += _("发放失败的孩子将进入下一个发放批次。")
            messages.success(request, message)
            return redirect("subsidy_batch_detail", batch_id=batch.pk)
    batch.refresh_from_db()
    return _detail_page(request, batch, result_form=form, row_errors=row_errors)


# --------------------------------------------------------------------------- dashboard


def _chart_data(data: selectors.Dashboard) -> dict[str, Any]:
    """What the charts draw (the tables below them show the same figures)."""
    return {
        "counties": [c.name for c in data.counties],
        "applications": [c.applications for c in data.counties],
        "confirmed": [c.confirmed for c in data.counties],
        "open": [c.open for c in data.counties],
        "overdue": [c.overdue for c in data.counties],
        "paid_children": [c.paid_children for c in data.counties],
        "paid_yuan": [c.paid_fen / 100 for c in data.counties],
        "months": [m.month for m in data.months],
        "submitted": [m.submitted for m in data.months],
        "month_confirmed": [m.confirmed for m in data.months],
        "labels": {
            "applications": _("申请"),
            "confirmed": _("已确认"),
            "open": _("待办"),
            "overdue": _("逾期"),
            "paid_children": _("已发放人数"),
            "paid_yuan": _("已发放金额（元）"),
            "submitted": _("提交申请"),
            "month_confirmed": _("其中已确认"),
            "unit_count": _("件"),
            "unit_yuan": _("元"),
            "unit_people": _("人"),
        },
    }


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """育儿补贴统计: by county and by month for the user's regions, with the charts and the
    same figures as tables; the batches of the payment year with their totals checked."""
    user = request.user
    pages.require(user, Perm.SUBSIDY_VIEW)
    years = selectors.dashboard_years()
    form = DashboardForm(request.GET or None, years=years)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else None
    data = selectors.subsidy_dashboard(user=user, year=year)
    if year is None:
        form = DashboardForm(initial={"year": data.year}, years=years)
    return render(
        request,
        "subsidy/dashboard.html",
        {
            "form": form,
            "data": data,
            "counties": [(c, _yuan(c.paid_fen)) for c in data.counties],
            "total_paid": _yuan(data.total.paid_fen),
            "months_total": (
                sum(m.submitted for m in data.months),
                sum(m.confirmed for m in data.months),
            ),
            "batches": [
                {
                    "check": check,
                    "stored": _yuan(check.batch.total_fen),
                    "lines": _yuan(check.totals.amount_fen) if check.totals else "—",
                    "live": check.totals.lines - check.totals.cancelled if check.totals else "—",
                    "paid": _yuan(check.totals.paid_fen) if check.totals else "—",
                }
                for check in data.batches
            ],
            "chart": _chart_data(data),
        },
    )


urlpatterns = [
    path("batches/", batch_list, name="subsidy_batch_list"),
    path("batches/new/", batch_create, name="subsidy_batch_create"),
    path("batches/<int:batch_id>/", batch_detail, name="subsidy_batch_detail"),
    path("batches/<int:batch_id>/progress/", batch_progress, name="subsidy_batch_progress"),
    path("batches/<int:batch_id>/decide/", batch_decide, name="subsidy_batch_decide"),
    path(
        "batches/<int:batch_id>/bank-file.<str:fmt>",
        batch_bank_file,
        name="subsidy_batch_bank_file",
    ),
    path(
        "batches/<int:batch_id>/result-template.xlsx",
        batch_result_template,
        name="subsidy_batch_result_template",
    ),
    path("batches/<int:batch_id>/result/", batch_result_import, name="subsidy_batch_result"),
    path("dashboard/", dashboard, name="subsidy_dashboard"),
]
