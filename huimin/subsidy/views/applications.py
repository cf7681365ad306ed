"""Pages of subsidy applications: a guardian applies and follows their applications; township
and county officials enter applications on a guardian's behalf, review and confirm them, and
record hukou moves, deaths and account changes.

Each view resolves with a selector (404 outside the user's scope), calls one service per
application and renders; a service's DomainError is shown next to the form's fields and
nothing is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, Duplicate, Forbidden, InvalidInput
from huimin.core.http import AuthedRequest
from huimin.core.models import Person, Region, User
from huimin.core.navigation import HomeStat
from huimin.core.selectors import WorkdayCalendar, region_may_act, timeline_for_user
from huimin.core.spreadsheets import xlsx_response
from huimin.subsidy import rules, selectors, services
from huimin.subsidy.forms.applications import (
    ApplicationFilterForm,
    ApplicationForm,
    BankChangeForm,
    ChildDeathForm,
    DecisionForm,
    HukouMoveForm,
    SubsidyForm,
)
from huimin.subsidy.models import Application, ApplicationDecision, PaymentLine

#: Rows one bulk action handles: two pages of the list.
BULK_MAX = 2 * pages.PAGE_SIZE
Perm = core_rules.Perm


def _today() -> dt.date:
    return services.today()


def _is_citizen(user: User) -> bool:
    return user.role == core_rules.Role.CITIZEN and not user.is_superuser


def _form_errors(form: SubsidyForm, exc: DomainError) -> None:
    """A service's messages on the form; a refused step's message on top too, since it says
    what state the application is in. A duplicate's message is shown once, next to the
    child's ID (on top only when the form has no such field)."""
    pages.form_errors(form, exc, whole=not isinstance(exc, (InvalidInput, Duplicate)))


def _entitlement_text(application: Application) -> str:
    entitlement = selectors.application_entitlement(application)
    if not entitlement.eligible:
        return _("按孩子的出生日期，没有可领取的月份。")
    return _("按孩子的出生日期，预计可领取育儿补贴 %(total)s 元，共 %(months)s 个月。") % {
        "total": rules.yuan_display(entitlement.total_amount_fen),
        "months": entitlement.total_months,
    }


def _submit(request: AuthedRequest, form: ApplicationForm) -> Application | None:
    """Hand the form to the service when it may pass: a form whose only faults are blank or
    unknown choices still goes, so the service names every other problem at the same time (it
    refuses those too, so nothing is saved)."""
    valid = form.is_valid()
    if not valid and not form.only_soft_errors():
        return None
    data = services.ApplicationInput(
        child_name=form.value("child_name"),
        child_resident_id=form.value("child_resident_id"),
        birth_certificate=form.value("birth_certificate"),
        region_code=form.value("region"),
        relation=form.value("relation"),
        bank_name=form.value("bank_name"),
        bank_account=form.value("bank_account"),
        account_holder=form.value("account_holder"),
        phone=form.value("phone"),
        applicant_name=form.value("applicant_name"),
        applicant_resident_id=form.value("applicant_resident_id"),
    )
    try:
        application = services.application_submit(actor=request.user, data=data)
    except DomainError as exc:
        _form_errors(form, exc)
        return None
    if not valid:  # the service accepted what the form doubted: the service decides
        form.errors.clear()
    return application


def _with_yuan(lines: list[PaymentLine]) -> list[PaymentLine]:
    for line in lines:
        line.amount_yuan = rules.yuan_display(line.amount_fen)  # type: ignore[attr-defined]
    return lines


# --------------------------------------------------------------------------- the guardian


def _citizen_applications(user: User) -> list[Application]:
    """A guardian's applications with their decisions, payment lines and review clocks."""
    applications = list(
        selectors.applications_of_citizen(user)
        .select_related("region__parent__parent", "previous_region")
        .prefetch_related(
            Prefetch("decisions", queryset=ApplicationDecision.objects.order_by("decided_at")),
            Prefetch(
                "lines",
                queryset=PaymentLine.objects.exclude(status=PaymentLine.Status.CANCELLED)
                .select_related("batch")
                .order_by("-year", "-id"),
            ),
        )
    )
    calendar, today = WorkdayCalendar(), _today()
    for a in applications:
        a.clock = selectors.application_clock(a, today=today, calendar=calendar)  # type: ignore[attr-defined]
        a.line_list = _with_yuan(list(a.lines.all()))  # type: ignore[attr-defined]
        a.years = _entitlement_years(a, a.line_list)  # type: ignore[attr-defined]
    return applications


