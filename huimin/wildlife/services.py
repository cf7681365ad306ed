"""Writes of the wildlife-damage relief insurance: one function per use case, each in one
transaction; each checks that the actor may act on that very object (seeing is not acting).

The claim's life cycle, readable in one place: CLAIM_TRANSITIONS. Every transition goes
through core's ``record_transition`` (row locked, table checked, Event appended).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.core.errors import (
    CalendarUnknownYear,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from huimin.core.models import Event, Person, Region, User
from huimin.core.selectors import (
    Deadline,
    WorkdayCalendar,
    region_act_require,
    region_get_for_user,
)
from huimin.core.services import record_transition, save_audited
from huimin.core.uploads import CheckedUpload, upload_accept
from huimin.wildlife import notifications, rules, selectors
from huimin.wildlife.models import (
    Claim,
    ClaimPhoto,
    PayoutBatch,
    PayoutLine,
    Policy,
    Standard,
    SurveyItem,
    SurveyVisit,
)

Perm = core_rules.Perm
S = Claim.Status
CLAIM_TRANSITIONS: dict[str, set[str]] = {
    S.REPORTED: {S.ACCEPTED, S.REJECTED},
    S.ACCEPTED: {S.SURVEYED, S.REJECTED},
    S.SURVEYED: {S.AGREED, S.ACCEPTED},  # agreed, or disputed: the survey reopens
    S.AGREED: {S.PAYING},
    S.PAYING: {S.PAID, S.AGREED},  # paid, or the bank failed it: paid again in a later batch
    S.PAID: set(),
    S.REJECTED: set(),
}
B = PayoutBatch.Status
BATCH_TRANSITIONS: dict[str, set[str]] = {B.CREATED: {B.SETTLED}, B.SETTLED: set()}


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field: message})


def _require(actor: User, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden()


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(next(iter(errors.values())), field_errors=errors)


# --------------------------------------------------------------------------- photos


def photo_accept(field: str, upload: UploadedFile | None) -> CheckedUpload:
    """A photo of a loss: a JPG or PNG image of at most 8 MB, judged by its content through
    core's upload door (a PDF, a program or a web page is refused). Raises InvalidInput."""
    if upload is None:
        raise _invalid(field, "请选择照片。")
    name = (upload.name or "photo").rsplit("/", 1)[-1]
    if not name.lower().endswith(rules.PHOTO_SUFFIXES):
        raise _invalid(field, f"文件“{name}”不是照片：只能上传 JPG 或 PNG 图片。")
    if (upload.size or 0) > rules.PHOTO_MAX_BYTES:
        limit = rules.PHOTO_MAX_BYTES // (1024 * 1024)
        raise _invalid(field, f"照片“{name}”超过{limit} MB，请压缩后上传。")
    return upload_accept(field, upload)


def _photos_accept(field: str, uploads: list[UploadedFile]) -> list[CheckedUpload]:
    if len(uploads) > rules.PHOTOS_MAX_PER_CLAIM:
        raise _invalid(field, f"每次最多上传{rules.PHOTOS_MAX_PER_CLAIM}张照片。")
    return [photo_accept(field, u) for u in uploads]


def _photos_save(claim: Claim, kind: str, photos: list[CheckedUpload], actor: User) -> None:
    for photo in photos:
        ClaimPhoto.objects.create(claim=claim, kind=kind, file=photo.file, uploaded_by=actor)


# --------------------------------------------------------------------------- policies


@dataclass(frozen=True)
class PolicyInput:
    year: int
    insurer: str
    starts_on: dt.date
    ends_on: dt.date
    premium_fen: int = rules.PREMIUM_DEFAULT_FEN
    province_percent: int = rules.PROVINCE_SHARE_PERCENT
    limit_fen: int = rules.AGGREGATE_LIMIT_DEFAULT_FEN
    species: tuple[str, ...] = rules.SPECIES_DEFAULT
    number: str = ""


