"""Pages of opinion letters (卫生监督意见书): the list with overdue ones in red, a letter's
page with its deadline in working days, the evidence the institution sent, the PDF, and the
steps: the operator sends evidence, the inspector accepts it or orders the correction again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.core.selectors import WorkdayCalendar, timeline_for_user
from huimin.core.uploads import upload_response
from huimin.supervision import selectors, services
from huimin.supervision.forms import AcceptForm, EvidenceForm, LetterFilterForm, ReorderForm
from huimin.supervision.models import OpinionLetter
from huimin.supervision.views import Perm, form_errors, is_operator, today

OPEN = (OpinionLetter.Status.ISSUED, OpinionLetter.Status.OVERDUE)


def clock_text(clock: selectors.LetterClock) -> str:
    if clock.working_days_left is None:
        return _("（%(year)s年节假日安排尚未录入，剩余工作日待定）") % {"year": clock.deadline.year}
    if clock.overdue:
        return _("已逾期%(n)s个工作日") % {"n": -clock.working_days_left}
    if clock.working_days_left == 0:
        return _("今天到期")
    return _("剩余%(n)s个工作日") % {"n": clock.working_days_left}


def _overdue(letter: OpinionLetter, clock: selectors.LetterClock) -> bool:
    """Red on the list: escalated, or still waiting for evidence after its deadline."""
    return letter.status == OpinionLetter.Status.OVERDUE or (
        letter.status == OpinionLetter.Status.ISSUED and clock.overdue
    )


@login_required
def letter_list(request: AuthedRequest) -> HttpResponse:
    """监督意见书: deadline first; overdue ones red."""
    user = request.user
    pages.require(user, Perm.SUPERVISION_VIEW)
    regions = [] if is_operator(user) else pages.filter_regions(user)
    form = LetterFilterForm(request.GET or None, regions=regions)
    filters = pages.list_filters(form, selectors.LetterFilters)
    rows = selectors.letter_list_for_user(user=user, filters=filters).select_related(
        "institution__region__parent"
    )
    page = pages.paginate(request, rows)
    calendar, day = WorkdayCalendar(), today()
    for letter in page:
        clock = selectors.letter_clock(letter, today=day, calendar=calendar)
        letter.clock_text = clock_text(clock) if letter.status in OPEN else ""  # type: ignore[attr-defined]
        letter.overdue = _overdue(letter, clock)  # type: ignore[attr-defined]
    return pages.list_page(
        request,
        "supervision/letter_list.html",
        "supervision/_letter_rows.html",
        {"form": form, "page": page},
    )


def _letter_page(request: AuthedRequest, letter: OpinionLetter, **bound: Any) -> HttpResponse:
    user = request.user
    clock = selectors.letter_clock(letter, today=today(), calendar=WorkdayCalendar())
    crew = [c.inspector for c in letter.inspection.crew.all()]
    is_crew = any(i.pk == user.pk for i in crew)
    evidence = list(letter.evidence.select_related("uploaded_by").order_by("pk"))
    for e in evidence:
        e.basename = e.file.name.rsplit("/", 1)[-1]  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/letter_detail.html",
        {
            "letter": letter,
            "clock": clock,
            "clock_text": clock_text(clock),
            "overdue": _overdue(letter, clock),
            "crew": crew,
            "evidence": evidence,
            "problems": letter.lines("problems"),
            "corrections": letter.lines("corrections"),
            "bases": letter.lines("legal_basis"),
            "can_submit": user.can(Perm.RECTIFY) and letter.status in OPEN,
            "can_judge": (
                user.can(Perm.INSPECT)
                and is_crew
                and letter.status == OpinionLetter.Status.SUBMITTED
            ),
            "evidence_form": bound.get("evidence_form") or EvidenceForm(),
            "accept_form": bound.get("accept_form") or AcceptForm(),
            "reorder_form": bound.get("reorder_form") or ReorderForm(),
            "open_form": next(iter(bound), ""),
            "timeline": timeline_for_user(user=user, obj=letter),
        },
    )


def _get(request: AuthedRequest, letter_id: int) -> OpinionLetter:
    return selectors.letter_get_for_user(user=request.user, letter_id=letter_id)


@login_required
def letter_detail(request: AuthedRequest, letter_id: int) -> HttpResponse:
    return _letter_page(request, _get(request, letter_id))


@login_required
def letter_pdf(request: AuthedRequest, letter_id: int) -> HttpResponse:
    """The letter as the official two-part PDF, opened in the browser."""
    letter = _get(request, letter_id)
    response = HttpResponse(services.letter_pdf_bytes(letter), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=False, filename=f"卫生监督意见书{letter.number}.pdf"
        )
        or ""
    )
    return response


@login_required
def evidence_file(request: AuthedRequest, letter_id: int, evidence_id: int) -> FileResponse:
    """An evidence file, only to users whose scope reaches the letter."""
    letter = _get(request, letter_id)
    evidence = letter.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return upload_response(handle, evidence.file.name.rsplit("/", 1)[-1])


def _step(
    request: AuthedRequest,
    letter_id: int,
    *,
    form: Any,
    bound: str,
    call: Callable[[dict[str, Any]], Any],
    done: Callable[[OpinionLetter], str],
) -> HttpResponse:
    letter = _get(request, letter_id)
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc)
        else:
            messages.success(request, done(result if isinstance(result, OpinionLetter) else letter))
            return redirect("supervision_letter_detail", letter_id=letter.pk)
    return _letter_page(request, letter, **{bound: form})


@login_required
@require_POST
def letter_evidence(request: AuthedRequest, letter_id: int) -> HttpResponse:
    """提交整改材料 (the institution's operator)."""
    return _step(
        request,
        letter_id,
        form=EvidenceForm(request.POST, request.FILES),
        bound="evidence_form",
        call=lambda data: services.evidence_submit(
            actor=request.user, letter_id=letter_id, upload=data["file"], note=data["note"]
        ),
        done=lambda _letter: _("整改材料已提交，等待检查人员审核。"),
    )


@login_required
@require_POST
def letter_accept(request: AuthedRequest, letter_id: int) -> HttpResponse:
    """整改合格 (an inspector of the inspection)."""
    return _step(
        request,
        letter_id,
        form=AcceptForm(request.POST),
        bound="accept_form",
        call=lambda data: services.letter_accept(
            actor=request.user, letter_id=letter_id, note=data["note"]
        ),
        done=lambda _letter: _("已验收：整改合格。"),
    )


@login_required
@require_POST
def letter_reorder(request: AuthedRequest, letter_id: int) -> HttpResponse:
    """重新责令整改 with a new deadline (an inspector of the inspection)."""
    return _step(
        request,
        letter_id,
        form=ReorderForm(request.POST),
        bound="reorder_form",
        call=lambda data: services.letter_reorder(
            actor=request.user,
            letter_id=letter_id,
            reason=data["reason"],
            working_days=data["working_days"],
        ),
        done=lambda letter: (
            _("已重新责令整改，新的整改期限至%(deadline)s。")
            % {"deadline": f"{letter.deadline:%Y年%m月%d日}"}
        ),
    )


urlpatterns = [
    path("letters/", letter_list, name="supervision_letter_list"),
    path("letters/<int:letter_id>/", letter_detail, name="supervision_letter_detail"),
    path("letters/<int:letter_id>/pdf/", letter_pdf, name="supervision_letter_pdf"),
    path("letters/<int:letter_id>/evidence/", letter_evidence, name="supervision_letter_evidence"),
    path(
        "letters/<int:letter_id>/evidence/<int:evidence_id>/",
        evidence_file,
        name="supervision_evidence_file",
    ),
    path("letters/<int:letter_id>/accept/", letter_accept, name="supervision_letter_accept"),
    path("letters/<int:letter_id>/reorder/", letter_reorder, name="supervision_letter_reorder"),
]
