"""Pages of inspections: the list in the user's scope, and an inspection's page where its
drawn inspectors record the checklist item by item (results, notes, corrections, photos),
complete it (which issues the opinion letter when an item needs correction), and where a
county or city official publishes the result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huimin.core import pages
from huimin.core.errors import DomainError
from huimin.core.http import AuthedRequest
from huimin.core.selectors import timeline_for_user
from huimin.core.uploads import upload_response
from huimin.supervision import rules, selectors, services
from huimin.supervision.forms import CompleteForm, InspectionFilterForm, ItemForm
from huimin.supervision.models import Category, Inspection, InspectionItem, OpinionLetter
from huimin.supervision.views import Perm, form_errors, is_operator, today

CATEGORY_ORDER = {str(c): n for n, c in enumerate(Category)}


@login_required
def inspection_list(request: AuthedRequest) -> HttpResponse:
    """监督检查: officials see their regions', an inspector the ones drawn for them, an
    operator their own institution's."""
    user = request.user
    pages.require(user, Perm.SUPERVISION_VIEW)
    regions = [] if is_operator(user) else pages.filter_regions(user)
    form = InspectionFilterForm(request.GET or None, regions=regions)
    filters = pages.list_filters(form, selectors.InspectionFilters)
    rows = selectors.inspection_list_for_user(user=user, filters=filters).select_related(
        "institution__region__parent", "letter"
    )
    page = pages.paginate(request, rows)
    for i in page:
        i.crew_names = [str(c.inspector) for c in i.crew.all()]  # type: ignore[attr-defined]
    return pages.list_page(
        request,
        "supervision/inspection_list.html",
        "supervision/_inspection_rows.html",
        {"form": form, "page": page, "plan_filter": filters.plan},
    )


def _letter_of(inspection: Inspection) -> OpinionLetter | None:
    try:
        return inspection.letter
    except OpinionLetter.DoesNotExist:
        return None


def _groups(items: list[InspectionItem], forms: dict[int, ItemForm]) -> list[dict[str, Any]]:
    """The items by checklist category, in the order of the categories."""
    groups: dict[str, dict[str, Any]] = {}
    for n, item in enumerate(
        sorted(items, key=lambda i: (CATEGORY_ORDER.get(i.category, 99), i.position, i.pk)),
        start=1,
    ):
        group = groups.setdefault(
            item.category, {"label": item.get_category_display(), "rows": [], "failed": 0}
        )
        group["rows"].append({"n": n, "item": item, "form": forms.get(item.pk)})
        if item.result == InspectionItem.Result.FAIL:
            group["failed"] += 1
    return list(groups.values())


def _inspection_page(
    request: AuthedRequest,
    inspection: Inspection,
    *,
    item_forms: list[ItemForm] | None = None,
    complete_form: CompleteForm | None = None,
    items_error: str = "",
) -> HttpResponse:
    user = request.user
    crew = selectors.inspection_is_crew(inspection, user)
    can_record = inspection.status == Inspection.Status.ASSIGNED and user.can(Perm.INSPECT) and crew
    items = list(inspection.items.all())
    forms: dict[int, ItemForm] = {}
    if can_record:
        forms = {f.item.pk: f for f in item_forms} if item_forms else {}
        for item in items:
            forms.setdefault(item.pk, ItemForm(item=item))
    counts = {str(r): 0 for r in InspectionItem.Result}
    for item in items:
        counts[item.result] += 1
    letter = _letter_of(inspection)
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "crew": [c.inspector for c in inspection.crew.all()],
            "groups": _groups(items, forms),
            "counts": counts,
            "item_total": len(items),
            "can_record": can_record,
            "is_crew": crew,
            "items_error": items_error,
            "complete_form": complete_form
            or CompleteForm(
                initial={
                    "inspected_on": today(),
                    "working_days": rules.RECTIFY_WORKING_DAYS_DEFAULT,
                }
            ),
            "letter": letter,
            "can_publish": (
                user.can(Perm.DRAW_MANAGE)
                and inspection.status == Inspection.Status.COMPLETED
                and rules.published(inspection.outcome)
                and inspection.published_on is None
            ),
            "can_see_plan": user.can(Perm.DRAW_MANAGE),
            "publish_days": rules.PUBLISH_WORKING_DAYS,
            "timeline": timeline_for_user(user=user, obj=inspection),
        },
    )


def _get(request: AuthedRequest, inspection_id: int) -> Inspection:
    return selectors.inspection_get_for_user(user=request.user, inspection_id=inspection_id)