def _policy_errors(data: PolicyInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 2000 <= data.year <= 2099:
        errors["year"] = "保单年度应为2000至2099年之间的年份。"
    if not data.insurer.strip():
        errors["insurer"] = "请填写承保公司，如“中国人保财险平陆支公司”。"
    if data.ends_on < data.starts_on:
        errors["ends_on"] = "保险期间止日不能早于起日。"
    elif (data.ends_on - data.starts_on).days > 366:
        errors["ends_on"] = "保险期间不能超过一年。"
    if data.premium_fen <= 0:
        errors["premium_fen"] = "保费应大于0元。"
    if not 0 <= data.province_percent <= 100:
        errors["province_percent"] = "省级承担比例应在0%至100%之间。"
    if data.limit_fen <= 0:
        errors["limit_fen"] = "累计赔偿限额应大于0元。"
    species = [s.strip() for s in data.species if s.strip()]
    if not species:
        errors["species"] = "请至少列出一种保障物种。"
    elif len(set(species)) != len(species):
        errors["species"] = "保障物种有重复，请删去重复的物种。"
    elif any(len(s) > 20 for s in species):
        errors["species"] = "物种名称不能超过20个字。"
    return errors


def policy_create(*, actor: User, region_code: str, data: PolicyInput) -> Policy:
    """A county's policy year (the county must be one the actor acts for). Raises Forbidden,
    NotFound, InvalidInput, Duplicate (one policy per county and year)."""
    _require(actor, Perm.WILDLIFE_POLICY)
    region = region_get_for_user(user=actor, code=region_code)
    errors = _policy_errors(data)
    if region.level != Region.Level.COUNTY:
        errors["region"] = "保单按县（市、区）投保，请选择一个县（市、区）。"
    _raise_if(errors)
    region_act_require(actor, region)
    with transaction.atomic():
        policy = Policy(
            region=region,
            year=data.year,
            insurer=data.insurer.strip()[:100],
            number=data.number.strip()[:50],
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            premium_fen=data.premium_fen,
            province_percent=data.province_percent,
            limit_fen=data.limit_fen,
            species=[s.strip() for s in data.species if s.strip()],
            created_by=actor,
        )
        return save_audited(
            policy,
            actor=actor,
            duplicate=f"{region.name}{data.year}年度的保单已经录入，请在保单列表中修改。",
        )


def _policy_for_change(actor: User, policy_id: int, *, frozen_ok: bool = False) -> Policy:
    """The policy locked, after the actor's right to act on its county is checked; a policy
    that has started is frozen (InvalidTransition) unless ``frozen_ok``."""
    _require(actor, Perm.WILDLIFE_POLICY)
    policy = selectors.policy_get_for_user(user=actor, policy_id=policy_id)
    region_act_require(actor, policy.region)
    locked = Policy.objects.select_for_update().select_related("region").get(pk=policy.pk)
    if not frozen_ok and selectors.policy_frozen(locked, today()):
        raise InvalidTransition(
            f"保单自{locked.starts_on:%Y年%m月%d日}起生效，保险条款、保障物种和赔偿标准已冻结，"
            "不能再修改。"
        )
    return locked


def policy_update(*, actor: User, policy_id: int, data: PolicyInput) -> Policy:
    """Change a policy year's terms before it starts. Raises InvalidTransition once started."""
    _raise_if(_policy_errors(data))
    with transaction.atomic():
        policy = _policy_for_change(actor, policy_id)
        if data.limit_fen < policy.committed_fen:
            raise _invalid("limit_fen", "累计赔偿限额不能低于已赔付金额。")
        policy.year = data.year
        policy.insurer = data.insurer.strip()[:100]
        policy.number = data.number.strip()[:50]
        policy.starts_on = data.starts_on
        policy.ends_on = data.ends_on
        policy.premium_fen = data.premium_fen
        policy.province_percent = data.province_percent
        policy.limit_fen = data.limit_fen
        policy.species = [s.strip() for s in data.species if s.strip()]
        return save_audited(policy, actor=actor, duplicate="该县该年度的保单已存在。")


def policy_premium_paid(
    *, actor: User, policy_id: int, province_paid_fen: int, county_paid_fen: int
) -> Policy:
    """Record what the province and the county have paid of the premium (at any time)."""
    errors: dict[str, str] = {}
    if province_paid_fen < 0:
        errors["province_paid_fen"] = "已缴金额不能为负数。"
    if county_paid_fen < 0:
        errors["county_paid_fen"] = "已缴金额不能为负数。"
    _raise_if(errors)
    with transaction.atomic():
        policy = _policy_for_change(actor, policy_id, frozen_ok=True)
        if province_paid_fen > policy.province_owes_fen:
            errors["province_paid_fen"] = "省级已缴金额超过了省级应承担的保费。"
        if county_paid_fen > policy.county_owes_fen:
            errors["county_paid_fen"] = "县级已缴金额超过了县级应承担的保费。"
        _raise_if(errors)
        policy.province_paid_fen = province_paid_fen
        policy.county_paid_fen = county_paid_fen
        return save_audited(
            policy,
            actor=actor,
            duplicate="",
            update_fields=["province_paid_fen", "county_paid_fen", "updated_at"],
        )


@dataclass(frozen=True)
class StandardInput:
    crop: str
    stage: str
    yuan_per_mu: Decimal


def standards_set(*, actor: User, policy_id: int, rows: list[StandardInput]) -> Policy:
    """Replace a policy year's standards table before it starts; frozen after (raises
    InvalidTransition and changes nothing)."""
    errors: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows, start=1):
        crop, stage = row.crop.strip(), row.stage.strip()
        if not crop or not stage or len(crop) > 20 or len(stage) > 20:
            errors[f"row_{n}"] = f"第{n}行：请填写作物和生长期（各不超过20个字）。"
        elif (crop, stage) in seen:
            errors[f"row_{n}"] = f"第{n}行：{crop}{stage}重复。"
        elif not row.yuan_per_mu.is_finite() or not (
            Decimal("0") < row.yuan_per_mu < Decimal("100000")
        ):
            errors[f"row_{n}"] = f"第{n}行：赔偿标准应大于0、小于100,000元/亩。"
        elif row.yuan_per_mu != row.yuan_per_mu.quantize(rules.FEN):
            errors[f"row_{n}"] = f"第{n}行：赔偿标准最多保留两位小数。"
        seen.add((crop, stage))
    if not rows:
        errors["rows"] = "赔偿标准表至少要有一行。"
    _raise_if(errors)
    with transaction.atomic():
        policy = _policy_for_change(actor, policy_id)
        policy.standards.all().delete()
        Standard.objects.bulk_create(
            Standard(
                policy=policy, crop=r.crop.strip(), stage=r.stage.strip(), yuan_per_mu=r.yuan_per_mu
            )
            for r in rows
        )
        policy._change_reason = f"赔偿标准表更新为{len(rows)}行"  # type: ignore[attr-defined]
        return save_audited(policy, actor=actor, duplicate="", update_fields=["updated_at"])


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class ReportInput:
    region_code: str  # the village (or township) where the loss is
    crop: str
    area_mu: Decimal | str
    species: str
    damaged_on: dt.date
    description: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    location_source: str = ""
    farmer_id: int | None = None  # an official reporting on a farmer's behalf


