"""Writes of the disability certificate home service: one function per use case, each in one
transaction; each checks that the actor may act on that very object (seeing is not acting).

The case's life cycle, readable in one place: CASE_TRANSITIONS. Every transition goes through
core's ``record_transition`` (row locked, table checked, Event appended).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.core.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from huimin.core.models import Event, Person, Region, User
from huimin.core.selectors import WorkdayCalendar, region_act_require, region_get_for_user
from huimin.core.services import person_ensure, record_transition, save_audited
from huimin.core.uploads import CheckedUpload, upload_accept
from huimin.disability import notifications, rules, selectors
from huimin.disability.models import (
    Benefit,
    Case,
    CasePhoto,
    Certificate,
    Impairment,
    Objection,
    Review,
    Team,
)

Perm = core_rules.Perm
Role = core_rules.Role
S = Case.Status
CASE_TRANSITIONS: dict[str, set[str]] = {
    S.REQUESTED: {S.SCHEDULED, S.WITHDRAWN},
    S.SCHEDULED: {S.VISITED, S.REQUESTED, S.WITHDRAWN},  # visited, or taken off the route
    S.VISITED: {S.ASSESSED, S.NOT_QUALIFIED},
    S.ASSESSED: {S.POSTED},
    S.POSTED: {S.APPROVED, S.REFUSED, S.VISITED},  # an objection reopens the assessment
    S.APPROVED: {S.CERTIFIED, S.VISITED},  # an objection still within its period
    S.CERTIFIED: set(),
    S.NOT_QUALIFIED: set(),
    S.REFUSED: set(),
    S.WITHDRAWN: set(),
}


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field_name: message})


def _require(actor: User, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden()


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(next(iter(errors.values())), field_errors=errors)


def _text(errors: dict[str, str], name: str, value: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if core_rules.text_has_control_characters(value):
        errors[name] = core_rules.CONTROL_CHARACTERS_MESSAGE
    elif len(value) > limit:
        errors[name] = f"{label}不能超过{limit}个字。"
    return value


def _deadline(start: dt.date, working_days: int) -> tuple[dt.date, bool]:
    marked = WorkdayCalendar().deadline_marked(start, working_days)
    return marked.date, marked.provisional


def _case_locked(actor: User, case_id: int, perm: Perm) -> Case:
    """A case the actor may act on, locked: resolved by the reading selector (404 outside
    scope), then the acting check (403 for a case one may see but not act on)."""
    _require(actor, perm)
    case = selectors.case_get_for_user(user=actor, case_id=case_id)
    region_act_require(actor, case.region)
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "region", "team")
        .get(pk=case.pk)
    )


def _case_number(region: Region, when: dt.datetime) -> str:
    prefix = f"CJ{region.code[:6]}{timezone.localtime(when):%Y%m%d}"
    count = Case.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:04d}"


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class RequestInput:
    resident_id: str
    name: str
    region_code: str  # the village (or community) where the person lives
    requester: str  # Case.Requester
    requester_name: str
    requester_phone: str
    condition: str = ""
    elderly_carer: bool = False
    severe: bool = False
    living_alone: bool = False
    bedridden: bool = False
    kind: str = Case.Kind.NEW


def case_request(*, actor: User, data: RequestInput, at: dt.datetime | None = None) -> Case:
    """A request for a home visit from the person, a relative or a village official. The
    person is found in (or added to) the registry by resident ID and name; 一户多残 is computed
    from the household; the flags give the queue's priority and its reasons. A renewal or a
    grade change needs a valid certificate. Raises Forbidden, InvalidInput, InvalidTransition."""
    _require(actor, Perm.DISABILITY_REQUEST)
    when = at or now()
    errors: dict[str, str] = {}
    requester_name = _text(errors, "requester_name", data.requester_name, "提出人姓名", 50)
    if not requester_name and "requester_name" not in errors:
        errors["requester_name"] = "请填写提出人姓名。"
    if data.requester not in Case.Requester.values:
        errors["requester"] = "请选择提出人：本人、亲属或村（社区）干部。"
    try:
        phone = core_rules.phone_normalize(data.requester_phone)
    except ValueError as exc:
        errors["requester_phone"] = str(exc)
        phone = ""
    if not phone and "requester_phone" not in errors:
        errors["requester_phone"] = "请填写联系电话，上门前会先打电话确认。"
    condition = _text(errors, "condition", data.condition, "身体状况简述", 300)
    if data.kind not in Case.Kind.values:
        errors["kind"] = "办理类型无效。"
    region = Region.objects.filter(code=data.region_code).select_related("parent").first()
    if region is None or region.level not in (Region.Level.VILLAGE, Region.Level.TOWNSHIP):
        errors["region"] = "请选择申请人所在的村（社区）。"
    try:
        core_rules.resident_id_parse(data.resident_id, today=timezone.localtime(when).date())
    except core_rules.ResidentIdError as exc:
        errors["resident_id"] = str(exc)
    _raise_if(errors)
    assert region is not None  # noqa: S101 - errors would have been raised
    if not selectors.is_citizen(actor):
        region_act_require(actor, region)
    with transaction.atomic():
        person = person_ensure(
            actor=actor, resident_id=data.resident_id, name=data.name, region=region
        )
        if Case.objects.filter(person=person, status__in=selectors.OPEN).exists():
            raise InvalidTransition(
                f"{person.name}已有正在办理的上门办证申请，请勿重复申请；可在申请列表中查看进度。"
            )
        valid = Certificate.objects.filter(person=person, status=Certificate.Status.VALID).first()
        if data.kind == Case.Kind.NEW and valid is not None:
            raise _invalid(
                "kind",
                f"{person.name}已持有有效的残疾人证（有效期至{valid.valid_until:%Y年%m月%d日}）："
                "到期换领或等级变更请选择相应的办理类型。",
            )
        if data.kind != Case.Kind.NEW and valid is None:
            raise _invalid("kind", f"{person.name}没有有效的残疾人证，请选择“新办”。")
        if (
            data.kind == Case.Kind.RENEWAL
            and valid is not None
            and not rules.renewal_open(valid.valid_until, timezone.localtime(when).date())
        ):
            raise _invalid(
                "kind",
                f"残疾人证有效期至{valid.valid_until:%Y年%m月%d日}，"
                f"到期前{rules.RENEWAL_WINDOW_DAYS}天内才能申请换领。",
            )
        multiple = rules.multiple_in_household(
            selectors.disabled_others_in_household(person_id=person.pk)
        )
        flags = [
            name
            for name, on in (
                (rules.Flag.MULTIPLE_IN_HOUSEHOLD, multiple),
                (rules.Flag.ELDERLY_CARER, data.elderly_carer),
                (rules.Flag.SEVERE, data.severe),
                (rules.Flag.LIVING_ALONE, data.living_alone),
                (rules.Flag.BEDRIDDEN, data.bedridden),
            )
            if on
        ]
        prio = rules.priority(flags)
        case = Case(
            number=_case_number(region, when),
            kind=data.kind,
            person=person,
            region=region,
            requester=data.requester,
            requester_name=requester_name,
            requester_phone=phone,
            requested_by=actor,
            requested_at=when,
            condition=condition,
            elderly_carer=data.elderly_carer,
            severe=data.severe,
            living_alone=data.living_alone,
            bedridden=data.bedridden,
            multiple_in_household=multiple,
            priority=prio.score,
            reasons=[str(r) for r in prio.reasons],
        )
        save_audited(case, actor=actor, duplicate="受理编号重复，请重新提交。")
        Event.objects.create(
            content_type=ContentType.objects.get_for_model(Case),
            object_id=case.pk,
            actor=actor,
            to_status=S.REQUESTED,
            reason=rules.reasons_text(prio.reasons) or "申请上门办证",
        )
        return case


def case_withdraw(*, actor: User, case_id: int, reason: str) -> Case:
    """Withdraw a request not yet visited (the person moved, died, came to the counter)."""
    if not (reason or "").strip():
        raise _invalid("reason", "请填写撤回原因。")
    with transaction.atomic():
        case = _case_locked(actor, case_id, Perm.DISABILITY_HANDLE)
        record_transition(
            obj=case,
            allowed=CASE_TRANSITIONS,
            to_status=S.WITHDRAWN,
            actor=actor,
            reason=reason.strip()[:300],
        )
        return case


# --------------------------------------------------------------------------- teams


@dataclass(frozen=True)
class TeamInput:
    township_code: str
    day: dt.date
    staff_id: int
    doctor_id: int
    hospital: str


def team_create(*, actor: User, data: TeamInput) -> Team:
    """A home-visit team for a day in a township: a federation staff member and an assessing
    doctor of a designated hospital. Raises Forbidden, NotFound, InvalidInput, Duplicate."""
    _require(actor, Perm.DISABILITY_HANDLE)
    errors: dict[str, str] = {}
    hospital = _text(errors, "hospital", data.hospital, "定点医院", 100)
    if not hospital and "hospital" not in errors:
        errors["hospital"] = "请填写评残医生所在的定点医院。"
    staff = User.objects.filter(pk=data.staff_id, is_active=True, role=Role.FEDERATION).first()
    if staff is None:
        errors["staff"] = "请选择残联工作人员。"
    doctor = User.objects.filter(pk=data.doctor_id, is_active=True, role=Role.DOCTOR).first()
    if doctor is None:
        errors["doctor"] = "请选择评残医生。"
    problem = core_rules.event_date_problem("上门日期", data.day, today=data.day)
    if problem:
        errors["day"] = problem
    _raise_if(errors)
    township = region_get_for_user(user=actor, code=data.township_code)
    if township.level != Region.Level.TOWNSHIP:
        raise _invalid("township", "上门服务组按乡镇（街道）安排，请选择一个乡镇（街道）。")
    region_act_require(actor, township)
    with transaction.atomic():
        team = Team(
            township=township,
            day=data.day,
            staff=staff,
            doctor=doctor,
            hospital=hospital,
            created_by=actor,
        )
        return save_audited(
            team,
            actor=actor,
            duplicate=f"{staff.full_name if staff else ''}在{data.day:%Y年%m月%d日}"
            f"已有{township.name}的上门服务组。",
        )


def _renumber(team: Team) -> None:
    for n, case in enumerate(
        team.cases.order_by("region__code", "-priority", "requested_at", "id"), start=1
    ):
        if case.stop != n:
            Case.objects.filter(pk=case.pk).update(stop=n)


def case_schedule(*, actor: User, case_id: int, team_id: int) -> Case:
    """Put a request on a team's route (its village must lie in the team's township); the
    route is renumbered village by village. Raises Forbidden, NotFound, InvalidInput,
    InvalidTransition."""
    with transaction.atomic():
        case = _case_locked(actor, case_id, Perm.DISABILITY_HANDLE)
        team = selectors.team_get_for_user(user=actor, team_id=team_id)
        region_act_require(actor, team.township)
        if not case.region.path.startswith(team.township.path):
            raise _invalid(
                "team",
                f"{case.person.name}住在{case.region.name}，不在{team.township.name}，"
                "请选择该乡镇（街道）的上门服务组。",
            )
        record_transition(
            obj=case,
            allowed=CASE_TRANSITIONS,
            to_status=S.SCHEDULED,
            actor=actor,
            reason=f"{team.day:%Y-%m-%d} {team.township.name}",
        )
        case.team = team
        case.save(update_fields=["team", "updated_at"])
        _renumber(team)
        case.refresh_from_db()
        notifications.case_changed(case)
        return case


# --------------------------------------------------------------------------- the visit


@dataclass(frozen=True)
class VisitInput:
    resident_id: str  # as read from the ID card at the bedside
    name: str
    birth_date: dt.date | None
    address: str
    guardian_name: str = ""
    guardian_phone: str = ""
    cause: str = ""
    visited_on: dt.date | None = None
    benefit_ids: tuple[int, ...] = ()


def identity_differences(person: Person, data: VisitInput, today_: dt.date) -> dict[str, str]:
    """What differs between the ID card read at the bedside and the registry's record: the
    number must be valid and the person's, the name and the birth date must match."""
    errors: dict[str, str] = {}
    try:
        parsed = core_rules.resident_id_parse(data.resident_id, today=today_)
    except core_rules.ResidentIdError as exc:
        return {"resident_id": str(exc)}
    if parsed.number != person.resident_id:
        errors["resident_id"] = (
            f"身份证号码与申请人不一致：申请登记的是{person.masked_resident_id}，"
            f"现场核验的是{core_rules.mask_resident_id(parsed.number)}。"
        )
    name = (data.name or "").strip()
    if name != person.name:
        errors["name"] = f"姓名不一致：申请登记的是“{person.name}”，现场核验的是“{name}”。"
    if data.birth_date is None:
        errors["birth_date"] = "请填写身份证上的出生日期。"
    elif data.birth_date != parsed.birth_date:
        errors["birth_date"] = (
            f"出生日期不一致：身份证号码中的出生日期是{parsed.birth_date:%Y年%m月%d日}，"
            f"核验填写的是{data.birth_date:%Y年%m月%d日}。"
        )
    elif data.birth_date != person.birth_date:
        errors["birth_date"] = (
            f"出生日期不一致：户籍登记的是{person.birth_date:%Y年%m月%d日}，"
            f"核验填写的是{data.birth_date:%Y年%m月%d日}。"
        )
    return errors


