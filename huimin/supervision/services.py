"""Writes of supervision: one function per use case, each in one transaction.

The life cycles, readable in one place: PLAN_TRANSITIONS, INSPECTION_TRANSITIONS,
LETTER_TRANSITIONS, COMPLAINT_TRANSITIONS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from huimin.childcare.models import Institution
from huimin.childcare.selectors import findings_open, institution_scope
from huimin.core import cache
from huimin.core import rules as core_rules
from huimin.core.errors import (
    CalendarUnknownYear,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from huimin.core.holidays import provisional_note
from huimin.core.models import Region, User
from huimin.core.selectors import Deadline, WorkdayCalendar, region_act_require, region_get_for_user
from huimin.core.services import record_transition, save_audited
from huimin.core.uploads import upload_accept
from huimin.supervision import rules, selectors
from huimin.supervision.letters import LetterContent, letter_pdf
from huimin.supervision.models import (
    Category,
    ChecklistItem,
    Complaint,
    Conflict,
    CreditRating,
    DrawCandidate,
    DrawInspector,
    DrawPlan,
    Evidence,
    Inspection,
    InspectionInspector,
    InspectionItem,
    InspectionPhoto,
    OpinionLetter,
)

Perm = core_rules.Perm
P = DrawPlan.Status
PLAN_TRANSITIONS: dict[str, set[str]] = {
    P.DRAFT: {P.LOCKED, P.CANCELLED},
    P.LOCKED: {P.DRAWN, P.CANCELLED},
    P.DRAWN: set(),
    P.CANCELLED: set(),
}
I = Inspection.Status  # noqa: E741
INSPECTION_TRANSITIONS: dict[str, set[str]] = {I.ASSIGNED: {I.COMPLETED}, I.COMPLETED: set()}
L = OpinionLetter.Status
LETTER_TRANSITIONS: dict[str, set[str]] = {
    L.ISSUED: {L.SUBMITTED, L.OVERDUE},
    L.SUBMITTED: {L.ACCEPTED, L.ISSUED},  # accepted, or ordered again with a new deadline
    L.OVERDUE: {L.SUBMITTED},  # late evidence is still judged
    L.ACCEPTED: set(),
}
#: the letters whose deadline still runs (a provisional one is shown as such)
LETTER_RUNNING = {L.ISSUED, L.SUBMITTED}
C = Complaint.Status
COMPLAINT_TRANSITIONS: dict[str, set[str]] = {
    C.OPEN: {C.SUBSTANTIATED, C.UNFOUNDED},
    C.SUBSTANTIATED: set(),
    C.UNFOUNDED: set(),
}


def today() -> dt.date:
    return timezone.localdate()


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field: message})


def _require(actor: User, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden()


# --------------------------------------------------------------------------- checklist


def checklist_defaults_ensure() -> int:
    """Write the default checklist when the table is empty (a database emptied by a flush, a
    demo built on it); an administrator's edited checklist is left alone."""
    if ChecklistItem.objects.exists():
        return 0
    ChecklistItem.objects.bulk_create(
        ChecklistItem(category=c, text=t, legal_basis=b, correction=x, position=(n + 1) * 10)
        for n, (c, t, b, x) in enumerate(rules.DEFAULT_CHECKLIST)
    )
    return len(rules.DEFAULT_CHECKLIST)


# --------------------------------------------------------------------------- plans