def _report_farmer(actor: User, farmer_id: int | None) -> Person:
    if selectors.is_farmer(actor):
        if actor.person_id is None:
            raise Forbidden("您的账号尚未关联本人档案，请到乡镇（街道）办理。")
        if farmer_id not in (None, actor.person_id):
            raise Forbidden("只能为本人报案；代他人报案请由村、乡镇工作人员办理。")
        return Person.objects.get(pk=actor.person_id)
    if farmer_id is None:
        raise _invalid("farmer", "请选择受损农户。")
    farmer = Person.objects.select_related("region").filter(pk=farmer_id).first()
    if farmer is None:
        raise NotFound("未找到该农户，请先在人员档案中登记。")
    region_act_require(actor, farmer.region)
    return farmer


def claim_report(
    *,
    actor: User,
    data: ReportInput,
    photos: list[UploadedFile] | None = None,
    at: dt.datetime | None = None,
) -> Claim:
    """有损即报: a loss report by the farmer (a citizen) or by a village or township official on
    a farmer's behalf. Photos are images only, checked before anything is saved. The county's
    policy year covering the day of the loss must cover the species and the crop. Its
    acceptance is due the same working day. Raises Forbidden, NotFound, InvalidInput."""
    _require(actor, Perm.WILDLIFE_REPORT)
    when = at or now()
    day = timezone.localtime(when).date()
    errors: dict[str, str] = {}
    checked = _photos_accept("photos", photos or [])
    try:
        area = rules.area_parse(data.area_mu)
    except rules.AmountError as exc:
        errors["area_mu"] = exc.message
        area = Decimal("0")
    problem = core_rules.event_date_problem("受损日期", data.damaged_on, today=day)
    if problem:
        errors["damaged_on"] = problem
    elif (day - data.damaged_on).days > 90:
        errors["damaged_on"] = "受损日期在90天以前：请在发现损失后及时报案。"
    region = Region.objects.filter(code=data.region_code).select_related("parent").first()
    if region is None or region.level not in (Region.Level.VILLAGE, Region.Level.TOWNSHIP):
        errors["region"] = "请选择受损地点所在的村（或乡镇）。"
    has_point = data.latitude is not None and data.longitude is not None
    if has_point and not (
        Decimal("-90") <= data.latitude <= Decimal("90")  # type: ignore[operator]
        and Decimal("-180") <= data.longitude <= Decimal("180")  # type: ignore[operator]
    ):
        errors["location"] = "位置坐标无效，请重新定位或在村内选点。"
    if data.location_source not in Claim.Location.values:
        errors["location"] = "位置来源无效。"
    elif has_point and data.location_source == Claim.Location.VILLAGE and "location" not in errors:
        off_map = rules.picked_point_problem(data.latitude, data.longitude)  # type: ignore[arg-type]
        if off_map:
            errors["location"] = off_map
    _raise_if(errors)
    assert region is not None  # noqa: S101 - errors would have been raised
    farmer = _report_farmer(actor, data.farmer_id)
    if not selectors.is_farmer(actor):
        region_act_require(actor, region)
    policy = selectors.policy_for(region, data.damaged_on)
    if policy is None:
        raise _invalid(
            "damaged_on",
            f"{data.damaged_on:%Y年%m月%d日}不在本县任何一年救助责任险的保险期间内，"
            "请核对受损日期，或咨询县林业部门。",
        )
    if data.species not in policy.species:
        raise _invalid(
            "species",
            f"“{data.species}”不在{policy.year}年度保障物种名单内，"
            f"可选：{'、'.join(policy.species)}。",
        )
    crops = sorted({c for c, _s in selectors.standards_of(policy)})
    if data.crop not in crops:
        raise _invalid(
            "crop", f"{policy.year}年度赔偿标准中没有“{data.crop}”，可选：{'、'.join(crops)}。"
        )
    calendar = WorkdayCalendar()
    try:
        accept_due = rules.accept_due(day, calendar.is_workday)
    except core_rules.CalendarUnknown as exc:
        raise CalendarUnknownYear(str(exc)) from None
    with transaction.atomic():
        claim = Claim(
            policy=policy,
            region=region,
            farmer=farmer,
            reported_by=actor,
            crop=data.crop,
            area_mu=area,
            species=data.species,
            damaged_on=data.damaged_on,
            description=(data.description or "").strip()[:500],
            latitude=data.latitude if has_point else None,
            longitude=data.longitude if has_point else None,
            location_source=data.location_source if has_point else "",
            reported_at=when,
            accept_due=accept_due,
        )
        save_audited(claim, actor=actor, duplicate="")
        _photos_save(claim, ClaimPhoto.Kind.REPORT, checked, actor)
        Event.objects.create(
            content_type=ContentType.objects.get_for_model(Claim),
            object_id=claim.pk,
            actor=actor,
            to_status=S.REPORTED,
            reason=f"{data.species}损害{data.crop}{area}亩",
        )
        return claim