@login_required
def apply(request: AuthedRequest) -> HttpResponse:
    """申请育儿补贴: a guardian's applications (status, deadline, decisions, payments) and the
    form to apply for a child."""
    user = request.user
    if not _is_citizen(user):
        if user.can(Perm.SUBSIDY_ENTER):
            return redirect("subsidy_application_enter")
        raise Forbidden(_("网上申请育儿补贴请使用群众账号；工作人员请使用“代办申请”。"))
    pages.require(user, Perm.SUBSIDY_APPLY)
    # an empty POST is still a submission: every required field is then reported
    form = ApplicationForm(
        request.POST if request.method == "POST" else None, regions=selectors.hukou_regions()
    )
    if request.method == "POST":
        application = _submit(request, form)
        if application is not None:
            messages.success(
                request,
                _("已提交育儿补贴申请（编号 %(id)s），等待乡镇（街道）审核。")
                % {"id": application.pk}
                + _entitlement_text(application),
            )
            return redirect(f"{reverse('subsidy_apply')}#application-{application.pk}")
    return _apply_page(request, form)


def _apply_page(
    request: AuthedRequest,
    form: ApplicationForm,
    *,
    bank_form: BankChangeForm | None = None,
    bank_for: int | None = None,
) -> HttpResponse:
    """The guardian's page; ``bank_form`` is the account correction of application
    ``bank_for`` shown again with its errors."""
    applications = _citizen_applications(request.user)
    for a in applications:
        a.bank_form = (  # type: ignore[attr-defined]
            bank_form
            if a.pk == bank_for and bank_form is not None
            else BankChangeForm(
                initial={"account_holder": a.account_holder, "bank_name": a.bank_name},
                auto_id=_bank_ids(a.pk),
            )
        )
    return render(
        request,
        "subsidy/apply.html",
        {
            "form": form,
            "applications": applications,
            "linked": request.user.person_id is not None,
            "review_days": rules.REVIEW_WORKING_DAYS,
            "bank_for": bank_for,
        },
    )


def _bank_change(request: AuthedRequest, application_id: int, data: dict[str, Any]) -> Application:
    return services.application_bank_change(
        actor=request.user,
        application_id=application_id,
        bank_name=data["bank_name"],
        bank_account=data["bank_account"],
        account_holder=data["account_holder"],
    )


def _bank_changed(application: Application) -> str:
    return _("已更换收款账户：%(bank)s %(account)s（收款人%(name)s）。") % {
        "bank": application.bank_name,
        "account": application.masked_bank_account,
        "name": application.account_name,
    }


def _bank_ids(application_id: int) -> str:
    """Element ids of one card's account form: unique on the page, so each label points at
    its own field and not at the application form's."""
    return f"id_bank{application_id}_%s"


@login_required
@require_POST
def apply_bank_change(request: AuthedRequest, application_id: int) -> HttpResponse:
    """A guardian corrects the account their child is paid to (after a failed payment, say)."""
    pages.require(request.user, Perm.SUBSIDY_APPLY)
    bank_form = BankChangeForm(request.POST, auto_id=_bank_ids(application_id))
    if bank_form.is_valid():
        try:
            application = _bank_change(request, application_id, bank_form.cleaned_data)
        except DomainError as exc:
            if exc.status == 404:
                raise
            _form_errors(bank_form, exc)
        else:
            messages.success(request, _bank_changed(application))
            return redirect(f"{reverse('subsidy_apply')}#application-{application.pk}")
    selectors.application_get_for_user(user=request.user, application_id=application_id)
    return _apply_page(
        request,
        ApplicationForm(None, regions=selectors.hukou_regions()),
        bank_form=bank_form,
        bank_for=application_id,
    )


# --------------------------------------------------------------------------- officials: list


def _filters(
    request: AuthedRequest, regions: list[Region]
) -> tuple[ApplicationFilterForm, selectors.ApplicationFilters]:
    form = ApplicationFilterForm(request.GET or None, regions=regions)
    return form, pages.list_filters(form, selectors.ApplicationFilters)


def _rows(user: User, filters: selectors.ApplicationFilters) -> QuerySet[Application]:
    # villages show their county too: one more join, not one query per row
    return selectors.application_list_for_user(
        user=user, filters=filters, today=_today()
    ).select_related("region__parent__parent")