def plan_create(
    *,
    actor: User,
    name: str,
    region_code: str,
    target_count: int | None = None,
    target_percent: int | None = None,
    inspectors_per_target: int = rules.MIN_INSPECTORS_PER_TARGET,
    by_county: bool = False,
    by_risk: bool = False,
    kind: str = "",
    inclusive: str = "",
) -> DrawPlan:
    """A draft plan in one of the actor's regions (a county or the city)."""
    _require(actor, Perm.DRAW_MANAGE)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写计划名称，例如“2026年第四季度托育机构双随机抽查”。"
    region = region_get_for_user(user=actor, code=region_code)
    if region.level not in (Region.Level.CITY, Region.Level.COUNTY):
        errors["region"] = "抽查范围应为全市或一个县（市、区）。"
    if kind and kind not in Institution.Kind.values:
        errors["kind"] = "请选择有效的机构类型。"
    if inclusive not in DrawPlan.Inclusive.values:
        errors["inclusive"] = "请选择是否限定普惠机构。"
    spec = rules.PlanSpec(
        0, region.code, target_count, target_percent, inspectors_per_target, by_county, by_risk
    )
    errors.update(rules.plan_check(spec))
    if errors:
        raise InvalidInput(next(iter(errors.values())), field_errors=errors)
    with transaction.atomic():
        plan = DrawPlan(
            name=name[:100],
            region=region,
            kind=kind,
            inclusive=inclusive,
            target_count=target_count,
            target_percent=target_percent,
            inspectors_per_target=inspectors_per_target,
            by_county=by_county,
            by_risk=by_risk,
            created_by=actor,
        )
        return save_audited(plan, actor=actor, duplicate="抽查计划重复。")


def _plan_locked(actor: User, plan_id: int) -> DrawPlan:
    """A plan the actor may act on, locked: a county official sees the city's plans that reach
    into the county but may not lock, draw or cancel them (Forbidden)."""
    plan = selectors.plan_get_for_user(user=actor, plan_id=plan_id)
    region_act_require(actor, plan.region)
    return DrawPlan.objects.select_for_update(of=("self",)).select_related("region").get(pk=plan.pk)


def plan_lock(
    *, actor: User, plan_id: int, public_value: str, at: dt.datetime | None = None
) -> DrawPlan:
    """Fix the plan and publish its seed before the draw: the seed is derived from the
    plan's contents and a public value announced beforehand (e.g. a stock index close).
    ``at`` records when it happened, for a lock entered afterwards (default now)."""
    _require(actor, Perm.DRAW_MANAGE)
    try:
        value = rules.public_value_normalize(public_value)
    except rules.DrawError as exc:
        raise _invalid("public_value", str(exc)) from None
    with transaction.atomic():
        plan = _plan_locked(actor, plan_id)
        plan.public_value = value
        plan.seed = rules.draw_seed(plan.spec(), value)
        plan.locked_at = at or timezone.now()
        plan.save(update_fields=["public_value", "seed", "locked_at"])
        record_transition(
            obj=plan,
            allowed=PLAN_TRANSITIONS,
            to_status=P.LOCKED,
            actor=actor,
            reason=f"公开随机数来源：{value}；随机种子：{plan.seed}",
        )
        return plan


def plan_cancel(*, actor: User, plan_id: int, reason: str) -> DrawPlan:
    _require(actor, Perm.DRAW_MANAGE)
    if not (reason or "").strip():
        raise _invalid("reason", "请填写作废原因。")
    with transaction.atomic():
        plan = _plan_locked(actor, plan_id)
        record_transition(
            obj=plan, allowed=PLAN_TRANSITIONS, to_status=P.CANCELLED, actor=actor, reason=reason
        )
        return plan