# --------------------------------------------------------------------------- acceptance


def _claim_for_handler(actor: User, claim_id: int, perm: Perm = Perm.WILDLIFE_HANDLE) -> Claim:
    """A claim the actor may handle, locked: seeing is not acting (region_act_require)."""
    _require(actor, perm)
    claim = selectors.claim_get_for_user(user=actor, claim_id=claim_id)
    region_act_require(actor, claim.region)
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("region", "policy", "farmer")
        .get(pk=claim.pk)
    )


def _survey_deadline(start: dt.date) -> Deadline:
    try:
        return WorkdayCalendar().deadline_marked(start, rules.SURVEY_WORKING_DAYS)
    except CalendarUnknownYear:
        return Deadline(start + dt.timedelta(days=rules.SURVEY_WORKING_DAYS))


def claim_accept(*, actor: User, claim_id: int, at: dt.datetime | None = None) -> Claim:
    """即报即接: accept a report; the survey is due within 5 working days."""
    when = at or now()
    with transaction.atomic():
        claim = _claim_for_handler(actor, claim_id)
        day = timezone.localtime(when).date()
        due = _survey_deadline(day)
        record_transition(
            obj=claim,
            allowed=CLAIM_TRANSITIONS,
            to_status=S.ACCEPTED,
            actor=actor,
            reason=f"查勘期限：{due.date:%Y年%m月%d日}",
        )
        claim.accepted_at = when
        claim.accepted_by = actor
        claim.survey_from = day
        claim.deadline = due.date
        claim.deadline_provisional = due.provisional
        claim.save(
            update_fields=[
                "accepted_at",
                "accepted_by",
                "survey_from",
                "deadline",
                "deadline_provisional",
            ]
        )
        notifications.claim_changed(claim)
        return claim