def photo_accept(field_name: str, upload: UploadedFile) -> CheckedUpload:
    name = (upload.name or "photo").rsplit("/", 1)[-1]
    if not name.lower().endswith(rules.PHOTO_SUFFIXES):
        raise _invalid(field_name, f"文件“{name}”不是照片：只能上传 JPG 或 PNG 图片。")
    if (upload.size or 0) > rules.PHOTO_MAX_BYTES:
        raise _invalid(field_name, f"照片“{name}”超过8 MB，请压缩后上传。")
    return upload_accept(field_name, upload)


def case_visit(
    *, actor: User, case_id: int, data: VisitInput, photos: list[UploadedFile] | None = None
) -> Case:
    """The visit: identity checked against the resident ID (valid number, matching name and
    birth date; a mismatch is refused saying what differs and nothing is saved), the form
    filled on site, photos kept; the 15-working-day clock starts from the visit day. Only the
    team's staff member (or a federation colleague of the county) records it. Raises
    Forbidden, NotFound, InvalidInput, InvalidTransition."""
    day = data.visited_on or today()
    errors: dict[str, str] = {}
    address = _text(errors, "address", data.address, "现住址", 200)
    if not address and "address" not in errors:
        errors["address"] = "请填写现住址。"
    guardian = _text(errors, "guardian_name", data.guardian_name, "监护人", 50)
    cause = _text(errors, "cause", data.cause, "致残原因", 200)
    guardian_phone = ""
    if data.guardian_phone:
        try:
            guardian_phone = core_rules.phone_normalize(data.guardian_phone)
        except ValueError as exc:
            errors["guardian_phone"] = str(exc)
    if day > today():
        errors["visited_on"] = "上门日期不能晚于今天。"
    uploads = photos or []
    if len(uploads) > rules.PHOTOS_MAX_PER_CASE:
        errors["photos"] = f"每次最多上传{rules.PHOTOS_MAX_PER_CASE}张照片。"
    _raise_if(errors)
    checked = [photo_accept("photos", u) for u in uploads]
    deadline, provisional = _deadline(day, rules.SERVICE_WORKING_DAYS)
    with transaction.atomic():
        case = _case_locked(actor, case_id, Perm.DISABILITY_HANDLE)
        if case.status != S.SCHEDULED:
            raise InvalidTransition("该申请尚未安排上门服务组，或已经上门核验过。")
        if case.team is not None and day < case.team.day:
            raise _invalid("visited_on", "上门日期不能早于服务组的排期日期。")
        differences = identity_differences(case.person, data, today())
        if differences:
            raise InvalidInput(
                "身份核验未通过：" + "；".join(differences.values()), field_errors=differences
            )
        record_transition(
            obj=case,
            allowed=CASE_TRANSITIONS,
            to_status=S.VISITED,
            actor=actor,
            reason="现场核验身份，填写申请表",
        )
        case.visited_on = day
        case.identity_checked_by = actor
        case.address = address
        case.guardian_name = guardian
        case.guardian_phone = guardian_phone
        case.cause = cause
        case.deadline = deadline
        case.deadline_provisional = provisional
        case.save(
            update_fields=[
                "visited_on",
                "identity_checked_by",
                "address",
                "guardian_name",
                "guardian_phone",
                "cause",
                "deadline",
                "deadline_provisional",
                "updated_at",
            ]
        )
        for photo in checked:
            CasePhoto.objects.create(case=case, file=photo.file, uploaded_by=actor)
        return case