def plan_draw(*, actor: User, plan_id: int, at: dt.datetime | None = None) -> DrawPlan:
    """Draw a locked plan: snapshot both pools with weights and conflicts, hash them, run the
    published algorithm with the published seed, and turn each drawn target into an
    inspection for its drawn inspectors with the checklist and the institution's open
    compliance findings. ``at`` records when it happened (default now); the pools are taken
    as they stand."""
    _require(actor, Perm.DRAW_MANAGE)
    day = timezone.localtime(at).date() if at else today()
    with transaction.atomic():
        plan = _plan_locked(actor, plan_id)
        if plan.status == P.DRAFT:
            raise InvalidTransition("计划尚未锁定：请先填写公开随机数来源并锁定计划，再抽取。")
        if plan.status != P.LOCKED:
            raise InvalidTransition(f"计划当前状态为“{plan.get_status_display()}”，不能抽取。")
        candidates = selectors.candidate_pool(plan, day)
        inspectors = selectors.inspector_pool(plan.region)
        try:
            assignments = rules.draw(plan.spec(), plan.seed, candidates, inspectors)
        except rules.DrawError as exc:
            raise InvalidInput(str(exc)) from None
        DrawCandidate.objects.bulk_create(
            DrawCandidate(
                plan=plan,
                institution_id=c.id,
                region_path=c.region_path,
                county=c.county,
                weight=c.weight,
                reasons=list(c.reasons),
            )
            for c in candidates
        )
        DrawInspector.objects.bulk_create(
            DrawInspector(
                plan=plan,
                inspector_id=i.id,
                region_paths=list(i.region_paths),
                conflicts=list(i.conflicts),
            )
            for i in inspectors
        )
        for a in assignments:
            _inspection_create(plan, a)
        plan.pool_hash = rules.pool_hash(candidates, inspectors)
        plan.result_hash = rules.result_hash(assignments)
        plan.candidate_count = len(candidates)
        plan.inspector_count = len(inspectors)
        plan.drawn_at = at or timezone.now()
        plan.save(
            update_fields=[
                "pool_hash",
                "result_hash",
                "candidate_count",
                "inspector_count",
                "drawn_at",
            ]
        )
        record_transition(
            obj=plan,
            allowed=PLAN_TRANSITIONS,
            to_status=P.DRAWN,
            actor=actor,
            reason=f"对象库{len(candidates)}家，人员库{len(inspectors)}人，抽中{len(assignments)}家",
        )
        cache.bump(cache.SUPERVISION_PUBLIC)  # the public page shows the draw
        return plan


def _inspection_create(plan: DrawPlan, assignment: rules.Assignment) -> Inspection:
    inspection = Inspection.objects.create(
        plan=plan,
        institution_id=assignment.target,
        stratum=assignment.stratum,
        position=assignment.order,
    )
    InspectionInspector.objects.bulk_create(
        InspectionInspector(inspection=inspection, inspector_id=inspector_id, position=n)
        for n, inspector_id in enumerate(assignment.inspectors, start=1)
    )
    items = [
        InspectionItem(
            inspection=inspection,
            checklist_item=c,
            category=c.category,
            text=c.text,
            legal_basis=c.legal_basis,
            correction=c.correction,
            position=n,
        )
        for n, c in enumerate(selectors.checklist_active(), start=1)
    ]
    institution = Institution.objects.get(pk=assignment.target)
    for n, finding in enumerate(findings_open(institution), start=len(items) + 1):
        items.append(
            InspectionItem(
                inspection=inspection,
                finding=finding,
                category=_finding_category(finding.rule),
                text=f"复查合规问题：{finding.message}"[:300],
                legal_basis="《托育机构管理规范（试行）》",
                correction=f"整改至符合要求（{finding.required}）"[:300],
                position=n,
            )
        )
    InspectionItem.objects.bulk_create(items)
    return inspection


def _finding_category(rule: str) -> str:
    """The checklist area of a compliance rule, by the childcare rule's name."""
    for prefix, category in (
        ("class", Category.ADMISSION),
        ("ratio", Category.ADMISSION),
        ("enrol", Category.ADMISSION),
        ("food", Category.FOOD),
        ("meal", Category.FOOD),
        ("morning", Category.HYGIENE),
        ("health", Category.HEALTH),
        ("exam", Category.HEALTH),
        ("outdoor", Category.CARE),
        ("fire", Category.FIRE),
        ("monitor", Category.SAFETY),
        ("recording", Category.SAFETY),
        ("safety", Category.SAFETY),
        ("staff", Category.STAFF),
        ("caregiver", Category.STAFF),
        ("training", Category.STAFF),
    ):
        if rule.startswith(prefix):
            return category
    return Category.SAFETY


