"""Writes of the childcare module: one function per use case, each in one transaction, each
re-evaluating the institution's compliance before it commits.

The life cycles, readable in one place: INSTITUTION_TRANSITIONS, FILING_TRANSITIONS,
RECOGNITION_TRANSITIONS, ENROLLMENT_TRANSITIONS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from huimin.childcare import rules
from huimin.childcare.models import (
    Attendance,
    CareClass,
    Enrollment,
    Filing,
    FilingDocument,
    Finding,
    FoodSample,
    GuidanceVisit,
    HealthCheck,
    InclusiveRecognition,
    Institution,
    MedicalExam,
    OperatorBinding,
    OutdoorActivity,
    PriceCap,
    SafetyRecord,
    Staff,
    TrainingRecord,
)
from huimin.childcare.selectors import (
    filing_get_for_user,
    institution_facts,
    institution_get_for_user,
    institution_scope,
    price_caps_fen,
)
from huimin.core import cache
from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, InvalidInput, NotFound
from huimin.core.models import Person, Region, User
from huimin.core.selectors import region_get_for_user, working_deadline_marked
from huimin.core.services import person_ensure, record_transition, save_audited
from huimin.core.uploads import upload_accept

S = Institution.Status
INSTITUTION_TRANSITIONS: dict[str, set[str]] = {
    S.REGISTERED: {S.FILING},
    S.FILING: {S.FILED, S.REGISTERED},
    S.FILED: {S.CLOSING},
    S.CLOSING: {S.CLOSED, S.FILED},
    S.CLOSED: set(),
}
F = Filing.Status
FILING_TRANSITIONS: dict[str, set[str]] = {
    F.SUBMITTED: {F.ACKNOWLEDGED, F.RETURNED},
    F.ACKNOWLEDGED: set(),
    F.RETURNED: set(),
}
R = InclusiveRecognition.Status
R_IN_FORCE = InclusiveRecognition.IN_FORCE
RECOGNITION_TRANSITIONS: dict[str, set[str]] = {
    R.APPLIED: {R.RECOGNISED, R.REFUSED},
    # while in force the county may set a deadline to correct, suspend the operating subsidy,
    # revoke; a correction made or a suspension lifted returns to plain recognised
    R.RECOGNISED: {R.CORRECTING, R.SUSPENDED, R.REVOKED, R.EXPIRED},
    R.CORRECTING: {R.RECOGNISED, R.SUSPENDED, R.REVOKED, R.EXPIRED},
    R.SUSPENDED: {R.RECOGNISED, R.REVOKED, R.EXPIRED},
    R.REVOKED: set(),
    R.REFUSED: set(),
    R.EXPIRED: set(),
}
#: The county's actions on a recognition in force (recognition_transition).
RECOGNITION_ACTIONS = (R.CORRECTING, R.SUSPENDED, R.REVOKED, R.RECOGNISED)
E = Enrollment.Status
ENROLLMENT_TRANSITIONS: dict[str, set[str]] = {E.ACTIVE: {E.WITHDRAWN}, E.WITHDRAWN: set()}


def today() -> dt.date:
    return timezone.localdate()


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field: message})


def _not_future(field: str, label: str, day: dt.date | None) -> None:
    """Records and check dates describe what happened: none lies after today, nor before the
    earliest date a record can have (core's rule)."""
    if day is not None and (message := core_rules.event_date_problem(label, day, today=today())):
        raise _invalid(field, message)


# --------------------------------------------------------------------------- compliance


def compliance_refresh(*, institution: Institution, on: dt.date | None = None) -> list[Finding]:
    """Evaluate every rule for an institution and reconcile its findings: new breaches open a
    finding, breaches that are gone resolve theirs. Runs inside the caller's transaction and
    locks the institution row, so two refreshes of one institution never race. Returns the
    open findings."""
    on = on or today()
    list(Institution.objects.select_for_update().filter(pk=institution.pk).values_list("pk"))
    found = rules.compliance_evaluate(institution_facts(institution, today=on))
    current = {(f.rule, f.subject): f for f in found}
    open_rows = {
        (row.rule, row.subject): row
        for row in Finding.objects.select_for_update().filter(
            institution=institution, status=Finding.Status.OPEN
        )
    }
    now = timezone.now()
    gone = [row.pk for key, row in open_rows.items() if key not in current]
    if gone:
        Finding.objects.filter(pk__in=gone).update(status=Finding.Status.RESOLVED, resolved_at=now)
    for key, finding in current.items():
        row = open_rows.get(key)
        values = {
            "severity": finding.severity,
            "message": finding.message[:300],
            "found": finding.found[:100],
            "required": finding.required[:100],
        }
        if row is None:
            Finding.objects.create(
                institution=institution, rule=finding.rule, subject=finding.subject[:100], **values
            )
        elif any(getattr(row, k) != v for k, v in values.items()):
            Finding.objects.filter(pk=row.pk).update(**values)
    return list(institution.findings.filter(status=Finding.Status.OPEN))


def institution_compliance_refresh(*, actor: User, institution_id: int) -> list[Finding]:
    """Re-evaluate an institution's compliance now. It writes (findings open and close), so it
    is for those who keep or judge the institution's records — its operator, the county that
    files it — not for everyone who may see it. Raises Forbidden, NotFound."""
    with transaction.atomic():
        institution = _managed(actor, institution_id, lock=False)
        return compliance_refresh(institution=institution)


def _managed(actor: User, institution_id: int, *, lock: bool = True) -> Institution:
    """The institution an operator (or a county official acting for it) may keep records of,
    locked for the transaction. Raises Forbidden, NotFound."""
    if not (
        actor.can(core_rules.Perm.INSTITUTION_MANAGE) or actor.can(core_rules.Perm.FILING_DECIDE)
    ):
        raise Forbidden("您的角色无权维护托育机构的记录。")
    institution = institution_get_for_user(user=actor, institution_id=institution_id)
    if institution.status == S.CLOSED:
        raise InvalidInput("该机构已注销，不能再修改记录。")
    if lock:
        return Institution.objects.select_for_update().get(pk=institution.pk)
    return institution


# --------------------------------------------------------------------------- institutions

PROFILE_FIELDS = (
    "name",
    "kind",
    "address",
    "legal_person",
    "phone",
    "capacity",
    "full_day",
    "half_day",
    "hourly",
    "temporary",
    "fee_full_day",
    "fee_half_day",
    "fee_hourly",
    "fee_temporary",
    "serves_meals",
    "premises_owned",
    "lease_years",
    "monitoring_coverage_percent",
    "recording_retention_days",
    "fire_safety_manager",
    "health_partner",
)


NON_NEGATIVE_FIELDS = (
    "fee_full_day",
    "fee_half_day",
    "fee_hourly",
    "fee_temporary",
    "lease_years",
    "recording_retention_days",
)


def _clean_profile(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in PROFILE_FIELDS if k in data}
    errors = {}
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = "请填写机构名称。"
    if "kind" in values and values["kind"] not in Institution.Kind.values:
        errors["kind"] = "请选择机构类型。"
    if "capacity" in values and (values["capacity"] is None or values["capacity"] < 1):
        errors["capacity"] = "核定托位数至少为1。"
    if "phone" in values:
        try:
            values["phone"] = core_rules.phone_normalize(values["phone"] or "")
        except ValueError as exc:
            errors["phone"] = str(exc)
    coverage = values.get("monitoring_coverage_percent")
    if coverage is not None and not 0 <= coverage <= 100:
        errors["monitoring_coverage_percent"] = "监控覆盖率应在0至100之间。"
    for key in NON_NEGATIVE_FIELDS:
        value = values.get(key)
        if value is not None and value < 0:
            label = getattr(Institution._meta.get_field(key), "verbose_name", key)
            errors[key] = f"{label}不能为负数。"
    if errors:
        raise InvalidInput("；".join(errors.values()), field_errors=errors)
    return values


def institution_register(*, actor: User, region_code: str, **data: Any) -> Institution:
    """Register an institution (not yet filed). An operator's account is bound to it.
    Raises Forbidden, InvalidInput, NotFound."""
    is_operator = actor.role == core_rules.Role.OPERATOR and not actor.is_superuser
    if not (
        actor.can(core_rules.Perm.INSTITUTION_MANAGE) or actor.can(core_rules.Perm.FILING_DECIDE)
    ):
        raise Forbidden("您的角色无权登记托育机构。")
    if is_operator and OperatorBinding.objects.filter(user=actor).exists():
        raise InvalidInput("您的账号已绑定一家托育机构，不能再登记新的机构。")
    values = _clean_profile(data)
    for required in ("name", "kind", "address", "legal_person", "capacity"):
        if required not in values:
            raise _invalid(required, "请填写机构名称、类型、地址、法定代表人和托位数。")
    if is_operator:  # an operator registers where the institution is
        region = Region.objects.filter(code=region_code).exclude(level=Region.Level.CITY).first()
        if region is None:
            raise _invalid("region", "请选择机构所在的县（市、区）或乡镇（街道）。")
    else:
        region = region_get_for_user(user=actor, code=region_code)
    with transaction.atomic():
        institution = Institution(region=region, **values)
        institution._history_user = actor  # type: ignore[attr-defined]
        institution.save()
        if is_operator:
            OperatorBinding.objects.create(user=actor, institution=institution)
        compliance_refresh(institution=institution)
    return institution


def institution_update(
    *, actor: User, institution_id: int, summary: str = "", **data: Any
) -> Institution:
    """Change an institution's profile. A filed institution's change is filed again: it opens
    a change filing for the county (RULES.md §2). Raises Forbidden, InvalidInput, NotFound."""
    values = _clean_profile(data)
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        changed = [k for k, v in values.items() if getattr(institution, k) != v]
        if not changed:
            return institution
        if institution.status != S.REGISTERED and not institution.filed_name:
            # filed before the acknowledged name was kept: the name it was filed under stays
            # public until the county acknowledges the change
            institution.filed_name = institution.name
            changed_fields = [*changed, "filed_name"]
        else:
            changed_fields = changed
        for key in changed:
            setattr(institution, key, values[key])
        institution._history_user = actor  # type: ignore[attr-defined]
        institution.save(update_fields=[*changed_fields, "updated_at"])
        if (
            institution.status == S.FILED
            and not institution.filings.filter(status=F.SUBMITTED).exists()
        ):
            labels = [
                str(getattr(Institution._meta.get_field(k), "verbose_name", k)) for k in changed
            ]
            _filing_open(
                institution=institution,
                actor=actor,
                kind=Filing.Kind.CHANGE,
                summary=summary or "变更：" + "、".join(labels),
            )
        compliance_refresh(institution=institution)
    return institution


def document_upload(
    *, actor: User, institution_id: int, material: str, upload: UploadedFile
) -> FilingDocument:
    """Attach a filing material (PDF or image, at most 10 MB, judged by its content; an image
    is stored re-encoded). Raises InvalidInput."""
    if material not in rules.FILING_MATERIALS:
        raise _invalid("material", "请选择材料类型。")
    checked = upload_accept("file", upload)
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        return FilingDocument.objects.create(
            institution=institution,
            material=material,
            file=checked.file,
            original_name=checked.name[:200],
            uploaded_by=actor,
        )


# --------------------------------------------------------------------------- filing


def _filing_open(*, institution: Institution, actor: User, kind: str, summary: str) -> Filing:
    deadline = working_deadline_marked(start=today(), working_days=rules.FILING_ACK_WORKING_DAYS)
    filing = Filing(
        institution=institution,
        kind=kind,
        summary=summary,
        submitted_by=actor,
        deadline=deadline.date,
        deadline_provisional=deadline.provisional,
    )
    return save_audited(
        filing,
        actor=actor,
        duplicate="该机构已有一份待县级审核的备案，请等待审核结果后再提交。",
    )


def filing_submit(*, actor: User, institution_id: int, kind: str, summary: str = "") -> Filing:
    """Submit a first filing (all materials present, premises owned or leased ≥ 3 years) or a
    closure; the county must answer within 5 working days. Raises InvalidInput,
    InvalidTransition, Duplicate."""
    if kind not in (Filing.Kind.INITIAL, Filing.Kind.CLOSURE):
        raise _invalid("kind", "请选择首次备案或注销备案；变更在修改机构信息时自动提交。")
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        if kind == Filing.Kind.INITIAL:
            problems = rules.filing_problems(
                uploaded=institution.documents.values_list("material", flat=True),
                serves_meals=institution.serves_meals,
                premises_owned=institution.premises_owned,
                lease_years=institution.lease_years,
            )
            if problems:
                raise InvalidInput("还不能提交备案：" + "；".join(problems) + "。")
            target = S.FILING
        else:
            if not summary.strip():
                raise _invalid("summary", "请说明注销原因和在托幼儿的安置情况。")
            target = S.CLOSING
        record_transition(
            obj=institution,
            allowed=INSTITUTION_TRANSITIONS,
            to_status=target,
            actor=actor,
            reason=str(Filing.Kind(kind).label),
        )
        return _filing_open(institution=institution, actor=actor, kind=kind, summary=summary)


def filing_decide(
    *,
    actor: User,
    filing_id: int,
    acknowledge: bool,
    missing: Iterable[str] = (),
    note: str = "",
) -> Filing:
    """The county acknowledges a filing or returns it with what is missing. Raises Forbidden,
    InvalidInput, InvalidTransition, NotFound."""
    if not actor.can(core_rules.Perm.FILING_DECIDE):
        raise Forbidden("只有县级卫生健康部门可以办理备案。")
    missing = [m for m in missing if m]
    unknown = [m for m in missing if m not in rules.FILING_MATERIALS]
    if unknown:
        raise _invalid("missing", f"未知的材料类型：{'、'.join(unknown)}。")
    if not acknowledge and not missing and not note.strip():
        raise _invalid("note", "退回补正时，请勾选缺少或不合格的材料，或写明需要补正的内容。")
    with transaction.atomic():
        filing = Filing.objects.select_for_update().get(
            pk=filing_get_for_user(user=actor, filing_id=filing_id).pk
        )
        institution = Institution.objects.select_for_update().get(pk=filing.institution_id)
        to_status = F.ACKNOWLEDGED if acknowledge else F.RETURNED
        record_transition(
            obj=filing, allowed=FILING_TRANSITIONS, to_status=to_status, actor=actor, reason=note
        )
        filing.decided_at = timezone.now()
        filing.decided_by = actor
        filing.missing = [] if acknowledge else missing
        filing.decision_note = note
        filing.save(update_fields=["decided_at", "decided_by", "missing", "decision_note"])
        targets: dict[tuple[str, bool], str] = {
            (Filing.Kind.INITIAL, True): S.FILED,
            (Filing.Kind.INITIAL, False): S.REGISTERED,
            (Filing.Kind.CLOSURE, True): S.CLOSED,
            (Filing.Kind.CLOSURE, False): S.FILED,
        }
        if acknowledge and institution.filed_name != institution.name:
            institution.filed_name = institution.name  # the public pages show it from now
            institution._history_user = actor  # type: ignore[attr-defined]
            institution.save(update_fields=["filed_name"])
        target = targets.get((filing.kind, acknowledge))
        if target is not None:
            record_transition(
                obj=institution,
                allowed=INSTITUTION_TRANSITIONS,
                to_status=target,
                actor=actor,
                reason=f"{filing.get_kind_display()}{to_status.label}",
            )
        # the public supervision page shows filed institutions by their acknowledged name
        cache.bump(cache.SUPERVISION_PUBLIC)
    return filing


# --------------------------------------------------------------------------- inclusive


def recognition_apply(*, actor: User, institution_id: int) -> InclusiveRecognition:
    """A filed institution applies for inclusive recognition (or renewal within 90 days of
    expiry). Raises InvalidInput, Duplicate."""
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        if institution.status != S.FILED:
            raise InvalidInput("只有已备案的机构才能申请普惠认定，请先完成备案。")
        # the last period granted counts, not only the current one: a renewal already granted
        # must not be applied for again
        latest = _recognised_through(institution, today())
        window = today() + dt.timedelta(days=rules.RENEWAL_WINDOW_DAYS)
        if latest is not None and latest.valid_to and latest.valid_to > window:
            raise InvalidInput(
                f"已认定为普惠托育机构，有效期至{latest.valid_to}；"
                f"到期前{rules.RENEWAL_WINDOW_DAYS}天内可申请续期。"
            )
        application = save_audited(
            InclusiveRecognition(institution=institution, applied_by=actor),
            actor=actor,
            duplicate="已有一份待认定的申请，请等待县级认定结果。",
        )
    return application


def recognition_decide(
    *, actor: User, recognition_id: int, recognise: bool, reasons: str = ""
) -> InclusiveRecognition:
    """The county recognises (criteria met: fees at or below the caps, no open serious
    findings) for RECOGNITION_VALID_YEARS, or refuses with reasons. Raises Forbidden,
    InvalidInput, InvalidTransition, NotFound."""
    if not actor.can(core_rules.Perm.RECOGNITION_DECIDE):
        raise Forbidden("只有县级卫生健康部门可以认定普惠托育机构。")
    if not recognise and not reasons.strip():
        raise _invalid("reasons", "不予认定时请写明理由。")
    with transaction.atomic():
        scoped = InclusiveRecognition.objects.filter(
            pk=recognition_id,
            institution__in=institution_scope(actor),
        ).first()
        if scoped is None:
            raise NotFound()
        application = InclusiveRecognition.objects.select_for_update().get(pk=scoped.pk)
        institution = Institution.objects.select_for_update().get(pk=application.institution_id)
        if recognise:
            compliance_refresh(institution=institution)
            problems = rules.inclusive_problems(
                fees_fen=institution.fees_fen,
                caps_fen=price_caps_fen(),
                serious_findings=institution.findings.filter(
                    status=Finding.Status.OPEN, severity=Finding.Severity.SERIOUS
                ).count(),
            )
            if institution.status != S.FILED:  # closed or closing since it applied
                label = institution.get_status_display()
                problems.insert(0, f"机构当前为“{label}”，只有已备案的机构才能认定")
            if problems:
                raise InvalidInput("不符合普惠认定条件：" + "；".join(problems) + "。")
        to_status = R.RECOGNISED if recognise else R.REFUSED
        record_transition(
            obj=application,
            allowed=RECOGNITION_TRANSITIONS,
            to_status=to_status,
            actor=actor,
            reason=reasons,
        )
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.reasons = reasons
        fields = ["decided_at", "decided_by", "reasons"]
        if recognise:
            start = today()
            previous = _recognised_through(institution, start, exclude=application.pk)
            if previous is not None and previous.valid_to:
                start = previous.valid_to + dt.timedelta(days=1)  # a renewal follows on
            application.valid_from = start
            application.valid_to = rules.add_months(
                start, 12 * rules.RECOGNITION_VALID_YEARS
            ) - dt.timedelta(days=1)
            fields += ["valid_from", "valid_to"]
        application.save(update_fields=fields)
    return application


def recognition_transition(
    *,
    actor: User,
    recognition_id: int,
    to_status: str,
    reason: str,
    correct_by: dt.date | None = None,
) -> InclusiveRecognition:
    """The county acts on a recognition in force: a deadline to correct (``correcting`` with
    ``correct_by``), suspension of the operating subsidy (``suspended``), revocation
    (``revoked``), or back to ``recognised`` once no serious finding is open. A reason is
    required; the row is locked, RECOGNITION_TRANSITIONS checked and an event written.
    Raises Forbidden, InvalidInput, InvalidTransition, NotFound."""
    if not actor.can(core_rules.Perm.RECOGNITION_DECIDE):
        raise Forbidden("只有县级卫生健康部门可以处理普惠认定。")
    if to_status not in RECOGNITION_ACTIONS:
        raise _invalid("to_status", "请选择处理方式：限期整改、暂停运营补贴、撤销认定或恢复。")
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", "请写明处理理由，机构将看到这段说明。")
    if to_status == R.CORRECTING:
        if correct_by is None:
            raise _invalid("correct_by", "限期整改时请填写整改期限。")
        if correct_by <= today():
            raise _invalid("correct_by", f"整改期限{correct_by}应晚于今天。")
    with transaction.atomic():
        scoped = InclusiveRecognition.objects.filter(
            pk=recognition_id, institution__in=institution_scope(actor)
        ).first()
        if scoped is None:
            raise NotFound()
        recognition = InclusiveRecognition.objects.select_for_update().get(pk=scoped.pk)
        institution = Institution.objects.select_for_update().get(pk=recognition.institution_id)
        if to_status == R.RECOGNISED and recognition.status in (R.CORRECTING, R.SUSPENDED):
            compliance_refresh(institution=institution)
            serious = institution.findings.filter(
                status=Finding.Status.OPEN, severity=Finding.Severity.SERIOUS
            ).count()
            if serious:
                raise InvalidInput(
                    f"机构仍有{serious}项未整改的严重合规问题，整改完成后才能恢复为已认定。"
                )
        record_transition(
            obj=recognition,
            allowed=RECOGNITION_TRANSITIONS,
            to_status=to_status,
            actor=actor,
            reason=reason if to_status != R.CORRECTING else f"限期至{correct_by}整改：{reason}",
        )
        if to_status == R.CORRECTING:
            recognition.correct_by = correct_by
            recognition.save(update_fields=["correct_by"])
        elif to_status == R.RECOGNISED and recognition.correct_by is not None:
            recognition.correct_by = None
            recognition.save(update_fields=["correct_by"])
        elif to_status == R.REVOKED:
            # a renewal already granted to follow on would otherwise restore what was revoked
            for follow_on in InclusiveRecognition.objects.select_for_update().filter(
                institution=institution, status__in=R_IN_FORCE, valid_from__gt=today()
            ):
                record_transition(
                    obj=follow_on,
                    allowed=RECOGNITION_TRANSITIONS,
                    to_status=R.REVOKED,
                    actor=actor,
                    reason=f"随第{recognition.pk}号认定一并撤销：{reason}",
                )
    return recognition


def _recognised_through(
    institution: Institution, on: dt.date, *, exclude: int | None = None
) -> InclusiveRecognition | None:
    """The recognition not yet ended on ``on`` (current, or a renewal granted to follow on)
    that ends last."""
    qs = institution.recognitions.filter(status__in=R_IN_FORCE, valid_to__gte=on)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("-valid_to").first()


def recognition_expire_due(*, on: dt.date | None = None) -> int:
    """Mark recognitions past their end date as expired (daily task). Returns how many."""
    on = on or today()
    count = 0
    for pk in InclusiveRecognition.objects.filter(
        status__in=R_IN_FORCE, valid_to__lt=on
    ).values_list("pk", flat=True):
        with transaction.atomic():
            row = InclusiveRecognition.objects.select_for_update().get(pk=pk)
            if row.status in R_IN_FORCE:
                record_transition(
                    obj=row,
                    allowed=RECOGNITION_TRANSITIONS,
                    to_status=R.EXPIRED,
                    actor=None,
                    reason=f"有效期至{row.valid_to}，已到期",
                )
                count += 1
    return count


def price_cap_set(*, actor: User, care_type: str, cap_fen: int) -> PriceCap:
    if not actor.can(core_rules.Perm.PRICE_CAP_MANAGE):
        raise Forbidden("只有市级管理员可以设置普惠价格上限。")
    if care_type not in rules.CARE_TYPE_LABELS:
        raise _invalid("care_type", "请选择托育类型。")
    if cap_fen < 0:
        raise _invalid("cap_fen", "价格上限不能为负数。")
    with transaction.atomic():
        cap, _created = PriceCap.objects.select_for_update().get_or_create(
            care_type=care_type, defaults={"cap_fen": cap_fen}
        )
        if cap.cap_fen != cap_fen:
            cap.cap_fen = cap_fen
            cap._history_user = actor  # type: ignore[attr-defined]
            cap.save(update_fields=["cap_fen"])
    return cap


# --------------------------------------------------------------------------- staff (人员)


def staff_hire(
    *,
    actor: User,
    institution_id: int,
    resident_id: str,
    name: str,
    role: str,
    hired_on: dt.date,
    full_time: bool = True,
    qualification: str = "",
    health_cert_on: dt.date | None = None,
    criminal_check_on: dt.date | None = None,
    education: str = "",
    experience_years: int | None = None,
    head_training: bool = False,
) -> Staff:
    """Record a staff member; the person is registered by resident ID if new. Raises
    InvalidInput, Duplicate."""
    if role not in Staff.Role.values:
        raise _invalid("role", "请选择岗位。")
    if education and education not in rules.EDUCATION_LEVELS:
        raise _invalid("education", "请选择学历。")
    _not_future("health_cert_on", "健康体检日期", health_cert_on)
    _not_future("criminal_check_on", "无犯罪记录查询日期", criminal_check_on)
    problems = rules.staff_date_problems(hired_on=hired_on, today=today())
    if problems:
        raise InvalidInput("；".join(problems.values()), field_errors=problems)
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        person = person_ensure(
            actor=actor, resident_id=resident_id, name=name, region=institution.region
        )
        if rules.age_in_months(person.birth_date, hired_on) < 12 * rules.STAFF_MIN_AGE_YEARS:
            raise _invalid(
                "resident_id",
                f"按身份证号，该人员入职时未满{rules.STAFF_MIN_AGE_YEARS}周岁，不能登记为工作人员。",
            )
        staff = save_audited(
            Staff(
                institution=institution,
                person=person,
                role=role,
                full_time=full_time,
                qualification=qualification,
                hired_on=hired_on,
                health_cert_on=health_cert_on,
                criminal_check_on=criminal_check_on,
                education=education,
                experience_years=experience_years,
                head_training=head_training,
            ),
            actor=actor,
            duplicate=f"{person.name}已是本机构在职人员，无需重复登记。",
        )
        compliance_refresh(institution=institution)
    return staff


def staff_update(*, actor: User, staff_id: int, **data: Any) -> Staff:
    """Update a staff member's checks, qualification or role. Raises InvalidInput."""
    allowed = {
        "role",
        "full_time",
        "qualification",
        "health_cert_on",
        "criminal_check_on",
        "left_on",
        "education",
        "experience_years",
        "head_training",
    }
    values = {k: v for k, v in data.items() if k in allowed}
    if values.get("education") and values["education"] not in rules.EDUCATION_LEVELS:
        raise _invalid("education", "请选择学历。")
    if "role" in values and values["role"] not in Staff.Role.values:
        raise _invalid("role", "请选择岗位。")
    _not_future("health_cert_on", "健康体检日期", values.get("health_cert_on"))
    _not_future("criminal_check_on", "无犯罪记录查询日期", values.get("criminal_check_on"))
    with transaction.atomic():
        staff = _staff(actor, staff_id)
        left_on = values.get("left_on", staff.left_on)
        if values.get("left_on") is not None:
            problems = rules.staff_date_problems(
                hired_on=staff.hired_on, left_on=values["left_on"], today=today()
            )
            if "left_on" in problems:
                raise _invalid("left_on", problems["left_on"])
        if left_on is not None and left_on < staff.hired_on:
            raise _invalid("left_on", f"离职日期{left_on}早于入职日期{staff.hired_on}。")
        for key, value in values.items():
            setattr(staff, key, value)
        save_audited(
            staff,
            actor=actor,
            update_fields=list(values),
            duplicate=f"{staff.person.name}在本机构已有在职记录，不能恢复这条离职记录。",
        )
        compliance_refresh(institution=staff.institution)
    return staff


def training_record(
    *, actor: User, staff_id: int, date: dt.date, topic: str, hours: int
) -> TrainingRecord:
    _not_future("date", "日期", date)
    if hours < 1:
        raise _invalid("hours", "培训学时至少为1。")
    with transaction.atomic():
        staff = _staff(actor, staff_id)
        record = TrainingRecord.objects.create(staff=staff, date=date, topic=topic, hours=hours)
        Staff.objects.filter(pk=staff.pk).update(training_hours=staff.training_hours + hours)
    return record


def _staff(actor: User, staff_id: int) -> Staff:
    staff = Staff.objects.filter(pk=staff_id).select_related("person").first()
    if staff is None:
        raise NotFound()
    _managed(actor, staff.institution_id)
    return (
        Staff.objects.select_for_update().select_related("institution", "person").get(pk=staff_id)
    )


# --------------------------------------------------------------------------- classes (收托)


def class_create(
    *,
    actor: User,
    institution_id: int,
    name: str,
    kind: str,
    caregiver_ids: Iterable[int] = (),
) -> CareClass:
    if kind not in CareClass.Kind.values:
        raise _invalid("kind", "请选择班型：乳儿班、托小班、托大班或混合班。")
    if not name.strip():
        raise _invalid("name", "请填写班级名称。")
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        if institution.classes.filter(name=name.strip()).exists():
            raise _invalid("name", f"本机构已有名为“{name.strip()}”的班级。")
        care_class = CareClass.objects.create(institution=institution, name=name.strip(), kind=kind)
        care_class.caregivers.set(_caregivers(institution, caregiver_ids))
        compliance_refresh(institution=institution)
    return care_class


def class_set_caregivers(*, actor: User, class_id: int, caregiver_ids: Iterable[int]) -> CareClass:
    with transaction.atomic():
        care_class = _class(actor, class_id)
        care_class.caregivers.set(_caregivers(care_class.institution, caregiver_ids))
        compliance_refresh(institution=care_class.institution)
    return care_class


def _caregivers(institution: Institution, ids: Iterable[int]) -> list[Staff]:
    wanted = set(ids)
    staff = list(institution.staff.filter(pk__in=wanted, left_on__isnull=True))
    if len(staff) != len(wanted):
        raise _invalid("caregivers", "所选保育人员不是本机构的在职人员。")
    return staff


def _class(actor: User, class_id: int) -> CareClass:
    care_class = CareClass.objects.filter(pk=class_id).first()
    if care_class is None:
        raise NotFound()
    _managed(actor, care_class.institution_id)
    return CareClass.objects.select_related("institution").get(pk=class_id)


# --------------------------------------------------------------------------- enrolment


def enrollment_create(
    *,
    actor: User,
    class_id: int,
    child_resident_id: str,
    child_name: str,
    guardian_resident_id: str,
    guardian_name: str,
    guardian_relation: str,
    enrolled_on: dt.date,
    agreement_signed_on: dt.date | None,
    admission_check_on: dt.date | None,
    vaccination_complete: bool,
    care_type: str = rules.CareType.FULL_DAY.value,
    hukou_region_code: str = "",
) -> Enrollment:
    """Enrol a child: a signed service agreement, a passed admission health check and complete
    vaccination are required (RULES.md §2). An over-full class is not refused: it becomes a
    finding. Raises InvalidInput, Duplicate."""
    errors = {}
    if agreement_signed_on is None:
        errors["agreement_signed_on"] = "入托须先签订服务协议，请填写签订日期。"
    if admission_check_on is None:
        errors["admission_check_on"] = "入托须体检合格，请填写入托体检日期。"
    elif admission_check_on > enrolled_on:
        errors["admission_check_on"] = "入托体检日期不能晚于入托日期。"
    if not vaccination_complete:
        errors["vaccination_complete"] = "预防接种不完整的幼儿不能入托，请先补种。"
    if care_type not in rules.CARE_TYPE_LABELS:
        errors["care_type"] = "请选择托育类型。"
    for field, label, day in (
        ("enrolled_on", "入托日期", enrolled_on),
        ("agreement_signed_on", "服务协议签订日期", agreement_signed_on),
        ("admission_check_on", "入托体检日期", admission_check_on),
    ):
        if day is not None and day > today():
            errors.setdefault(field, f"{label}{day}晚于今天，请在入托当天或之后登记。")
    if errors or agreement_signed_on is None or admission_check_on is None:
        raise InvalidInput("；".join(errors.values()), field_errors=errors)
    with transaction.atomic():
        care_class = _class(actor, class_id)
        institution = Institution.objects.select_for_update().get(pk=care_class.institution_id)
        hukou = (
            Region.objects.filter(code=hukou_region_code).first() if hukou_region_code else None
        ) or institution.region
        child = _person_as(
            "child",
            "幼儿",
            actor=actor,
            resident_id=child_resident_id,
            name=child_name,
            region=hukou,
        )
        if rules.age_in_months(child.birth_date, enrolled_on) >= 36:
            raise _invalid(
                "child_resident_id", f"{child.name}入托时已满3周岁，托育机构只招收3岁以下婴幼儿。"
            )
        guardian = _person_as(
            "guardian",
            "监护人",
            actor=actor,
            resident_id=guardian_resident_id,
            name=guardian_name,
            region=hukou,
        )
        problems = rules.enrollment_problems(
            enrolled_on=enrolled_on,
            agreement_signed_on=agreement_signed_on,
            admission_check_on=admission_check_on,
            child_birth=child.birth_date,
            guardian_birth=guardian.birth_date,
            guardian_sex=guardian.sex,
            relation=guardian_relation,
            same_person=guardian.pk == child.pk,
            today=today(),
        )
        if problems:  # the people registered above are rolled back with the enrolment
            raise InvalidInput("；".join(problems.values()), field_errors=problems)
        enrollment = save_audited(
            Enrollment(
                institution=institution,
                care_class=care_class,
                child=child,
                guardian=guardian,
                guardian_relation=guardian_relation or "监护人",
                care_type=care_type,
                agreement_signed_on=agreement_signed_on,
                admission_check_on=admission_check_on,
                vaccination_complete=vaccination_complete,
                enrolled_on=enrolled_on,
            ),
            actor=actor,
            duplicate=f"{child.name}已在托（本机构或其他机构），请先办理退托。",
        )
        MedicalExam.objects.create(
            enrollment=enrollment,
            kind=MedicalExam.Kind.ADMISSION,
            date=admission_check_on,
            passed=True,
        )
        compliance_refresh(institution=institution)
    return enrollment


def _person_as(prefix: str, label: str, **kwargs: Any) -> Person:
    """person_ensure, with its errors named for the form's child_… or guardian_… fields."""
    try:
        return person_ensure(**kwargs)
    except InvalidInput as exc:
        raise InvalidInput(
            f"{label}：{exc.message}",
            field_errors={f"{prefix}_{k}": v for k, v in exc.field_errors.items()},
        ) from None


def enrollment_move(*, actor: User, enrollment_id: int, class_id: int) -> Enrollment:
    with transaction.atomic():
        enrollment = _enrollment(actor, enrollment_id)
        care_class = _class(actor, class_id)
        if care_class.institution_id != enrollment.institution_id:
            raise _invalid("care_class", "只能调到本机构的班级。")
        enrollment.care_class = care_class
        enrollment._history_user = actor  # type: ignore[attr-defined]
        enrollment.save(update_fields=["care_class"])
        compliance_refresh(institution=enrollment.institution)
    return enrollment


def enrollment_withdraw(*, actor: User, enrollment_id: int, on: dt.date, reason: str) -> Enrollment:
    _not_future("on", "日期", on)
    if not reason.strip():
        raise _invalid("reason", "请填写退托原因。")
    with transaction.atomic():
        enrollment = _enrollment(actor, enrollment_id)
        if on < enrollment.enrolled_on:
            raise _invalid("on", f"退托日期{on}早于入托日期{enrollment.enrolled_on}，请核对。")
        record_transition(
            obj=enrollment,
            allowed=ENROLLMENT_TRANSITIONS,
            to_status=E.WITHDRAWN,
            actor=actor,
            reason=reason,
        )
        enrollment.withdrawn_on = on
        enrollment.save(update_fields=["withdrawn_on"])
        compliance_refresh(institution=enrollment.institution)
    return enrollment


def _enrollment(actor: User, enrollment_id: int) -> Enrollment:
    row = Enrollment.objects.filter(pk=enrollment_id).first()
    if row is None:
        raise NotFound()
    _managed(actor, row.institution_id)
    return (
        Enrollment.objects.select_for_update()
        .select_related("institution", "child", "care_class")
        .get(pk=enrollment_id)
    )


# --------------------------------------------------------------------------- daily records


def attendance_record(
    *,
    actor: User,
    institution_id: int,
    on: dt.date,
    present: Iterable[int],
    absent: dict[int, str] | None = None,
    morning_checked: Iterable[int] = (),
) -> int:
    """Record a day's attendance (and morning checks) for the institution's children.
    Returns the number of children recorded. Raises InvalidInput."""
    if on > today():
        raise _invalid("date", "不能登记未来日期的考勤。")
    absent = absent or {}
    present_ids, checked_ids = set(present), set(morning_checked)
    if present_ids & set(absent):
        raise _invalid("absent", "同一名幼儿不能既登记出勤又登记缺勤，请核对。")
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        ids = set(
            institution.enrollments.filter(status=E.ACTIVE, enrolled_on__lte=on).values_list(
                "pk", flat=True
            )
        )
        unknown = (present_ids | set(absent) | checked_ids) - ids
        if unknown:
            raise _invalid("enrollment", f"所选幼儿{on}不在本机构在托名单中（未入托或已退托）。")
        unexplained = [eid for eid, reason in absent.items() if not (reason or "").strip()]
        if unexplained:
            names = "、".join(
                Enrollment.objects.filter(pk__in=unexplained)
                .order_by("child__name")
                .values_list("child__name", flat=True)
            )
            raise _invalid("absent", f"请填写缺勤原因，以便缺勤追踪：{names}。")
        for eid in present_ids | set(absent):
            Attendance.objects.update_or_create(
                enrollment_id=eid,
                date=on,
                defaults={"present": eid in present_ids, "absence_reason": absent.get(eid, "")},
            )
        # an absent child has no morning check that day (a re-save may correct an earlier one)
        HealthCheck.objects.filter(enrollment_id__in=set(absent), date=on).delete()
        for eid in checked_ids & present_ids:
            HealthCheck.objects.update_or_create(
                enrollment_id=eid, date=on, defaults={"morning": True}
            )
        compliance_refresh(institution=institution)
    return len(present_ids | set(absent))


def health_check_record(
    *,
    actor: User,
    enrollment_id: int,
    on: dt.date,
    morning: bool,
    noon: bool,
    temperature: Any = None,
    notes: str = "",
) -> HealthCheck:
    _not_future("on", "日期", on)
    with transaction.atomic():
        enrollment = _enrollment(actor, enrollment_id)
        check, _ = HealthCheck.objects.update_or_create(
            enrollment=enrollment,
            date=on,
            defaults={"morning": morning, "noon": noon, "temperature": temperature, "notes": notes},
        )
        compliance_refresh(institution=enrollment.institution)
    return check


def exam_record(
    *, actor: User, enrollment_id: int, kind: str, on: dt.date, passed: bool, hospital: str = ""
) -> MedicalExam:
    _not_future("on", "日期", on)
    if kind not in MedicalExam.Kind.values:
        raise _invalid("kind", "请选择体检类型。")
    with transaction.atomic():
        enrollment = _enrollment(actor, enrollment_id)
        exam = MedicalExam.objects.create(
            enrollment=enrollment, kind=kind, date=on, passed=passed, hospital=hospital
        )
        compliance_refresh(institution=enrollment.institution)
    return exam


def outdoor_record(*, actor: User, class_id: int, on: dt.date, minutes: int) -> OutdoorActivity:
    _not_future("on", "日期", on)
    if not 0 <= minutes <= 24 * 60:
        raise _invalid("minutes", "户外活动分钟数应在0至1440之间。")
    with transaction.atomic():
        care_class = _class(actor, class_id)
        row, _ = OutdoorActivity.objects.update_or_create(
            care_class=care_class, date=on, defaults={"minutes": minutes}
        )
        compliance_refresh(institution=care_class.institution)
    return row


def food_sample_record(
    *,
    actor: User,
    institution_id: int,
    on: dt.date,
    dish: str,
    grams: int,
    sampled_at: dt.datetime,
    kept_until: dt.datetime,
) -> FoodSample:
    _not_future("on", "日期", on)
    _not_future("sampled_at", "留样时间", timezone.localtime(sampled_at).date())
    if kept_until <= sampled_at:
        raise _invalid("kept_until", "保存截止时间应晚于留样时间。")
    if not dish.strip():
        raise _invalid("dish", "请填写菜品名称。")
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        sample = FoodSample.objects.create(
            institution=institution,
            date=on,
            dish=dish.strip(),
            grams=grams,
            sampled_at=sampled_at,
            kept_until=kept_until,
        )
        compliance_refresh(institution=institution)
    return sample


def guidance_visit_record(
    *, actor: User, institution_id: int, on: dt.date, partner: str, notes: str
) -> GuidanceVisit:
    _not_future("on", "日期", on)
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        return GuidanceVisit.objects.create(
            institution=institution,
            date=on,
            partner=partner or institution.health_partner,
            notes=notes,
        )


def safety_record_create(
    *, actor: User, institution_id: int, kind: str, on: dt.date, title: str, details: str = ""
) -> SafetyRecord:
    _not_future("on", "日期", on)
    if kind not in SafetyRecord.Kind.values:
        raise _invalid("kind", "请选择记录类型：应急预案、应急演练或安全事件。")
    with transaction.atomic():
        institution = _managed(actor, institution_id)
        return SafetyRecord.objects.create(
            institution=institution, kind=kind, date=on, title=title, details=details
        )
