"""Pages of home-visit teams: the list (by township and day), a new team, and a team's route
for the day, village by village, in the order a driver can follow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.core.models import Region, User
from huimin.core.selectors import region_list_for_user
from huimin.disability import selectors, services
from huimin.disability.forms import TeamForm
from huimin.disability.views import Perm, Role, form_errors


@login_required
def team_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.DISABILITY_VIEW)
    region = request.GET.get("region", "")
    codes = {r.code for r in pages.filter_regions(user)}
    filters = selectors.TeamFilters(region=region if region in codes else "")
    page = pages.paginate(request, selectors.team_list_for_user(user=user, filters=filters))
    return pages.list_page(
        request,
        "disability/team_list.html",
        "disability/_team_rows.html",
        {
            "page": page,
            "regions": pages.filter_regions(user),
            "region": filters.region,
            "can_handle": user.can(Perm.DISABILITY_HANDLE),
        },
    )


@login_required
def team_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pages.require(user, Perm.DISABILITY_HANDLE)
    townships = list(
        region_list_for_user(user=user).filter(level=Region.Level.TOWNSHIP).order_by("path")
    )
    staff = list(
        User.objects.filter(
            role=Role.FEDERATION, is_active=True, regions__in=user.regions.all()
        ).distinct()
    )
    doctors = list(User.objects.filter(role=Role.DOCTOR, is_active=True).order_by("pk"))
    form = TeamForm(
        request.POST or None,
        initial={"day": timezone.localdate(), "staff": user.pk, "hospital": "县人民医院"},
        townships=townships,
        staff=staff or [user],
        doctors=doctors,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            team = services.team_create(
                actor=user,
                data=services.TeamInput(
                    township_code=d["township"],
                    day=d["day"],
                    staff_id=int(d["staff"]),
                    doctor_id=int(d["doctor"]),
                    hospital=d["hospital"],
                ),
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            form_errors(form, exc)
        else:
            messages.success(request, _("上门服务组已建立，请在申请列表中把申请排入路线。"))
            return redirect("disability_team_detail", team_id=team.pk)
    return render(request, "disability/team_form.html", {"form": form})


@login_required
def team_detail(request: AuthedRequest, team_id: int) -> HttpResponse:
    """The day's route: villages in order, the cases of each, most urgent first."""
    team = selectors.team_get_for_user(user=request.user, team_id=team_id)
    return render(
        request, "disability/team_detail.html", {"team": team, "route": selectors.route(team)}
    )


urlpatterns = [
    path("teams/", team_list, name="disability_team_list"),
    path("teams/new/", team_new, name="disability_team_new"),
    path("teams/<int:team_id>/", team_detail, name="disability_team_detail"),
]
