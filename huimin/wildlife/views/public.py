"""The public estimate (野生动物致害赔偿测算): no login; the same selector as
GET /api/wildlife/estimate."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from huimin.core.errors import InvalidInput
from huimin.core.http import HtmxRequest
from huimin.core.selectors import region_counties
from huimin.wildlife import rules, selectors
from huimin.wildlife.forms import EstimateForm
from huimin.wildlife.models import Policy, Standard


@vary_on_headers("HX-Request")
def estimate(request: HtmxRequest) -> HttpResponse:
    """Public estimate: county, crop, stage, area and loss degree → the amount and the rule."""
    counties = list(
        region_counties().filter(pk__in=Policy.objects.values("region_id")).order_by("code")
    )
    crops = sorted(set(Standard.objects.values_list("crop", flat=True))) or list(rules.CROPS)
    stages = [s for s in rules.STAGES if Standard.objects.filter(stage=s).exists()] or list(
        rules.STAGES
    )
    form = EstimateForm(
        request.GET or None,
        counties=counties,
        crops=crops,
        stages=stages,
        initial={"county": "140829", "crop": "玉米", "stage": "成熟期"},
    )
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = selectors.estimate(
                county=data["county"],
                crop=data["crop"],
                stage=data["stage"],
                area_mu=data["area_mu"],
                loss_percent=data["loss_percent"],
                day=data["date"] or timezone.localdate(),
            )
        except InvalidInput as exc:
            for field, message in exc.field_errors.items():
                form.add_error(field if field in form.fields else None, message)
    table = []
    policy = result.policy if result else None
    if policy is None and counties:
        policy = selectors.policy_for(counties[0], timezone.localdate())
    if policy is not None:
        table = list(policy.standards.order_by("crop", "yuan_per_mu"))
    partial = request.htmx and not request.htmx.history_restore_request
    return render(
        request,
        "wildlife/_estimate.html" if partial else "wildlife/estimate.html",
        {
            "form": form,
            "result": result,
            "policy": policy,
            "table": table,
            "api_url": reverse("api:wildlife_estimate_api"),
            "exclusions": list(rules.EXCLUSION_LABELS.values()),
        },
    )


urlpatterns = [path("estimate/", estimate, name="wildlife_estimate")]
