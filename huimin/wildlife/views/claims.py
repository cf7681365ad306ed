"""Pages of claims: the farmer's phone pages (report with GPS and photos, my claims, confirm
or dispute), the handlers' inbox (waiting time, same-day flag, filters, pages), a claim's page
(every step's date, accept, reject with an exclusion, survey, the notice), and a village's
survey visit (several reports of one village at once)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, NotFound
from huimin.core.http import AuthedRequest
from huimin.core.models import Person, Region
from huimin.core.selectors import region_list_for_user, region_may_act, timeline_for_user
from huimin.core.uploads import upload_response
from huimin.wildlife import rules, selectors, services
from huimin.wildlife.forms import (
    ClaimFilterForm,
    DisputeForm,
    RejectForm,
    ReportForm,
    SurveyLineForm,
)
from huimin.wildlife.models import Claim, Policy
from huimin.wildlife.notice import NoticeContent, NoticeLine, notice_pdf
from huimin.wildlife.views import Perm, form_errors, waited_text, yuan_text


def _decorate(claims: Any) -> None:
    now, today = timezone.now(), timezone.localdate()
    for c in claims:
        c.waited = waited_text(selectors.claim_waiting(c, now))
        c.late = selectors.claim_late_to_accept(c, today)
        c.survey_late = c.status == Claim.Status.ACCEPTED and c.deadline and c.deadline < today
        c.pay_late = c.status == Claim.Status.AGREED and c.payment_due and c.payment_due < today
        c.amount_text = yuan_text(c.amount_fen)
        c.paid_text = yuan_text(c.paid_fen)


# --------------------------------------------------------------------------- farmer


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """我的报案: the farmer's claims as cards, newest first, each with its state."""
    pages.require(request.user, Perm.WILDLIFE_REPORT)
    page = pages.paginate(request, selectors.claim_list_for_user(user=request.user), size=20)
    _decorate(page)
    return render(request, "wildlife/mine.html", {"page": page, "query": ""})


def _report_choices(user: Any) -> dict[str, Any]:
    """Villages, crops, species (and farmers, for an official) a report may name."""
    if selectors.is_farmer(user):
        home = user.person.region if user.person_id else None
        county = home.county if home else None
        villages = (
            list(
                Region.objects.filter(
                    path__startswith=county.path,
                    level__in=[Region.Level.VILLAGE, Region.Level.TOWNSHIP],
                )
                .select_related("parent")
                .order_by("path")
            )
            if county
            else []
        )
        farmers = None
    else:
        villages = list(
            region_list_for_user(user=user)
            .filter(level__in=[Region.Level.VILLAGE, Region.Level.TOWNSHIP])
            .order_by("path")
        )
        farmers = [
            (p.pk, f"{p.name}（{p.region.name}）")
            for p in Person.objects.filter(
                region__in=[v.pk for v in villages], status=Person.Status.ACTIVE
            ).select_related("region")[:500]
        ]
        county = villages[0].county if villages else None
    policy = selectors.policy_for(county, timezone.localdate()) if county else None
    crops = sorted({c for c, _s in selectors.standards_of(policy)}) if policy else []
    species = list(policy.species) if policy else list(rules.SPECIES_DEFAULT)
    return {
        "villages": villages,
        "crops": crops or list(rules.CROPS),
        "species": species,
        "farmers": farmers,
    }