# --------------------------------------------------------------------------- assessment


@dataclass(frozen=True)
class ImpairmentInput:
    category: int
    grade: int
    basis: str


def case_assess(
    *,
    actor: User,
    case_id: int,
    impairments: list[ImpairmentInput],
    not_qualified_reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """The doctor's assessment: category and grade per impairment with its clinical basis;
    several give category 7 at the most severe grade. No impairment and a reason: the person
    does not reach the standard and the case closes. Only the doctor of the case's team.
    Raises Forbidden, NotFound, InvalidInput, InvalidTransition."""
    _require(actor, Perm.DISABILITY_ASSESS)
    errors: dict[str, str] = {}
    checked: list[tuple[rules.Impairment, str]] = []
    for n, item in enumerate(impairments, start=1):
        try:
            imp = rules.impairment_check(item.category, item.grade)
        except rules.AssessmentError as exc:
            errors[f"impairment_{n}"] = f"第{n}项：{exc}"
            continue
        basis = _text(errors, f"basis_{n}", item.basis, f"第{n}项评定依据", 1000)
        if not basis and f"basis_{n}" not in errors:
            errors[f"basis_{n}"] = f"第{n}项：请填写评定依据（临床所见、检查结果）。"
        checked.append((imp, basis))
    reason = _text(errors, "not_qualified_reason", not_qualified_reason, "未达标准的说明", 300)
    if not impairments and not reason:
        errors["impairments"] = "请至少评定一种残疾的类别和等级；未达残疾标准的请填写说明。"
    if impairments and reason:
        errors["not_qualified_reason"] = "已评定残疾等级时不应填写未达标准的说明。"
    _raise_if(errors)
    when = at or now()
    with transaction.atomic():
        _require(actor, Perm.DISABILITY_ASSESS)
        case = selectors.case_get_for_user(user=actor, case_id=case_id)
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("team", "person")
            .get(pk=case.pk)
        )
        if not actor.is_superuser and (locked.team is None or locked.team.doctor_id != actor.pk):
            raise Forbidden("只有该上门服务组的评残医生才能评定。")
        if not checked:
            record_transition(
                obj=locked,
                allowed=CASE_TRANSITIONS,
                to_status=S.NOT_QUALIFIED,
                actor=actor,
                reason=reason,
            )
            locked.completed_on = timezone.localtime(when).date()
            locked.assessed_by = actor
            locked.save(update_fields=["completed_on", "assessed_by", "updated_at"])
            notifications.case_changed(locked, reason=reason)
            return locked
        result = rules.overall(imp for imp, _b in checked)
        record_transition(
            obj=locked,
            allowed=CASE_TRANSITIONS,
            to_status=S.ASSESSED,
            actor=actor,
            reason=locked.result_text or f"{result.category}-{result.grade}",
        )
        locked.impairments.all().delete()
        Impairment.objects.bulk_create(
            Impairment(
                case=locked,
                category=imp.category,
                grade=imp.grade,
                basis=basis,
                doctor=actor,
                assessed_at=when,
            )
            for imp, basis in checked
        )
        locked.category = result.category
        locked.grade = result.grade
        locked.assessed_by = actor
        locked.save(update_fields=["category", "grade", "assessed_by", "updated_at"])
        notifications.case_changed(locked)
        return locked