def _bulk_action(user: User) -> str:
    """The bulk step a user may take on the list: the township's review or the county's
    confirmation (a superuser reviews)."""
    if user.can(Perm.SUBSIDY_REVIEW):
        return "review"
    if user.can(Perm.SUBSIDY_CONFIRM):
        return "confirm"
    return ""


#: The status a bulk step takes applications from.
BULK_FROM = {
    "review": Application.Status.SUBMITTED,
    "confirm": Application.Status.TOWNSHIP_APPROVED,
}


@login_required
def application_list(request: AuthedRequest) -> HttpResponse:
    """育儿补贴申请: the applications of the user's regions with their working-day clocks."""
    user = request.user
    if _is_citizen(user):
        return redirect("subsidy_apply")
    pages.require(user, Perm.SUBSIDY_VIEW)
    form, filters = _filters(request, pages.filter_regions(user))
    page = pages.paginate(request, _rows(user, filters))
    calendar, today = WorkdayCalendar(), _today()  # one calendar: each year is read once
    action = _bulk_action(user)
    for a in page:
        a.clock = selectors.application_clock(a, today=today, calendar=calendar)  # type: ignore[attr-defined]
        a.checkable = bool(action) and a.status == BULK_FROM[action]  # type: ignore[attr-defined]
    return pages.list_page(
        request,
        "subsidy/application_list.html",
        "subsidy/_application_rows.html",
        {
            "form": form,
            "page": page,
            "bulk_action": action,
            "can_enter": user.can(Perm.SUBSIDY_ENTER),
            "review_days": rules.REVIEW_WORKING_DAYS,
        },
    )


def _clock_text(clock: selectors.ReviewClock | None) -> str:
    if clock is None:
        return ""
    if clock.pending_year:
        return _("办结时限待定（%(year)s年节假日安排尚未录入）") % {"year": clock.pending_year}
    left = clock.working_days_left or 0
    if clock.overdue:
        return _("已逾期 %(n)s 个工作日") % {"n": -left}
    return _("剩余 %(n)s 个工作日") % {"n": left}


def _region_parts(region: Region) -> tuple[str, str, str]:
    """County, township and village names of a hukou region."""
    if region.level == Region.Level.VILLAGE and region.parent is not None:
        township = region.parent
        county = township.parent
        return (county.name if county else "", township.name, region.name)
    if region.level == Region.Level.TOWNSHIP:
        return (region.parent.name if region.parent else "", region.name, "")
    return (region.name, "", "")


@login_required
def application_export(request: AuthedRequest) -> HttpResponse:
    """The filtered list as .xlsx; resident IDs, phones and accounts masked."""
    user = request.user
    pages.require(user, Perm.SUBSIDY_VIEW)
    _form, filters = _filters(request, pages.filter_regions(user))
    calendar, today = WorkdayCalendar(), _today()

    def row(a: Application) -> tuple[object, ...]:
        clock = selectors.application_clock(a, today=today, calendar=calendar)
        county, township, village = _region_parts(a.region)
        deadline = clock.deadline if clock else a.deadline
        return (
            a.pk,
            a.child.name,
            a.child.masked_resident_id,
            a.child_birth_date.isoformat(),
            a.applicant.name,
            a.applicant.masked_resident_id,
            a.get_relation_display(),
            county,
            township,
            village,
            a.get_channel_display(),
            a.submitted_on.isoformat(),
            a.get_status_display(),
            deadline.isoformat() if deadline else "",
            _clock_text(clock),
            "是" if clock and clock.overdue else "",
            a.bank_name,
            a.masked_bank_account,
            a.account_name,
            core_rules.mask_phone(a.phone),
            a.stop_reason,
        )

    return xlsx_response(
        "育儿补贴申请",
        "育儿补贴申请",
        [
            "编号",
            "孩子姓名",
            "孩子身份证号（脱敏）",
            "出生日期",
            "申请人",
            "申请人身份证号（脱敏）",
            "与孩子关系",
            "县（市、区）",
            "乡镇（街道）",
            "村（社区）",
            "申请渠道",
            "申请日期",
            "状态",
            "办结时限",
            "办理进度",
            "是否逾期",
            "开户银行",
            "银行账号（脱敏）",
            "收款人",
            "联系电话（脱敏）",
            "停发原因",
        ],
        (row(a) for a in _rows(user, filters).iterator(chunk_size=2000)),
    )


def _back_to_list(query: str) -> str:
    """The list with the filters the user had (only a query string is taken back)."""
    encoded = pages.query_without_page(QueryDict(query or ""))
    url = reverse("subsidy_application_list")
    return f"{url}?{encoded}" if encoded else url


