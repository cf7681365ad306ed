"""Writes of community outreach: one function per use case, each in one transaction, every
write audited (history attributed to the actor, an Event row per follow-up state change).

Acting scope: every write asks ``region_act_require`` on the place of the record (a county
official of another county may see a city-wide list but not act on it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, InvalidInput, NotFound
from huimin.core.models import Event, Household, HouseholdMember, Person, Region, User
from huimin.core.selectors import (
    WorkdayCalendar,
    region_act_require,
    region_may_act,
    region_scope_q,
)
from huimin.core.services import record_transition, save_audited
from huimin.core.services import today as local_today
from huimin.core.uploads import CheckedUpload, upload_accept
from huimin.disability import selectors as disability_selectors
from huimin.outreach import rules, selectors
from huimin.outreach.models import (
    Activity,
    ActivityPhoto,
    Beneficiary,
    FollowUp,
    Session,
    Visit,
    Volunteer,
)
from huimin.subsidy import selectors as subsidy_selectors

Perm = core_rules.Perm
S = FollowUp.Status

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
PHOTOS_MAX = 9


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field_name: message})


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(next(iter(errors.values())), field_errors=errors)


def _require_manage(actor: User) -> None:
    if not actor.can(Perm.OUTREACH_MANAGE):
        raise Forbidden()


def _county_of(region: Region) -> Region:
    county = region.county
    if county is None or county.level != Region.Level.COUNTY:
        raise _invalid("region", "请选择县（市、区）以下的乡镇（街道）或村（社区）。")
    return county


def _place(actor: User, code: str, field_name: str = "region") -> Region:
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None or region.level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE):
        raise _invalid(field_name, "请选择乡镇（街道）或村（社区）。")
    if not region_may_act(actor, region):
        raise _invalid(field_name, f"{region.name}不在您负责的区域内，不能在此登记。")
    return region


def _person_in_scope(
    actor: User, resident_id: str, field_name: str, person_id: int | None = None
) -> Person:
    """A person of the registry the actor reaches, by resident ID (as typed) or by id (a page
    that already showed the person, masked)."""
    if person_id is not None:
        found = (
            Person.objects.filter(region_scope_q(actor), pk=person_id)
            .select_related("region")
            .first()
        )
        if found is None:
            raise _invalid(field_name, "未找到该人员，或不在您负责的区域内。")
        return found
    number = core_rules.typed_number(resident_id).upper()
    person = (
        Person.objects.filter(region_scope_q(actor), resident_id=number)
        .select_related("region")
        .first()
    )
    if person is None:
        raise _invalid(
            field_name,
            f"您负责的区域的人员档案中没有身份证号为{core_rules.mask_resident_id(number)}的人员，"
            "请核对号码。",
        )
    return person


def _household_of(person: Person) -> Household | None:
    member = HouseholdMember.objects.filter(person=person).select_related("household").first()
    return member.household if member else None


def _day_problem(label: str, day: dt.date, today: dt.date) -> str:
    return core_rules.event_date_problem(label, day, today=today)


def _locked_activity(actor: User, activity_id: int) -> Activity:
    """The activity in the actor's reading scope (else NotFound), locked, and their acting
    scope required."""
    _require_manage(actor)
    if not selectors.activity_scope(actor).filter(pk=activity_id).exists():
        raise NotFound()
    activity = Activity.objects.select_for_update().select_related("region").get(pk=activity_id)
    region_act_require(actor, activity.region)
    return activity


# --------------------------------------------------------------------------- activities


@dataclass(frozen=True)
class ActivityInput:
    kind: str
    title: str
    organiser: str
    organiser_region: str  # a region code
    region: str  # the place: a township or village code
    starts_on: dt.date
    ends_on: dt.date | None = None
    partners: str = ""
    address: str = ""
    head_count: int = 0
    report: str = ""


def activity_create(
    *,
    actor: User,
    data: ActivityInput,
    photos: Sequence[UploadedFile] = (),
    today: dt.date | None = None,
) -> Activity:
    """Record an activity held (or being held) in a place the actor serves.
    Raises Forbidden, InvalidInput; nothing is saved then."""
    _require_manage(actor)
    today = today or local_today()
    errors: dict[str, str] = {}
    if data.kind not in Activity.Kind.values:
        errors["kind"] = "请选择活动类型。"
    for name, value in (("title", data.title), ("organiser", data.organiser)):
        if not value.strip():
            errors[name] = "请填写活动名称。" if name == "title" else "请填写组织单位。"
    ends_on = data.ends_on or data.starts_on
    problem = _day_problem("开始日期", data.starts_on, today)
    if problem:
        errors["starts_on"] = problem
    if ends_on < data.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    elif (ends_on - data.starts_on).days > 366:
        errors["ends_on"] = "一次活动最长一年；长期开展的课程请按年度分别登记。"
    if data.head_count < 0:
        errors["head_count"] = "现场服务人数不能为负数。"
    try:
        region = _place(actor, data.region)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
        region = None
    organiser_region = Region.objects.filter(code=data.organiser_region).first()
    if organiser_region is None:
        errors["organiser_region"] = "请选择组织单位所在地。"
    checked = _photos(photos, errors)
    _raise_if(errors)
    if region is None or organiser_region is None:  # refused above
        raise InvalidInput("请选择活动地点。")
    with transaction.atomic():
        activity = Activity(
            kind=data.kind,
            title=data.title.strip(),
            organiser=data.organiser.strip(),
            organiser_region=organiser_region,
            partners=data.partners.strip(),
            region=region,
            county=_county_of(region),
            address=data.address.strip(),
            starts_on=data.starts_on,
            ends_on=ends_on,
            year=data.starts_on.year,
            head_count=data.head_count,
            report=data.report.strip(),
            created_by=actor,
        )
        save_audited(activity, actor=actor, duplicate="该活动已登记。")
        for photo in checked:
            ActivityPhoto.objects.create(activity=activity, file=photo.file, uploaded_by=actor)
    return activity


def _photos(photos: Sequence[UploadedFile], errors: dict[str, str]) -> list[CheckedUpload]:
    if len(photos) > PHOTOS_MAX:
        errors["photos"] = f"每次最多上传{PHOTOS_MAX}张照片。"
        return []
    checked = []
    for upload in photos:
        name = (upload.name or "photo").rsplit("/", 1)[-1]
        if not name.lower().endswith(PHOTO_SUFFIXES):
            errors["photos"] = f"文件“{name}”不是照片：只能上传 JPG 或 PNG 图片。"
            return []
        try:
            checked.append(upload_accept("photos", upload))
        except InvalidInput as exc:
            errors.update(exc.field_errors)
            return []
    return checked


def activity_photos_add(
    *, actor: User, activity_id: int, photos: Sequence[UploadedFile]
) -> list[ActivityPhoto]:
    """Add photos to an activity, each through core's content check. Raises InvalidInput."""
    errors: dict[str, str] = {}
    if not photos:
        errors["photos"] = "请选择要上传的照片。"
    checked = _photos(photos, errors)
    _raise_if(errors)
    with transaction.atomic():
        activity = _locked_activity(actor, activity_id)
        return [
            ActivityPhoto.objects.create(activity=activity, file=p.file, uploaded_by=actor)
            for p in checked
        ]