def case_benefits_tick(*, actor: User, case_id: int, benefit_ids: list[int]) -> Case:
    """Record the policies explained at the bedside (ticked from those the person qualifies
    for). Raises Forbidden, NotFound, InvalidInput."""
    with transaction.atomic():
        case = _case_locked(actor, case_id, Perm.DISABILITY_HANDLE)
        if case.category is None:
            raise InvalidTransition("评定残疾类别和等级后，才能勾选适用的惠残政策。")
        allowed = {b.pk for b in selectors.benefits_for(case, case.visited_on or today())}
        wrong = [i for i in benefit_ids if i not in allowed]
        if wrong:
            raise _invalid("benefits", "勾选的政策中有不适用于该申请人的，请刷新页面后重新勾选。")
        case.benefits.set(benefit_ids)
        case._history_user = actor  # type: ignore[attr-defined]
        case.save(update_fields=["updated_at"])
        return case


# --------------------------------------------------------------------------- posting, review


def case_post(*, actor: User, case_id: int, on: dt.date | None = None) -> Case:
    """Post a qualifying result publicly for 5 working days from ``on`` (the day it went up;
    today by default); objections run 10 working days from it, the county's review 10 working
    days after the posting ends. Raises Forbidden, NotFound, InvalidInput, InvalidTransition."""
    day = on or today()
    if day > today():
        raise _invalid("posted_on", "公示开始日期不能晚于今天。")
    with transaction.atomic():
        case = _case_locked(actor, case_id, Perm.DISABILITY_HANDLE)
        if case.visited_on is not None and day < case.visited_on:
            raise _invalid("posted_on", "公示开始日期不能早于上门日期。")
        ends, _p1 = _deadline(day, rules.POSTING_WORKING_DAYS)
        objection, _p2 = _deadline(day, rules.OBJECTION_WORKING_DAYS)
        review, _p3 = _deadline(ends, rules.REVIEW_WORKING_DAYS)
        record_transition(
            obj=case,
            allowed=CASE_TRANSITIONS,
            to_status=S.POSTED,
            actor=actor,
            reason=f"公示{day:%Y-%m-%d}至{ends:%Y-%m-%d}",
        )
        case.posted_on, case.posting_ends = day, ends
        case.objection_until, case.review_due = objection, review
        case.save(
            update_fields=[
                "posted_on",
                "posting_ends",
                "objection_until",
                "review_due",
                "updated_at",
            ]
        )
        notifications.case_changed(case)
        return case