def claim_reject(
    *,
    actor: User,
    claim_id: int,
    exclusion: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> Claim:
    """Refuse a report with one of the exclusions of RULES.md §5 as the reason, which the
    farmer sees. Raises InvalidInput for another reason; nothing changes then."""
    try:
        reason = rules.Exclusion(exclusion)
    except ValueError:
        raise _invalid("exclusion", "请选择不予受理的原因（救助责任险的免责情形之一）。") from None
    note = (note or "").strip()
    if core_rules.text_has_control_characters(note):
        raise _invalid("note", core_rules.CONTROL_CHARACTERS_MESSAGE)
    with transaction.atomic():
        claim = _claim_for_handler(actor, claim_id)
        record_transition(
            obj=claim,
            allowed=CLAIM_TRANSITIONS,
            to_status=S.REJECTED,
            actor=actor,
            reason=rules.EXCLUSION_LABELS[reason] + (f"：{note}" if note else ""),
        )
        claim.rejected_at = at or now()
        claim.exclusion = reason.value
        claim.rejection_note = note[:300]
        claim.save(update_fields=["rejected_at", "exclusion", "rejection_note"])
        notifications.claim_changed(
            claim, reason=rules.EXCLUSION_LABELS[reason] + (f"：{note}" if note else "")
        )
        return claim


# --------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class SurveyEntry:
    claim_id: int
    crop: str
    stage: str
    area_mu: Decimal | str
    loss_percent: int


def visit_record(
    *,
    actor: User,
    visited_on: dt.date,
    entries: list[SurveyEntry],
    note: str = "",
    photos: dict[int, list[UploadedFile]] | None = None,
    at: dt.datetime | None = None,
) -> SurveyVisit:
    """A survey visit: one or several accepted claims of one village, each with its lines (crop,
    stage, area, loss degree) priced by the year's standards table (amount rounded half up to
    the fen). All or nothing. Raises Forbidden, NotFound, InvalidInput, InvalidTransition."""
    _require(actor, Perm.WILDLIFE_HANDLE)
    when = at or now()
    if not entries:
        raise _invalid("entries", "请至少填写一户的查勘结果。")
    problem = core_rules.event_date_problem(
        "查勘日期", visited_on, today=timezone.localtime(when).date()
    )
    if problem:
        raise _invalid("visited_on", problem)
    checked = {
        claim_id: _photos_accept(f"photos_{claim_id}", files)
        for claim_id, files in (photos or {}).items()
    }
    errors: dict[str, str] = {}
    areas: dict[int, Decimal] = {}
    for n, entry in enumerate(entries):
        try:
            areas[n] = rules.area_parse(entry.area_mu)
            rules.loss_percent_check(entry.loss_percent)
        except rules.AmountError as exc:
            errors[f"claim_{entry.claim_id}"] = exc.message
    _raise_if(errors)
    with transaction.atomic():
        claims: dict[int, Claim] = {}
        for claim_id in sorted({e.claim_id for e in entries}):
            claims[claim_id] = _claim_for_handler(actor, claim_id)
        villages = {c.region_id for c in claims.values()}
        if len(villages) > 1:
            raise _invalid("entries", "一次查勘只能包括同一个村的报案。")
        first = next(iter(claims.values()))
        for claim in claims.values():
            if claim.status != S.ACCEPTED:
                raise InvalidTransition(
                    f"报案{claim.number}当前为“{claim.get_status_display()}”，不能查勘定损。"
                )
            if visited_on < timezone.localtime(claim.accepted_at).date():  # type: ignore[arg-type]
                raise _invalid("visited_on", f"查勘日期早于报案{claim.number}的接案日期。")
        visit = SurveyVisit.objects.create(
            region=first.region, visited_on=visited_on, surveyor=actor, note=(note or "")[:500]
        )
        totals: dict[int, int] = dict.fromkeys(claims, 0)
        for n, entry in enumerate(entries):
            claim = claims[entry.claim_id]
            standard = Standard.objects.filter(
                policy_id=claim.policy_id, crop=entry.crop, stage=entry.stage
            ).first()
            if standard is None:
                raise _invalid(
                    f"claim_{claim.pk}",
                    f"{claim.policy.year}年度赔偿标准中没有{entry.crop}{entry.stage}的标准。",
                )
            value = rules.amount(areas[n], standard.yuan_per_mu, entry.loss_percent)
            fen = rules.yuan_to_fen(value)
            SurveyItem.objects.create(
                claim=claim,
                visit=visit,
                crop=entry.crop,
                stage=entry.stage,
                area_mu=areas[n],
                loss_percent=entry.loss_percent,
                yuan_per_mu=standard.yuan_per_mu,
                amount_fen=fen,
            )
            totals[claim.pk] += fen
        for claim in claims.values():
            record_transition(
                obj=claim,
                allowed=CLAIM_TRANSITIONS,
                to_status=S.SURVEYED,
                actor=actor,
                reason=f"定损金额{rules.fen_to_yuan(totals[claim.pk])}元",
            )
            claim.visit = visit
            claim.surveyed_at = when
            claim.amount_fen = totals[claim.pk]
            claim.save(update_fields=["visit", "surveyed_at", "amount_fen"])
            _photos_save(claim, ClaimPhoto.Kind.SURVEY, checked.get(claim.pk, []), actor)
            notifications.claim_changed(claim)
        return visit


# --------------------------------------------------------------------------- agreement


def _claim_for_farmer(actor: User, claim_id: int) -> Claim:
    """A claim the farmer owns (or, for an official reporting on farmers' behalf, one of their
    regions), locked."""
    _require(actor, Perm.WILDLIFE_REPORT)
    claim = selectors.claim_get_for_user(user=actor, claim_id=claim_id)
    if selectors.is_farmer(actor):
        if claim.farmer_id != actor.person_id:
            raise NotFound()
    else:
        region_act_require(actor, claim.region)
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("region", "policy", "farmer")
        .get(pk=claim.pk)
    )


