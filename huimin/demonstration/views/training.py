"""Workforce training (培训): the courses (filtered by year and type, paged) and a new course
for city and county officials; a course with its enrolments, where staff of the institutions in
the official's scope are enrolled and completion is recorded (the hours become the childcare
training record); the institutions whose staff fall short of the yearly hours; and the
operator's phone page of its own staff's hours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.childcare import selectors as childcare_selectors
from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.demonstration import rules, selectors, services
from huimin.demonstration.forms import CompletionForm, CourseFilterForm, CourseForm
from huimin.demonstration.models import CourseEnrolment
from huimin.demonstration.views import Perm


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else 0
    return year if 2000 <= year <= 2099 else timezone.localdate().year


@login_required
def course_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.TRAINING_MANAGE)
    form = CourseFilterForm(request.GET or None)
    filters = pages.list_filters(form, selectors.CourseFilters)
    return render(
        request,
        "demonstration/course_list.html",
        {
            "form": form,
            "filters": filters,
            "years": selectors.course_years(user=user),
            "kinds": form.fields["kind"].choices,  # type: ignore[attr-defined]
            "page": pages.paginate(
                request, selectors.course_list_for_user(user=user, filters=filters)
            ),
            "query": pages.query_without_page(request.GET),
        },
    )


@login_required
def course_new(request: AuthedRequest) -> HttpResponse:
    pages.require(request.user, Perm.TRAINING_MANAGE)
    form = CourseForm(
        request.POST or None,
        initial={"provider": "运城幼儿师范高等专科学校", "kind": "in_service"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            pages.form_errors(form, exc)
        else:
            messages.success(request, _("课程已创建，可以为学员报名。"))
            return redirect("demonstration_course_detail", course.pk)
    return render(
        request,
        "demonstration/course_form.html",
        {"form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
def course_detail(request: AuthedRequest, course_id: int) -> HttpResponse:
    """A course: its enrolments in the viewer's scope (completion recorded on each), and the
    staff of the viewer's institutions to enrol (searched by name)."""
    user = request.user
    course = selectors.course_get_for_user(user=user, course_id=course_id)
    error = ""
    completion: CompletionForm | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "enrol":
                raw = request.POST.get("staff", "")
                if not raw.isdigit() or len(raw) > 9:
                    raise DomainError(_("请选择要报名的工作人员。"))
                services.enrolment_add(actor=user, course_id=course.pk, staff_id=int(raw))
            elif action == "complete":
                completion = CompletionForm(request.POST)
                if not completion.is_valid():
                    raise DomainError(
                        " ".join(str(m) for ms in completion.errors.values() for m in ms)
                    )
                services.enrolment_complete(
                    actor=user,
                    enrolment_id=completion.cleaned_data["enrolment"],
                    completed_on=completion.cleaned_data["completed_on"],
                    certificate_no=completion.cleaned_data["certificate_no"],
                )
            else:
                raise DomainError(_("未知的操作。"))
        except DomainError as exc:
            if exc.status == 404:
                raise
            error = exc.message
        else:
            done = _("已报名。") if action == "enrol" else _("已记录结业，学时已计入培训记录。")
            messages.success(request, done)
            return redirect("demonstration_course_detail", course.pk)
    q = request.GET.get("q", "")[:50].strip()
    enrolments = pages.paginate(request, selectors.enrolment_list(course, user=user))
    candidates = selectors.staff_for_enrolment(user=user, course=course, q=q)[:20] if q else []
    posted: Mapping[str, Any] = completion.data if completion is not None else {}
    return render(
        request,
        "demonstration/course_detail.html",
        {
            "course": course,
            "page": enrolments,
            "query": pages.query_without_page(request.GET),
            "q": q,
            "candidates": candidates,
            "error": error,
            "today": timezone.localdate().isoformat(),
            "posted": posted,
            "enrolled": CourseEnrolment.Status.ENROLLED,
        },
        status=422 if error else 200,
    )


@login_required
def training_short(request: AuthedRequest) -> HttpResponse:
    """Institutions whose active staff fall short of the yearly training hours."""
    user = request.user
    pages.require(user, Perm.TRAINING_MANAGE)
    year = _year(request)
    region = request.GET.get("region", "")[:12]
    rows = selectors.institutions_short_for_user(user=user, year=year, region=region)
    return render(
        request,
        "demonstration/training_short.html",
        {
            "page": pages.paginate(request, rows),
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
            "region": region,
            "regions": pages.filter_regions(user),
            "required": rules.TRAINING_HOURS_PER_YEAR,
            "query": pages.query_without_page(request.GET),
        },
    )


@login_required
def training_mine(request: AuthedRequest) -> HttpResponse:
    """The operator's phone page: each staff member's hours this year against the yearly
    requirement, and the courses they are on."""
    user = request.user
    pages.require(user, Perm.ROSTER_VIEW)
    institution = childcare_selectors.institution_of_operator(user)
    if institution is None:
        return redirect("home")
    year = _year(request)
    return render(
        request,
        "demonstration/training_mine.html",
        {
            "institution": institution,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
            "rows": selectors.staff_hours_for_operator(user=user, year=year),
            "required": rules.TRAINING_HOURS_PER_YEAR,
            "page": pages.paginate(request, selectors.enrolments_of_operator(user=user)),
            "query": pages.query_without_page(request.GET),
        },
    )


urlpatterns = [
    path("training/courses/", course_list, name="demonstration_course_list"),
    path("training/courses/new/", course_new, name="demonstration_course_new"),
    path("training/courses/<int:course_id>/", course_detail, name="demonstration_course_detail"),
    path("training/short/", training_short, name="demonstration_training_short"),
    path("training/mine/", training_mine, name="demonstration_training_mine"),
]