@login_required
@require_POST
def application_bulk(request: AuthedRequest) -> HttpResponse:
    """批量审核通过 / 批量确认: the same service for each checked row; says how many passed and
    why each other one did not."""
    user = request.user
    action = request.POST.get("action", "")
    if action not in BULK_FROM or _bulk_action(user) != action:
        raise Forbidden()
    back = _back_to_list(request.POST.get("query", ""))
    ids = list(
        dict.fromkeys(
            int(v)
            for v in request.POST.getlist("ids")
            if v.isascii() and v.isdigit() and len(v) < 19  # a row id, not "²" nor 10**30
        )
    )
    if not ids:
        messages.error(request, _("请先勾选要办理的申请。"))
        return redirect(back)
    if len(ids) > BULK_MAX:
        messages.error(
            request,
            _("一次最多批量办理 %(max)s 件，您勾选了 %(n)s 件。")
            % {"max": BULK_MAX, "n": len(ids)},
        )
        return redirect(back)
    names = dict(
        selectors.application_list_for_user(user=user)
        .filter(pk__in=ids)
        .values_list("pk", "child__name")
    )
    service = services.application_review if action == "review" else services.application_confirm
    done = 0
    failures: list[str] = []
    for application_id in ids:
        try:
            service(actor=user, application_id=application_id, approve=True)
        except DomainError as exc:
            who = names.get(application_id)
            label = (
                _("编号 %(id)s（%(name)s）") % {"id": application_id, "name": who}
                if who
                else _("编号 %(id)s") % {"id": application_id}
            )
            failures.append(f"{label}：{exc.message}")
        else:
            done += 1
    verb = _("审核通过") if action == "review" else _("确认")
    if done:
        messages.success(request, _("已%(verb)s %(n)s 件。") % {"verb": verb, "n": done})
    if failures:
        messages.error(
            request,
            _("%(n)s 件未能%(verb)s：") % {"n": len(failures), "verb": verb} + "；".join(failures),
        )
    return redirect(back)


# --------------------------------------------------------------------------- officials: enter


@login_required
def application_enter(request: AuthedRequest) -> HttpResponse:
    """代办申请: a township or county official enters an application on a guardian's
    behalf (counter channel)."""
    user = request.user
    pages.require(user, Perm.SUBSIDY_ENTER)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        regions=selectors.hukou_regions(user=user),
        counter=True,
    )
    if request.method == "POST":
        application = _submit(request, form)
        if application is not None:
            messages.success(
                request,
                _("已代办育儿补贴申请（编号 %(id)s）：%(child)s。")
                % {"id": application.pk, "child": application.child.name}
                + _entitlement_text(application),
            )
            return redirect("subsidy_application_detail", application_id=application.pk)
    return render(
        request,
        "subsidy/application_enter.html",
        {"form": form, "review_days": rules.REVIEW_WORKING_DAYS},
    )


# --------------------------------------------------------------------------- officials: detail


def _entitlement_years(application: Application, lines: list[PaymentLine]) -> list[dict[str, Any]]:
    """Each year the child is owed: months, amount, who pays, and what was paid."""
    entitlement = selectors.application_entitlement(application)
    latest: dict[int, PaymentLine] = {}
    for line in lines:  # newest first: the first line of a year is its latest
        latest.setdefault(line.year, line)
    names = {application.region_id: application.region.name}
    if application.previous_region_id and application.previous_region:
        names[application.previous_region_id] = application.previous_region.name
    return [
        {
            "year": y.year,
            "months": y.months,
            "amount": rules.yuan_display(y.amount_fen),
            "payer": names.get(application.payer_region_id(y.year) or 0, ""),
            "stopped": application.last_year is not None and y.year > application.last_year,
            "line": latest.get(y.year),
        }
        for y in entitlement.years
    ]