def case_object(
    *, actor: User, case_id: int, raised_by_name: str, reason: str, on: dt.date | None = None
) -> Case:
    """An objection to a posted result within 10 working days of its posting: recorded, and
    the case reopens for a new assessment (the posting and result are cleared; the history
    keeps them). Raises Forbidden, NotFound, InvalidInput, InvalidTransition."""
    day = on or today()
    errors: dict[str, str] = {}
    name = _text(errors, "raised_by_name", raised_by_name, "异议人", 50)
    text = _text(errors, "reason", reason, "异议内容", 500)
    if not name and "raised_by_name" not in errors:
        errors["raised_by_name"] = "请填写异议人姓名。"
    if not text and "reason" not in errors:
        errors["reason"] = "请填写异议内容。"
    _raise_if(errors)
    with transaction.atomic():
        case = _case_locked(actor, case_id, Perm.DISABILITY_HANDLE)
        if case.status not in (S.POSTED, S.APPROVED) or case.objection_until is None:
            raise InvalidTransition("只有公示中或审核通过尚未发证的结果才能提出异议。")
        if day > case.objection_until:
            raise _invalid(
                "on",
                f"异议期已于{case.objection_until:%Y年%m月%d日}届满"
                f"（公示之日起{rules.OBJECTION_WORKING_DAYS}个工作日），不能再提出异议。",
            )
        Objection.objects.create(
            case=case, raised_on=day, raised_by_name=name, reason=text, recorded_by=actor
        )
        record_transition(
            obj=case,
            allowed=CASE_TRANSITIONS,
            to_status=S.VISITED,
            actor=actor,
            reason=f"公示异议：{text}"[:300],
        )
        case.category = case.grade = None
        case.posted_on = case.posting_ends = case.objection_until = case.review_due = None
        case.save(
            update_fields=[
                "category",
                "grade",
                "posted_on",
                "posting_ends",
                "objection_until",
                "review_due",
                "updated_at",
            ]
        )
        notifications.case_changed(case, reason=text)
        return case