def claim_confirm(*, actor: User, claim_id: int, at: dt.datetime | None = None) -> Claim:
    """The farmer agrees to the surveyed amount: payment is due within 10 days."""
    when = at or now()
    with transaction.atomic():
        claim = _claim_for_farmer(actor, claim_id)
        due = rules.payment_due(timezone.localtime(when).date())
        record_transition(
            obj=claim,
            allowed=CLAIM_TRANSITIONS,
            to_status=S.AGREED,
            actor=actor,
            reason=f"农户确认定损金额{rules.fen_to_yuan(claim.amount_fen or 0)}元，"
            f"应于{due:%Y年%m月%d日}前赔付",
        )
        claim.agreed_at = when
        claim.payment_due = due
        claim.save(update_fields=["agreed_at", "payment_due"])
        return claim


def claim_dispute(*, actor: User, claim_id: int, note: str, at: dt.datetime | None = None) -> Claim:
    """The farmer disputes the amount: the survey reopens (a new 5 working days), the disputed
    survey's lines are kept but no longer count."""
    note = (note or "").strip()
    if not note:
        raise _invalid("note", "请写明对定损结果的异议，如“实际受损面积约3亩”。")
    if core_rules.text_has_control_characters(note):
        raise _invalid("note", core_rules.CONTROL_CHARACTERS_MESSAGE)
    when = at or now()
    with transaction.atomic():
        claim = _claim_for_farmer(actor, claim_id)
        if claim.status != S.SURVEYED:
            raise InvalidTransition(
                f"报案当前为“{claim.get_status_display()}”，只有待确认的定损结果可以提出异议。"
            )
        day = timezone.localtime(when).date()
        due = _survey_deadline(day)
        record_transition(
            obj=claim,
            allowed=CLAIM_TRANSITIONS,
            to_status=S.ACCEPTED,
            actor=actor,
            reason=f"农户对定损结果有异议：{note}",
        )
        claim.items.filter(current=True).update(current=False)
        claim.disputes += 1  # the row is locked
        claim.dispute_note = note[:300]
        claim.amount_fen = None
        claim.survey_from = day
        claim.deadline = due.date
        claim.deadline_provisional = due.provisional
        claim.save(
            update_fields=[
                "disputes",
                "dispute_note",
                "amount_fen",
                "survey_from",
                "deadline",
                "deadline_provisional",
            ]
        )
        return claim