# --------------------------------------------------------------------------- inspections


def _inspection_for_crew(actor: User, inspection_id: int) -> Inspection:
    """An inspection the actor was drawn for, locked. Others may read it but not record."""
    _require(actor, Perm.INSPECT)
    inspection = selectors.inspection_get_for_user(user=actor, inspection_id=inspection_id)
    if not selectors.inspection_is_crew(inspection, actor):
        raise Forbidden("只有抽中的检查人员可以记录本次检查。")
    return Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)


@dataclass(frozen=True)
class ItemInput:
    item_id: int
    result: str
    note: str = ""
    needs_correction: bool = False
    correction: str = ""


def items_record(*, actor: User, inspection_id: int, items: list[ItemInput]) -> Inspection:
    """Record results item by item (any subset; the rest keep theirs). A failed item needing
    correction must say what to correct."""
    errors: dict[str, str] = {}
    for entry in items:
        key = f"item_{entry.item_id}"
        if entry.result not in InspectionItem.Result.values:
            errors[key] = "请选择检查结果：符合、不符合或不适用。"
        elif entry.needs_correction and entry.result != InspectionItem.Result.FAIL:
            # a tick that would otherwise be dropped without a word: say which half is wrong
            errors[key] = (
                "勾选了“需责令整改”的项目，检查结果应为“不符合”，并填写整改要求；"
                "不需整改的，请取消勾选。"
            )
        elif (
            entry.result == InspectionItem.Result.FAIL
            and entry.needs_correction
            and not (entry.correction or "").strip()
        ):
            errors[key] = "不符合且需责令整改的项目，请填写整改要求。"
        elif entry.result == InspectionItem.Result.FAIL and not (entry.note or "").strip():
            errors[key] = "不符合的项目，请在检查记录中写明发现的问题。"
    if errors:
        raise InvalidInput(
            f"有{len(errors)}个检查项目需要补充：{next(iter(errors.values()))}",
            field_errors=errors,
        )
    with transaction.atomic():
        inspection = _inspection_for_crew(actor, inspection_id)
        if inspection.status != I.ASSIGNED:
            raise InvalidInput("检查已完成，不能再修改检查结果。")
        rows = {i.pk: i for i in inspection.items.all()}
        for entry in items:
            item = rows.get(entry.item_id)
            if item is None:
                raise NotFound("未找到该检查项目。")
            item.result = entry.result
            item.note = (entry.note or "").strip()[:500]
            failed = entry.result == InspectionItem.Result.FAIL
            item.needs_correction = failed and entry.needs_correction
            if item.needs_correction:
                item.correction = entry.correction.strip()[:300]
            save_audited(item, actor=actor, duplicate="")
        return inspection


def photo_add(*, actor: User, item_id: int, upload: UploadedFile) -> InspectionPhoto:
    checked = upload_accept("photo", upload)
    with transaction.atomic():
        try:
            item = InspectionItem.objects.get(pk=item_id)
        except InspectionItem.DoesNotExist:
            raise NotFound() from None
        inspection = _inspection_for_crew(actor, item.inspection_id)
        if inspection.status != I.ASSIGNED:
            raise InvalidInput("检查已完成，不能再添加照片。")
        return InspectionPhoto.objects.create(item=item, file=checked.file, uploaded_by=actor)