def activity_session_add(
    *,
    actor: User,
    activity_id: int,
    held_on: dt.date,
    topic: str,
    attendance: int,
    today: dt.date | None = None,
) -> Session:
    """One session of a class with its attendance, within the activity's dates."""
    today = today or local_today()
    with transaction.atomic():
        activity = _locked_activity(actor, activity_id)
        errors: dict[str, str] = {}
        if activity.kind != Activity.Kind.CLASS:
            errors["held_on"] = "只有“课堂/讲座”类活动按场次登记到课人数。"
        problem = _day_problem("上课日期", held_on, today)
        if problem:
            errors["held_on"] = problem
        elif not activity.starts_on <= held_on <= activity.ends_on:
            errors["held_on"] = (
                f"上课日期应在活动期间（{activity.starts_on}至{activity.ends_on}）内。"
            )
        if not topic.strip():
            errors["topic"] = "请填写课程内容。"
        if not 0 <= attendance <= 10000:
            errors["attendance"] = "到课人数应在0至10000之间。"
        _raise_if(errors)
        session = Session(
            activity=activity,
            held_on=held_on,
            topic=topic.strip(),
            attendance=attendance,
            created_by=actor,
        )
        return save_audited(session, actor=actor, duplicate="这一天的这节课已登记过。")


