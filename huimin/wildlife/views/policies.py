"""Pages of policy years: the list (premium split, limit used and left), a new year, and a
year's page where an administrator edits its terms, species and standards table until it
starts (frozen after) and records the premium each side has paid."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import pages
from huimin.core.errors import DomainError, InvalidInput
from huimin.core.http import AuthedRequest
from huimin.core.models import Region
from huimin.core.selectors import region_list_for_user
from huimin.wildlife import rules, selectors, services
from huimin.wildlife.forms import PolicyForm, PremiumForm
from huimin.wildlife.models import Policy
from huimin.wildlife.views import Perm, form_errors, yuan_text


def _counties(request: AuthedRequest) -> list[Region]:
    return list(
        region_list_for_user(user=request.user).filter(level=Region.Level.COUNTY).order_by("code")
    )


def _fen(value: Decimal) -> int:
    return rules.yuan_to_fen(value)


def _standards(text: str) -> list[services.StandardInput]:
    """Lines of ``作物 生长期 元/亩``; raises InvalidInput naming the line."""
    rows = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 3:
            message = _("第%(n)s行应为“作物 生长期 元/亩”，如“玉米 成熟期 1150”。") % {"n": n}
            raise InvalidInput(message, field_errors={"standards": message})
        try:
            value = Decimal(parts[2].replace("元", ""))
        except InvalidOperation:
            message = _("第%(n)s行的赔偿标准不是数字。") % {"n": n}
            raise InvalidInput(message, field_errors={"standards": message}) from None
        rows.append(services.StandardInput(parts[0], parts[1], value))
    return rows


def _input(data: dict[str, Any]) -> services.PolicyInput:
    return services.PolicyInput(
        year=data["year"],
        insurer=data["insurer"],
        number=data["number"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        premium_fen=_fen(data["premium"]),
        province_percent=data["province_percent"],
        limit_fen=_fen(data["limit"]),
        species=tuple(s.strip() for s in data["species"].splitlines() if s.strip()),
    )


@login_required
def policy_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (user.can(Perm.WILDLIFE_VIEW) or user.can(Perm.WILDLIFE_POLICY)):
        pages.require(user, Perm.WILDLIFE_POLICY)
    year = request.GET.get("year", "")
    policies = selectors.policy_list_for_user(
        user=user,
        filters=selectors.PolicyFilters(year=int(year) if year.isdigit() else None),
    )
    page = pages.paginate(request, policies)
    for p in page:
        p.premium_text = yuan_text(p.premium_fen)
        p.limit_text = yuan_text(p.limit_fen)
        p.committed_text = yuan_text(p.committed_fen)
        p.left_text = yuan_text(p.left_fen)
        p.used_percent = round(p.committed_fen * 100 / p.limit_fen, 1) if p.limit_fen else 0
    return render(
        request,
        "wildlife/policy_list.html",
        {
            "page": page,
            "year": year,
            "query": pages.query_without_page(request.GET),
            "can_edit": user.can(Perm.WILDLIFE_POLICY),
        },
    )


def _policy_form_page(
    request: AuthedRequest, form: PolicyForm, policy: Policy | None, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "wildlife/policy_form.html",
        {"form": form, "policy": policy, **extra},
        status=422 if form.errors else 200,
    )


@login_required
def policy_new(request: AuthedRequest) -> HttpResponse:
    pages.require(request.user, Perm.WILDLIFE_POLICY)
    year = timezone.localdate().year + 1
    form = PolicyForm(
        request.POST or None,
        counties=_counties(request),
        initial={
            "region": "140829",
            "year": year,
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year}-12-31",
            "premium": rules.fen_to_yuan(rules.PREMIUM_DEFAULT_FEN),
            "province_percent": rules.PROVINCE_SHARE_PERCENT,
            "limit": rules.fen_to_yuan(rules.AGGREGATE_LIMIT_DEFAULT_FEN),
            "species": "\n".join(rules.SPECIES_DEFAULT),
            "standards": "\n".join(f"{c} {s} {v}" for c, s, v in rules.STANDARDS_DEMO),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            rows = _standards(form.cleaned_data["standards"])
            policy = services.policy_create(
                actor=request.user,
                region_code=form.cleaned_data["region"],
                data=_input(form.cleaned_data),
            )
            if rows:
                services.standards_set(actor=request.user, policy_id=policy.pk, rows=rows)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc, aliases={"premium_fen": "premium", "limit_fen": "limit"})
        else:
            messages.success(request, _("保单已录入。"))
            return redirect("wildlife_policy_detail", policy_id=policy.pk)
    return _policy_form_page(request, form, None)


@login_required
def policy_detail(request: AuthedRequest, policy_id: int) -> HttpResponse:
    """A policy year: terms, species and standards (editable until it starts), premium paid."""
    user = request.user
    policy = selectors.policy_get_for_user(user=user, policy_id=policy_id)
    frozen = selectors.policy_frozen(policy, timezone.localdate())
    can_edit = user.can(Perm.WILDLIFE_POLICY)
    initial = {
        "region": policy.region.code,
        "year": policy.year,
        "insurer": policy.insurer,
        "number": policy.number,
        "starts_on": policy.starts_on,
        "ends_on": policy.ends_on,
        "premium": rules.fen_to_yuan(policy.premium_fen),
        "province_percent": policy.province_percent,
        "limit": rules.fen_to_yuan(policy.limit_fen),
        "species": "\n".join(policy.species),
        "standards": "\n".join(
            f"{s.crop} {s.stage} {s.yuan_per_mu}" for s in policy.standards.all()
        ),
    }
    posted = request.method == "POST" and can_edit
    form = PolicyForm(
        request.POST if posted and "terms" in request.POST else None,
        counties=[policy.region],
        initial=initial,
    )
    premium = PremiumForm(
        request.POST if posted and "premium_paid" in request.POST else None,
        initial={
            "province_paid": rules.fen_to_yuan(policy.province_paid_fen),
            "county_paid": rules.fen_to_yuan(policy.county_paid_fen),
        },
    )
    if form.is_bound and form.is_valid():
        try:
            rows = _standards(form.cleaned_data["standards"])
            services.policy_update(actor=user, policy_id=policy.pk, data=_input(form.cleaned_data))
            services.standards_set(actor=user, policy_id=policy.pk, rows=rows)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc, aliases={"premium_fen": "premium", "limit_fen": "limit"})
        else:
            messages.success(request, _("保单已保存。"))
            return redirect("wildlife_policy_detail", policy_id=policy.pk)
    if premium.is_bound and premium.is_valid():
        try:
            services.policy_premium_paid(
                actor=user,
                policy_id=policy.pk,
                province_paid_fen=_fen(premium.cleaned_data["province_paid"]),
                county_paid_fen=_fen(premium.cleaned_data["county_paid"]),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(
                premium,
                exc,
                aliases={"province_paid_fen": "province_paid", "county_paid_fen": "county_paid"},
            )
        else:
            messages.success(request, _("已缴保费已更新。"))
            return redirect("wildlife_policy_detail", policy_id=policy.pk)
    if frozen:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "wildlife/policy_detail.html",
        {
            "policy": policy,
            "form": form,
            "premium_form": premium,
            "frozen": frozen,
            "can_edit": can_edit,
            "standards": list(policy.standards.all()),
            "money": {
                "premium": yuan_text(policy.premium_fen),
                "province_owes": yuan_text(policy.province_owes_fen),
                "county_owes": yuan_text(policy.county_owes_fen),
                "province_paid": yuan_text(policy.province_paid_fen),
                "county_paid": yuan_text(policy.county_paid_fen),
                "limit": yuan_text(policy.limit_fen),
                "committed": yuan_text(policy.committed_fen),
                "left": yuan_text(policy.left_fen),
            },
        },
        status=422 if form.errors or premium.errors else 200,
    )


urlpatterns = [
    path("policies/", policy_list, name="wildlife_policy_list"),
    path("policies/new/", policy_new, name="wildlife_policy_new"),
    path("policies/<int:policy_id>/", policy_detail, name="wildlife_policy_detail"),
]
