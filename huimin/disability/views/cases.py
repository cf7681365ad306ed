"""Pages of cases: the request (phone), the queue and list (filters, pages, days left), a
case's page with every step and its actions, the tablet visit form, the doctor's assessment,
the printed policy explanation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.core.models import Region
from huimin.core.selectors import (
    WorkdayCalendar,
    region_list_for_user,
    region_may_act,
    timeline_for_user,
)
from huimin.core.spreadsheets import xlsx_response
from huimin.core.uploads import upload_response
from huimin.disability import documents, rules, selectors, services
from huimin.disability.forms import (
    AssessForm,
    CaseFilterForm,
    ObjectionForm,
    PostForm,
    RequestForm,
    ReviewForm,
    ScheduleForm,
    VisitForm,
    WithdrawForm,
)
from huimin.disability.models import Case
from huimin.disability.views import Perm, form_errors

S = Case.Status


def _decorate(cases: Any) -> None:
    """Days left on the 15-working-day clock (one calendar for the page)."""
    calendar, today = WorkdayCalendar(), timezone.localdate()
    for c in cases:
        c.days_left = selectors.days_left(c, today, calendar)
        c.overdue = c.days_left is not None and c.days_left < 0
        c.overdue_days = -c.days_left if c.overdue else 0


def _villages(user: Any) -> list[Region]:
    levels = [Region.Level.VILLAGE]
    if selectors.is_citizen(user):
        home = user.person.region if user.person_id else None
        county = home.county if home else None
        if county is None:
            return list(
                Region.objects.filter(level__in=levels).select_related("parent").order_by("path")
            )
        return list(
            Region.objects.filter(path__startswith=county.path, level__in=levels)
            .select_related("parent")
            .order_by("path")
        )
    return list(region_list_for_user(user=user).filter(level__in=levels).select_related("parent"))


@login_required
def request_new(request: AuthedRequest) -> HttpResponse:
    """申请上门办证 (phone): the person, a relative or a village official asks."""
    user = request.user
    pages.require(user, Perm.DISABILITY_REQUEST)
    villages = _villages(user)
    initial: dict[str, Any] = {
        "requester": Case.Requester.RELATIVE if selectors.is_citizen(user) else "official"
    }
    if selectors.is_citizen(user) and user.person is not None:
        initial["requester_name"] = user.person.name
        initial["requester_phone"] = user.person.phone
    form = RequestForm(request.POST or None, initial=initial, villages=villages)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_request(
                actor=user,
                data=services.RequestInput(
                    resident_id=d["resident_id"],
                    name=d["name"],
                    region_code=d["region"],
                    requester=d["requester"],
                    requester_name=d["requester_name"],
                    requester_phone=d["requester_phone"],
                    condition=d["condition"],
                    elderly_carer=d["elderly_carer"],
                    severe=d["severe"],
                    living_alone=d["living_alone"],
                    bedridden=d["bedridden"],
                    kind=d["kind"],
                ),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc, aliases={"kind": "kind"})
        else:
            messages.success(
                request,
                _("申请已提交，受理编号%(number)s。残联工作人员会先打电话与您约定上门时间。")
                % {"number": case.number},
            )
            return redirect("disability_case_detail", case_id=case.pk)
    return render(request, "disability/request.html", {"form": form})


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    """上门办证: the queue (priority first, with its reasons), the clock, filters and pages."""
    user = request.user
    if not (user.can(Perm.DISABILITY_VIEW) or user.can(Perm.DISABILITY_REQUEST)):
        pages.require(user, Perm.DISABILITY_VIEW)
    form = CaseFilterForm(request.GET or None, regions=pages.filter_regions(user))
    filters = pages.list_filters(form, selectors.CaseFilters)
    page = pages.paginate(request, selectors.case_list_for_user(user=user, filters=filters))
    _decorate(page)
    return pages.list_page(
        request,
        "disability/case_list.html",
        "disability/_case_rows.html",
        {
            "form": form,
            "page": page,
            "can_request": user.can(Perm.DISABILITY_REQUEST),
            "can_export": user.can(Perm.DISABILITY_VIEW) and not selectors.is_citizen(user),
        },
    )


EXPORT_HEADERS = (
    "受理编号",
    "办理类型",
    "姓名",
    "身份证号（遮蔽）",
    "乡镇",
    "村（社区）",
    "优先原因",
    "状态",
    "申请日期",
    "上门日期",
    "办结期限",
    "办结日期",
    "评定结果",
)


@login_required
def case_export(request: AuthedRequest) -> HttpResponse:
    """The filtered list as xlsx, through core's writer (text cells never become formulas);
    resident IDs masked, no diagnosis."""
    user = request.user
    pages.require(user, Perm.DISABILITY_VIEW)
    form = CaseFilterForm(request.GET or None, regions=pages.filter_regions(user))
    filters = pages.list_filters(form, selectors.CaseFilters)
    rows = (
        (
            c.number,
            c.get_kind_display(),
            c.person.name,
            c.person.masked_resident_id,
            c.region.parent.name if c.region.parent else "",
            c.region.name,
            c.reasons_text,
            c.get_status_display(),
            timezone.localtime(c.requested_at).date().isoformat(),
            c.visited_on.isoformat() if c.visited_on else "",
            c.deadline.isoformat() if c.deadline else "",
            c.completed_on.isoformat() if c.completed_on else "",
            c.result_text,
        )
        for c in selectors.case_list_for_user(user=user, filters=filters).iterator(chunk_size=500)
    )
    return xlsx_response("上门办证", "上门办证", EXPORT_HEADERS, rows)


def _steps(case: Case) -> list[dict[str, Any]]:
    first_posting = case.posted_on
    return [
        {"label": _("申请"), "day": timezone.localtime(case.requested_at).date(), "done": True},
        {
            "label": _("排期上门"),
            "day": case.team.day if case.team else None,
            "done": case.team is not None,
        },
        {"label": _("身份核验、填表"), "day": case.visited_on, "done": case.visited_on is not None},
        {
            "label": _("评定"),
            "day": None,
            "done": case.category is not None or case.status in (S.NOT_QUALIFIED,),
        },
        {"label": _("公示"), "day": first_posting, "done": first_posting is not None},
        {
            "label": _("县级审核"),
            "day": None,
            "done": case.status in (S.APPROVED, S.CERTIFIED, S.REFUSED),
        },
        {
            "label": _("发证"),
            "day": case.completed_on if case.status == S.CERTIFIED else None,
            "done": case.status == S.CERTIFIED,
        },
    ]


@login_required
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = selectors.case_get_for_user(user=user, case_id=case_id)
    today = timezone.localdate()
    _decorate([case])
    may_act = region_may_act(user, case.region)
    handle = may_act and user.can(Perm.DISABILITY_HANDLE)
    teams = (
        list(
            selectors.team_list_for_user(user=user).filter(
                township=case.region.parent, day__gte=today
            )
        )
        if handle and case.status == S.REQUESTED and case.region.parent
        else []
    )
    certificate = getattr(case, "certificate", None) if case.status == S.CERTIFIED else None
    return render(
        request,
        "disability/case_detail.html",
        {
            "case": case,
            "steps": _steps(case),
            "impairments": list(case.impairments.all()),
            "photos": list(case.photos.all()),
            "objections": list(case.objections.all()),
            "reviews": list(case.reviews.select_related("reviewer")),
            "benefits": selectors.benefits_for(case, today),
            "ticked": set(case.benefits.values_list("pk", flat=True)),
            "handle": handle,
            "assess": user.can(Perm.DISABILITY_ASSESS)
            and (user.is_superuser or (case.team is not None and case.team.doctor_id == user.pk)),
            "review": may_act and user.can(Perm.DISABILITY_REVIEW),
            "schedule_form": ScheduleForm(teams=teams) if teams else None,
            "post_form": PostForm(initial={"posted_on": today}),
            "objection_form": ObjectionForm(initial={"raised_on": today}),
            "review_form": ReviewForm(),
            "withdraw_form": WithdrawForm(),
            "certificate": certificate,
            "timeline": timeline_for_user(user=user, obj=case),
            "service_days": rules.SERVICE_WORKING_DAYS,
            "masked_id": case.person.masked_resident_id,
        },
    )


def _act(request: AuthedRequest, case_id: int, run: Any, done: str) -> HttpResponse:
    """Run one service from a case page's form on a case the user may see (404 otherwise); a
    role that may not act gets 403, any other refusal is shown on the case page."""
    selectors.case_get_for_user(user=request.user, case_id=case_id)
    try:
        run()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("disability_case_detail", case_id=case_id)


@login_required
@require_POST
def case_schedule(request: AuthedRequest, case_id: int) -> HttpResponse:
    selectors.case_get_for_user(user=request.user, case_id=case_id)
    team = request.POST.get("team", "")
    if not team.isdigit():
        messages.error(request, _("请选择上门服务组。"))
        return redirect("disability_case_detail", case_id=case_id)
    return _act(
        request,
        case_id,
        lambda: services.case_schedule(actor=request.user, case_id=case_id, team_id=int(team)),
        _("已排入上门服务组的路线。"),
    )


@login_required
@require_POST
def case_withdraw(request: AuthedRequest, case_id: int) -> HttpResponse:
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        case_id,
        lambda: services.case_withdraw(actor=request.user, case_id=case_id, reason=reason),
        _("申请已撤回。"),
    )


@login_required
@require_POST
def case_post(request: AuthedRequest, case_id: int) -> HttpResponse:
    form = PostForm(request.POST)
    day = form.cleaned_data["posted_on"] if form.is_valid() else None
    return _act(
        request,
        case_id,
        lambda: services.case_post(actor=request.user, case_id=case_id, on=day),
        _("评定结果已公示（%(n)s个工作日）。") % {"n": rules.POSTING_WORKING_DAYS},
    )


@login_required
@require_POST
def case_object(request: AuthedRequest, case_id: int) -> HttpResponse:
    selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写异议人、异议内容和提出日期。"))
        return redirect("disability_case_detail", case_id=case_id)
    d = form.cleaned_data
    return _act(
        request,
        case_id,
        lambda: services.case_object(
            actor=request.user,
            case_id=case_id,
            raised_by_name=d["raised_by_name"],
            reason=d["reason"],
            on=d["raised_on"],
        ),
        _("异议已登记，该申请重新评定。"),
    )


@login_required
@require_POST
def case_review(request: AuthedRequest, case_id: int) -> HttpResponse:
    selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核结论。"))
        return redirect("disability_case_detail", case_id=case_id)
    d = form.cleaned_data
    return _act(
        request,
        case_id,
        lambda: services.case_review(
            actor=request.user,
            case_id=case_id,
            approve=d["decision"] == "approve",
            reason=d["reason"],
        ),
        _("县级审核已记录。"),
    )


@login_required
@require_POST
def case_issue(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda: services.certificate_issue(actor=request.user, case_id=case_id),
        _("残疾人证已发放。"),
    )


@login_required
@require_POST
def case_benefits(request: AuthedRequest, case_id: int) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("benefit") if v.isdigit()]
    return _act(
        request,
        case_id,
        lambda: services.case_benefits_tick(actor=request.user, case_id=case_id, benefit_ids=ids),
        _("已记录宣讲的惠残政策。"),
    )


@login_required
def case_visit(request: AuthedRequest, case_id: int) -> HttpResponse:
    """上门核验与填表 (tablet): the ID card read, the form, photos."""
    user = request.user
    pages.require(user, Perm.DISABILITY_HANDLE)
    case = selectors.case_get_for_user(user=user, case_id=case_id)
    form = VisitForm(
        request.POST or None,
        initial={"visited_on": timezone.localdate(), "address": case.address},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.case_visit(
                actor=user,
                case_id=case.pk,
                data=services.VisitInput(
                    resident_id=d["resident_id"],
                    name=d["name"],
                    birth_date=d["birth_date"],
                    address=d["address"],
                    guardian_name=d["guardian_name"],
                    guardian_phone=d["guardian_phone"],
                    cause=d["cause"],
                    visited_on=d["visited_on"],
                ),
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            form_errors(form, exc, aliases={"photos": "__all__"})
            if "photos" in exc.field_errors:
                form.add_error(None, exc.field_errors["photos"])
        else:
            messages.success(request, _("身份核验通过，申请表已填写。请医生评定。"))
            return redirect("disability_case_detail", case_id=case.pk)
    return render(request, "disability/visit_form.html", {"case": case, "form": form})


@login_required
def case_assess(request: AuthedRequest, case_id: int) -> HttpResponse:
    """残疾评定: category and grade per impairment with its clinical basis."""
    user = request.user
    pages.require(user, Perm.DISABILITY_ASSESS)
    case = selectors.case_get_for_user(user=user, case_id=case_id)
    form = AssessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assess(
                actor=user,
                case_id=case.pk,
                impairments=[services.ImpairmentInput(c, g, b) for c, g, b in form.impairments()],
                not_qualified_reason=form.cleaned_data["not_qualified_reason"],
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            form_errors(form, exc)
        else:
            messages.success(request, _("评定结果已记录。"))
            return redirect("disability_case_detail", case_id=case.pk)
    return render(
        request,
        "disability/assess_form.html",
        {"case": case, "form": form, "rows": [1, 2, 3]},
    )


@login_required
def case_explanation_pdf(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The printed policy explanation for the family (the ticked policies, or all that apply)."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    return documents.pdf_response(
        documents.explanation_pdf(case), f"惠残政策告知书-{case.number}.pdf"
    )


@login_required
def case_photo(request: AuthedRequest, case_id: int, case_photo_id: int) -> FileResponse:
    """A photo of the visit, to whoever may see the case (its type read from its content)."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    photo = case.photos.filter(pk=case_photo_id).first()
    if photo is None:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return upload_response(handle, photo.file.name.rsplit("/", 1)[-1])