def activity_volunteer_add(
    *,
    actor: User,
    activity_id: int,
    hours: Decimal | str,
    resident_id: str = "",
    name: str = "",
) -> Volunteer:
    """A volunteer and their hours: a person of the registry (by resident ID) or a name."""
    errors: dict[str, str] = {}
    try:
        hours = Decimal(str(hours))
    except InvalidOperation:
        hours = Decimal(-1)
    with transaction.atomic():
        activity = _locked_activity(actor, activity_id)
        problem = rules.volunteer_hours_problem(hours, activity.days)
        if problem:
            errors["hours"] = problem
        person = None
        if resident_id.strip():
            try:
                person = _person_in_scope(actor, resident_id, "resident_id")
            except InvalidInput as exc:
                errors.update(exc.field_errors)
        elif not name.strip():
            errors["name"] = "请填写志愿者的身份证号或姓名。"
        _raise_if(errors)
        volunteer = Volunteer(
            activity=activity,
            person=person,
            name=person.name if person else name.strip(),
            hours=hours,
            created_by=actor,
        )
        return save_audited(volunteer, actor=actor, duplicate="此人已是本次活动的志愿者。")


def activity_beneficiary_add(
    *, actor: User, activity_id: int, resident_id: str, whole_household: bool, note: str = ""
) -> Beneficiary:
    """Someone the activity served: the person of the registry, or their whole household."""
    with transaction.atomic():
        activity = _locked_activity(actor, activity_id)
        person = _person_in_scope(actor, resident_id, "resident_id")
        household = _household_of(person) if whole_household else None
        if whole_household and household is None:
            raise _invalid(
                "resident_id", f"{person.name}在人员档案中没有登记家庭户，请按个人登记。"
            )
        row = Beneficiary(
            activity=activity,
            household=household,
            person=None if household else person,
            note=note.strip(),
            created_by=actor,
        )
        return save_audited(row, actor=actor, duplicate="已登记为本次活动的服务对象。")


# --------------------------------------------------------------------------- visits


@dataclass(frozen=True)
class NeedInput:
    kind: str
    description: str
    benefit: str = ""
    person_resident_id: str = ""  # whom a "benefit not claimed" concerns
    person_id: int | None = None  # or that person by id (prefilled from a list)
    owner_id: int | None = None  # default: the actor


@dataclass(frozen=True)
class VisitInput:
    resident_id: str  # the person visited (their household, if recorded, is the visit's)
    visited_on: dt.date
    situation: str
    person_id: int | None = None  # or the person visited by id (prefilled from a list)
    visitors: str = ""
    activity_id: int | None = None
    needs: list[NeedInput] = field(default_factory=list)