def case_review(
    *, actor: User, case_id: int, approve: bool, reason: str = "", on: dt.date | None = None
) -> Case:
    """The county's review of a posted result, once the posting has run its 5 working days.
    A refusal needs a reason. Raises Forbidden, NotFound, InvalidInput, InvalidTransition."""
    day = on or today()
    errors: dict[str, str] = {}
    text = _text(errors, "reason", reason, "审核意见", 300)
    if not approve and not text and "reason" not in errors:
        errors["reason"] = "审核不通过时请填写理由。"
    _raise_if(errors)
    with transaction.atomic():
        case = _case_locked(actor, case_id, Perm.DISABILITY_REVIEW)
        if case.status == S.POSTED and case.posting_ends is not None and day <= case.posting_ends:
            raise InvalidTransition(
                f"公示期至{case.posting_ends:%Y年%m月%d日}，公示期满后才能审核。"
            )
        to = S.APPROVED if approve else S.REFUSED
        record_transition(
            obj=case,
            allowed=CASE_TRANSITIONS,
            to_status=to,
            actor=actor,
            reason=text or "县级审核通过",
        )
        Review.objects.create(
            case=case,
            decision=Review.Decision.APPROVE if approve else Review.Decision.REFUSE,
            reason=text,
            reviewer=actor,
            decided_on=day,
        )
        if not approve:
            case.completed_on = day
            case.save(update_fields=["completed_on", "updated_at"])
        notifications.case_changed(case, reason=text)
        return case


