"""The public results page (一公开), without login: drawn plans with their seed, hashes and
drawn institutions; published inspection results; credit levels. No personal data: no names
of people (no legal person, inspector or operator), no resident IDs, no phone numbers. Each
plan's record can be downloaded and the draw re-run by anyone."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from huimin.core import cache
from huimin.core.models import Region
from huimin.core.selectors import region_counties
from huimin.supervision import rules, selectors
from huimin.supervision.models import DrawPlan, Inspection
from huimin.supervision.views import county_name, level_name, reason_labels, stratum_labels
from huimin.supervision.views.plans import algorithm_context

#: Rows per section of the public page.
PUBLIC_PAGE_SIZE = 20


def _county(params: QueryDict) -> Region | None:
    code = params.get("county", "")
    return region_counties().filter(code=code).first() if code else None


def _public_plans(county: Region | None, q: str) -> Any:
    drawn = Prefetch(
        "inspections",
        queryset=Inspection.objects.select_related("institution").order_by("position"),
        to_attr="drawn",
    )
    plans = selectors.public_plans().prefetch_related(drawn)
    if county is not None:  # the county's own plans and the city's, which reach into it
        plans = plans.filter(Q(region=county) | Q(region__level=Region.Level.CITY))
    if q:  # a subquery, not a join: the join would multiply drawn_count
        drawn_there = Inspection.objects.filter(institution__name__contains=q)
        plans = plans.filter(pk__in=drawn_there.values("plan_id"))
    return plans


#: The query parameters that shape the public page (others are ignored, also in its cache key).
PUBLIC_PARAMS = ("county", "q", "plans_page", "results_page", "credit_page")


def public_results(request: HttpRequest) -> HttpResponse:
    """公示: three sections, each paginated on its own (``plans_page``, ``results_page``,
    ``credit_page``), filtered by county and institution name. The same for every visitor
    until the next publication: the content is a fragment cached under the publication's
    version (``core.cache``; one query when it is there)."""
    query = QueryDict(mutable=True)
    for name in PUBLIC_PARAMS:
        value = request.GET.get(name, "")
        if value:
            query[name] = value[:100]
    content = cache.fragment(
        cache.SUPERVISION_PUBLIC,
        query.urlencode(),
        lambda: render_to_string("supervision/_public_content.html", _public_context(query)),
    )
    return render(request, "supervision/public.html", {"content": mark_safe(content)})  # noqa: S308 - our own template's output


def _public_context(params: QueryDict) -> dict[str, Any]:
    county = _county(params)
    q = params.get("q", "").strip()[:50]
    plans = Paginator(_public_plans(county, q), PUBLIC_PAGE_SIZE).get_page(params.get("plans_page"))
    results_qs = selectors.public_inspections()
    if county is not None:
        results_qs = results_qs.filter(institution__region__path__startswith=county.path)
    if q:
        results_qs = results_qs.filter(selectors.public_name_contains(q))
    results = Paginator(results_qs, PUBLIC_PAGE_SIZE).get_page(params.get("results_page"))
    for i in results:
        i.county_name = county_name(i.institution.region)  # type: ignore[attr-defined]
        i.outcome_label = rules.OUTCOME_LABELS[rules.Outcome(i.outcome)]  # type: ignore[attr-defined]
    ratings = selectors.public_credit(region=county, q=q)
    credit = Paginator(ratings, PUBLIC_PAGE_SIZE).get_page(params.get("credit_page"))
    credit_rows = [
        {
            "name": institution.public_name,
            "county": county_name(institution.region),
            "level": institution.credit_level,  # type: ignore[attr-defined]
            "label": level_name(institution.credit_level),  # type: ignore[attr-defined]
            "at": institution.credit_at,  # type: ignore[attr-defined]
        }
        for institution in credit
    ]
    queries = {}
    for name in ("plans_page", "results_page", "credit_page"):
        other = params.copy()
        other.pop(name, None)
        queries[name] = other.urlencode()
    return {
        "plans": plans,
        "results": results,
        "credit": credit,
        "credit_rows": credit_rows,
        "counties": list(region_counties()),
        "county": county.code if county else "",
        "q": q,
        "queries": queries,
        "publish_days": rules.PUBLISH_WORKING_DAYS,
    }


def public_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One drawn plan's published record: the pools (institutions by name, inspectors by
    number only), the result, and its re-computation."""
    plan = selectors.public_plan(plan_id)
    candidates = list(plan.candidates.select_related("institution").order_by("county", "pk"))
    inspections = list(plan.inspections.select_related("institution").order_by("position"))
    labels = stratum_labels({i.stratum for i in inspections} | {c.county for c in candidates})
    by_institution = {c.institution_id: c for c in candidates}
    drawn = {i.institution_id for i in inspections}
    rows = []
    for i in inspections:
        candidate = by_institution.get(i.institution_id)
        rows.append(
            {
                "position": i.position,
                "institution_id": i.institution_id,
                "name": i.institution.public_name,
                "stratum": labels.get(i.stratum, i.stratum),
                "weight": candidate.weight if candidate else "",
                "reasons": reason_labels(candidate.reasons) if candidate else [],
            }
        )
    for c in candidates:
        c.county_name = labels.get(c.county, c.county)  # type: ignore[attr-defined]
        c.reason_labels = reason_labels(c.reasons)  # type: ignore[attr-defined]
        c.drawn = c.institution_id in drawn  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/public_plan.html",
        {
            "plan": plan,
            "rows": rows,
            "candidates": candidates,
            "pool_size": plan.inspector_count,
            "verification": selectors.draw_verify(plan.pk),
            "spec": plan.spec().canonical(),
            **algorithm_context(),
        },
    )


def public_plan_record(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The draw's record as JSON, enough to re-run the published algorithm: the plan's
    canonical contents, the public value and seed, both pools (inspectors by number) and the
    result, with the hashes."""
    plan: DrawPlan = selectors.public_plan(plan_id)
    record = {
        "algorithm": rules.DRAW_ALGORITHM,
        "plan": json.loads(plan.spec().canonical()),
        "public_value": plan.public_value,
        "seed": plan.seed,
        "pool_hash": plan.pool_hash,
        "result_hash": plan.result_hash,
        "candidates": [
            {
                "id": c.institution_id,
                "region_path": c.region_path,
                "county": c.county,
                "weight": c.weight,
                "reasons": list(c.reasons),
            }
            for c in plan.candidates.order_by("institution_id")
        ],
        "inspectors": [
            {"id": i.inspector_id, "region_paths": i.region_paths, "conflicts": i.conflicts}
            for i in plan.inspectors.order_by("inspector_id")
        ],
        "result": [
            {
                "order": i.position,
                "target": i.institution_id,
                "stratum": i.stratum,
                "inspectors": [c.inspector_id for c in i.crew.all()],
            }
            for i in plan.inspections.prefetch_related("crew").order_by("position")
        ],
    }
    response = HttpResponse(
        json.dumps(record, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=f"draw-{plan.pk}.json") or ""
    )
    return response


urlpatterns = [
    path("public/", public_results, name="supervision_public"),
    path("public/plans/<int:plan_id>/", public_plan, name="supervision_public_plan"),
    path(
        "public/plans/<int:plan_id>/record.json",
        public_plan_record,
        name="supervision_public_plan_record",
    ),
]