urlpatterns = [
    path("request/", request_new, name="disability_request"),
    path("cases/", case_list, name="disability_case_list"),
    path("cases/export.xlsx", case_export, name="disability_case_export"),
    path("cases/<int:case_id>/", case_detail, name="disability_case_detail"),
    path("cases/<int:case_id>/schedule/", case_schedule, name="disability_case_schedule"),
    path("cases/<int:case_id>/withdraw/", case_withdraw, name="disability_case_withdraw"),
    path("cases/<int:case_id>/visit/", case_visit, name="disability_case_visit"),
    path(
        "cases/<int:case_id>/photos/<int:case_photo_id>/",
        case_photo,
        name="disability_case_photo",
    ),
    path("cases/<int:case_id>/assess/", case_assess, name="disability_case_assess"),
    path("cases/<int:case_id>/benefits/", case_benefits, name="disability_case_benefits"),
    path("cases/<int:case_id>/post/", case_post, name="disability_case_post"),
    path("cases/<int:case_id>/object/", case_object, name="disability_case_object"),
    path("cases/<int:case_id>/review/", case_review, name="disability_case_review"),
    path("cases/<int:case_id>/issue/", case_issue, name="disability_case_issue"),
    path(
        "cases/<int:case_id>/explanation.pdf",
        case_explanation_pdf,
        name="disability_case_explanation",
    ),
]