def visit_record(*, actor: User, data: VisitInput, today: dt.date | None = None) -> Visit:
    """A visit to a household with what was found; each need becomes a follow-up with its
    owner and its deadline in working days (rules.need_working_days). The household's place
    must be in the actor's acting scope. Raises Forbidden, InvalidInput, CalendarUnknownYear;
    nothing is saved then."""
    _require_manage(actor)
    today = today or local_today()
    errors: dict[str, str] = {}
    person = _person_in_scope(actor, data.resident_id, "resident_id", data.person_id)
    household = _household_of(person)
    region = household.region if household else person.region
    region_act_require(actor, region)
    problem = _day_problem("走访日期", data.visited_on, today)
    if problem:
        errors["visited_on"] = problem
    if not data.situation.strip():
        errors["situation"] = "请填写家庭情况。"
    activity = None
    if data.activity_id is not None:
        activity = selectors.activity_scope(actor).filter(pk=data.activity_id).first()
        if activity is None:
            errors["activity"] = "未找到该活动，或不在您的负责范围内。"
    planned = [
        _need_plan(actor, need, region, data.visited_on, i, errors)
        for i, need in enumerate(data.needs)
    ]
    _raise_if(errors)
    calendar = WorkdayCalendar()
    with transaction.atomic():
        visit = Visit(
            activity=activity,
            household=household,
            person=person,
            region=region,
            county=_county_of(region),
            visited_on=data.visited_on,
            visitors=data.visitors.strip(),
            situation=data.situation.strip(),
            recorded_by=actor,
        )
        save_audited(visit, actor=actor, duplicate="该走访已登记。")
        for need, owner, need_person in planned:
            if owner is None:  # refused above
                continue
            _followup_create(
                actor=actor,
                visit=visit,
                need=need,
                owner=owner,
                person=need_person,
                calendar=calendar,
            )
        if activity is not None:
            exists = Beneficiary.objects.filter(activity=activity).filter(
                household=household if household else None,
                person=None if household else person,
            )
            if not exists.exists():
                save_audited(
                    Beneficiary(
                        activity=activity,
                        household=household,
                        person=None if household else person,
                        note="入户走访",
                        created_by=actor,
                    ),
                    actor=actor,
                    duplicate="已登记为本次活动的服务对象。",
                )
    return visit


def _need_plan(
    actor: User, need: NeedInput, region: Region, found_on: dt.date, i: int, errors: dict[str, str]
) -> tuple[NeedInput, User | None, Person | None]:
    key = f"needs-{i}"
    if need.kind not in FollowUp.Kind.values:
        errors[f"{key}-kind"] = "请选择需求类型。"
    if not need.description.strip():
        errors[f"{key}-description"] = "请填写需求说明。"
    person = None
    if need.kind == FollowUp.Kind.BENEFIT:
        if need.benefit not in FollowUp.Benefit.values:
            errors[f"{key}-benefit"] = "请选择未申领的是哪项待遇。"
        if not need.person_resident_id.strip() and need.person_id is None:
            errors[f"{key}-person_resident_id"] = "请填写未申领待遇的人员的身份证号。"
        else:
            try:
                person = _person_in_scope(
                    actor, need.person_resident_id, f"{key}-person_resident_id", need.person_id
                )
            except InvalidInput as exc:
                errors.update(exc.field_errors)
            else:
                problem = rules.benefit_problem(
                    need.benefit, birth_date=person.birth_date, today=found_on
                )
                if problem:
                    errors[f"{key}-person_resident_id"] = problem
    elif need.benefit:
        errors[f"{key}-benefit"] = "只有“待遇未申领”需要选择待遇。"
    owner: User | None = actor
    if need.owner_id is not None and need.owner_id != actor.pk:
        owner = selectors.owner_choices(region=region).filter(pk=need.owner_id).first()
        if owner is None:
            errors[f"{key}-owner"] = "负责人应是负责该地区、可以办理走访事项的工作人员。"
    elif not region_may_act(actor, region):
        errors[f"{key}-owner"] = "您不负责该地区，请指定负责人。"
    return need, owner, person


def _followup_create(
    *,
    actor: User,
    visit: Visit,
    need: NeedInput,
    owner: User,
    person: Person | None,
    calendar: WorkdayCalendar,
) -> FollowUp:
    days = rules.need_working_days(need.kind, visit.visited_on)
    deadline = calendar.deadline_marked(visit.visited_on, days)
    followup = FollowUp(
        visit=visit,
        kind=need.kind,
        description=need.description.strip(),
        benefit=need.benefit if need.kind == FollowUp.Kind.BENEFIT else "",
        person=person,
        region=visit.region,
        county=visit.county,
        owner=owner,
        found_on=visit.visited_on,
        deadline=deadline.date,
        deadline_provisional=deadline.provisional,
    )
    save_audited(followup, actor=actor, duplicate="该跟进事项已登记。")
    Event.objects.create(
        content_type=ContentType.objects.get_for_model(FollowUp),
        object_id=followup.pk,
        actor=actor,
        from_status="",
        to_status=S.OPEN,
        reason=f"走访发现，{days}个工作日内办理，负责人{owner}",
    )
    return followup