def inspection_complete(
    *,
    actor: User,
    inspection_id: int,
    inspected_on: dt.date,
    summary: str = "",
    working_days: int = rules.RECTIFY_WORKING_DAYS_DEFAULT,
    on: dt.date | None = None,
) -> Inspection:
    """Close an inspection: every item judged; the outcome follows from the items; results
    are due for publication within 20 working days (not a warning alone); failed items that
    need correction produce the opinion letter (issued ``on``, default today); the credit
    rating follows. When the calendar does not know the year 20 working days reach, the
    publication date is 20 calendar days on: never later than the rule allows."""
    day = on or today()
    if inspected_on > day:
        raise _invalid("inspected_on", "检查日期不能晚于今天。")
    if inspected_on < day - dt.timedelta(days=rules.PUBLISH_WORKING_DAYS * 2):
        raise _invalid("inspected_on", "检查日期过早：请在检查后及时录入，检查日期不能早于40天前。")
    message = rules.rectify_days_check(working_days)
    if message:
        raise _invalid("working_days", message)
    calendar = WorkdayCalendar()
    with transaction.atomic():
        inspection = _inspection_for_crew(actor, inspection_id)
        items = list(inspection.items.all())
        pending = [i for i in items if i.result == InspectionItem.Result.PENDING]
        if pending:
            raise InvalidInput(
                f"还有{len(pending)}个检查项目未填写结果（第一个：{pending[0].text}），"
                "请逐项填写后再完成检查。"
            )
        outcome = rules.inspection_outcome((i.result, i.needs_correction) for i in items)
        inspection.outcome = outcome
        inspection.inspected_on = inspected_on
        inspection.summary = (summary or "").strip()[:500]
        inspection.completed_by = actor
        due = _publish_due(calendar, inspected_on) if rules.published(outcome) else None
        inspection.publish_due = due.date if due else None
        inspection.publish_due_provisional = bool(due and due.provisional)
        inspection.save(
            update_fields=[
                "outcome",
                "inspected_on",
                "summary",
                "completed_by",
                "publish_due",
                "publish_due_provisional",
            ]
        )
        record_transition(
            obj=inspection,
            allowed=INSPECTION_TRANSITIONS,
            to_status=I.COMPLETED,
            actor=actor,
            reason=rules.OUTCOME_LABELS[outcome],
        )
        if outcome == rules.Outcome.RECTIFY:
            _letter_issue(inspection, items, actor=actor, working_days=working_days, on=day)
        credit_refresh(institution_id=inspection.institution_id, reason="监督检查完成")
        return inspection


def _publish_due(calendar: WorkdayCalendar, inspected_on: dt.date) -> Deadline:
    try:
        return calendar.deadline_marked(inspected_on, rules.PUBLISH_WORKING_DAYS)
    except CalendarUnknownYear:
        return Deadline(inspected_on + dt.timedelta(days=rules.PUBLISH_WORKING_DAYS))


# --------------------------------------------------------------------------- letters


def _issuer(county: Region) -> str:
    return (
        f"{county.name}卫生健康局"
        if county.level == Region.Level.COUNTY
        else "运城市卫生健康委员会"
    )


