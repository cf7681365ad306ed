"""Pages of the childcare module. Each view resolves with a selector (404 outside the user's
scope), calls at most one service, and renders; a service's DomainError is shown next to the
form's fields and nothing is saved."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huimin.childcare import forms, imports, rules, selectors, services
from huimin.childcare.models import Filing, InclusiveRecognition, Institution
from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, Forbidden, InvalidInput
from huimin.core.forms import XlsxUploadForm
from huimin.core.http import AuthedRequest
from huimin.core.models import Region, User
from huimin.core.selectors import WorkdayCalendar, region_counties
from huimin.core.selectors import timeline_for_user as core_timeline_for_user
from huimin.core.spreadsheets import download, xlsx_response
from huimin.core.timeline import changes_made_at
from huimin.core.uploads import upload_response

TAB_PAGE_SIZE = 50
Perm = core_rules.Perm

#: The sections of an institution's page: key, label.
TABS = (
    ("care", gettext_lazy("收托")),
    ("health", gettext_lazy("保育与健康")),
    ("safety", gettext_lazy("安全")),
    ("staff", gettext_lazy("人员")),
    ("history", gettext_lazy("变更记录")),
)


def _today() -> dt.date:
    return services.today()


#: Classes in the order of the standard: 乳儿班, 托小班, 托大班, 混合班.
KIND_ORDER = {str(kind): n for n, kind in enumerate(rules.ClassKind)}


def _is_workday(day: dt.date, calendar: WorkdayCalendar) -> bool | None:
    """Whether a day is a working day; None for a year the calendar does not know."""
    try:
        return calendar.is_workday(day)
    except core_rules.CalendarUnknown:
        return None


def _is_operator(user: User) -> bool:
    return user.role == core_rules.Role.OPERATOR and not user.is_superuser


def _can_manage(user: User, institution: Institution) -> bool:
    return user.can(Perm.INSTITUTION_MANAGE) and institution.status != Institution.Status.CLOSED


def _require_manage(user: User, institution: Institution) -> None:
    if not user.can(Perm.INSTITUTION_MANAGE):
        raise Forbidden("只有托育机构经办人可以维护本机构的记录。")
    if institution.status == Institution.Status.CLOSED:
        raise Forbidden("该机构已注销，不能再修改记录。")


def _detail_url(institution_id: int, tab: str = "") -> str:
    url = reverse("childcare_institution_detail", args=[institution_id])
    return f"{url}?tab={tab}" if tab else url


def _form_page(
    request: AuthedRequest,
    form: django_forms.Form,
    *,
    title: str,
    institution: Institution,
    back: str,
    intro: str = "",
    submit: str = "",
) -> HttpResponse:
    return render(
        request,
        "childcare/form.html",
        {
            "form": form,
            "title": title,
            "institution": institution,
            "back": back,
            "intro": intro,
            "submit": submit or _("保存"),
        },
    )


# --------------------------------------------------------------------------- lists


def _institution_filters(
    request: AuthedRequest, regions: list[Region]
) -> tuple[forms.InstitutionFilterForm, selectors.InstitutionFilters]:
    form = forms.InstitutionFilterForm(request.GET or None, regions=regions)
    return form, pages.list_filters(form, selectors.InstitutionFilters)


@login_required
def institution_mine(request: AuthedRequest) -> HttpResponse:
    """本机构: an operator's own institution, or the registration form when there is none."""
    if not _is_operator(request.user):
        return redirect("childcare_institution_list")
    institution = selectors.institution_of_operator(request.user)
    if institution is None:
        return redirect("childcare_institution_register")
    return redirect("childcare_institution_detail", institution_id=institution.pk)


@login_required
def institution_list(request: AuthedRequest) -> HttpResponse:
    if _is_operator(request.user):
        return institution_mine(request)
    pages.require(request.user, Perm.INSTITUTION_VIEW)
    regions = pages.filter_regions(request.user)
    form, filters = _institution_filters(request, regions)
    rows = selectors.institution_rows_for_user(user=request.user, filters=filters, today=_today())
    return pages.list_page(
        request,
        "childcare/institution_list.html",
        "childcare/_institution_rows.html",
        {"form": form, "page": pages.paginate(request, rows)},
    )


@login_required
def institution_export(request: AuthedRequest) -> HttpResponse:
    """The filtered institution list as .xlsx (no personal numbers in it)."""
    if _is_operator(request.user):
        raise Forbidden()
    pages.require(request.user, Perm.INSTITUTION_VIEW)
    _form, filters = _institution_filters(request, pages.filter_regions(request.user))
    rows = selectors.institution_rows_for_user(user=request.user, filters=filters, today=_today())

    def row(i: Any) -> tuple[object, ...]:
        county = i.region.county
        township = i.region.name if i.region.level == Region.Level.TOWNSHIP else ""
        return (
            i.name,
            county.name if county else "",
            township,
            i.get_kind_display(),
            i.get_status_display(),
            i.capacity,
            i.enrolled,
            "已认定" if i.recognised_count else ("申请中" if i.recognition_pending else "未认定"),
            i.open_findings,
            i.open_serious,
            i.open_major,
            i.open_minor,
            i.address,
            i.legal_person,
        )

    return xlsx_response(
        "托育机构名单",
        "托育机构",
        [
            "机构名称",
            "县（市、区）",
            "乡镇（街道）",
            "机构类型",
            "备案状态",
            "核定托位",
            "在托人数",
            "普惠认定",
            "未整改问题",
            "其中严重",
            "其中一般",
            "其中轻微",
            "地址",
            "法定代表人",
        ],
        (row(i) for i in rows.iterator(chunk_size=2000)),
    )