# --------------------------------------------------------------------------- payouts


def _payout_commit(policy_id: int, claim: Claim) -> rules.Payout:
    """Take a claim's amount from the policy year's limit, in the caller's transaction: the
    policy row is locked, so racing payouts are serialised, and a payout larger than what is
    left is paid up to what is left (the rest is the shortfall). The database's check
    constraint (committed ≤ limit) holds it as well."""
    policy = Policy.objects.select_for_update().get(pk=policy_id)
    payout = rules.payout_within_limit(claim.amount_fen or 0, policy.left_fen)
    if payout.paid:
        Policy.objects.filter(pk=policy.pk).update(committed_fen=F("committed_fen") + payout.paid)
    return payout


def batch_create(
    *,
    actor: User,
    policy_id: int,
    claim_ids: list[int] | None = None,
    name: str = "",
    at: dt.datetime | None = None,
) -> PayoutBatch:
    """A payout batch of a policy year: the agreed claims given (default: every agreed claim of
    the year the actor may act on), each paid within what is left of the aggregate limit.
    Raises Forbidden, NotFound, InvalidInput (no claim to pay)."""
    _require(actor, Perm.WILDLIFE_PAY)
    policy = selectors.policy_get_for_user(user=actor, policy_id=policy_id)
    region_act_require(actor, policy.region)
    with transaction.atomic():
        qs = selectors.claim_scope(actor).filter(policy=policy, status=S.AGREED)
        if claim_ids is not None:
            qs = qs.filter(pk__in=claim_ids)
        ids = list(qs.order_by("agreed_at", "pk").values_list("pk", flat=True))
        if claim_ids is not None and len(ids) != len(set(claim_ids)):
            raise _invalid("claims", "所选报案中有不属于该保单、不在您负责的区域或不是待赔付的。")
        if not ids:
            raise _invalid("claims", "该保单年度没有待赔付（农户已确认）的报案。")
        when = at or now()
        batch = PayoutBatch.objects.create(
            policy=policy,
            region=policy.region,
            name=(name or "").strip()[:100]
            or f"{policy.region.name}{policy.year}年度赔付{timezone.localtime(when):%Y%m%d%H%M}",
            created_by=actor,
        )
        total = count = 0
        for claim_id in ids:
            claim = (
                Claim.objects.select_for_update(of=("self",))
                .select_related("farmer", "region")
                .get(pk=claim_id)
            )
            if claim.status != S.AGREED:
                continue  # taken by a racing batch
            region_act_require(actor, claim.region)
            payout = _payout_commit(policy.pk, claim)
            farmer = claim.farmer
            PayoutLine.objects.create(
                batch=batch,
                claim=claim,
                amount_fen=payout.paid,
                shortfall_fen=payout.shortfall,
                payee=farmer.name,
                bank_name=farmer.bank_name,
                bank_account=farmer.bank_account,
            )
            claim.shortfall_fen = payout.shortfall
            claim.save(update_fields=["shortfall_fen"])
            shortfall = (
                f"；超出累计赔偿限额{rules.fen_to_yuan(payout.shortfall)}元未赔"
                if payout.shortfall
                else ""
            )
            record_transition(
                obj=claim,
                allowed=CLAIM_TRANSITIONS,
                to_status=S.PAYING,
                actor=actor,
                reason=f"列入{batch.name}，发放{rules.fen_to_yuan(payout.paid)}元{shortfall}",
            )
            if payout.paid == 0:  # the limit is used up: nothing goes to the bank
                PayoutLine.objects.filter(batch=batch, claim=claim).update(
                    status=PayoutLine.Status.PAID, settled_on=timezone.localtime(when).date()
                )
                record_transition(
                    obj=claim,
                    allowed=CLAIM_TRANSITIONS,
                    to_status=S.PAID,
                    actor=actor,
                    reason="累计赔偿限额已用尽，未赔付",
                )
                claim.paid_at = when
                claim.save(update_fields=["paid_at"])
                notifications.claim_changed(claim, reason="本年度累计赔偿限额已用尽，未能赔付")
            else:
                notifications.claim_changed(
                    claim, reason=f"发放{rules.fen_to_yuan(payout.paid)}元{shortfall}"
                )
            total += payout.paid
            count += 1
        batch.total_fen = total
        batch.line_count = count
        batch.save(update_fields=["total_fen", "line_count"])
        return batch