def _letter_issue(
    inspection: Inspection,
    items: list[InspectionItem],
    *,
    actor: User,
    working_days: int,
    on: dt.date,
) -> OpinionLetter:
    institution = inspection.institution
    county = institution.region.county or institution.region
    # The county row serialises numbering within a county (PostgreSQL row lock; SQLite
    # transactions are IMMEDIATE already).
    Region.objects.select_for_update().filter(pk=county.pk).exists()
    last = (
        OpinionLetter.objects.filter(county=county, year=on.year)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    sequence = (last or 0) + 1
    failed = [i for i in items if i.needs_correction]
    deadline = WorkdayCalendar().deadline_marked(on, working_days)
    bases: list[str] = []
    for i in failed:
        if i.legal_basis not in bases:
            bases.append(i.legal_basis)
    letter = OpinionLetter(
        inspection=inspection,
        institution=institution,
        county=county,
        year=on.year,
        sequence=sequence,
        number=rules.letter_number(county.name, on.year, sequence),
        issuer=_issuer(county),
        problems="\n".join(f"{i.text}：{i.note}" for i in failed),
        corrections="\n".join(i.correction for i in failed),
        legal_basis="\n".join(bases),
        issued_on=on,
        working_days=working_days,
        deadline=deadline.date,
        deadline_from=on,
        deadline_provisional=deadline.provisional,
        issued_by=actor,
    )
    save_audited(letter, actor=actor, duplicate="文书编号重复，请重试。")
    return letter


def _letter_locked(actor: User, letter_id: int) -> OpinionLetter:
    letter = selectors.letter_get_for_user(user=actor, letter_id=letter_id)
    return OpinionLetter.objects.select_for_update(of=("self",)).get(pk=letter.pk)


def evidence_submit(
    *, actor: User, letter_id: int, upload: UploadedFile | None, note: str
) -> Evidence:
    """The institution sends its rectification evidence (a file and a note)."""
    _require(actor, Perm.RECTIFY)
    note = (note or "").strip()
    if not note:
        raise _invalid("note", "请填写整改说明：对每个问题做了什么整改。")
    checked = upload_accept("file", upload)
    with transaction.atomic():
        letter = _letter_locked(actor, letter_id)
        if letter.status not in (L.ISSUED, L.OVERDUE):
            raise InvalidInput(
                f"意见书当前状态为“{letter.get_status_display()}”，不需要提交整改材料。"
            )
        evidence = Evidence.objects.create(
            letter=letter,
            round=letter.rounds,
            file=checked.file,
            note=note[:500],
            uploaded_by=actor,
        )
        record_transition(
            obj=letter, allowed=LETTER_TRANSITIONS, to_status=L.SUBMITTED, actor=actor, reason=note
        )
        return evidence


def _judge(actor: User, letter_id: int) -> OpinionLetter:
    _require(actor, Perm.INSPECT)
    letter = _letter_locked(actor, letter_id)
    crew = InspectionInspector.objects.filter(
        inspection_id=letter.inspection_id, inspector=actor
    ).exists()
    if not crew:
        raise Forbidden("只有实施本次检查的检查人员可以审核整改材料。")
    if letter.status != L.SUBMITTED:
        raise InvalidInput(
            f"意见书当前状态为“{letter.get_status_display()}”，没有待审核的整改材料。"
        )
    return letter


def letter_accept(
    *, actor: User, letter_id: int, note: str = "", on: dt.date | None = None
) -> OpinionLetter:
    with transaction.atomic():
        letter = _judge(actor, letter_id)
        letter.closed_on = on or today()
        letter.save(update_fields=["closed_on"])
        record_transition(
            obj=letter,
            allowed=LETTER_TRANSITIONS,
            to_status=L.ACCEPTED,
            actor=actor,
            reason=(note or "").strip() or "整改合格",
        )
        credit_refresh(institution_id=letter.institution_id, reason="整改验收合格")
        return letter


def letter_reorder(
    *, actor: User, letter_id: int, reason: str, working_days: int, on: dt.date | None = None
) -> OpinionLetter:
    """The evidence does not show the correction: order it again with a new deadline."""
    if not (reason or "").strip():
        raise _invalid("reason", "请写明整改材料不合格的原因和还需整改的内容。")
    message = rules.rectify_days_check(working_days)
    if message:
        raise _invalid("working_days", message)
    with transaction.atomic():
        letter = _judge(actor, letter_id)
        letter.rounds += 1
        letter.working_days = working_days
        deadline = WorkdayCalendar().deadline_marked(on or today(), working_days)
        letter.deadline = deadline.date
        letter.deadline_from = on or today()
        letter.deadline_provisional = deadline.provisional
        letter.save(
            update_fields=[
                "rounds",
                "working_days",
                "deadline",
                "deadline_from",
                "deadline_provisional",
            ]
        )
        record_transition(
            obj=letter,
            allowed=LETTER_TRANSITIONS,
            to_status=L.ISSUED,
            actor=actor,
            reason=f"重新责令整改，期限至{letter.deadline:%Y年%m月%d日}：{reason.strip()}",
        )
        return letter


def letters_escalate_due(*, on: dt.date | None = None) -> int:
    """Letters still waiting for evidence after their deadline become overdue: flagged to the
    county officials and counted against the credit rating. Idempotent."""
    day = on or today()
    done = 0
    due = OpinionLetter.objects.filter(status=L.ISSUED, deadline__lt=day).values_list(
        "pk", flat=True
    )
    for letter_id in list(due):
        with transaction.atomic():
            letter = OpinionLetter.objects.select_for_update().get(pk=letter_id)
            if letter.status != L.ISSUED or letter.deadline >= day:
                continue
            letter.escalated_at = timezone.now()
            letter.save(update_fields=["escalated_at"])
            record_transition(
                obj=letter,
                allowed=LETTER_TRANSITIONS,
                to_status=L.OVERDUE,
                actor=None,
                reason=f"整改期限{letter.deadline:%Y年%m月%d日}已过，未提交整改材料，"
                "已上报县级卫生健康部门",
            )
            credit_refresh(institution_id=letter.institution_id, reason="意见书逾期未整改")
            done += 1
    return done


def letter_pdf_bytes(letter: OpinionLetter) -> bytes:
    institution = letter.institution
    inspection = letter.inspection
    return letter_pdf(
        LetterContent(
            number=letter.number,
            issuer=letter.issuer,
            institution_name=institution.name,
            institution_address=institution.address,
            legal_person=institution.legal_person,
            inspected_on=inspection.inspected_on or letter.issued_on,
            inspectors=tuple(
                str(c.inspector)
                for c in InspectionInspector.objects.filter(inspection=inspection)
                .select_related("inspector")
                .order_by("position")
            ),
            problems=tuple(letter.lines("problems")),
            corrections=tuple(letter.lines("corrections")),
            legal_basis=tuple(letter.lines("legal_basis")),
            deadline=letter.deadline,
            issued_on=letter.issued_on,
            deadline_note=provisional_note([letter.deadline.year])
            if letter.deadline_provisional and letter.status in LETTER_RUNNING
            else "",
        )
    )


# --------------------------------------------------------------------------- publication


def inspection_publish(*, actor: User, inspection_id: int) -> Inspection:
    _require(actor, Perm.DRAW_MANAGE)
    with transaction.atomic():
        inspection = selectors.inspection_get_for_user(user=actor, inspection_id=inspection_id)
        inspection = Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)
        if inspection.status != I.COMPLETED:
            raise InvalidInput("检查尚未完成，不能公示。")
        if not rules.published(inspection.outcome):
            raise InvalidInput("检查结果仅为警告，按规定不予公示。")
        if inspection.published_on:
            raise InvalidInput(f"该检查结果已于{inspection.published_on:%Y年%m月%d日}公示。")
        inspection.published_on = today()
        save_audited(inspection, actor=actor, duplicate="", update_fields=["published_on"])
        cache.bump(cache.SUPERVISION_PUBLIC)
        return inspection