@login_required
def report(request: AuthedRequest) -> HttpResponse:
    """我要报案 (有损即报) from a phone: GPS when the farmer allows it, photos (images only)."""
    user = request.user
    pages.require(user, Perm.WILDLIFE_REPORT)
    choices = _report_choices(user)
    initial: dict[str, Any] = {"damaged_on": timezone.localdate()}
    if selectors.is_farmer(user) and user.person is not None:
        initial["region"] = user.person.region.code
    form = ReportForm(request.POST or None, initial=initial, **choices)
    photo_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.claim_report(
                actor=user,
                data=services.ReportInput(
                    region_code=data["region"],
                    crop=data["crop"],
                    area_mu=data["area_mu"],
                    species=data["species"],
                    damaged_on=data["damaged_on"],
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    location_source=data["location_source"] or "",
                    farmer_id=int(data["farmer"]) if data.get("farmer") else None,
                ),
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            photo_errors = [exc.field_errors.pop("photos")] if "photos" in exc.field_errors else []
            if exc.field_errors or not photo_errors:
                form_errors(form, exc)
        else:
            messages.success(
                request,
                _("报案成功，编号%(number)s。保险公司或县林业部门将于%(due)s当天接案。")
                % {"number": claim.number, "due": f"{claim.accept_due:%Y年%m月%d日}"},
            )
            return redirect("wildlife_claim_detail", claim_id=claim.pk)
    return render(
        request,
        "wildlife/report.html",
        {
            "form": form,
            "photo_errors": photo_errors,
            "photo_limit": rules.PHOTO_MAX_BYTES // (1024 * 1024),
            "counties": dict(core_rules.COUNTIES),  # the map colours the village's county
            **choices,
        },
    )


# --------------------------------------------------------------------------- inbox


@login_required
def claim_list(request: AuthedRequest) -> HttpResponse:
    """报案受理: the claims of the user's regions; waiting time and the same-day flag."""
    user = request.user
    pages.require(user, Perm.WILDLIFE_VIEW)
    form = ClaimFilterForm(request.GET or None, regions=pages.filter_regions(user))
    filters = pages.list_filters(form, selectors.ClaimFilters)
    rows = selectors.claim_list_for_user(user=user, filters=filters)
    page = pages.paginate(request, rows)
    _decorate(page)
    villages: dict[int, Any] = {}
    for c in page:
        if c.status == Claim.Status.ACCEPTED:
            villages.setdefault(c.region_id, c.region)
    return pages.list_page(
        request,
        "wildlife/claim_list.html",
        "wildlife/_claim_rows.html",
        {
            "form": form,
            "page": page,
            "can_handle": user.can(Perm.WILDLIFE_HANDLE),
            "visit_villages": list(villages.values()),
        },
    )


# --------------------------------------------------------------------------- one claim


STEPS = (
    (Claim.Status.REPORTED, "reported_at"),
    (Claim.Status.ACCEPTED, "accepted_at"),
    (Claim.Status.SURVEYED, "surveyed_at"),
    (Claim.Status.AGREED, "agreed_at"),
    (Claim.Status.PAID, "paid_at"),
)
ORDER = [s for s, _f in STEPS]


def _steps(claim: Claim) -> list[dict[str, Any]]:
    """Every step of the claim with its date (报案, 接案, 定损, 确认, 赔付) and what is due."""
    labels = {
        Claim.Status.REPORTED: _("报案"),
        Claim.Status.ACCEPTED: _("接案"),
        Claim.Status.SURVEYED: _("查勘定损"),
        Claim.Status.AGREED: _("农户确认"),
        Claim.Status.PAID: _("赔付到账"),
    }
    due = {
        Claim.Status.ACCEPTED: claim.accept_due,
        Claim.Status.SURVEYED: claim.deadline,
        Claim.Status.PAID: claim.payment_due,
    }
    steps = []
    current = Claim.Status.AGREED if claim.status == Claim.Status.PAYING else claim.status
    for status, field in STEPS:
        at = getattr(claim, field)
        steps.append(
            {
                "label": labels[status],
                "at": timezone.localtime(at) if at else None,
                "due": due.get(status),
                "done": at is not None,
                "now": status == current and claim.status != Claim.Status.PAID,
            }
        )
    return steps


def _claim_page(
    request: AuthedRequest,
    claim: Claim,
    *,
    reject_form: RejectForm | None = None,
    survey_form: SurveyLineForm | None = None,
    dispute_form: DisputeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    _decorate([claim])
    may_act = user.is_superuser or region_may_act(user, claim.region)
    handler = user.can(Perm.WILDLIFE_HANDLE) and may_act
    owner = selectors.is_farmer(user) and claim.farmer_id == user.person_id
    standards = selectors.standards_of(claim.policy)
    crops = sorted({c for c, _s in standards})
    stages = [s for s in rules.STAGES if any(st == s for _c, st in standards)]
    items = list(claim.items.filter(current=True))
    photos = list(claim.photos.all())
    lines = list(claim.payout_lines.select_related("batch"))
    return render(
        request,
        "wildlife/claim_detail.html",
        {
            "claim": claim,
            "steps": _steps(claim),
            "items": [{"item": i, "amount": yuan_text(i.amount_fen)} for i in items],
            "photos": photos,
            "lines": [{"line": x, "amount": yuan_text(x.amount_fen)} for x in lines],
            "shortfall": yuan_text(claim.shortfall_fen) if claim.shortfall_fen else "",
            "can_accept": handler and claim.status == Claim.Status.REPORTED,
            "can_reject": handler
            and claim.status in (Claim.Status.REPORTED, Claim.Status.ACCEPTED),
            "can_survey": handler and claim.status == Claim.Status.ACCEPTED,
            "can_confirm": (owner or (user.can(Perm.WILDLIFE_REPORT) and may_act))
            and claim.status == Claim.Status.SURVEYED,
            "has_notice": claim.status
            in (Claim.Status.AGREED, Claim.Status.PAYING, Claim.Status.PAID),
            "reject_form": reject_form or RejectForm(),
            "survey_form": survey_form
            or SurveyLineForm(
                crops=crops,
                stages=stages,
                initial={"crop": claim.crop, "area_mu": claim.area_mu},
            ),
            "dispute_form": dispute_form or DisputeForm(),
            "survey_days": rules.SURVEY_WORKING_DAYS,
            "payment_days": rules.PAYMENT_DAYS,
            "timeline": timeline_for_user(user=user, obj=claim),
        },
        status=status,
    )


def _get(request: AuthedRequest, claim_id: int) -> Claim:
    return selectors.claim_get_for_user(user=request.user, claim_id=claim_id)


@login_required
def claim_detail(request: AuthedRequest, claim_id: int) -> HttpResponse:
    return _claim_page(request, _get(request, claim_id))


def _done(request: AuthedRequest, claim_id: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("wildlife_claim_detail", claim_id=claim_id)


@login_required
@require_POST
def claim_accept(request: AuthedRequest, claim_id: int) -> HttpResponse:
    claim = _get(request, claim_id)
    try:
        claim = services.claim_accept(actor=request.user, claim_id=claim.pk)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect("wildlife_claim_detail", claim_id=claim.pk)
    return _done(
        request,
        claim.pk,
        _("已接案，请于%(due)s前完成查勘定损。") % {"due": f"{claim.deadline:%Y年%m月%d日}"},
    )


@login_required
@require_POST
def claim_reject(request: AuthedRequest, claim_id: int) -> HttpResponse:
    claim = _get(request, claim_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.claim_reject(
                actor=request.user,
                claim_id=claim.pk,
                exclusion=form.cleaned_data["exclusion"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc)
        else:
            return _done(request, claim.pk, _("已不予受理，农户可在报案页面看到原因。"))
    return _claim_page(request, claim, reject_form=form, status=422)


@login_required
@require_POST
def claim_survey(request: AuthedRequest, claim_id: int) -> HttpResponse:
    """查勘定损 of one claim: one crop line and photos."""
    claim = _get(request, claim_id)
    standards = selectors.standards_of(claim.policy)
    form = SurveyLineForm(
        request.POST,
        crops=sorted({c for c, _s in standards}),
        stages=[s for s in rules.STAGES if any(st == s for _c, st in standards)],
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_record(
                actor=request.user,
                visited_on=timezone.localdate(),
                entries=[
                    services.SurveyEntry(
                        claim.pk, data["crop"], data["stage"], data["area_mu"], data["loss_percent"]
                    )
                ],
                photos={claim.pk: request.FILES.getlist("photos")},
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc, aliases={f"claim_{claim.pk}": "area_mu"})
        else:
            claim.refresh_from_db()
            return _done(
                request,
                claim.pk,
                _("已定损%(amount)s元，等待农户确认。") % {"amount": yuan_text(claim.amount_fen)},
            )
    return _claim_page(request, claim, survey_form=form, status=422)


@login_required
@require_POST
def claim_confirm(request: AuthedRequest, claim_id: int) -> HttpResponse:
    claim = _get(request, claim_id)
    try:
        claim = services.claim_confirm(actor=request.user, claim_id=claim.pk)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect("wildlife_claim_detail", claim_id=claim.pk)
    return _done(
        request,
        claim.pk,
        _("您已确认定损金额，赔款将于%(due)s前打到您的银行账户。")
        % {"due": f"{claim.payment_due:%Y年%m月%d日}"},
    )


@login_required
@require_POST
def claim_dispute(request: AuthedRequest, claim_id: int) -> HttpResponse:
    claim = _get(request, claim_id)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.claim_dispute(
                actor=request.user, claim_id=claim.pk, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc)
        else:
            return _done(request, claim.pk, _("已提出异议，保险公司将重新查勘。"))
    return _claim_page(request, claim, dispute_form=form, status=422)


@login_required
def claim_photo(request: AuthedRequest, claim_id: int, claim_photo_id: int) -> FileResponse:
    claim = _get(request, claim_id)
    photo = claim.photos.filter(pk=claim_photo_id).first()
    if photo is None:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return upload_response(handle, photo.file.name.rsplit("/", 1)[-1])


@login_required
def claim_notice(request: AuthedRequest, claim_id: int) -> HttpResponse:
    """赔付通知书 (PDF) of an agreed or paid claim, to whoever may see the claim."""
    claim = _get(request, claim_id)
    if claim.status not in (Claim.Status.AGREED, Claim.Status.PAYING, Claim.Status.PAID):
        raise NotFound("定损金额经农户确认后才有赔付通知书。")
    farmer = claim.farmer
    content = NoticeContent(
        number=claim.number,
        insurer=claim.policy.insurer,
        county=claim.policy.region.name,
        year=claim.policy.year,
        farmer=farmer.name,
        village=f"{claim.region.parent.name if claim.region.parent else ''}{claim.region.name}",
        species=claim.species,
        damaged_on=claim.damaged_on,
        reported_at=timezone.localtime(claim.reported_at),
        accepted_at=timezone.localtime(claim.accepted_at) if claim.accepted_at else None,
        surveyed_at=timezone.localtime(claim.surveyed_at) if claim.surveyed_at else None,
        agreed_at=timezone.localtime(claim.agreed_at) if claim.agreed_at else None,
        payment_due=claim.payment_due,
        paid_at=timezone.localtime(claim.paid_at) if claim.paid_at else None,
        lines=tuple(
            NoticeLine(
                i.crop, i.stage, i.area_mu, i.loss_percent, i.yuan_per_mu, yuan_text(i.amount_fen)
            )
            for i in claim.items.filter(current=True)
        ),
        amount=yuan_text(claim.amount_fen),
        paid=yuan_text(claim.paid_fen),
        shortfall=yuan_text(claim.shortfall_fen) if claim.shortfall_fen else "",
        bank=f"{farmer.bank_name} {farmer.masked_bank_account}".strip() or "—",
        issued_on=timezone.localdate(),
    )
    response = HttpResponse(notice_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"赔付通知书-{claim.number}.pdf") or "inline"
    )
    return response


# --------------------------------------------------------------------------- village visit


@login_required
def visit_new(request: AuthedRequest) -> HttpResponse:
    """一村一次查勘: the accepted claims of one village (``?village=``), a line each."""
    user = request.user
    pages.require(user, Perm.WILDLIFE_HANDLE)
    code = request.GET.get("village", "")
    try:
        village = region_list_for_user(user=user).get(code=code)
    except Region.DoesNotExist:
        raise NotFound("未找到该村，或不在您的负责范围内。") from None
    claims = list(selectors.visit_candidates(user=user, region=village))
    policies = {c.policy_id for c in claims}
    standards: dict[tuple[str, str], Decimal] = {}
    for policy in Policy.objects.filter(pk__in=policies):
        standards |= selectors.standards_of(policy)
    crops = sorted({c for c, _s in standards}) or list(rules.CROPS)
    stages = [s for s in rules.STAGES if any(st == s for _c, st in standards)]
    forms = [
        SurveyLineForm(
            request.POST or None,
            prefix=f"c{c.pk}",
            crops=crops,
            stages=stages,
            initial={"crop": c.crop, "area_mu": c.area_mu},
        )
        for c in claims
    ]
    error = ""
    if request.method == "POST":
        chosen = [
            (c, f) for c, f in zip(claims, forms, strict=True) if request.POST.get(f"take_{c.pk}")
        ]
        if not chosen:
            error = _("请勾选本次查勘的报案。")
        elif all(f.is_valid() for _c, f in chosen):
            try:
                services.visit_record(
                    actor=user,
                    visited_on=timezone.localdate(),
                    entries=[
                        services.SurveyEntry(
                            c.pk,
                            f.cleaned_data["crop"],
                            f.cleaned_data["stage"],
                            f.cleaned_data["area_mu"],
                            f.cleaned_data["loss_percent"],
                        )
                        for c, f in chosen
                    ],
                    note=request.POST.get("note", "")[:500],
                    photos={c.pk: request.FILES.getlist(f"photos_{c.pk}") for c, _f in chosen},
                )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                error = exc.message
            else:
                messages.success(
                    request,
                    _("已完成%(village)s的查勘，%(n)s户定损，等待农户确认。")
                    % {"village": village.name, "n": len(chosen)},
                )
                return redirect(f"/wildlife/claims/?region=&status=surveyed&q={village.name}")
        else:
            error = _("有报案的查勘结果填写有误，请按提示修改。")
    return render(
        request,
        "wildlife/visit_form.html",
        {"village": village, "rows": list(zip(claims, forms, strict=True)), "error": error},
        status=422 if error else 200,
    )


urlpatterns = [
    path("mine/", mine, name="wildlife_mine"),
    path("report/", report, name="wildlife_report"),
    path("claims/", claim_list, name="wildlife_claim_list"),
    path("claims/<int:claim_id>/", claim_detail, name="wildlife_claim_detail"),
    path("claims/<int:claim_id>/accept/", claim_accept, name="wildlife_claim_accept"),
    path("claims/<int:claim_id>/reject/", claim_reject, name="wildlife_claim_reject"),
    path("claims/<int:claim_id>/survey/", claim_survey, name="wildlife_claim_survey"),
    path("claims/<int:claim_id>/confirm/", claim_confirm, name="wildlife_claim_confirm"),
    path("claims/<int:claim_id>/dispute/", claim_dispute, name="wildlife_claim_dispute"),
    path(
        "claims/<int:claim_id>/photos/<int:claim_photo_id>/",
        claim_photo,
        name="wildlife_claim_photo",
    ),
    path("claims/<int:claim_id>/notice.pdf", claim_notice, name="wildlife_claim_notice"),
    path("visits/new/", visit_new, name="wildlife_visit_new"),
]