# --------------------------------------------------------------------------- certificates


def certificate_issue(*, actor: User, case_id: int, on: dt.date | None = None) -> Certificate:
    """Issue the certificate of an approved case: number = resident ID + category + grade,
    valid 10 years. A renewal or grade change replaces the valid certificate. The case is
    complete (on time if within its 15-working-day deadline). Raises Forbidden, NotFound,
    InvalidTransition."""
    day = on or today()
    with transaction.atomic():
        case = _case_locked(actor, case_id, Perm.DISABILITY_HANDLE)
        if case.category is None or case.grade is None:
            raise InvalidTransition("该申请尚无评定结果，不能发证。")
        record_transition(
            obj=case,
            allowed=CASE_TRANSITIONS,
            to_status=S.CERTIFIED,
            actor=actor,
            reason="发放残疾人证",
        )
        number = f"{case.person.resident_id}{case.category}{case.grade}"
        old = (
            Certificate.objects.select_for_update()
            .filter(person=case.person, status=Certificate.Status.VALID)
            .first()
        )
        if old is not None:
            old.status = Certificate.Status.REPLACED
            save_audited(old, actor=actor, duplicate="", update_fields=["status"])
        certificate = Certificate(
            number=number,
            person=case.person,
            region=case.region,
            case=case,
            category=case.category,
            grade=case.grade,
            issued_on=day,
            valid_until=rules.valid_until(day),
            replaces=old,
            issued_by=actor,
        )
        save_audited(certificate, actor=actor, duplicate="该申请人已持有有效的残疾人证。")
        case.completed_on = day
        case.save(update_fields=["completed_on", "updated_at"])
        notifications.case_changed(case, certificate=certificate)
        return certificate