def results_publish_due(*, on: dt.date | None = None) -> int:
    """Publish every completed result not yet published (warnings never are): the first daily
    run after completion publishes it, well inside the 20 working days of RULES.md §3, so a
    missed run or two no longer makes it late (``publish_due`` stays the latest allowed day;
    the officials' home page flags results past it). Idempotent."""
    day = on or today()
    with transaction.atomic():
        published = (
            Inspection.objects.filter(
                status=I.COMPLETED, published_on__isnull=True, inspected_on__lte=day
            )
            .exclude(outcome=Inspection.Outcome.WARNING)
            .update(published_on=day)
        )
        if published:
            cache.bump(cache.SUPERVISION_PUBLIC)
    return published


# --------------------------------------------------------------------------- complaints, conflicts


def complaint_record(
    *, actor: User, institution_id: int, received_on: dt.date, summary: str
) -> Complaint:
    _require(actor, Perm.COMPLAINT_RECORD)
    summary = (summary or "").strip()
    if not summary:
        raise _invalid("summary", "请填写投诉内容。")
    if received_on > today():
        raise _invalid("received_on", "受理日期不能晚于今天。")
    try:
        institution = institution_scope(actor).get(pk=institution_id)
    except Institution.DoesNotExist:
        raise NotFound() from None
    with transaction.atomic():
        complaint = Complaint(
            institution=institution,
            received_on=received_on,
            summary=summary[:300],
            recorded_by=actor,
        )
        return save_audited(complaint, actor=actor, duplicate="")