@login_required
def inspection_detail(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    return _inspection_page(request, _get(request, inspection_id))


def _item_key(key: str) -> int | None:
    number = key.removeprefix("item_")
    return int(number) if number.isdigit() else None


@login_required
@require_POST
def inspection_items(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """保存检查记录: every item with a result (or something written) through items_record,
    all or nothing; then each item's new photo. A refused item keeps what was typed and shows
    what to add next to it."""
    inspection = _get(request, inspection_id)
    forms = [ItemForm(request.POST, request.FILES, item=item) for item in inspection.items.all()]
    if not all([f.is_valid() for f in forms]):  # every form checked, so each shows its errors
        return _inspection_page(
            request,
            inspection,
            item_forms=forms,
            items_error=_("有检查项目填写有误，请按提示修改后再保存。"),
        )
    entries = [
        services.ItemInput(
            item_id=f.item.pk,
            result=f.cleaned_data["result"],
            note=f.cleaned_data["note"],
            needs_correction=f.cleaned_data["needs_correction"],
            correction=f.cleaned_data["correction"],
        )
        for f in forms
        if f.touched()
    ]
    uploads = [(f, f.cleaned_data["photo"]) for f in forms if f.cleaned_data.get("photo")]
    if not entries and not uploads:
        messages.info(request, _("没有填写任何检查结果，未保存。"))
        return redirect("supervision_inspection_detail", inspection_id=inspection.pk)
    by_id = {f.item.pk: f for f in forms}
    if entries:
        try:
            services.items_record(actor=request.user, inspection_id=inspection.pk, items=entries)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            for key, message in exc.field_errors.items():
                item_id = _item_key(key)
                if item_id in by_id:
                    by_id[item_id].add_error(None, message)
            note = _("照片未上传，请重新选择。") if uploads else ""
            return _inspection_page(
                request, inspection, item_forms=forms, items_error=exc.message + note
            )
    failed = 0
    for form, upload in uploads:
        try:
            services.photo_add(actor=request.user, item_id=form.item.pk, upload=upload)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_error("photo", exc.field_errors.get("photo", exc.message))
            failed += 1
    saved = _("已保存%(n)s个检查项目的结果。") % {"n": len(entries)} if entries else ""
    photos = len(uploads) - failed
    if photos:
        saved += _("已上传%(n)s张照片。") % {"n": photos}
    if failed:
        if saved:
            messages.success(request, saved)
        fresh = _get(request, inspection_id)
        return _inspection_page(
            request,
            fresh,
            item_forms=[f for f in forms if f.errors] or None,
            items_error=_("%(n)s张照片未能上传，请按提示重新选择。") % {"n": failed},
        )
    messages.success(request, saved)
    return redirect(reverse("supervision_inspection_detail", args=[inspection.pk]) + "#items")


@login_required
@require_POST
def inspection_complete(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """完成检查: the outcome follows from the items; an item needing correction issues the
    opinion letter with its working-day deadline."""
    inspection = _get(request, inspection_id)
    form = CompleteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_complete(
                actor=request.user,
                inspection_id=inspection.pk,
                inspected_on=data["inspected_on"],
                summary=data["summary"],
                working_days=data["working_days"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form_errors(form, exc)
        else:
            done = _("检查已完成，结果：%(outcome)s。") % {
                "outcome": rules.OUTCOME_LABELS[rules.Outcome(inspection.outcome)]
            }
            letter = _letter_of(inspection)
            if letter is not None:
                done += _("已出具卫生监督意见书%(number)s，整改期限至%(deadline)s。") % {
                    "number": letter.number,
                    "deadline": f"{letter.deadline:%Y年%m月%d日}",
                }
            messages.success(request, done)
            return redirect("supervision_inspection_detail", inspection_id=inspection.pk)
    return _inspection_page(request, inspection, complete_form=form)


@login_required
@require_POST
def inspection_publish(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    """公示: the result goes on the public page now (it would on its due day anyway)."""
    inspection = _get(request, inspection_id)
    try:
        inspection = services.inspection_publish(actor=request.user, inspection_id=inspection.pk)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("检查结果已公示（%(date)s）。") % {"date": f"{inspection.published_on:%Y年%m月%d日}"},
        )
    return redirect("supervision_inspection_detail", inspection_id=inspection.pk)


@login_required
def inspection_photo(request: AuthedRequest, inspection_id: int, photo_id: int) -> FileResponse:
    """A photo of an inspection, only to users whose scope reaches the inspection."""
    inspection = _get(request, inspection_id)
    photo = next(
        (p for item in inspection.items.all() for p in item.photos.all() if p.pk == photo_id),
        None,
    )
    if photo is None:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return upload_response(handle, photo.file.name.rsplit("/", 1)[-1])


urlpatterns = [
    path("inspections/", inspection_list, name="supervision_inspection_list"),
    path(
        "inspections/<int:inspection_id>/",
        inspection_detail,
        name="supervision_inspection_detail",
    ),
    path(
        "inspections/<int:inspection_id>/items/",
        inspection_items,
        name="supervision_inspection_items",
    ),
    path(
        "inspections/<int:inspection_id>/complete/",
        inspection_complete,
        name="supervision_inspection_complete",
    ),
    path(
        "inspections/<int:inspection_id>/publish/",
        inspection_publish,
        name="supervision_inspection_publish",
    ),
    path(
        "inspections/<int:inspection_id>/photos/<int:photo_id>/",
        inspection_photo,
        name="supervision_inspection_photo",
    ),
]