@dataclass(frozen=True)
class LineResult:
    line_id: int
    paid: bool
    reason: str = ""
    on: dt.date | None = None


def batch_result_apply(
    *, actor: User, batch_id: int, results: list[LineResult], at: dt.datetime | None = None
) -> PayoutBatch:
    """The bank's result: a paid line pays its claim; a failed line returns the claim to
    agreed and its amount to the limit (paid again in a later batch). A batch whose every line
    is settled is settled. Raises InvalidInput for an unknown or settled line."""
    _require(actor, Perm.WILDLIFE_PAY)
    batch = selectors.batch_get_for_user(user=actor, batch_id=batch_id)
    region_act_require(actor, batch.region)
    when = at or now()
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        lines = {
            line.pk: line
            for line in PayoutLine.objects.select_for_update(of=("self",)).filter(batch=batch)
        }
        for result in results:
            line = lines.get(result.line_id)
            if line is None:
                raise _invalid("lines", f"明细编号{result.line_id}不属于本批次。")
            if line.status != PayoutLine.Status.PENDING:
                raise _invalid("lines", f"明细编号{result.line_id}已回盘，不能重复回盘。")
            if not result.paid and not result.reason.strip():
                raise _invalid("lines", f"明细编号{result.line_id}发放失败，请填写失败原因。")
            claim = Claim.objects.select_for_update(of=("self",)).get(pk=line.claim_id)
            day = result.on or timezone.localtime(when).date()
            if result.paid:
                line.status = PayoutLine.Status.PAID
                line.settled_on = day
                line.save(update_fields=["status", "settled_on"])
                record_transition(
                    obj=claim,
                    allowed=CLAIM_TRANSITIONS,
                    to_status=S.PAID,
                    actor=actor,
                    reason=f"银行发放成功{rules.fen_to_yuan(line.amount_fen)}元",
                )
                claim.paid_at = when
                claim.paid_fen = line.amount_fen
                claim.save(update_fields=["paid_at", "paid_fen"])
                notifications.claim_changed(claim)
            else:
                line.status = PayoutLine.Status.FAILED
                line.failure_reason = result.reason.strip()[:200]
                line.settled_on = day
                line.save(update_fields=["status", "failure_reason", "settled_on"])
                Policy.objects.select_for_update().filter(pk=batch.policy_id).update(
                    committed_fen=F("committed_fen") - line.amount_fen
                )
                claim.shortfall_fen = 0
                claim.save(update_fields=["shortfall_fen"])
                record_transition(
                    obj=claim,
                    allowed=CLAIM_TRANSITIONS,
                    to_status=S.AGREED,
                    actor=actor,
                    reason=f"银行发放失败：{line.failure_reason}",
                )
                notifications.claim_changed(claim, reason=line.failure_reason)
        if not any(line.status == PayoutLine.Status.PENDING for line in lines.values()):
            record_transition(
                obj=batch,
                allowed=BATCH_TRANSITIONS,
                to_status=B.SETTLED,
                actor=actor,
                reason="银行回盘已全部导入",
            )
            batch.settled_at = when
            batch.save(update_fields=["settled_at"])
        return batch