def _detail(request: AuthedRequest, application: Application, **bound: SubsidyForm) -> HttpResponse:
    """The application page; ``bound`` holds the one action form that was refused."""
    user = request.user
    lines = _with_yuan(list(selectors.application_lines(application)))
    entitlement = selectors.application_entitlement(application)
    open_status = application.status
    # the place a child moved away from still sees the application but no longer handles it
    may_act = region_may_act(user, application.region)
    can_review = (
        may_act and user.can(Perm.SUBSIDY_REVIEW) and open_status == Application.Status.SUBMITTED
    )
    can_confirm = (
        may_act
        and user.can(Perm.SUBSIDY_CONFIRM)
        and open_status == Application.Status.TOWNSHIP_APPROVED
    )
    can_change = may_act and user.can(Perm.SUBSIDY_CHANGE)
    stopped = application.last_year is not None
    forms: dict[str, Any] = {
        "decision_form": bound.get("decision_form") or DecisionForm(),
        "move_form": bound.get("move_form") or HukouMoveForm(regions=selectors.hukou_regions()),
        "death_form": bound.get("death_form") or ChildDeathForm(),
        "bank_form": bound.get("bank_form")
        or BankChangeForm(initial={"account_holder": application.account_holder}),
    }
    return render(
        request,
        "subsidy/application_detail.html",
        {
            "a": application,
            "clock": selectors.application_clock(
                application, today=_today(), calendar=WorkdayCalendar()
            ),
            "phone": core_rules.mask_phone(application.phone),
            "years": _entitlement_years(application, lines),
            "total": rules.yuan_display(entitlement.total_amount_fen),
            "total_months": entitlement.total_months,
            "decisions": list(selectors.application_decisions(application)),
            "lines": lines,
            "timeline": timeline_for_user(user=user, obj=application),
            "can_review": can_review,
            "can_confirm": can_confirm,
            "can_move": can_change and not stopped,
            "can_death": can_change and application.child.status != Person.Status.DECEASED,
            "can_bank": may_act and user.can(Perm.SUBSIDY_ENTER),
            "open_form": next(iter(bound), ""),
            **forms,
        },
    )


def _get(request: AuthedRequest, application_id: int) -> Application:
    return selectors.application_get_for_user(user=request.user, application_id=application_id)


@login_required
def application_detail(request: AuthedRequest, application_id: int) -> HttpResponse:
    """One application: child, applicant (masked), entitlement, clock, decisions, payments,
    timeline, and the steps the user may take."""
    if _is_citizen(request.user):
        return redirect("subsidy_apply")
    return _detail(request, _get(request, application_id))


