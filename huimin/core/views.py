"""Pages of the shared kernel. Each view resolves with a selector, calls one service and
renders; domain errors become pages in DomainErrorMiddleware."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from huimin.core import pages, rules, selectors, services
from huimin.core.errors import DomainError
from huimin.core.forms import (
    DeadlineForm,
    HolidayNoticeForm,
    PersonFilterForm,
    PersonForm,
    PersonStatusForm,
    RevealForm,
)
from huimin.core.http import AuthedRequest, HtmxRequest
from huimin.core.models import Region
from huimin.core.navigation import HOME_LISTS, HOME_STATS, ROLE_HOME, HomeStat, nav_for
from huimin.core.spreadsheets import xlsx_response


def client_ip(request: AuthedRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


FAVICON = Path(__file__).resolve().parent.parent / "static" / "huimin" / "favicon.ico"


@cache_control(max_age=86400, public=True)
def favicon(request: HtmxRequest) -> FileResponse:
    """Browsers, the admin and PDF viewers ask for /favicon.ico whatever the page links."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


def healthz(request: HtmxRequest) -> JsonResponse:
    """Liveness for a load balancer, and the baseline of bench/load.py: the smallest Django
    JSON view, through the whole middleware stack, without touching the database."""
    return JsonResponse({"ok": True})


def index(request: HtmxRequest) -> HttpResponse:
    return redirect("home" if request.user.is_authenticated else "login")


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    role = rules.Role(user.role)
    stats: list[HomeStat] = []
    if user.can(rules.Perm.PERSON_VIEW) and role != rules.Role.CITIZEN:
        stats.append((_("在册人员"), selectors.person_list_for_user(user=user).count(), _("人")))
    for provider in HOME_STATS:
        stats.extend(provider(user))
    lists = [found for provider in HOME_LISTS for found in provider(user) if found.rows]
    regions = list(user.regions.all())
    cards = [item for item in nav_for(user) if item.url_name != "home"]
    missing_notice = (
        selectors.holiday_notice_missing(today=services.today())
        if user.can(rules.Perm.CALENDAR_MANAGE)
        else None
    )
    return render(
        request,
        "core/home.html",
        {
            "missing_notice": missing_notice,
            "role_home": ROLE_HOME[role],
            "role_label": user.get_role_display(),
            "regions": regions,
            "stats": stats,
            "lists": lists,
            "cards": cards,
        },
    )


def _filters(
    request: AuthedRequest, regions: list[Region]
) -> tuple[PersonFilterForm, selectors.PersonFilters]:
    form = PersonFilterForm(request.GET or None, regions=regions)
    return form, pages.list_filters(form, selectors.PersonFilters)


def _filter_regions(user) -> list[Region]:  # noqa: ANN001
    return list(
        selectors.region_list_for_user(user=user).filter(
            level__in=[Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP]
        )
    )


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    regions = _filter_regions(request.user)
    form, filters = _filters(request, regions)
    people = selectors.person_list_for_user(user=request.user, filters=filters)
    page = pages.paginate(request, people)
    return pages.list_page(
        request,
        "core/person_list.html",
        "core/_person_rows.html",
        {
            "form": form,
            "page": page,
            "can_edit": request.user.can(rules.Perm.PERSON_EDIT),
            "can_export": request.user.can(rules.Perm.PERSON_EXPORT),
        },
    )


@login_required
def person_export(request: AuthedRequest) -> HttpResponse:
    """The filtered list as .xlsx; numbers always masked."""
    _form, filters = _filters(request, _filter_regions(request.user))
    people = selectors.person_export_for_user(user=request.user, filters=filters)
    rows = (
        (
            p.name,
            p.masked_resident_id,
            p.get_sex_display(),
            p.birth_date.isoformat(),
            p.region.name,
            p.masked_phone,
            p.bank_name,
            p.masked_bank_account,
            p.get_status_display(),
        )
        for p in people.iterator(chunk_size=2000)
    )
    return xlsx_response(
        "人员名单",
        "人员名单",
        [
            "姓名",
            "身份证号（脱敏）",
            "性别",
            "出生日期",
            "户籍所在地",
            "联系电话（脱敏）",
            "开户银行",
            "银行账号（脱敏）",
            "状态",
        ],
        rows,
    )


def _person_page(  # noqa: ANN001
    request: AuthedRequest, person, *, revealed: bool, own: bool, reveal_error: str = ""
) -> HttpResponse:
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "revealed": revealed,
            "own": own,
            "timeline": selectors.timeline_for_user(user=request.user, obj=person),
            "can_audit": request.user.can(rules.Perm.AUDIT_VIEW),
            "can_edit": request.user.can(rules.Perm.PERSON_EDIT),
            "can_reveal": request.user.can(rules.Perm.PERSON_UNMASK) and not revealed,
            "status_form": PersonStatusForm(),
            "reveal_error": reveal_error,
        },
    )


@login_required
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    own = request.user.role == rules.Role.CITIZEN and person.pk == request.user.person_id
    return _person_page(request, person, revealed=own, own=own)


@login_required
@require_POST
def person_reveal(request: AuthedRequest, person_id: int) -> HttpResponse:
    form = RevealForm(request.POST)
    if not form.is_valid():
        # core's rule for typed text: a NUL in the purpose was a 500 on PostgreSQL
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        pages.require(request.user, rules.Perm.PERSON_UNMASK)
        error = " ".join(str(e) for e in form.errors["purpose"])
        if request.htmx:
            context = {"person": person, "can_reveal": True, "reveal_error": error}
            return render(request, "core/_person_numbers.html", context)
        return _person_page(request, person, revealed=False, own=False, reveal_error=error)
    person = services.person_reveal(
        actor=request.user,
        person_id=person_id,
        purpose=form.cleaned_data["purpose"],
        ip_address=client_ip(request),
    )
    if request.htmx:
        return render(
            request, "core/_person_numbers.html", {"person": person, "revealed": True, "own": False}
        )
    messages.info(request, "已显示完整信息，本次查看已记录。")
    return _person_page(request, person, revealed=True, own=False)