@login_required
def findings_ranking(request: AuthedRequest) -> HttpResponse:
    """Institutions by number and severity of open findings, each with its top findings."""
    if _is_operator(request.user):
        return institution_mine(request)
    pages.require(request.user, Perm.INSTITUTION_VIEW)
    regions = pages.filter_regions(request.user)
    form = forms.RankingFilterForm(request.GET or None, regions=regions)
    filters = selectors.InstitutionFilters(with_findings="any")
    if form.is_bound and form.is_valid():
        filters = selectors.InstitutionFilters(
            region=form.cleaned_data["region"],
            with_findings=form.cleaned_data["with_findings"] or "any",
        )
    ranking = selectors.institution_ranking_for_user(
        user=request.user, filters=filters, today=_today()
    )
    page = pages.paginate(request, ranking)
    top = selectors.findings_top([i.pk for i in page.object_list], per=3, reader=request.user)
    rows = [(page.start_index() + n, i, top.get(i.pk, [])) for n, i in enumerate(page)]
    return pages.list_page(
        request,
        "childcare/findings.html",
        "childcare/_ranking_rows.html",
        {"form": form, "page": page, "rows": rows},
    )


# --------------------------------------------------------------------------- institution page


def _severity_counts(findings: list[Any]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {str(s): counts.get(str(s), 0) for s in rules.Severity}


def _due(on: dt.date | None, months: int, today: dt.date) -> dict[str, Any]:
    if on is None:
        return {"on": None, "due": None, "expired": True}
    due = rules.add_months(on, months)
    return {"on": on, "due": due, "expired": due < today}


def _tab_context(
    request: AuthedRequest,
    institution: Institution,
    tab: str,
    today: dt.date,
    calendar: WorkdayCalendar,
) -> dict[str, Any]:
    user = request.user
    if tab == "care":
        classes = sorted(
            selectors.class_list(institution), key=lambda c: (KIND_ORDER[c.kind], c.name)
        )
        filter_form = forms.EnrollmentFilterForm(request.GET or None, classes=classes)
        class_id, q = None, ""
        if filter_form.is_bound and filter_form.is_valid():
            class_id, q = filter_form.cleaned_data["care_class"], filter_form.cleaned_data["q"]
        page = pages.paginate(
            request,
            selectors.enrollment_page_list(institution, class_id=class_id, q=q),
            TAB_PAGE_SIZE,
        )
        for e in page:
            e.age_months = rules.age_in_months(e.child.birth_date, today)  # type: ignore[attr-defined]
        for c in classes:
            std = rules.CLASS_STANDARDS[rules.ClassKind(c.kind)]
            c.standard = std  # type: ignore[attr-defined]
            c.over = c.children > std.max_children  # type: ignore[attr-defined]
            c.carers_needed = rules.carers_required(rules.ClassKind(c.kind), c.children)  # type: ignore[attr-defined]
        return {"classes": classes, "filter_form": filter_form, "page": page}
    if tab == "health":
        day = _date_param(request.GET.get("day")) or today
        samples = pages.paginate(request, selectors.food_sample_list(institution), TAB_PAGE_SIZE)
        for s in samples:
            # Whole hours kept, rounded down as the rule counts them (47 h 59 min is short).
            s.hours_kept = int((s.kept_until - s.sampled_at).total_seconds() // 3600)  # type: ignore[attr-defined]
        return {
            "day": day,
            "workday": _is_workday(day, calendar),
            "days": selectors.class_day_summary(institution, day=day),
            "page": samples,
            "visits": list(selectors.guidance_visit_list(institution)[:10]),
            "min_outdoor": rules.OUTDOOR_MIN_MINUTES,
            "min_grams": rules.FOOD_SAMPLE_MIN_GRAMS,
            "min_hours": rules.FOOD_SAMPLE_MIN_HOURS,
        }
    if tab == "safety":
        return {
            "page": pages.paginate(
                request, selectors.safety_record_list(institution), TAB_PAGE_SIZE
            ),
            "min_days": rules.RECORDING_MIN_DAYS,
            "min_coverage": rules.MONITORING_MIN_COVERAGE_PERCENT,
        }
    if tab == "staff":
        page = pages.paginate(request, selectors.staff_page_list(institution), TAB_PAGE_SIZE)
        for s in page:
            s.health = _due(s.health_cert_on, rules.HEALTH_CERT_VALID_MONTHS, today)  # type: ignore[attr-defined]
            s.criminal = _due(s.criminal_check_on, rules.CRIMINAL_CHECK_VALID_MONTHS, today)  # type: ignore[attr-defined]
        return {"page": page}
    return {"timeline": core_timeline_for_user(user=user, obj=institution)}


#: Tabs that list children or staff by name, and the permission each needs.
TAB_PERMS = {"care": Perm.ROSTER_VIEW, "staff": Perm.ROSTER_VIEW, "history": Perm.AUDIT_VIEW}


def _tabs_for(user: User, institution: Institution) -> list[tuple[str, Any]]:
    """The rosters only for those who keep or check them (selectors.roster_scope: not an
    outside evaluator, an inspector only when drawn for it), the history only for roles that
    may read audit trails."""
    rosters = selectors.roster_may_read(user, institution)
    return [
        (k, label)
        for k, label in TABS
        if k not in TAB_PERMS
        or (rosters if TAB_PERMS[k] == Perm.ROSTER_VIEW else user.can(TAB_PERMS[k]))
    ]


@login_required
def institution_detail(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    today = _today()
    calendar = WorkdayCalendar()  # one per request: each year's overrides are read once
    tabs = _tabs_for(user, institution)
    tab = request.GET.get("tab", tabs[0][0])
    if tab not in dict(tabs):
        tab = tabs[0][0]
    context: dict[str, Any] = {
        "institution": institution,
        "tabs": tabs,
        "tab": tab,
        "today": today,
        "query": pages.query_without_page(request.GET, tab=tab),
        "can_manage": _can_manage(user, institution),
        **_tab_context(request, institution, tab, today, calendar),
    }
    if request.htmx and request.htmx.target == "tabs-block":
        return render(request, "childcare/_tabs.html", context)

    findings = selectors.findings_shown(user, institution, selectors.findings_open(institution))
    filings = list(selectors.filing_history(institution))
    for f in filings:
        f.missing_labels = [rules.FILING_MATERIALS.get(m, m) for m in f.missing]  # type: ignore[attr-defined]
        f.clock = (  # type: ignore[attr-defined]
            selectors.filing_clock(f, today=today, calendar=calendar)
            if f.status == Filing.Status.SUBMITTED
            else None
        )
    current = selectors.recognition_current(institution, today)
    latest = selectors.recognition_latest(institution)
    enrolled = selectors.enrolled_count(institution)
    kind = rules.InstitutionKind(institution.kind)
    subsidy_fen = rules.operating_subsidy_monthly_fen(kind, enrolled)
    context.update(
        {
            "findings": findings,
            "severity_counts": _severity_counts(findings),
            "filings": filings,
            "documents": list(selectors.document_list(institution)),
            "recognition": current,
            "recognition_latest": latest,
            "enrolled": enrolled,
            "rate_yuan": rules.fen_to_yuan(rules.OPERATING_SUBSIDY_MONTHLY_FEN[kind]),
            "subsidy_yuan": rules.fen_to_yuan(subsidy_fen),
            "fees": [
                (rules.CARE_TYPE_LABELS[rules.CareType(k)], rules.fen_to_yuan(v))
                for k, v in institution.fees_fen.items()
            ],
            "can_apply": (
                _can_manage(user, institution)
                and institution.status == Institution.Status.FILED
                and not (latest and latest.status == InclusiveRecognition.Status.APPLIED)
                and (
                    current is None
                    or current.valid_to is None
                    or current.valid_to <= today + dt.timedelta(days=rules.RENEWAL_WINDOW_DAYS)
                )
            ),
        }
    )
    return render(request, "childcare/institution_detail.html", context)


def _register_regions(user: User) -> list[Region]:
    """Where an operator may say the institution is: their regions, else every county."""
    regions = [r for r in pages.filter_regions(user) if r.level != Region.Level.CITY]
    return regions or list(region_counties())


@login_required
def institution_register(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.INSTITUTION_MANAGE)
    if _is_operator(user):
        existing = selectors.institution_of_operator(user)
        if existing is not None:
            messages.info(request, _("您的账号已绑定本机构。"))
            return redirect("childcare_institution_detail", institution_id=existing.pk)
    form = forms.InstitutionForm(request.POST or None, regions=_register_regions(user))
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_register(
                actor=user, region_code=form.cleaned_data["region"], **form.service_data()
            )
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记：%(name)s。下一步：上传备案材料并提交备案。")
                % {"name": institution.name},
            )
            return redirect("childcare_institution_detail", institution_id=institution.pk)
    return render(
        request,
        "childcare/form.html",
        {
            "form": form,
            "title": _("登记托育机构"),
            "intro": _("登记后上传备案材料，向所在县（市、区）卫生健康部门提交备案。"),
            "back": reverse("home"),
            "submit": _("登记"),
        },
    )


@login_required
def institution_edit(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    _require_manage(user, institution)
    form = forms.InstitutionForm(
        request.POST or None, initial=forms.InstitutionForm.initial_from(institution), editing=True
    )
    if institution.status != Institution.Status.FILED:
        del form.fields["summary"]
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_update(
                actor=user,
                institution_id=institution.pk,
                summary=form.cleaned_data.get("summary", ""),
                **form.service_data(),
            )
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(request, _("已保存机构信息。"))
            return redirect(_detail_url(institution.pk))
    return _form_page(
        request,
        form,
        title=_("修改机构信息"),
        institution=institution,
        back=_detail_url(institution.pk),
    )


# --------------------------------------------------------------------------- filing


def _filing_page(
    request: AuthedRequest,
    institution: Institution,
    *,
    upload_form: forms.DocumentForm | None = None,
    submit_form: forms.FilingSubmitForm | None = None,
) -> HttpResponse:
    documents = list(selectors.document_list(institution))
    have = {d.material for d in documents}
    required = rules.filing_materials_required(serves_meals=institution.serves_meals)
    materials = [
        (code, label, code in required, code in have)
        for code, label in rules.FILING_MATERIALS.items()
    ]
    kind = {
        Institution.Status.REGISTERED: Filing.Kind.INITIAL,
        Institution.Status.FILED: Filing.Kind.CLOSURE,
    }.get(Institution.Status(institution.status))
    problems = (
        rules.filing_problems(
            uploaded=have,
            serves_meals=institution.serves_meals,
            premises_owned=institution.premises_owned,
            lease_years=institution.lease_years,
        )
        if kind == Filing.Kind.INITIAL
        else []
    )
    if submit_form is None and kind is not None:
        submit_form = forms.FilingSubmitForm(initial={"kind": kind})
    returned = (
        institution.filings.filter(status=Filing.Status.RETURNED).order_by("-decided_at").first()
        if institution.status == Institution.Status.REGISTERED
        else None
    )
    return render(
        request,
        "childcare/filing_workspace.html",
        {
            "institution": institution,
            "documents": documents,
            "materials": materials,
            "problems": problems,
            "kind": kind,
            "returned": returned,
            "missing_labels": [
                rules.FILING_MATERIALS.get(m, m) for m in (returned.missing if returned else [])
            ],
            "upload_form": upload_form or forms.DocumentForm(),
            "submit_form": submit_form,
            "can_manage": _can_manage(request.user, institution),
        },
    )


@login_required
def filing_workspace(request: AuthedRequest, institution_id: int) -> HttpResponse:
    institution = selectors.institution_get_for_user(
        user=request.user, institution_id=institution_id
    )
    return _filing_page(request, institution)


@login_required
@require_POST
def document_upload(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    _require_manage(user, institution)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_upload(
                actor=user,
                institution_id=institution.pk,
                material=form.cleaned_data["material"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(request, _("已上传：%(name)s。") % {"name": document.original_name})
            return redirect("childcare_filing_workspace", institution_id=institution.pk)
    return _filing_page(request, institution, upload_form=form)


@login_required
@require_POST
def filing_submit(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    _require_manage(user, institution)
    form = forms.FilingSubmitForm(request.POST)
    if form.is_valid():
        try:
            filing = services.filing_submit(
                actor=user,
                institution_id=institution.pk,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
            )
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(
                request,
                _("已提交%(kind)s，县级卫生健康部门应在%(deadline)s前办理。")
                % {
                    "kind": filing.get_kind_display(),
                    "deadline": filing.deadline.strftime("%Y年%m月%d日"),
                },
            )
            return redirect(_detail_url(institution.pk))
    return _filing_page(request, institution, submit_form=form)


@login_required
def document_download(request: AuthedRequest, document_id: int) -> FileResponse:
    """A filing material, only to users whose scope reaches the institution."""
    document = selectors.document_get_for_user(user=request.user, document_id=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return upload_response(handle, document.original_name)


@login_required
def filing_list(request: AuthedRequest) -> HttpResponse:
    """备案办理: filings awaiting the county first, with their working-day countdown."""
    if _is_operator(request.user):
        return institution_mine(request)
    pages.require(request.user, Perm.INSTITUTION_VIEW)
    form = forms.FilingFilterForm(request.GET or None)
    filters = pages.list_filters(form, selectors.FilingFilters)
    page = pages.paginate(
        request, selectors.filing_queue_for_user(user=request.user, filters=filters)
    )
    calendar, today = WorkdayCalendar(), _today()
    for f in page:
        f.clock = (  # type: ignore[attr-defined]
            selectors.filing_clock(f, today=today, calendar=calendar)
            if f.status == Filing.Status.SUBMITTED
            else None
        )
    return pages.list_page(
        request,
        "childcare/filing_list.html",
        "childcare/_filing_rows.html",
        {"form": form, "page": page, "can_decide": request.user.can(Perm.FILING_DECIDE)},
    )


@login_required
def filing_detail(request: AuthedRequest, filing_id: int) -> HttpResponse:
    user = request.user
    filing = selectors.filing_get_for_user(user=user, filing_id=filing_id)
    can_decide = user.can(Perm.FILING_DECIDE) and filing.status == Filing.Status.SUBMITTED
    form = forms.FilingDecideForm(request.POST or None)
    if request.method == "POST":
        pages.require(user, Perm.FILING_DECIDE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                filing = services.filing_decide(
                    actor=user,
                    filing_id=filing.pk,
                    acknowledge=data["decision"] == "acknowledge",
                    missing=data["missing"] if data["decision"] == "return" else [],
                    note=data["note"],
                )
            except DomainError as exc:
                pages.form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s的%(kind)s已办理：%(status)s。")
                    % {
                        "name": filing.institution.name,
                        "kind": filing.get_kind_display(),
                        "status": filing.get_status_display(),
                    },
                )
                return redirect("childcare_filing_list")
    institution = filing.institution
    documents = list(selectors.document_list(institution))
    have = {d.material for d in documents}
    required = rules.filing_materials_required(serves_meals=institution.serves_meals)
    clock = (
        selectors.filing_clock(filing, today=_today(), calendar=WorkdayCalendar())
        if filing.status == Filing.Status.SUBMITTED
        else None
    )
    return render(
        request,
        "childcare/filing_detail.html",
        {
            "filing": filing,
            "institution": institution,
            "documents": documents,
            "materials": [
                (
                    label,
                    code in required,
                    code in have and code not in filing.missing,
                    code in filing.missing,
                )
                for code, label in rules.FILING_MATERIALS.items()
            ],
            "missing_labels": [rules.FILING_MATERIALS.get(m, m) for m in filing.missing],
            "clock": clock,
            "form": form,
            "can_decide": can_decide,
            "changes": (
                changes_made_at(institution, at=filing.submitted_at, until=filing.decided_at)
                if filing.kind == Filing.Kind.CHANGE
                else None
            ),
        },
    )


# --------------------------------------------------------------------------- inclusive


@login_required
@require_POST
def recognition_apply(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    _require_manage(user, institution)
    try:
        services.recognition_apply(actor=user, institution_id=institution.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交普惠认定申请，等待县级卫生健康部门认定。"))
    return redirect(_detail_url(institution.pk))


@login_required
def recognition_list(request: AuthedRequest) -> HttpResponse:
    if _is_operator(request.user):
        return institution_mine(request)
    pages.require(request.user, Perm.INSTITUTION_VIEW)
    form = forms.RecognitionFilterForm(request.GET or None)
    status = q = ""
    if form.is_bound and form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"]
    page = pages.paginate(
        request, selectors.recognition_queue_for_user(user=request.user, status=status, q=q)
    )
    return pages.list_page(
        request,
        "childcare/recognition_list.html",
        "childcare/_recognition_rows.html",
        {"form": form, "page": page},
    )


#: What the county's actions on a recognition in force are called on the page.
RECOGNITION_ACTION_LABELS: dict[str, str] = {
    InclusiveRecognition.Status.CORRECTING: _("限期整改（保留认定和运营补贴）"),
    InclusiveRecognition.Status.SUSPENDED: _("暂停运营补贴"),
    InclusiveRecognition.Status.REVOKED: _("撤销普惠认定"),
    InclusiveRecognition.Status.RECOGNISED: _("整改完成，恢复为已认定"),
}


@login_required
def recognition_detail(request: AuthedRequest, recognition_id: int) -> HttpResponse:
    user = request.user
    application = selectors.recognition_get_for_user(user=user, recognition_id=recognition_id)
    institution = selectors.institution_get_for_user(
        user=user, institution_id=application.institution_id
    )
    acting = request.method == "POST" and "to_status" in request.POST
    form = forms.RecognitionDecideForm(None if acting else request.POST or None)
    standing = selectors.recognition_standing(
        application, today=services.today(), allowed=services.RECOGNITION_TRANSITIONS
    )
    can_act = user.can(Perm.RECOGNITION_DECIDE) and standing is not None and standing.actions
    action_form = forms.RecognitionActionForm(
        request.POST if acting else None,
        actions=[(a, RECOGNITION_ACTION_LABELS[a]) for a in standing.actions] if standing else [],
    )
    if acting:
        pages.require(user, Perm.RECOGNITION_DECIDE)
        if action_form.is_valid():
            data = action_form.cleaned_data
            try:
                application = services.recognition_transition(
                    actor=user,
                    recognition_id=application.pk,
                    to_status=data["to_status"],
                    reason=data["reason"],
                    correct_by=data["correct_by"],
                )
            except DomainError as exc:
                pages.form_errors(action_form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s：%(status)s。")
                    % {"name": institution.name, "status": application.get_status_display()},
                )
                return redirect("childcare_recognition_detail", recognition_id=application.pk)
    elif request.method == "POST":
        pages.require(user, Perm.RECOGNITION_DECIDE)
        if form.is_valid():
            recognise = form.cleaned_data["decision"] == "recognise"
            try:
                application = services.recognition_decide(
                    actor=user,
                    recognition_id=application.pk,
                    recognise=recognise,
                    reasons=form.cleaned_data["reasons"],
                )
            except DomainError as exc:
                pages.form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s：%(status)s。")
                    % {"name": institution.name, "status": application.get_status_display()},
                )
                return redirect("childcare_recognition_list")
    enrolled = selectors.enrolled_count(institution)
    kind = rules.InstitutionKind(institution.kind)
    return render(
        request,
        "childcare/recognition_detail.html",
        {
            "application": application,
            "institution": institution,
            "check": selectors.recognition_check(institution),
            "enrolled": enrolled,
            "subsidy_yuan": rules.fen_to_yuan(rules.operating_subsidy_monthly_fen(kind, enrolled)),
            "yuan": rules.fen_to_yuan,
            "form": form,
            "can_decide": user.can(Perm.RECOGNITION_DECIDE)
            and application.status == InclusiveRecognition.Status.APPLIED,
            "standing": standing,
            "action_form": action_form,
            "can_act": can_act or action_form.errors,
        },
    )


# --------------------------------------------------------------------------- record forms


def _record_view(
    request: AuthedRequest,
    institution: Institution,
    form: django_forms.Form,
    *,
    call: Callable[[dict[str, Any]], Any],
    title: str,
    done: str,
    tab: str,
    intro: str = "",
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """The shape of every record form: on a valid POST call the one service; on its
    DomainError show the message by the field; else back to the institution's tab."""
    _require_manage(request.user, institution)
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            pages.form_errors(form, exc, aliases=aliases)
        else:
            messages.success(request, done)
            return redirect(_detail_url(institution.pk, tab))
    return _form_page(
        request,
        form,
        title=title,
        institution=institution,
        back=_detail_url(institution.pk, tab),
        intro=intro,
    )


@login_required
def class_create(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    staff = list(selectors.staff_list(institution))
    form = forms.ClassForm(request.POST or None, staff=staff)
    return _record_view(
        request,
        institution,
        form,
        call=lambda d: services.class_create(
            actor=user,
            institution_id=institution.pk,
            name=d["name"],
            kind=d["kind"],
            caregiver_ids=d["caregiver_ids"],
        ),
        title=_("新增班级"),
        done=_("已新增班级。"),
        tab="care",
        aliases={"caregivers": "caregiver_ids"},
    )


@login_required
def class_caregivers(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    care_class = selectors.class_get_for_user(user=user, class_id=class_id)
    institution = care_class.institution
    staff = list(selectors.staff_list(institution))
    form = forms.CaregiversForm(
        request.POST or None,
        staff=staff,
        initial={"caregiver_ids": [s.pk for s in care_class.caregivers.all()]},
    )
    return _record_view(
        request,
        institution,
        form,
        call=lambda d: services.class_set_caregivers(
            actor=user, class_id=care_class.pk, caregiver_ids=d["caregiver_ids"]
        ),
        title=_("%(name)s：保育人员") % {"name": care_class.name},
        intro=_("%(kind)s，在托%(children)s人。")
        % {"kind": care_class.get_kind_display(), "children": care_class.children},  # type: ignore[attr-defined]
        done=_("已更新保育人员。"),
        tab="care",
        aliases={"caregivers": "caregiver_ids"},
    )


@login_required
def enrollment_create(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    care_class = selectors.class_get_for_user(user=user, class_id=class_id)
    institution = care_class.institution
    regions = [r for r in pages.filter_regions(user) if r.level != Region.Level.CITY]
    form = forms.EnrollmentForm(
        request.POST or None,
        regions=regions,
        initial={"enrolled_on": _today(), "agreement_signed_on": _today()},
    )
    std = rules.CLASS_STANDARDS[rules.ClassKind(care_class.kind)]
    return _record_view(
        request,
        institution,
        form,
        call=lambda d: services.enrollment_create(actor=user, class_id=care_class.pk, **d),
        title=_("登记入托：%(name)s") % {"name": care_class.name},
        intro=_("%(kind)s招收%(lo)s至%(hi)s月龄幼儿，不超过%(max)s人；现在托%(children)s人。")
        % {
            "kind": std.label,
            "lo": std.min_months,
            "hi": std.max_months,
            "max": std.max_children,
            "children": care_class.children,  # type: ignore[attr-defined]
        },
        done=_("已登记入托。"),
        tab="care",
    )


@login_required
def enrollment_withdraw(request: AuthedRequest, enrollment_id: int) -> HttpResponse:
    user = request.user
    enrollment = selectors.enrollment_get_for_user(user=user, enrollment_id=enrollment_id)
    form = forms.WithdrawForm(request.POST or None, initial={"on": _today()})
    return _record_view(
        request,
        enrollment.institution,
        form,
        call=lambda d: services.enrollment_withdraw(
            actor=user, enrollment_id=enrollment.pk, on=d["on"], reason=d["reason"]
        ),
        title=_("办理退托：%(name)s") % {"name": enrollment.child.name},
        intro=_("%(class)s，%(date)s入托。")
        % {"class": enrollment.care_class.name, "date": enrollment.enrolled_on},
        done=_("已办理退托。"),
        tab="care",
    )


def _date_param(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def attendance(request: AuthedRequest, class_id: int) -> HttpResponse:
    """A class's attendance and morning checks for one day, in one form."""
    user = request.user
    care_class = selectors.class_get_for_user(user=user, class_id=class_id)
    institution = care_class.institution
    _require_manage(user, institution)
    day = _date_param(request.POST.get("date") or request.GET.get("date")) or _today()
    rows = selectors.class_attendance_rows(care_class, day=day)
    for row in rows:
        row.enrollment.age_months = rules.age_in_months(row.enrollment.child.birth_date, day)  # type: ignore[attr-defined]
    form = forms.AttendanceForm(request.POST or None, rows=rows, initial={"date": day})
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(
                actor=user, institution_id=institution.pk, **form.service_data()
            )
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记%(name)s %(date)s的考勤和晨检，共%(count)s名幼儿。")
                % {"name": care_class.name, "date": day.isoformat(), "count": count},
            )
            return redirect(f"{_detail_url(institution.pk, 'health')}&day={day.isoformat()}")
    return render(
        request,
        "childcare/attendance_form.html",
        {
            "form": form,
            "care_class": care_class,
            "institution": institution,
            "day": day,
            "workday": _is_workday(day, WorkdayCalendar()),
            "back": _detail_url(institution.pk, "health"),
        },
    )


@login_required
def outdoor(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    care_class = selectors.class_get_for_user(user=user, class_id=class_id)
    form = forms.OutdoorForm(request.POST or None, initial={"on": _today(), "minutes": 120})
    return _record_view(
        request,
        care_class.institution,
        form,
        call=lambda d: services.outdoor_record(
            actor=user, class_id=care_class.pk, on=d["on"], minutes=d["minutes"]
        ),
        title=_("户外活动：%(name)s") % {"name": care_class.name},
        done=_("已登记户外活动时间。"),
        tab="health",
    )


@login_required
def food_sample(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = forms.FoodSampleForm(
        request.POST or None,
        initial={
            "on": now.date(),
            "sampled_at": now,
            "kept_until": now + dt.timedelta(hours=rules.FOOD_SAMPLE_MIN_HOURS),
        },
    )
    return _record_view(
        request,
        institution,
        form,
        call=lambda d: services.food_sample_record(actor=user, institution_id=institution.pk, **d),
        title=_("登记食品留样"),
        done=_("已登记食品留样。"),
        tab="health",
    )


@login_required
def guidance_visit(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    form = forms.GuidanceVisitForm(
        request.POST or None, initial={"on": _today(), "partner": institution.health_partner}
    )
    return _record_view(
        request,
        institution,
        form,
        call=lambda d: services.guidance_visit_record(
            actor=user, institution_id=institution.pk, **d
        ),
        title=_("登记卫生保健指导"),
        done=_("已登记卫生保健指导。"),
        tab="health",
    )


@login_required
def safety_record(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    form = forms.SafetyRecordForm(request.POST or None, initial={"on": _today()})
    return _record_view(
        request,
        institution,
        form,
        call=lambda d: services.safety_record_create(
            actor=user, institution_id=institution.pk, **d
        ),
        title=_("新增安全记录"),
        done=_("已新增安全记录。"),
        tab="safety",
    )


@login_required
def staff_hire(request: AuthedRequest, institution_id: int) -> HttpResponse:
    user = request.user
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    form = forms.StaffHireForm(request.POST or None, initial={"hired_on": _today()})
    return _record_view(
        request,
        institution,
        form,
        call=lambda d: services.staff_hire(actor=user, institution_id=institution.pk, **d),
        title=_("登记工作人员"),
        done=_("已登记工作人员。"),
        tab="staff",
    )


@login_required
def staff_edit(request: AuthedRequest, staff_id: int) -> HttpResponse:
    user = request.user
    staff = selectors.staff_get_for_user(user=user, staff_id=staff_id)
    form = forms.StaffUpdateForm(
        request.POST or None, initial=forms.StaffUpdateForm.initial_from(staff)
    )
    return _record_view(
        request,
        staff.institution,
        form,
        call=lambda d: services.staff_update(actor=user, staff_id=staff.pk, **d),
        title=_("修改人员信息：%(name)s") % {"name": staff.person.name},
        done=_("已保存人员信息。"),
        tab="staff",
    )


@login_required
def staff_training(request: AuthedRequest, staff_id: int) -> HttpResponse:
    user = request.user
    staff = selectors.staff_get_for_user(user=user, staff_id=staff_id)
    institution = staff.institution
    _require_manage(user, institution)
    form = forms.TrainingForm(request.POST or None, initial={"date": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record(actor=user, staff_id=staff.pk, **form.cleaned_data)
        except DomainError as exc:
            pages.form_errors(form, exc)
        else:
            messages.success(request, _("已登记培训记录。"))
            return redirect("childcare_staff_training", staff_id=staff.pk)
    return render(
        request,
        "childcare/training.html",
        {
            "form": form,
            "staff": staff,
            "institution": institution,
            "trainings": list(selectors.training_list(staff)[:100]),
            "back": _detail_url(institution.pk, "staff"),
        },
    )


# --------------------------------------------------------------------------- spreadsheets

IMPORT_KINDS = {"staff": gettext_lazy("工作人员"), "enrollment": gettext_lazy("在托幼儿")}
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def _import_kind(kind: str) -> str:
    if kind not in IMPORT_KINDS:
        raise Http404
    return kind


@login_required
def import_template(request: AuthedRequest, kind: str) -> HttpResponse:
    """The empty .xlsx template of an import, with one example row."""
    pages.require(request.user, Perm.INSTITUTION_MANAGE)
    content = imports.import_template(_import_kind(kind))
    return download(content, f"{IMPORT_KINDS[kind]}导入模板.xlsx")


@login_required
def institution_import(request: AuthedRequest, institution_id: int, kind: str) -> HttpResponse:
    """Upload staff or children from .xlsx: all rows or none, with a per-row error report."""
    user = request.user
    kind = _import_kind(kind)
    institution = selectors.institution_get_for_user(user=user, institution_id=institution_id)
    _require_manage(user, institution)
    form = XlsxUploadForm(request.POST or None, request.FILES or None)
    row_errors: list[imports.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > IMPORT_MAX_BYTES:
                raise InvalidInput(_("文件超过5 MB，请分批导入。"))
            content = upload.read()
            do_import = imports.staff_import if kind == "staff" else imports.enrollment_import
            result = do_import(actor=user, institution_id=institution.pk, content=content)
        except imports.ImportRejected as exc:
            row_errors = exc.errors
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                _("已导入%(n)s条%(what)s记录。")
                % {"n": result.created, "what": IMPORT_KINDS[kind]},
            )
            return redirect(_detail_url(institution.pk, "staff" if kind == "staff" else "care"))
    return render(
        request,
        "childcare/import.html",
        {
            "form": form,
            "institution": institution,
            "kind": kind,
            "kind_label": IMPORT_KINDS[kind],
            "row_errors": row_errors,
            "back": _detail_url(institution.pk, "staff" if kind == "staff" else "care"),
        },
    )


@login_required
def institution_children_export(request: AuthedRequest, institution_id: int) -> HttpResponse:
    """The institution's children as .xlsx, resident IDs masked; for roles that may read rosters."""
    institution = selectors.roster_institution_for_user(
        user=request.user, institution_id=institution_id
    )
    rows = (
        (
            e.child.name,
            e.child.masked_resident_id,
            e.child.get_sex_display(),
            e.child.birth_date.isoformat(),
            e.care_class.name,
            e.care_class.get_kind_display(),
            e.get_care_type_display(),
            e.guardian.name,
            e.guardian_relation,
            e.guardian.masked_phone,
            e.enrolled_on.isoformat(),
        )
        for e in selectors.enrollment_list(institution).iterator(chunk_size=1000)
    )
    return xlsx_response(
        f"{institution.name}-在托幼儿",
        "在托幼儿",
        [
            "幼儿姓名",
            "身份证号（脱敏）",
            "性别",
            "出生日期",
            "班级",
            "班型",
            "托育类型",
            "监护人",
            "与幼儿关系",
            "监护人电话（脱敏）",
            "入托日期",
        ],
        rows,
    )


@login_required
def institution_staff_export(request: AuthedRequest, institution_id: int) -> HttpResponse:
    """The institution's staff as .xlsx, resident IDs masked; for roles that may read rosters."""
    institution = selectors.roster_institution_for_user(
        user=request.user, institution_id=institution_id
    )
    rows = (
        (
            s.person.name,
            s.person.masked_resident_id,
            s.get_role_display(),
            "是" if s.full_time else "否",
            s.qualification,
            s.hired_on.isoformat(),
            s.health_cert_on.isoformat() if s.health_cert_on else "",
            s.criminal_check_on.isoformat() if s.criminal_check_on else "",
            s.training_hours,
        )
        for s in selectors.staff_list(institution).iterator(chunk_size=1000)
    )
    return xlsx_response(
        f"{institution.name}-工作人员",
        "工作人员",
        [
            "姓名",
            "身份证号（脱敏）",
            "岗位",
            "专职",
            "资格证书",
            "入职日期",
            "健康体检日期",
            "无犯罪记录查询日期",
            "培训学时",
        ],
        rows,
    )