# --------------------------------------------------------------------------- benefits


@dataclass(frozen=True)
class BenefitInput:
    title: str
    source: str
    summary: str
    categories: tuple[int, ...] = ()
    grade_min: int = 1
    grade_max: int = 4
    age_min: int | None = None
    age_max: int | None = None
    multiple_household_only: bool = False
    active: bool = True


def _benefit_errors(data: BenefitInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, label, limit in (
        ("title", "政策名称", 100),
        ("source", "政策依据", 200),
        ("summary", "政策说明", 1000),
    ):
        value = _text(errors, name, getattr(data, name), label, limit)
        if not value and name not in errors:
            errors[name] = f"请填写{label}。"
    if any(c not in rules.CATEGORY_NAMES for c in data.categories):
        errors["categories"] = "适用残疾类别应为1至7。"
    if not 1 <= data.grade_min <= data.grade_max <= 4:
        errors["grade_min"] = "适用等级应在1至4级之间，且起始等级不大于截止等级。"
    if data.age_min is not None and data.age_max is not None and data.age_min > data.age_max:
        errors["age_min"] = "适用年龄的起始不能大于截止。"
    for name, age in (("age_min", data.age_min), ("age_max", data.age_max)):
        if age is not None and not 0 <= age <= 150:
            errors[name] = "年龄应在0至150岁之间。"
    return errors


def benefit_save(*, actor: User, data: BenefitInput, benefit_id: int | None = None) -> Benefit:
    """Create or change an item of the policy explanation list. Raises Forbidden,
    InvalidInput, NotFound, Duplicate."""
    _require(actor, Perm.DISABILITY_POLICY)
    _raise_if(_benefit_errors(data))
    with transaction.atomic():
        if benefit_id is None:
            benefit = Benefit()
        else:
            found = Benefit.objects.select_for_update().filter(pk=benefit_id).first()
            if found is None:
                raise NotFound()
            benefit = found
        benefit.title = data.title.strip()
        benefit.source = data.source.strip()
        benefit.summary = data.summary.strip()
        benefit.categories = sorted(set(data.categories))
        benefit.grade_min, benefit.grade_max = data.grade_min, data.grade_max
        benefit.age_min, benefit.age_max = data.age_min, data.age_max
        benefit.multiple_household_only = data.multiple_household_only
        benefit.active = data.active
        return save_audited(benefit, actor=actor, duplicate=f"已有名为“{benefit.title}”的政策。")


def benefits_default_ensure() -> int:
    """The default policy list (rules.BENEFITS_DEFAULT), added where missing (demo, setup)."""
    added = 0
    for title, source, summary, cats, gmin, gmax, amin, amax, multi in rules.BENEFITS_DEFAULT:
        _obj, created = Benefit.objects.get_or_create(
            title=title,
            defaults={
                "source": source,
                "summary": summary,
                "categories": list(cats),
                "grade_min": gmin,
                "grade_max": gmax,
                "age_min": amin,
                "age_max": amax,
                "multiple_household_only": multi,
            },
        )
        added += int(created)
    return added