def _step(
    request: AuthedRequest,
    application_id: int,
    *,
    perm: Perm,
    form_class: type[SubsidyForm],
    bound: str,
    call: Callable[[dict[str, Any]], Application],
    done: Callable[[Application, dict[str, Any]], str],
    **form_kwargs: Any,
) -> HttpResponse:
    """A step on the application's page: the permission, the application in scope, the step's
    form; on a valid form ``call`` the one service, then back to the page with ``done``'s
    message; a refusal is shown on the form (``bound``: its name on the page)."""
    pages.require(request.user, perm)
    application = _get(request, application_id)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            application = call(data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise  # not the form's fault: the application is not the user's to act on
            _form_errors(form, exc)
        else:
            messages.success(request, done(application, data))
            return redirect("subsidy_application_detail", application_id=application.pk)
    return _detail(request, application, **{bound: form})


def _decide(
    request: AuthedRequest,
    application_id: int,
    perm: Perm,
    service: Callable[..., Application],
) -> HttpResponse:
    return _step(
        request,
        application_id,
        perm=perm,
        form_class=DecisionForm,
        bound="decision_form",
        call=lambda data: service(
            actor=request.user,
            application_id=application_id,
            approve=data["outcome"] == "approve",
            reason=data["reason"],
        ),
        done=lambda application, _data: (
            _("编号 %(id)s：%(status)s。")
            % {"id": application.pk, "status": application.get_status_display()}
        ),
    )


@login_required
@require_POST
def application_review(request: AuthedRequest, application_id: int) -> HttpResponse:
    """乡镇审核: passed on to the county, or refused with a reason."""
    return _decide(request, application_id, Perm.SUBSIDY_REVIEW, services.application_review)


@login_required
@require_POST
def application_confirm(request: AuthedRequest, application_id: int) -> HttpResponse:
    """县级确认: confirmed for payment, or refused with a reason."""
    return _decide(request, application_id, Perm.SUBSIDY_CONFIRM, services.application_confirm)


def _moved(application: Application, data: dict[str, Any]) -> str:
    if application.last_year is not None and data["out_of_city"]:
        return _("已登记户籍迁出本市：%(year)s年度后停发。") % {"year": application.last_year}
    return _("已登记户籍迁移：自%(year)s年度起由%(region)s发放。") % {
        "year": application.region_from_year,
        "region": application.region.name,
    }


@login_required
@require_POST
def application_hukou_move(request: AuthedRequest, application_id: int) -> HttpResponse:
    """户籍迁移: to another township or village of the city, or out of the city."""
    return _step(
        request,
        application_id,
        perm=Perm.SUBSIDY_CHANGE,
        form_class=HukouMoveForm,
        bound="move_form",
        regions=selectors.hukou_regions(),
        call=lambda data: services.application_hukou_move(
            actor=request.user,
            application_id=application_id,
            moved_on=data["moved_on"],
            region_code="" if data["out_of_city"] else data["region"],
            out_of_city=data["out_of_city"],
            reason=data["reason"],
        ),
        done=_moved,
    )


@login_required
@require_POST
def application_child_death(request: AuthedRequest, application_id: int) -> HttpResponse:
    """孩子死亡: nothing is paid after the year of death."""
    return _step(
        request,
        application_id,
        perm=Perm.SUBSIDY_CHANGE,
        form_class=ChildDeathForm,
        bound="death_form",
        call=lambda data: services.application_child_death(
            actor=request.user,
            application_id=application_id,
            died_on=data["died_on"],
            reason=data["reason"],
        ),
        done=lambda application, _data: (
            _("已登记孩子死亡：%(year)s年度后停发。") % {"year": application.last_year}
        ),
    )


@login_required
@require_POST
def application_bank_change(request: AuthedRequest, application_id: int) -> HttpResponse:
    """Change the account the child is paid to; lines already written keep theirs."""
    return _step(
        request,
        application_id,
        perm=Perm.SUBSIDY_ENTER,
        form_class=BankChangeForm,
        bound="bank_form",
        call=lambda data: _bank_change(request, application_id, data),
        done=lambda application, _data: _bank_changed(application),
    )


# --------------------------------------------------------------------------- home page


def home_stats(user: User) -> list[HomeStat]:
    """Subsidy figures on a home page: what waits for a township or county official and what
    is overdue; a guardian's own applications."""
    if _is_citizen(user):
        if not user.can(Perm.SUBSIDY_APPLY):
            return []
        mine = selectors.application_scope(user)
        waiting = mine.filter(selectors.OPEN_Q).count()
        return [
            (
                gettext_lazy("我的育儿补贴申请"),
                mine.count(),
                _("件（审核中 %(n)s 件）") % {"n": waiting},
            )
        ]
    if not user.can(Perm.SUBSIDY_VIEW):
        return []
    today = _today()
    scope = selectors.application_list_for_user(user=user, today=today)
    overdue = selectors.application_list_for_user(
        user=user, filters=selectors.ApplicationFilters(overdue=True), today=today
    ).count()
    action = _bulk_action(user)
    if action:
        label = (
            gettext_lazy("待乡镇审核的补贴申请")
            if action == "review"
            else gettext_lazy("待县级确认的补贴申请")
        )
        waiting = scope.filter(status=BULK_FROM[action]).count()
        return [(label, waiting, _("件")), (gettext_lazy("逾期未办结的补贴申请"), overdue, _("件"))]
    return [
        (gettext_lazy("育儿补贴申请"), scope.count(), _("件")),
        (gettext_lazy("逾期未办结的补贴申请"), overdue, _("件")),
    ]


urlpatterns = [
    path("apply/", apply, name="subsidy_apply"),
    path(
        "apply/<int:application_id>/bank/",
        apply_bank_change,
        name="subsidy_apply_bank_change",
    ),
    path("applications/", application_list, name="subsidy_application_list"),
    path("applications/export.xlsx", application_export, name="subsidy_application_export"),
    path("applications/new/", application_enter, name="subsidy_application_enter"),
    path("applications/bulk/", application_bulk, name="subsidy_application_bulk"),
    path(
        "applications/<int:application_id>/",
        application_detail,
        name="subsidy_application_detail",
    ),
    path(
        "applications/<int:application_id>/review/",
        application_review,
        name="subsidy_application_review",
    ),
    path(
        "applications/<int:application_id>/confirm/",
        application_confirm,
        name="subsidy_application_confirm",
    ),
    path(
        "applications/<int:application_id>/hukou/",
        application_hukou_move,
        name="subsidy_application_hukou_move",
    ),
    path(
        "applications/<int:application_id>/death/",
        application_child_death,
        name="subsidy_application_child_death",
    ),
    path(
        "applications/<int:application_id>/bank/",
        application_bank_change,
        name="subsidy_application_bank_change",
    ),
]
