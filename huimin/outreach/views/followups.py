"""Pages of visits and follow-ups: record a visit with the needs found (each becomes a
follow-up), the follow-up list (status, region, owner, overdue), a follow-up's page with its
deadline, its state records, the link to the module that handles a benefit not claimed, the
close form and the "检查是否已办理" button."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.core.models import Event, Person, User
from huimin.core.selectors import (
    WorkdayCalendar,
    region_list_for_user,
    region_may_act,
    region_scope_q,
)
from huimin.outreach import rules, selectors, services
from huimin.outreach.forms import NEED_ROWS, CloseForm, FollowUpFilterForm, NeedForm, VisitForm
from huimin.outreach.models import FollowUp
from huimin.outreach.views import Perm, form_errors, region_query

S = FollowUp.Status


def _owners(user: User) -> list[User]:
    """Who the user may make a follow-up's owner: colleagues who manage outreach in (or above)
    the user's regions; the service checks the household's region itself."""
    roles = [r for r in core_rules.Role if core_rules.role_has(r, Perm.OUTREACH_MANAGE)]
    return list(
        User.objects.filter(
            is_active=True, role__in=roles, regions__in=region_list_for_user(user=user)
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("role", "username")
    )


def _prefilled_person(user: User, raw: str | None) -> Person | None:
    if not raw or not raw.isdigit():
        return None
    return Person.objects.filter(region_scope_q(user), pk=int(raw)).first()


@login_required
def visit_new(request: AuthedRequest) -> HttpResponse:
    """登记入户走访: the household (by a member's resident ID), its situation, and up to three
    needs found, each with its owner. ``?person=`` (a person in scope) prefills the visited
    person, ``?need=childcare_subsidy`` a "benefit not claimed" need about them."""
    user = request.user
    pages.require(user, Perm.OUTREACH_MANAGE)
    source = request.POST if request.method == "POST" else request.GET
    person = _prefilled_person(user, source.get("person"))
    activities = list(
        selectors.activity_list_for_user(user=user).filter(
            starts_on__gte=timezone.localdate().replace(month=1, day=1)
        )[:50]
    )
    owners = _owners(user)
    form = VisitForm(
        request.POST or None,
        activities=activities,
        initial={"visited_on": timezone.localdate()},
    )
    if person is not None:
        form.fields["resident_id"].required = False
    need_initial: list[dict[str, Any]] = [{} for _ in range(NEED_ROWS)]
    benefit = request.GET.get("need", "")
    if person is not None and benefit in FollowUp.Benefit.values:
        need_initial[0] = {
            "kind": FollowUp.Kind.BENEFIT,
            "benefit": benefit,
            "description": _("%(name)s尚未申领%(benefit)s")
            % {"name": person.name, "benefit": FollowUp.Benefit(benefit).label},
        }
    need_forms = [
        NeedForm(request.POST or None, prefix=f"needs-{i}", owners=owners, initial=need_initial[i])
        for i in range(NEED_ROWS)
    ]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in need_forms):
        d = form.cleaned_data
        needs = [
            services.NeedInput(
                kind=n.cleaned_data["kind"],
                description=n.cleaned_data["description"],
                benefit=n.cleaned_data["benefit"],
                person_resident_id=n.cleaned_data["person_resident_id"],
                person_id=person.pk
                if person is not None
                and n.cleaned_data["benefit"]
                and not n.cleaned_data["person_resident_id"]
                else None,
                owner_id=n.cleaned_data["owner"],
            )
            for n in need_forms
            if n.cleaned_data["kind"] or n.cleaned_data["description"]
        ]
        try:
            visit = services.visit_record(
                actor=user,
                data=services.VisitInput(
                    resident_id=d["resident_id"],
                    person_id=person.pk if person is not None and not d["resident_id"] else None,
                    visited_on=d["visited_on"],
                    situation=d["situation"],
                    visitors=d["visitors"],
                    activity_id=d["activity"],
                    needs=needs,
                ),
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            if exc.status == 403:
                form.add_error(None, exc.message)
            else:
                for key, message in exc.field_errors.items():
                    if key.startswith("needs-"):
                        _prefix, index, name = key.split("-", 2)
                        target = need_forms[int(index)]
                        field = {"owner": "owner"}.get(name, name)
                        target.add_error(field if field in target.fields else None, message)
                rest = {k: v for k, v in exc.field_errors.items() if not k.startswith("needs-")}
                if rest or not exc.field_errors:
                    form_errors(form, type(exc)(exc.message, field_errors=rest))
        else:
            count = visit.followups.count()
            messages.success(
                request,
                _("走访已登记，生成%(n)s个跟进事项。") % {"n": count},
            )
            first = visit.followups.order_by("id").first()
            if first is not None:
                return redirect("outreach_followup_detail", followup_id=first.pk)
            return redirect("outreach_followup_list")
    return render(
        request,
        "outreach/visit_form.html",
        {"form": form, "need_forms": need_forms, "person": person},
    )


def _decorate(rows: Any, today: Any) -> None:
    calendar = WorkdayCalendar()
    for f in rows:
        f.days_left = selectors.days_left(f, today, calendar)
        f.overdue = f.days_left is not None and f.deadline < today
        f.overdue_days = -f.days_left if f.overdue and f.days_left is not None else 0


@login_required
def followup_list(request: AuthedRequest) -> HttpResponse:
    """跟进事项: filter by status, region, owner, need, year and overdue."""
    user = request.user
    pages.require(user, Perm.OUTREACH_VIEW)
    query = region_query(request.GET)
    owner_ids = selectors.followup_scope(user).values("owner_id").distinct()
    owners = [(u.pk, str(u)) for u in User.objects.filter(pk__in=owner_ids).order_by("username")]
    years = sorted(
        {d.year for d in selectors.followup_scope(user).dates("found_on", "year")}, reverse=True
    )
    form = FollowUpFilterForm(
        query or None, regions=pages.filter_regions(user), owners=owners, years=years
    )
    filters = pages.list_filters(form, selectors.FollowUpFilters)
    today = timezone.localdate()
    page = pages.paginate(
        request, selectors.followup_list_for_user(user=user, filters=filters, today=today)
    )
    _decorate(page, today)
    return pages.list_page(
        request,
        "outreach/followup_list.html",
        "outreach/_followup_rows.html",
        {"form": form, "page": page, "can_manage": user.can(Perm.OUTREACH_MANAGE)},
    )


def _handler_link(followup: FollowUp) -> tuple[str, str]:
    """Where a benefit not claimed is handled: the subsidy counter entry, or the disability
    home-service request."""
    if followup.benefit == FollowUp.Benefit.CHILDCARE_SUBSIDY:
        return reverse("subsidy_application_enter"), _("去育儿补贴模块代办申请")
    if followup.benefit == FollowUp.Benefit.DISABILITY_CERTIFICATE:
        return reverse("disability_request"), _("去申请残联上门办理残疾人证")
    return "", ""


def _followup_page(
    request: AuthedRequest,
    followup: FollowUp,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    _decorate([followup], today)
    manage = user.can(Perm.OUTREACH_MANAGE) and region_may_act(user, followup.region)
    events = list(
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(FollowUp), object_id=followup.pk
        ).select_related("actor")
    )
    labels = dict(S.choices)
    for e in events:
        e.from_label = labels.get(e.from_status, e.from_status)  # type: ignore[attr-defined]
        e.to_label = labels.get(e.to_status, e.to_status)  # type: ignore[attr-defined]
    link, link_label = _handler_link(followup)
    return render(
        request,
        "outreach/followup_detail.html",
        {
            "f": followup,
            "visit": followup.visit,
            "events": events,
            "manage": manage and followup.status == S.OPEN,
            "close_form": close_form or CloseForm(),
            "handler_url": link,
            "handler_label": link_label,
            "working_days": rules.need_working_days(followup.kind, followup.found_on),
        },
        status=status,
    )


@login_required
def followup_detail(request: AuthedRequest, followup_id: int) -> HttpResponse:
    followup = selectors.followup_get_for_user(user=request.user, followup_id=followup_id)
    return _followup_page(request, followup)


@login_required
@require_POST
def followup_close(request: AuthedRequest, followup_id: int) -> HttpResponse:
    """办结 or 取消, with the reason."""
    user = request.user
    pages.require(user, Perm.OUTREACH_MANAGE)
    followup = selectors.followup_get_for_user(user=user, followup_id=followup_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.followup_transition(
                actor=user,
                followup_id=followup.pk,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc)
        else:
            messages.success(request, _("跟进事项已更新。"))
            return redirect("outreach_followup_detail", followup_id=followup.pk)
    followup.refresh_from_db()
    return _followup_page(request, followup, form, status=422)


@login_required
@require_POST
def followup_check(request: AuthedRequest, followup_id: int) -> HttpResponse:
    """检查是否已办理: close the follow-up if the benefit is now claimed in its module."""
    user = request.user
    pages.require(user, Perm.OUTREACH_MANAGE)
    followup = selectors.followup_get_for_user(user=user, followup_id=followup_id)
    try:
        closed = services.followup_check_claimed(actor=user, followup_id=followup.pk)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        if closed:
            messages.success(request, _("已在相关模块办理，跟进事项已自动办结。"))
        else:
            messages.info(request, _("相关模块中尚未办理，跟进事项仍待跟进。"))
    return redirect("outreach_followup_detail", followup_id=followup.pk)


urlpatterns = [
    path("visits/new/", visit_new, name="outreach_visit_new"),
    path("followups/", followup_list, name="outreach_followup_list"),
    path("followups/<int:followup_id>/", followup_detail, name="outreach_followup_detail"),
    path("followups/<int:followup_id>/close/", followup_close, name="outreach_followup_close"),
    path("followups/<int:followup_id>/check/", followup_check, name="outreach_followup_check"),
]