@login_required
def person_create(request: AuthedRequest) -> HttpResponse:
    pages.require(request.user, rules.Perm.PERSON_EDIT)
    regions = _filter_regions(request.user)
    form = PersonForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=request.user,
                resident_id=data["resident_id"],
                name=data["name"],
                region_code=data["region"],
                phone=data["phone"],
                bank_name=data["bank_name"],
                bank_account=data["bank_account"],
            )
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(request, f"已登记：{person.name}。")
            return redirect("person_detail", person_id=person.pk)
    return render(request, "core/person_form.html", {"form": form, "title": "登记人员"})


@login_required
def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    pages.require(request.user, rules.Perm.PERSON_EDIT)
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    # The form shows masked numbers (no unlogged full view); a masked value sent back
    # unchanged keeps the stored number.
    initial = {
        "resident_id": person.masked_resident_id,
        "name": person.name,
        "region": person.region.code,
        "phone": person.masked_phone,
        "bank_name": person.bank_name,
        "bank_account": person.masked_bank_account,
    }
    regions = _filter_regions(request.user)
    form = PersonForm(request.POST or None, initial=initial, regions=regions, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(
                actor=request.user,
                person_id=person.pk,
                name=data["name"],
                phone=None if data["phone"] == person.masked_phone else data["phone"],
                bank_name=data["bank_name"],
                bank_account=(
                    None
                    if data["bank_account"] == person.masked_bank_account
                    else data["bank_account"]
                ),
                region_code=data["region"],
            )
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(request, "已保存修改。")
            return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "core/person_form.html",
        {"form": form, "title": f"修改：{person.name}", "person": person},
    )


@login_required
@require_POST
def person_status(request: AuthedRequest, person_id: int) -> HttpResponse:
    # resolved before the form is read: out of scope is 404 whatever was posted
    selectors.person_get_for_user(user=request.user, person_id=person_id)
    form = PersonStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择新状态并填写原因。")
        return redirect("person_detail", person_id=person_id)
    services.person_transition(
        actor=request.user,
        person_id=person_id,
        to_status=form.cleaned_data["to_status"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, "状态已变更。")
    return redirect("person_detail", person_id=person_id)


@login_required
def region_list(request: AuthedRequest) -> HttpResponse:
    pages.require(request.user, rules.Perm.REGION_VIEW)
    regions = selectors.region_list_for_user(user=request.user).order_by("path")
    return render(request, "core/region_list.html", {"regions": regions})


def calendar(request: HtmxRequest) -> HttpResponse:
    """Public working-day calculator (the same service as /api/calendar/deadline)."""
    form = DeadlineForm(request.GET or None)
    result = error = None
    if form.is_bound and form.is_valid():
        try:
            marked = selectors.working_deadline_marked(
                start=form.cleaned_data["start"], working_days=form.cleaned_data["working_days"]
            )
            result = {
                "deadline": marked.date,
                "provisional_years": marked.provisional_years,
                **form.cleaned_data,
            }
        except DomainError as exc:
            error = exc.message
    template = "core/_calendar_result.html" if request.htmx else "core/calendar.html"
    return render(
        request,
        template,
        {
            "form": form,
            "result": result,
            "error": error,
            "api_url": reverse("api:calendar_deadline"),
            "years": [] if request.htmx else selectors.calendar_years(today=services.today()),
            "can_enter": request.user.is_authenticated
            and request.user.can(rules.Perm.CALENDAR_MANAGE),
        },
    )


def error_403(request: HtmxRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def error_404(request: HtmxRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {}, status=404)


def error_500(request: HtmxRequest) -> HttpResponse:
    return render(request, "500.html", {}, status=500)


def calendar_year(request: HtmxRequest, year: int) -> HttpResponse:
    """One year of the calendar with its source, as twelve months (public)."""
    try:
        cal = selectors.WorkdayCalendar().year(year)
    except rules.CalendarUnknown:
        raise Http404 from None
    return render(
        request,
        "core/calendar_year.html",
        {
            "cal": cal,
            "grid": selectors.year_grid(cal),
            "can_enter": request.user.is_authenticated
            and request.user.can(rules.Perm.CALENDAR_MANAGE),
        },
    )


@login_required
def holiday_notice(request: AuthedRequest) -> HttpResponse:
    """An administrator pastes the State Council's notice: preview first (the year, what
    differs from the calendar in force, the stored deadlines that would move), then save."""
    pages.require(request.user, rules.Perm.CALENDAR_MANAGE)
    initial = {"year": request.GET.get("year") or ""}
    form = HolidayNoticeForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        text, year = form.cleaned_data["text"], form.cleaned_data["year"]
        try:
            if request.POST.get("action") == "save":
                entered = services.holiday_notice_enter(actor=request.user, text=text, year=year)
                messages.success(
                    request,
                    _(
                        "已录入%(year)s年放假安排（%(title)s）：重新计算了%(moved)s个期限，"
                        "%(kept)s个已告知的期限按规定未提前。"
                    )
                    % {
                        "year": entered.holiday_year.year,
                        "title": entered.holiday_year.notice,
                        "moved": entered.moved,
                        "kept": entered.kept,
                    },
                )
                return redirect("calendar_year", year=entered.holiday_year.year)
            preview = selectors.holiday_notice_preview(user=request.user, text=text, year=year)
        except DomainError as exc:
            pages.form_errors(form, exc)
    return render(request, "core/holiday_notice.html", {"form": form, "preview": preview})