def complaint_decide(
    *, actor: User, complaint_id: int, substantiated: bool, reason: str
) -> Complaint:
    _require(actor, Perm.COMPLAINT_RECORD)
    if not (reason or "").strip():
        raise _invalid("reason", "请填写核查结论。")
    with transaction.atomic():
        try:
            complaint = Complaint.objects.select_for_update(of=("self",)).get(
                pk=complaint_id, institution__in=institution_scope(actor)
            )
        except Complaint.DoesNotExist:
            raise NotFound() from None
        record_transition(
            obj=complaint,
            allowed=COMPLAINT_TRANSITIONS,
            to_status=C.SUBSTANTIATED if substantiated else C.UNFOUNDED,
            actor=actor,
            reason=reason.strip(),
        )
        credit_refresh(institution_id=complaint.institution_id, reason="投诉核查")
        return complaint


def conflict_declare(*, actor: User, institution_id: int, reason: str) -> Conflict:
    """An inspector declares a conflict of interest; from then on never drawn for it."""
    _require(actor, Perm.INSPECT)
    if not (reason or "").strip():
        raise _invalid("reason", "请写明利害关系，例如“近亲属在该机构任职”。")
    try:
        institution = Institution.objects.get(pk=institution_id)
    except Institution.DoesNotExist:
        raise NotFound() from None
    with transaction.atomic():
        return save_audited(
            Conflict(inspector=actor, institution=institution, reason=reason.strip()[:200]),
            actor=actor,
            duplicate=f"您已申报与“{institution.name}”的利害关系。",
        )


# --------------------------------------------------------------------------- credit


def credit_refresh(*, institution_id: int, reason: str, on: dt.date | None = None) -> CreditRating:
    """Score an institution now; a new history row only when the score or a contribution
    changed (or it has none yet)."""
    result = rules.credit_score(selectors.credit_facts(institution_id, on or today()))
    contributions = [
        {"code": c.code, "label": c.label, "count": c.count, "points": c.points, "rule": c.rule}
        for c in result.contributions
    ]
    latest = (
        CreditRating.objects.filter(institution_id=institution_id)
        .order_by("-computed_at", "-id")
        .first()
    )
    if latest and latest.score == result.score and latest.contributions == contributions:
        return latest
    with transaction.atomic():
        rating = CreditRating.objects.create(
            institution_id=institution_id,
            score=result.score,
            level=result.level.value,
            contributions=contributions,
            reason=reason[:200],
        )
        cache.bump(cache.SUPERVISION_PUBLIC)  # the public page shows the latest level
    return rating


def credit_refresh_all(*, reason: str = "定期评价", on: dt.date | None = None) -> int:
    changed = 0
    for institution_id in Institution.objects.filter(status=Institution.Status.FILED).values_list(
        "pk", flat=True
    ):
        before = CreditRating.objects.filter(institution_id=institution_id).count()
        credit_refresh(institution_id=institution_id, reason=reason, on=on)
        changed += CreditRating.objects.filter(institution_id=institution_id).count() - before
    return changed


def supervision_daily(*, on: dt.date | None = None) -> dict[str, int]:
    """The daily run: escalate overdue letters, publish results due, refresh credit."""
    return {
        "escalated": letters_escalate_due(on=on),
        "published": results_publish_due(on=on),
        "ratings_changed": credit_refresh_all(on=on),
    }