# --------------------------------------------------------------------------- follow-ups


def followup_transition(
    *, actor: User, followup_id: int, to_status: str, reason: str, today: dt.date | None = None
) -> FollowUp:
    """Close a follow-up as done or cancelled, with the reason (an Event row). Only from open;
    the actor must act on its region. Raises Forbidden, NotFound, InvalidInput,
    InvalidTransition; nothing changes then."""
    _require_manage(actor)
    if not reason.strip():
        message = "请写明办理结果或取消原因。"
        raise _invalid("reason", message)
    if not selectors.followup_scope(actor).filter(pk=followup_id).exists():
        raise NotFound()
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().select_related("region").get(pk=followup_id)
        region_act_require(actor, followup.region)
        record_transition(
            obj=followup,
            allowed=rules.TRANSITIONS,
            to_status=to_status,
            actor=actor,
            reason=reason.strip(),
        )
        followup.closed_on = today or local_today()
        followup.save(update_fields=["closed_on"])
    return followup


def _claimed(followups: list[FollowUp]) -> dict[int, str]:
    """Follow-up id → why its benefit is claimed now (what the other module holds)."""
    child_ids = [
        f.person_id
        for f in followups
        if f.benefit == FollowUp.Benefit.CHILDCARE_SUBSIDY and f.person_id
    ]
    disabled_ids = [
        f.person_id
        for f in followups
        if f.benefit == FollowUp.Benefit.DISABILITY_CERTIFICATE and f.person_id
    ]
    applications = subsidy_selectors.children_with_application(person_ids=child_ids)
    reached = disability_selectors.people_with_case_or_certificate(person_ids=disabled_ids)
    out: dict[int, str] = {}
    for f in followups:
        if f.benefit == FollowUp.Benefit.CHILDCARE_SUBSIDY and f.person_id in applications:
            app = applications[f.person_id]
            out[f.pk] = (
                f"已在育儿补贴模块提交申请（申请#{app.pk}，{app.get_status_display()}），自动办结"
            )
        elif f.benefit == FollowUp.Benefit.DISABILITY_CERTIFICATE and f.person_id in reached:
            out[f.pk] = f"残联已受理：{reached[f.person_id]}，自动办结"
    return out


def followups_resolve_claimed(
    *, actor: User | None = None, ids: list[int] | None = None, today: dt.date | None = None
) -> int:
    """Close the open "benefit not claimed" follow-ups whose benefit is now claimed in its
    module: the child has a subsidy application (any status but rejected), the person a
    disability home-service case (not withdrawn) or a certificate. Each closes as done with an
    Event saying why (actor: ``actor``, None for the daily run). ``ids`` limits the run.
    Returns how many closed."""
    today = today or local_today()
    qs = FollowUp.objects.filter(status=S.OPEN, kind=FollowUp.Kind.BENEFIT)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    closed = 0
    candidates = list(qs.only("id", "benefit", "person_id").order_by("id"))
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        reasons = _claimed(chunk)
        for followup_id, reason in reasons.items():
            with transaction.atomic():
                followup = FollowUp.objects.select_for_update().get(pk=followup_id)
                if followup.status != S.OPEN:
                    continue
                record_transition(
                    obj=followup,
                    allowed=rules.TRANSITIONS,
                    to_status=S.DONE,
                    actor=actor,
                    reason=reason,
                )
                followup.closed_on = today
                followup.save(update_fields=["closed_on"])
                closed += 1
    return closed


def followup_check_claimed(*, actor: User, followup_id: int, today: dt.date | None = None) -> bool:
    """The "检查是否已办理" button: close this follow-up if its benefit is claimed now. Only
    who may act on it; True when it closed."""
    _require_manage(actor)
    followup = selectors.followup_get_for_user(user=actor, followup_id=followup_id)
    region_act_require(actor, followup.region)
    if followup.kind != FollowUp.Kind.BENEFIT:
        raise _invalid("followup", "只有“待遇未申领”的跟进事项可以检查是否已办理。")
    return followups_resolve_claimed(actor=actor, ids=[followup.pk], today=today) == 1
