"""Pages of activities: the list (type, region, year, pages), a new activity, and its page
with sessions and attendance, volunteers and hours, beneficiaries, photos and visits."""

from __future__ import annotations

from collections.abc import Callable
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
from huimin.core.forms import PageForm
from huimin.core.http import AuthedRequest
from huimin.core.selectors import region_list_for_user, region_may_act
from huimin.core.uploads import upload_response
from huimin.outreach import selectors, services
from huimin.outreach.forms import (
    ActivityFilterForm,
    ActivityForm,
    BeneficiaryForm,
    SessionForm,
    VolunteerForm,
)
from huimin.outreach.models import Activity
from huimin.outreach.views import Perm, form_errors, region_query


@login_required
def activity_list(request: AuthedRequest) -> HttpResponse:
    """活动: filter by type, region and year; each with what it served."""
    user = request.user
    pages.require(user, Perm.OUTREACH_VIEW)
    query = region_query(request.GET)
    form = ActivityFilterForm(
        query or None, regions=pages.filter_regions(user), years=selectors.activity_years(user)
    )
    filters = pages.list_filters(form, selectors.ActivityFilters)
    page = pages.paginate(request, selectors.activity_list_for_user(user=user, filters=filters))
    return pages.list_page(
        request,
        "outreach/activity_list.html",
        "outreach/_activity_rows.html",
        {"form": form, "page": page, "can_manage": user.can(Perm.OUTREACH_MANAGE)},
    )


@login_required
def activity_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.OUTREACH_MANAGE)
    regions = list(region_list_for_user(user=user).select_related("parent").order_by("path"))
    form = ActivityForm(
        request.POST or None,
        regions=regions,
        initial={"starts_on": timezone.localdate(), "organiser": user.organisation},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            activity = services.activity_create(
                actor=user,
                data=services.ActivityInput(
                    kind=d["kind"],
                    title=d["title"],
                    organiser=d["organiser"],
                    organiser_region=d["organiser_region"],
                    region=d["region"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    partners=d["partners"],
                    address=d["address"],
                    head_count=d["head_count"] or 0,
                    report=d["report"],
                ),
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc)
            if "photos" in exc.field_errors:
                form.add_error(None, exc.field_errors["photos"])
        else:
            messages.success(request, _("活动已登记。"))
            return redirect("outreach_activity_detail", activity_id=activity.pk)
    return render(request, "outreach/activity_form.html", {"form": form})


def _detail_context(request: AuthedRequest, activity: Activity, **forms: Any) -> dict[str, Any]:
    user = request.user
    manage = user.can(Perm.OUTREACH_MANAGE) and region_may_act(user, activity.region)
    return {
        "activity": activity,
        "figures": selectors.activity_figures(activity),
        "sessions": list(activity.sessions.all()),
        "volunteers": list(activity.volunteers.select_related("person")),
        "beneficiaries": list(
            activity.beneficiaries.select_related("person", "household", "household__region")
        ),
        "photos": list(activity.photos.all()),
        "visits": list(activity.visits.select_related("person", "region")),
        "manage": manage,
        "session_form": forms.get("session_form") or SessionForm(),
        "volunteer_form": forms.get("volunteer_form") or VolunteerForm(),
        "beneficiary_form": forms.get("beneficiary_form") or BeneficiaryForm(),
        "photo_errors": forms.get("photo_errors", []),
    }


@login_required
def activity_detail(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id)
    return render(request, "outreach/activity_detail.html", _detail_context(request, activity))


#: What may be added to an activity through a form: its form, the form's name in the page's
#: context and the service that adds it.
_ADDS: dict[str, tuple[type[PageForm], str, Callable[..., Any]]] = {
    "session": (SessionForm, "session_form", services.activity_session_add),
    "volunteer": (VolunteerForm, "volunteer_form", services.activity_volunteer_add),
    "beneficiary": (BeneficiaryForm, "beneficiary_form", services.activity_beneficiary_add),
}


@login_required
@require_POST
def activity_add(request: AuthedRequest, activity_id: int, what: str) -> HttpResponse:
    """Add a session, a volunteer, a beneficiary or photos to an activity."""
    user = request.user
    pages.require(user, Perm.OUTREACH_MANAGE)
    activity = selectors.activity_get_for_user(user=user, activity_id=activity_id)
    forms: dict[str, Any] = {}
    try:
        if what == "photos":
            form = None
            services.activity_photos_add(
                actor=user, activity_id=activity.pk, photos=request.FILES.getlist("photos")
            )
        elif what in _ADDS:
            form_class, key, add = _ADDS[what]
            form = form_class(request.POST)
            forms[key] = form
            if form.is_valid():  # the form's fields are the service's arguments
                add(actor=user, activity_id=activity.pk, **form.cleaned_data)
        else:
            raise Http404
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        if form is None:
            forms["photo_errors"] = list(exc.field_errors.values()) or [exc.message]
        else:
            form_errors(form, exc)
    if (form is not None and not form.is_valid()) or forms.get("photo_errors"):
        context = _detail_context(request, activity, **forms)
        return render(request, "outreach/activity_detail.html", context, status=422)
    messages.success(request, _("已保存。"))
    return redirect("outreach_activity_detail", activity_id=activity.pk)


@login_required
def activity_photo(
    request: AuthedRequest, activity_id: int, activity_photo_id: int
) -> FileResponse:
    """A photo of an activity, to whoever may see the activity."""
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id)
    photo = activity.photos.filter(pk=activity_photo_id).first()
    if photo is None:
        raise Http404
    return upload_response(photo.file.open("rb"), photo.file.name.rsplit("/", 1)[-1])


urlpatterns = [
    path("activities/", activity_list, name="outreach_activity_list"),
    path("activities/new/", activity_new, name="outreach_activity_new"),
    path("activities/<int:activity_id>/", activity_detail, name="outreach_activity_detail"),
    path(
        "activities/<int:activity_id>/add/<str:what>/",
        activity_add,
        name="outreach_activity_add",
    ),
    path(
        "activities/<int:activity_id>/photos/<int:activity_photo_id>/",
        activity_photo,
        name="outreach_activity_photo",
    ),
]
