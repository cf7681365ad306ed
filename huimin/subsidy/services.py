"""Writes of the subsidy module: one function per use case, each in one transaction.

Applications: submitted by a guardian or entered by a township official, reviewed by the
township, confirmed by the county; hukou moves and deaths change who pays and until when.
Payment batches: created by a finance officer, built in committed chunks by a task (resumable;
the database refuses a second pending or paid line for a child and year), approved by another
finance officer, settled by the bank's result file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.core.errors import (
    CalendarUnknownYear,
    Duplicate,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from huimin.core.models import AccessLog, Event, Person, Region, User
from huimin.core.selectors import Deadline, WorkdayCalendar, region_act_require, region_get_for_user
from huimin.core.services import (
    notifications_send_bulk,
    person_ensure,
    person_status_follow,
    record_transition,
)
from huimin.subsidy import notifications, rules, selectors
from huimin.subsidy.models import (
    Application,
    ApplicationDecision,
    ApplicationTally,
    BankResultImport,
    BatchDecision,
    PaidTally,
    PaymentBatch,
    PaymentLine,
)


def today() -> dt.date:
    return timezone.localdate()


def _require(user: User, perm: core_rules.Perm) -> None:
    if not user.can(perm):
        raise Forbidden()


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput("；".join(dict.fromkeys(errors.values())), field_errors=errors)


# --------------------------------------------------------------------------- applications

APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    Application.Status.SUBMITTED: {
        Application.Status.TOWNSHIP_APPROVED,
        Application.Status.REJECTED,
    },
    Application.Status.TOWNSHIP_APPROVED: {
        Application.Status.CONFIRMED,
        Application.Status.REJECTED,
    },
    Application.Status.CONFIRMED: set(),
    Application.Status.REJECTED: set(),
}


@dataclass(frozen=True)
class ApplicationInput:
    """What an application form, the API or a roster row carries."""

    child_name: str
    child_resident_id: str
    birth_certificate: str
    region_code: str
    relation: str
    bank_name: str
    bank_account: str
    account_holder: str = Application.Holder.APPLICANT
    phone: str = ""
    applicant_name: str = ""  # an official entering on a guardian's behalf
    applicant_resident_id: str = ""


def _hukou_region(actor: User, code: str) -> Region:
    """The child's hukou region: a township or village of the city; for an official, one
    they serve. Raises InvalidInput."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput(
            "请选择孩子的户籍所在地。", field_errors={"region": "请选择户籍所在地。"}
        )
    if actor.role == core_rules.Role.CITIZEN and not actor.is_superuser:
        region = Region.objects.filter(code=code).first()
    else:
        try:
            region = region_get_for_user(user=actor, code=code)
        except NotFound:
            region = None
    if region is None:
        message = f"户籍所在地“{code}”不是本市的乡镇（街道）或村（社区），或不在您的负责范围内。"
        raise InvalidInput(message, field_errors={"region": message})
    if region.level not in selectors.HUKOU_LEVELS:
        message = "户籍所在地请选择到乡镇（街道）或村（社区）。"
        raise InvalidInput(message, field_errors={"region": message})
    return region


def _parse_id(raw: str, field: str, who: str, errors: dict[str, str]) -> str | None:
    try:
        return core_rules.resident_id_parse(raw, today=today()).number
    except core_rules.ResidentIdError as exc:
        errors[field] = f"{who}：{exc}"
        return None


def _application_act_check(actor: User, application_id: int) -> Application:
    """The application, if the actor may act on it: a guardian on their own, an official on
    those of the child's current hukou region only — the county the child moved away from
    still sees the application but no longer handles it (Forbidden). Raises NotFound."""
    application = selectors.application_get_for_user(user=actor, application_id=application_id)
    if actor.role != core_rules.Role.CITIZEN or actor.is_superuser:
        region_act_require(actor, application.region)
    return application


#: What anyone who types a child's ID that already has an application is told: that it exists
#: and where to ask, nothing about the other family's application (issue 11, item 8).
DUPLICATE_MESSAGE = (
    "该孩子已有育儿补贴申请，每个孩子只能由一位父母或监护人申请一次。"
    "如有疑问，请携带户口簿到孩子户籍所在地的乡镇（街道）便民服务中心"
    "或县（市、区）卫生健康局咨询。"
)


def _existing_message(existing: Application, actor: User) -> str:
    """The duplicate's message: its number, channel and status only to those who may see the
    existing application (the guardian who made it or is its applicant, officials whose regions
    cover it); to anyone else only that it exists and where to ask."""
    if not selectors.application_scope(actor).filter(pk=existing.pk).exists():
        return DUPLICATE_MESSAGE
    return (
        f"该孩子已有育儿补贴申请（编号{existing.pk}，{existing.submitted_on.isoformat()}"
        f"{existing.get_channel_display()}，当前状态：{existing.get_status_display()}）。"
        "每个孩子只能由一位父母或监护人申请一次；如需更改银行账号等信息，请联系户籍所在地乡镇。"
    )


def application_submit(*, actor: User, data: ApplicationInput, channel: str = "") -> Application:
    """A guardian applies for their child, or an official enters it on their behalf: every
    problem is reported at once; a second application for the same child (or birth certificate)
    is a Duplicate that says which one exists. Raises InvalidInput, Duplicate, Forbidden."""
    citizen = actor.role == core_rules.Role.CITIZEN and not actor.is_superuser
    if citizen:
        _require(actor, core_rules.Perm.SUBSIDY_APPLY)
        if actor.person_id is None:
            raise InvalidInput("您的账号尚未关联本人身份信息，请先完成实名认证后再申请。")
    else:
        _require(actor, core_rules.Perm.SUBSIDY_ENTER)
    errors: dict[str, str] = {}
    child_number = _parse_id(data.child_resident_id, "child_resident_id", "孩子身份证号", errors)
    child_name = (data.child_name or "").strip()
    if not child_name:
        errors["child_name"] = "请填写孩子姓名。"
    certificate = ""
    try:
        certificate = rules.birth_certificate_normalize(data.birth_certificate)
    except rules.ApplicationError as exc:
        errors[exc.field] = exc.message
    applicant: Person | None = actor.person if citizen else None
    applicant_number: str | None = None
    if not citizen:
        applicant_number = _parse_id(
            data.applicant_resident_id, "applicant_resident_id", "申请人身份证号", errors
        )
        if not (data.applicant_name or "").strip():
            errors["applicant_name"] = "请填写申请人姓名。"
    bank_account = ""
    try:
        bank_account = core_rules.bank_account_normalize(data.bank_account)
        if not bank_account:
            errors["bank_account"] = "请填写用于接收补贴的银行账号。"
    except ValueError as exc:
        errors["bank_account"] = str(exc)
    if not (data.bank_name or "").strip():
        errors["bank_name"] = "请填写开户银行。"
    phone = ""
    try:
        phone = core_rules.phone_normalize(data.phone)
    except ValueError as exc:
        errors["phone"] = str(exc)
    if data.account_holder not in Application.Holder.values:
        errors["account_holder"] = "请选择账户所有人：申请人或孩子本人。"
    region: Region | None = None
    try:
        region = _hukou_region(actor, data.region_code)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if child_number:
        child_birth = core_rules.resident_id_parse(child_number, today=today()).birth_date
        who: tuple[dt.date, str, bool] | None = None
        if applicant is not None:
            who = (applicant.birth_date, applicant.sex, applicant.resident_id == child_number)
        elif applicant_number:
            parsed = core_rules.resident_id_parse(applicant_number, today=today())
            who = (parsed.birth_date, parsed.sex, applicant_number == child_number)
        if who is not None:
            for problem in rules.application_check(
                child_birth_date=child_birth,
                applicant_birth_date=who[0],
                applicant_sex=who[1],
                relation=data.relation,
                same_person=who[2],
                today=today(),
            ):
                errors.setdefault(problem.field, problem.message)
    if child_number:  # a duplicate is said first: nothing else needs fixing then
        existing = (
            Application.objects.filter(child__resident_id=child_number)
            .exclude(status=Application.Status.REJECTED)
            .first()
        )
        if existing is not None:
            message = _existing_message(existing, actor)
            raise Duplicate(message, field_errors={"child_resident_id": message})
    _raise_if(errors)
    assert child_number is not None  # noqa: S101 - errors would have been raised
    assert region is not None  # noqa: S101

    with transaction.atomic():
        if (
            Application.objects.filter(birth_certificate=certificate)
            .exclude(status=Application.Status.REJECTED)
            .exists()
        ):
            message = f"出生医学证明编号{certificate}已用于另一份申请，请核对编号。"
            raise Duplicate(message, field_errors={"birth_certificate": message})
        child = person_ensure(actor=actor, resident_id=child_number, name=child_name, region=region)
        if applicant is None:
            applicant = person_ensure(
                actor=actor,
                resident_id=applicant_number or "",
                name=data.applicant_name,
                region=region,
            )
        if child.status == Person.Status.DECEASED:
            raise InvalidInput("该孩子已登记死亡，不能申请育儿补贴。")
        submitted_on = today()
        deadline = _deadline_or_none(submitted_on)
        application = Application(
            child=child,
            child_birth_date=child.birth_date,
            birth_certificate=certificate,
            applicant=applicant,
            relation=data.relation,
            region=region,
            bank_name=data.bank_name.strip(),
            bank_account=bank_account,
            account_holder=data.account_holder,
            account_name=child.name
            if data.account_holder == Application.Holder.CHILD
            else applicant.name,
            phone=phone,
            channel=channel
            or (Application.Channel.ONLINE if citizen else Application.Channel.COUNTER),
            submitted_on=submitted_on,
            deadline=deadline.date if deadline else None,
            deadline_provisional=bool(deadline and deadline.provisional),
            filed_by=actor,
        )
        application._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:  # the same child filed at the same moment elsewhere
            message = "该孩子的育儿补贴申请刚刚已由他人提交，不能重复申请。"
            raise Duplicate(message, field_errors={"child_resident_id": message}) from None
        _event(application, "", application.status, actor, "提交申请")
        notifications.application_changed(application)
        tally_refresh([application.region_id])
    return application


def _deadline_or_none(
    submitted_on: dt.date, calendar: WorkdayCalendar | None = None
) -> Deadline | None:
    """30 working days after the application, marked when counted on a provisional year
    (ADR 0010); None only for a year the platform cannot compute (after 2099)."""
    try:
        return (calendar or WorkdayCalendar()).deadline_marked(
            submitted_on, rules.REVIEW_WORKING_DAYS
        )
    except CalendarUnknownYear:
        return None


def _event(
    obj: Application | PaymentBatch,
    from_status: str,
    to_status: str,
    actor: User | None,
    reason: str,
) -> None:
    Event.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _regions_lock(region_ids: Iterable[int]) -> list[int]:
    """Serialise the recounts of these regions: ``FOR NO KEY UPDATE`` on their rows, in id
    order (no deadlock between two recounts), which the key-share lock of a row inserted with
    a reference to the region does not wait for. A no-op on SQLite, whose writers queue."""
    ids = sorted(set(region_ids))
    if ids:
        list(
            Region.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return ids


def tally_refresh(region_ids: Iterable[int]) -> None:
    """Recount the dashboard's application tally (``ApplicationTally``) of these regions from
    their applications. Every write that adds applications or changes an application's status
    or region calls it inside its transaction, so the tally is exact when that commits."""
    with transaction.atomic():
        ids = _regions_lock(region_ids)
        if not ids:
            return
        ApplicationTally.objects.filter(region_id__in=ids).delete()
        ApplicationTally.objects.bulk_create(
            ApplicationTally(
                region_id=row["region_id"], month=row["month"], status=row["status"], count=row["n"]
            )
            for row in Application.objects.filter(region_id__in=ids)
            .annotate(month=selectors.YearMonth("submitted_on"))
            .values("region_id", "month", "status")
            .annotate(n=Count("id"))
            .order_by()
        )


def paid_tally_refresh(*, year: int, region_ids: Iterable[int]) -> None:
    """Recount children paid and amounts paid (``PaidTally``) of a payment year for these
    paying regions: called where lines become paid (a bank result applied)."""
    with transaction.atomic():
        ids = _regions_lock(region_ids)
        if not ids:
            return
        PaidTally.objects.filter(year=year, region_id__in=ids).delete()
        PaidTally.objects.bulk_create(
            PaidTally(
                region_id=row["region_id"], year=year, children=row["n"], amount_fen=row["fen"]
            )
            for row in PaymentLine.objects.filter(
                year=year, status=PaymentLine.Status.PAID, region_id__in=ids
            )
            .values("region_id")
            .annotate(n=Count("id"), fen=Sum("amount_fen"))
            .order_by()
        )


def tallies_rebuild() -> None:
    """Recount both tallies for every region and year: after the demo's bulk inserts, and
    every night (``huimin subsidy-daily``), which heals a tally that a change made past the
    services left behind."""
    with transaction.atomic():
        regions = list(Region.objects.values_list("pk", flat=True))
        tally_refresh(regions)
        years = list(PaymentLine.objects.values_list("year", flat=True).distinct().order_by())
        PaidTally.objects.exclude(year__in=years).delete()
        for year in years:
            paid_tally_refresh(year=year, region_ids=regions)


def application_deadlines_fill() -> int:
    """Give open applications without a deadline one, now that the calendar knows the year;
    returns how many were filled."""
    calendar = WorkdayCalendar()
    filled = 0
    for application in Application.objects.filter(selectors.OPEN_Q, deadline__isnull=True):
        deadline = _deadline_or_none(application.submitted_on, calendar)
        if deadline is not None:
            Application.objects.filter(pk=application.pk, deadline__isnull=True).update(
                deadline=deadline.date, deadline_provisional=deadline.provisional
            )
            filled += 1
    return filled


def _decide(
    *,
    actor: User,
    application_id: int,
    approve: bool,
    reason: str,
    level: str,
    from_status: str,
    to_status: str,
) -> Application:
    reason = (reason or "").strip()
    if not approve and not reason:
        message = "不通过时请填写原因，申请人将看到这段说明。"
        raise InvalidInput(message, field_errors={"reason": message})
    with transaction.atomic():
        _application_act_check(actor, application_id)
        application = Application.objects.select_for_update().get(pk=application_id)
        if application.status != from_status:
            raise InvalidTransition(
                f"该申请当前状态为“{application.get_status_display()}”，"
                f"不在“{Application.Status(from_status).label}”环节，无法办理。"
            )
        record_transition(
            obj=application,
            allowed=APPLICATION_TRANSITIONS,
            to_status=to_status if approve else Application.Status.REJECTED,
            actor=actor,
            reason=reason,
        )
        ApplicationDecision.objects.create(
            application=application,
            level=level,
            outcome=ApplicationDecision.Outcome.APPROVE
            if approve
            else ApplicationDecision.Outcome.REJECT,
            reason=reason,
            actor=actor,
        )
        notifications.application_changed(application, reason=reason)
        tally_refresh([application.region_id])
    return application


def application_review(
    *, actor: User, application_id: int, approve: bool, reason: str = ""
) -> Application:
    """The township's review (乡镇审核): passed on to the county, or refused with a reason.
    Raises InvalidTransition, InvalidInput, NotFound, Forbidden."""
    _require(actor, core_rules.Perm.SUBSIDY_REVIEW)
    return _decide(
        actor=actor,
        application_id=application_id,
        approve=approve,
        reason=reason,
        level=ApplicationDecision.Level.TOWNSHIP,
        from_status=Application.Status.SUBMITTED,
        to_status=Application.Status.TOWNSHIP_APPROVED,
    )


def application_confirm(
    *, actor: User, application_id: int, approve: bool, reason: str = ""
) -> Application:
    """The county's confirmation (县级确认): the child is then paid by the next batch.
    Raises InvalidTransition, InvalidInput, NotFound, Forbidden."""
    _require(actor, core_rules.Perm.SUBSIDY_CONFIRM)
    return _decide(
        actor=actor,
        application_id=application_id,
        approve=approve,
        reason=reason,
        level=ApplicationDecision.Level.COUNTY,
        from_status=Application.Status.TOWNSHIP_APPROVED,
        to_status=Application.Status.CONFIRMED,
    )


def _not_future(day: dt.date, field: str, what: str) -> None:
    """What has happened is not after today nor before the earliest record date (core's
    rule)."""
    message = core_rules.event_date_problem(what, day, today=today())
    if message:
        raise InvalidInput(message, field_errors={field: message})


def application_hukou_move(
    *,
    actor: User,
    application_id: int,
    moved_on: dt.date,
    region_code: str = "",
    out_of_city: bool = False,
    reason: str = "",
) -> Application:
    """Record the child's hukou move (RULES.md §4): the new place pays from the next payment
    year, the old place still pays the year of the move; a move out of the city stops payment
    after that year. Raises InvalidInput, NotFound, Forbidden."""
    _require(actor, core_rules.Perm.SUBSIDY_CHANGE)
    _not_future(moved_on, "moved_on", "迁移日期")
    first_new_year = rules.first_year_paid_by_new_place(moved_on)
    with transaction.atomic():
        _application_act_check(actor, application_id)
        application = Application.objects.select_for_update().get(pk=application_id)
        if application.last_year is not None:
            raise InvalidInput(f"该申请已停发（{application.stop_reason}），不能再登记户籍迁移。")
        born = core_rules.event_date_problem(
            "迁移日期", moved_on, today=today(), born=application.child_birth_date, whose="孩子"
        )
        if born:
            raise InvalidInput(born, field_errors={"moved_on": born})
        fields = ["updated_at"]
        if out_of_city:
            application.last_year = moved_on.year
            application.stop_reason = f"{moved_on.isoformat()}户籍迁出本市"
            fields += ["last_year", "stop_reason"]
            note = application.stop_reason
        else:
            # any township of the city may receive the child, not only the actor's
            new_region = Region.objects.filter(code=(region_code or "").strip()).first()
            if new_region is None or new_region.level not in selectors.HUKOU_LEVELS:
                message = "请选择迁入地：本市的乡镇（街道）或村（社区）。"
                raise InvalidInput(message, field_errors={"region": message})
            if new_region.pk == application.region_id:
                message = "迁入地与现户籍所在地相同，请核对。"
                raise InvalidInput(message, field_errors={"region": message})
            moved_from = application.region_id
            if application.region_from_year <= moved_on.year:
                # the current place was already paying this year: it keeps this year
                application.previous_region_id = application.region_id
            application.region = new_region
            application.region_from_year = first_new_year
            fields += ["region", "previous_region", "region_from_year"]
            note = (
                f"{moved_on.isoformat()}户籍迁至{new_region.name}，"
                f"自{first_new_year}年度起由迁入地发放"
            )
        application._history_user = actor  # type: ignore[attr-defined]
        application._change_reason = note  # type: ignore[attr-defined]
        application.save(update_fields=fields)
        _event(
            application, application.status, application.status, actor, f"{note}。{reason}".strip()
        )
        if out_of_city:
            person_status_follow(
                actor=actor,
                person_id=application.child_id,
                to_status=Person.Status.MOVED_OUT,
                reason=f"{note}（育儿补贴申请编号{application.pk}）",
            )
        _cancel_pending_after(application, last_year=application.last_year)
        if not out_of_city:
            tally_refresh([moved_from, application.region_id])
    return application


def application_child_death(
    *, actor: User, application_id: int, died_on: dt.date, reason: str = ""
) -> Application:
    """Record the child's death: nothing is paid after the year of death (ADR 0008); the
    person is marked deceased. Raises InvalidInput, NotFound, Forbidden."""
    _require(actor, core_rules.Perm.SUBSIDY_CHANGE)
    _not_future(died_on, "died_on", "死亡日期")
    with transaction.atomic():
        _application_act_check(actor, application_id)
        application = Application.objects.select_for_update().get(pk=application_id)
        if died_on < application.child_birth_date:
            message = "死亡日期早于出生日期，请核对。"
            raise InvalidInput(message, field_errors={"died_on": message})
        application.last_year = rules.last_payable_year_after_death(died_on)
        application.stop_reason = f"孩子于{died_on.isoformat()}死亡"
        application._history_user = actor  # type: ignore[attr-defined]
        application.save(update_fields=["last_year", "stop_reason", "updated_at"])
        _event(
            application,
            application.status,
            application.status,
            actor,
            f"{application.stop_reason}。{reason}".strip(),
        )
        person_status_follow(
            actor=actor,
            person_id=application.child_id,
            to_status=Person.Status.DECEASED,
            reason=application.stop_reason,
        )
        _cancel_pending_after(application, last_year=application.last_year)
    return application


def _cancel_pending_after(application: Application, *, last_year: int | None) -> None:
    """Lines not yet sent to the bank for years after payment stopped are void."""
    if last_year is None:
        return
    lines = PaymentLine.objects.filter(
        application=application,
        year__gt=last_year,
        status=PaymentLine.Status.PENDING,
        batch__status__in=[PaymentBatch.Status.RUNNING, PaymentBatch.Status.BUILT],
    )
    batch_ids = set(lines.values_list("batch_id", flat=True))
    lines.update(status=PaymentLine.Status.CANCELLED)
    for batch in PaymentBatch.objects.select_for_update().filter(
        pk__in=batch_ids, status=PaymentBatch.Status.BUILT
    ):
        _batch_totals_store(batch)  # a running batch stores its totals when it finishes
        batch_lines_count(batch)


def _batch_totals_count(batch: PaymentBatch) -> None:
    """Set a batch's line count and total from its pending lines (not saved)."""
    agg = batch.lines.filter(status=PaymentLine.Status.PENDING).aggregate(
        n=Count("id"), fen=Coalesce(Sum("amount_fen"), 0)
    )
    batch.line_count, batch.total_fen = agg["n"], agg["fen"]


def batch_lines_count(batch: PaymentBatch) -> selectors.BatchTotals:
    """Sum a batch's lines one by one and keep the result with the time (what the dashboard
    compares the batch's stored totals with)."""
    totals = selectors.batch_totals(batch)
    batch.lines_counted, batch.lines_counted_at = asdict(totals), timezone.now()
    PaymentBatch.objects.filter(pk=batch.pk).update(
        lines_counted=batch.lines_counted, lines_counted_at=batch.lines_counted_at
    )
    return totals


def batches_lines_count() -> int:
    """The nightly recount of every batch whose lines are final enough to compare (built,
    approved, settled): a line changed past the services shows as a mismatch the next day."""
    batches = PaymentBatch.objects.filter(status__in=selectors.COMPARABLE_STATUSES)
    for batch in batches.order_by("id"):
        batch_lines_count(batch)
    return batches.count()


def _batch_totals_store(batch: PaymentBatch) -> None:
    """Store a built batch's line count and total from its pending lines."""
    _batch_totals_count(batch)
    batch.save(update_fields=["line_count", "total_fen", "updated_at"])


def application_bank_change(
    *, actor: User, application_id: int, bank_name: str, bank_account: str, account_holder: str
) -> Application:
    """Correct the account a child is paid to (after a failed payment, say); lines already
    written keep the account they were sent to. Raises InvalidInput, NotFound, Forbidden."""
    if actor.role == core_rules.Role.CITIZEN and not actor.is_superuser:
        _require(actor, core_rules.Perm.SUBSIDY_APPLY)
    else:
        _require(actor, core_rules.Perm.SUBSIDY_ENTER)
    errors: dict[str, str] = {}
    account = ""
    try:
        account = core_rules.bank_account_normalize(bank_account)
        if not account:
            errors["bank_account"] = "请填写银行账号。"
    except ValueError as exc:
        errors["bank_account"] = str(exc)
    if not (bank_name or "").strip():
        errors["bank_name"] = "请填写开户银行。"
    if account_holder not in Application.Holder.values:
        errors["account_holder"] = "请选择账户所有人：申请人或孩子本人。"
    _raise_if(errors)
    with transaction.atomic():
        _application_act_check(actor, application_id)
        application = (
            Application.objects.select_for_update()
            .select_related("child", "applicant")
            .get(pk=application_id)
        )
        application.bank_name = bank_name.strip()
        application.bank_account = account
        application.account_holder = account_holder
        application.account_name = (
            application.child.name
            if account_holder == Application.Holder.CHILD
            else application.applicant.name
        )
        application._history_user = actor  # type: ignore[attr-defined]
        application.save(
            update_fields=[
                "bank_name",
                "bank_account",
                "account_holder",
                "account_name",
                "updated_at",
            ]
        )
    return application


# --------------------------------------------------------------------------- payment batches

BATCH_TRANSITIONS: dict[str, set[str]] = {
    PaymentBatch.Status.CREATED: {PaymentBatch.Status.RUNNING},
    PaymentBatch.Status.RUNNING: {PaymentBatch.Status.BUILT},
    PaymentBatch.Status.BUILT: {PaymentBatch.Status.APPROVED, PaymentBatch.Status.REJECTED},
    PaymentBatch.Status.APPROVED: {PaymentBatch.Status.SETTLED},
    PaymentBatch.Status.SETTLED: set(),
    PaymentBatch.Status.REJECTED: set(),
}

#: Applications handled per committed chunk while a batch is built. A chunk holds SQLite's
#: write lock while it runs (about a fifth of a second at this size); fewer, larger chunks
#: spend less on their commits and bookkeeping.
BATCH_CHUNK = 50_000


def batch_create(*, actor: User, year: int, region_code: str, name: str = "") -> PaymentBatch:
    """A finance officer opens a batch for a payment year and region; a task then builds it.
    Raises InvalidInput, NotFound, Forbidden."""
    _require(actor, core_rules.Perm.BATCH_MAKE)
    this_year = today().year
    first = rules.PROGRAMME_START.year
    if not isinstance(year, int) or not first <= year <= this_year:
        message = f"发放年度应在{first}年至{this_year}年之间。"
        raise InvalidInput(message, field_errors={"year": message})
    region = region_get_for_user(user=actor, code=(region_code or "").strip())
    if region.level not in (Region.Level.CITY, Region.Level.COUNTY):
        message = "发放区域请选择全市或一个县（市、区）。"
        raise InvalidInput(message, field_errors={"region": message})
    name = (name or "").strip()[:100]
    with transaction.atomic():
        # one batch is named at a time per region, so batches opened at the same moment get
        # distinct names (a count read without the lock gave eight of them the same ordinal)
        Region.objects.select_for_update().filter(pk=region.pk).first()
        taken = PaymentBatch.objects.filter(name=name).exists() if name else False
        if taken:
            message = f"已有名为“{name}”的发放批次，请换一个名称。"
            raise InvalidInput(message, field_errors={"name": message})
        if not name:
            ordinal = PaymentBatch.objects.filter(year=year, region=region).count() + 1
            name = f"{region.name}{year}年度育儿补贴第{ordinal}批"
            while PaymentBatch.objects.filter(name=name).exists():
                ordinal += 1
                name = f"{region.name}{year}年度育儿补贴第{ordinal}批"
        batch = PaymentBatch(
            name=name,
            year=year,
            region=region,
            created_by=actor,
            fen_per_month=selectors.rates().fen_per_month,
        )
        batch._history_user = actor  # type: ignore[attr-defined]
        batch.save()
        _event(batch, "", batch.status, actor, "创建批次")
        transaction.on_commit(lambda: batch_enqueue(batch_id=batch.pk))
    return batch


def batch_enqueue(*, batch_id: int) -> None:
    """Queue the build of a batch (a task worker runs it)."""
    from huimin.subsidy.tasks import batch_run_task

    batch_run_task.enqueue(batch_id)


#: One payment line, in the column order of the insert below.
_LINE_COLUMNS = (
    "batch_id",
    "application_id",
    "child_id",
    "year",
    "months",
    "amount_fen",
    "region_id",
    "account_name",
    "bank_name",
    "bank_account",
    "status",
    "failure_reason",
)


def _months_by_birth(year: int) -> list[tuple[dt.date, int]]:
    """The months ``rules.months_in_year`` owes for ``year``, as runs of birth dates: each
    ``(end, months)`` covers the birth dates from the previous run's end (the window's start
    for the first) up to ``end`` excluded. The rules count whole months (the day of birth never
    matters), so each calendar month of the window is asked once — and checked on its first
    and last day."""
    start, last = rules.birth_date_window(year)
    runs: list[tuple[dt.date, int]] = []
    month = dt.date(start.year, start.month, 1)
    while month <= last:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        months = rules.months_in_year(month, year)
        if rules.months_in_year(following - dt.timedelta(days=1), year) != months:
            raise AssertionError(f"the months owed for {year} depend on the day of birth")
        if runs and runs[-1][1] == months:
            runs[-1] = (following, months)
        else:
            runs.append((following, months))
        month = following
    return runs


#: Candidates as the rows of their lines, in id order.
_LineSelect = QuerySet[Application, tuple[Any, ...]]


class _Plain(Func):
    """A column compared as it is stored. SQLite gives a ``date`` column numeric affinity, so
    comparing it with a text value first tries to read the value as a number — on every row,
    for every comparison (a fifth of a whole batch's work, with a dozen months to tell apart).
    ``+column`` has no affinity: a plain comparison of the stored ISO text. PostgreSQL
    compares dates natively."""

    arity = 1
    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _line_select(batch: PaymentBatch) -> _LineSelect:
    """The batch's candidates (``selectors.batch_candidates``) in id order, each as the
    columns of its line (``_LINE_COLUMNS``): the months and amount from the rules
    (``_months_by_birth``, most common case first), the payer region of the year
    (``Application.payer_region_id``), the account of the application."""
    year, per_month = batch.year, batch.fen_per_month
    runs = _months_by_birth(year)
    birth = _Plain(F("child_birth_date"), output_field=DateField())
    # Run i covers [end of run i-1, end of run i): from the youngest children down (most are
    # owed the whole year), each a single comparison; outside the runs nothing is owed.
    starts = [rules.birth_date_window(year)[0].replace(day=1)] + [end for end, _ in runs[:-1]]
    months = Case(
        When(GreaterThanOrEqual(birth, runs[-1][0]), then=Value(0)),
        *(
            When(GreaterThanOrEqual(birth, start), then=Value(n))
            for start, (_end, n) in reversed(list(zip(starts, runs, strict=True)))
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    payer = Case(
        When(Q(region_from_year__lte=year) | Q(previous_region__isnull=True), then=F("region_id")),
        default=F("previous_region_id"),
    )
    select = selectors.batch_candidates(batch).annotate(
        line_batch=Value(batch.pk, output_field=IntegerField()),
        line_year=Value(year, output_field=IntegerField()),
        line_months=months,
        line_amount=ExpressionWrapper(months * Value(per_month), output_field=IntegerField()),
        line_region=payer,
        line_status=Value(PaymentLine.Status.PENDING.value, output_field=CharField()),
        line_reason=Value("", output_field=CharField()),
    )
    if any(n == 0 for _end, n in runs):  # a birth date in the window owed nothing this year
        select = select.filter(line_months__gt=0)
    return select.order_by("pk").values_list(
        "line_batch",
        "pk",
        "child_id",
        "line_year",
        "line_months",
        "line_amount",
        "line_region",
        "account_name",
        "bank_name",
        "bank_account",
        "line_status",
        "line_reason",
    )


#: Stands for the cursor while a chunk's statement is compiled (application ids are positive).
_CURSOR_MARK = -1


@dataclass(frozen=True)
class _ChunkInsert:
    """A batch's chunk ``INSERT … SELECT``, compiled once per run: only the cursor changes."""

    select: _LineSelect
    sql: str
    params: tuple[Any, ...]
    cursor_at: int

    @classmethod
    def compile(cls, batch: PaymentBatch, limit: int) -> _ChunkInsert:
        select = _line_select(batch)
        sql, params = select.filter(pk__gt=_CURSOR_MARK)[:limit].query.sql_with_params()
        if list(params).count(_CURSOR_MARK) != 1:
            raise AssertionError("the chunk's cursor is not a parameter of its own")
        table = PaymentLine._meta.db_table
        # The SELECT always has a WHERE clause, which SQLite needs before ON CONFLICT.
        sql = f"INSERT INTO {table} ({', '.join(_LINE_COLUMNS)}) {sql} ON CONFLICT DO NOTHING"  # noqa: S608 - fixed identifiers, the ORM's SQL
        if connection.vendor == "postgresql":
            sql = (
                f"WITH written AS ({sql} RETURNING application_id) "  # noqa: S608
                "SELECT COUNT(*), MAX(application_id) FROM written"
            )
        return cls(select, sql, tuple(params), list(params).index(_CURSOR_MARK))

    def params_after(self, after: int) -> list[Any]:
        params = list(self.params)
        params[self.cursor_at] = after
        return params


def _insert_lines(
    batch: PaymentBatch, *, after: int, limit: int, chunk: _ChunkInsert | None = None
) -> tuple[int, int]:
    """Write the lines of the next ``limit`` candidates after id ``after`` in one set-based
    ``INSERT … SELECT … ORDER BY id LIMIT`` (no row passes through Python, and the chunk's
    bounds need no query of their own). A line the unique constraint refuses (the child is
    already pending or paid for that year, by another batch running at the same time) is
    skipped: ``ON CONFLICT DO NOTHING`` on both SQLite and PostgreSQL. Returns the lines
    written and the highest application id among them (``after`` when none)."""
    chunk = chunk or _ChunkInsert.compile(batch, limit)
    with connection.cursor() as cursor:
        cursor.execute(chunk.sql, chunk.params_after(after))
        if connection.vendor == "postgresql":
            written, last = cursor.fetchone()
            return written, last or after
        written = max(cursor.rowcount, 0)
        if not written:
            return 0, after
        # Lines go in in application order: the last one written has the highest id.
        cursor.execute(
            f"SELECT application_id FROM {PaymentLine._meta.db_table} WHERE id = %s",  # noqa: S608
            (cursor.lastrowid,),
        )
        return written, cursor.fetchone()[0]


def _without_jit() -> None:
    """On PostgreSQL, no JIT compilation in this transaction: a chunk's queries are short
    index walks whose cost estimate (one probe per row) crosses ``jit_above_cost``, and the
    compilation (about 0.2 s) would cost more than the query."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def batch_run(
    *,
    batch_id: int,
    chunk_size: int = BATCH_CHUNK,
    on_chunk: Callable[[PaymentBatch], None] | None = None,
) -> PaymentBatch:
    """Build a batch: every candidate (``selectors.batch_candidates``) gets one line with the
    months the rules give for the year. The candidates are taken in id order, ``chunk_size``
    at a time; each chunk commits with the batch's cursor, so a run killed halfway resumes
    where it stopped when run again; the unique constraint keeps any child from a second
    pending or paid line whatever runs at once. Idempotent."""
    with transaction.atomic():
        batch = (
            PaymentBatch.objects.select_for_update(of=("self",))
            .select_related("region")
            .get(pk=batch_id)
        )
        if batch.status == PaymentBatch.Status.CREATED:
            _without_jit()
            batch.expected = selectors.batch_candidates(batch).count()
            batch.started_at = timezone.now()
            batch.save(update_fields=["expected", "started_at", "updated_at"])
            record_transition(
                obj=batch,
                allowed=BATCH_TRANSITIONS,
                to_status=PaymentBatch.Status.RUNNING,
                actor=None,
                reason="开始生成发放明细",
            )
    chunk: _ChunkInsert | None = None
    while True:
        with transaction.atomic():
            batch = (
                PaymentBatch.objects.select_for_update(of=("self",))
                .select_related("region")
                .get(pk=batch_id)
            )
            if batch.status != PaymentBatch.Status.RUNNING:
                return batch
            _without_jit()
            chunk = chunk or _ChunkInsert.compile(batch, chunk_size)
            written, last = _insert_lines(batch, after=batch.cursor, limit=chunk_size, chunk=chunk)
            # Fewer lines than asked: the candidates ran out — unless some were refused as
            # another batch's (PostgreSQL), which the next chunk's selection no longer sees.
            batch.cursor = last
            batch.processed += written
            if written < chunk_size and not chunk.select.filter(pk__gt=last).exists():
                _batch_finish(batch)
            else:
                batch.save(update_fields=["cursor", "processed", "updated_at"])
        if on_chunk is not None and written:
            on_chunk(batch)
        if batch.status == PaymentBatch.Status.BUILT:
            return batch


def _batch_finish(batch: PaymentBatch) -> PaymentBatch:
    """Store the batch's progress and its totals from its lines, and mark it built (inside
    the caller's lock); its lines' sum is kept as the first count the dashboard compares."""
    totals = batch_lines_count(batch)  # at build no line is paid or failed yet
    batch.line_count, batch.total_fen = totals.lines - totals.cancelled, totals.amount_fen
    batch.processed = max(batch.processed, batch.expected)
    batch.built_at = timezone.now()
    batch.save(
        update_fields=["cursor", "processed", "line_count", "total_fen", "built_at", "updated_at"]
    )
    record_transition(
        obj=batch,
        allowed=BATCH_TRANSITIONS,
        to_status=PaymentBatch.Status.BUILT,
        actor=None,
        reason=f"生成发放明细{batch.line_count}笔，合计{rules.yuan_display(batch.total_fen)}元",
    )
    return batch


#: The reason of a resume event; counted against ``rules.BATCH_RESUMES_MAX``.
RESUME_REASON = "生成中断后自动继续"
_BUILDING = (PaymentBatch.Status.CREATED, PaymentBatch.Status.RUNNING)


def batch_resume_stalled(*, now: dt.datetime | None = None) -> list[int]:
    """Queue again the build of each batch whose worker is lost (killed, machine down: its
    task stays "running" in the queue and nothing would run it again). A batch waiting to be
    built or being built, with no task waiting in the queue, is taken when its task's worker
    is known to have exited (``core.workers.worker_gone``) or it has not moved for
    ``rules.BATCH_STALLED_AFTER``; its lost task is marked failed, an event says so, and the
    build resumes after the last committed chunk (``batch_run``). At most
    ``rules.BATCH_RESUMES_MAX`` times a batch. Returns the ids queued again."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from huimin.core.workers import worker_gone
    from huimin.subsidy.tasks import WorkerLost, batch_run_task

    now = now or timezone.now()
    building = dict(
        PaymentBatch.objects.filter(status__in=_BUILDING).values_list("pk", "updated_at")
    )
    if not building:
        return []
    waiting: set[int] = set()
    running: dict[int, list[DBTaskResult]] = {}
    for row in DBTaskResult.objects.filter(
        task_path=batch_run_task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ):
        args = row.args_kwargs.get("args") or [row.args_kwargs.get("kwargs", {}).get("batch_id")]
        if args[0] in building:
            if row.status == TaskResultStatus.READY:
                waiting.add(args[0])
            else:
                running.setdefault(args[0], []).append(row)
    batch_type = ContentType.objects.get_for_model(PaymentBatch)
    resumed = []
    for batch_id, updated_at in building.items():
        tasks = running.get(batch_id, [])
        lost = bool(tasks) and all(worker_gone((t.worker_ids or [""])[-1]) for t in tasks)
        stalled = rules.batch_stalled(updated_at=updated_at, now=now)
        if batch_id in waiting or not (lost or stalled):
            continue
        with transaction.atomic():
            batch = (
                PaymentBatch.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=batch_id, status__in=_BUILDING, updated_at=updated_at)
                .first()
            )  # None: a worker is writing a chunk right now, or it moved since
            resumes = Event.objects.filter(
                content_type=batch_type, object_id=batch_id, reason__startswith=RESUME_REASON
            ).count()
            if batch is None or resumes >= rules.BATCH_RESUMES_MAX:
                continue
            for task in tasks:
                task.set_failed(WorkerLost(f"任务进程 {task.worker_ids[-1]} 已停止"))
            why = "任务进程已停止" if lost else f"{(now - updated_at).seconds // 60}分钟无进展"
            batch.save(update_fields=["updated_at"])
            _event(
                batch,
                batch.status,
                batch.status,
                None,
                f"{RESUME_REASON}（{why}）：从已处理{batch.processed}/{batch.expected}人处继续",
            )
            batch_enqueue(batch_id=batch.pk)
        resumed.append(batch_id)
    return resumed


def batch_decide(*, actor: User, batch_id: int, approve: bool, reason: str = "") -> PaymentBatch:
    """The checker approves a built batch, or sends it back (its lines are void and the
    children free for a new batch). The maker may not check their own batch.
    Raises Forbidden, InvalidTransition, InvalidInput, NotFound."""
    _require(actor, core_rules.Perm.BATCH_CHECK)
    reason = (reason or "").strip()
    if not approve and not reason:
        message = "退回时请填写原因。"
        raise InvalidInput(message, field_errors={"reason": message})
    with transaction.atomic():
        selectors.batch_get_for_user(user=actor, batch_id=batch_id)
        batch = PaymentBatch.objects.select_for_update().get(pk=batch_id)
        if batch.created_by_id == actor.pk:
            raise Forbidden("制单人不能复核自己创建的批次，请由另一位财务人员复核。")
        to_status = PaymentBatch.Status.APPROVED if approve else PaymentBatch.Status.REJECTED
        record_transition(
            obj=batch, allowed=BATCH_TRANSITIONS, to_status=to_status, actor=actor, reason=reason
        )
        BatchDecision.objects.create(
            batch=batch,
            outcome=BatchDecision.Outcome.APPROVE if approve else BatchDecision.Outcome.REJECT,
            reason=reason,
            actor=actor,
        )
        if not approve:
            batch.lines.filter(status=PaymentLine.Status.PENDING).update(
                status=PaymentLine.Status.CANCELLED
            )
    return batch


def batch_bank_file(
    *,
    actor: User,
    batch_id: int,
    ip_address: str | None = None,
    purpose: str = "导出银行发放文件",
) -> PaymentBatch:
    """Allow the export of an approved batch's payment file (full ID and account numbers for
    the bank), once its lines are summed again and equal its stored totals, and log it as a
    view of unmasked data. Raises Forbidden, InvalidTransition."""
    _require(actor, core_rules.Perm.BATCH_MAKE)
    batch = selectors.batch_get_for_user(user=actor, batch_id=batch_id)
    if batch.status not in (PaymentBatch.Status.APPROVED, PaymentBatch.Status.SETTLED):
        raise InvalidTransition(
            f"批次当前状态为“{batch.get_status_display()}”：复核通过后才能导出银行发放文件。"
        )
    totals = batch_lines_count(batch)  # summed again line by line before any file leaves
    if not totals.matches(batch):
        raise InvalidTransition(
            f"批次合计与明细之和不一致（批次记录{batch.line_count}笔"
            f"{rules.yuan_display(batch.total_fen)}元，明细之和{totals.lines - totals.cancelled}笔"
            f"{rules.yuan_display(totals.amount_fen)}元），不能导出银行发放文件，"
            "请联系系统管理员核查。"
        )
    AccessLog.objects.create(
        actor=actor,
        content_type=ContentType.objects.get_for_model(PaymentBatch),
        object_id=batch.pk,
        fields="发放明细的身份证号、银行账号",
        purpose=purpose,
        ip_address=ip_address,
    )
    return batch


@dataclass(frozen=True)
class BankResult:
    """One row of the bank's result file: the line, whether it was paid, and why not."""

    line_id: int
    paid: bool
    reason: str = ""
    settled_on: dt.date | None = None


def batch_result_apply(
    *,
    actor: User,
    batch_id: int,
    results: Sequence[BankResult],
    file_name: str,
    sha256: str,
) -> BankResultImport:
    """Mark an approved batch's lines paid or failed from the bank's result (checked row by
    row before: see ``bankfiles.result_import``). Only pending lines change; a failed line
    frees the child for a later batch. The batch is settled when no line is pending.
    Raises InvalidTransition, Duplicate, Forbidden."""
    _require(actor, core_rules.Perm.BATCH_MAKE)
    with transaction.atomic():
        selectors.batch_get_for_user(user=actor, batch_id=batch_id)
        batch = PaymentBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != PaymentBatch.Status.APPROVED:
            raise InvalidTransition(
                f"批次当前状态为“{batch.get_status_display()}”，不能导入银行回盘结果。"
            )
        if batch.imports.filter(sha256=sha256).exists():
            raise Duplicate("这份银行回盘文件已经导入过，未作任何更改。")
        record = BankResultImport.objects.create(
            batch=batch,
            file_name=file_name[:200],
            sha256=sha256,
            paid_count=sum(1 for r in results if r.paid),
            failed_count=sum(1 for r in results if not r.paid),
            actor=actor,
        )
        day = today()
        pending = batch.lines.filter(status=PaymentLine.Status.PENDING)
        # one UPDATE per outcome, reason and date, in slices the SQL parameter limit allows
        groups: dict[tuple[bool, str, dt.date], list[int]] = {}
        for r in results:
            groups.setdefault((r.paid, r.reason, r.settled_on or day), []).append(r.line_id)
        for (paid, reason, settled_on), ids in groups.items():
            for start in range(0, len(ids), 900):
                pending.filter(pk__in=ids[start : start + 900]).update(
                    status=PaymentLine.Status.PAID if paid else PaymentLine.Status.FAILED,
                    failure_reason="" if paid else reason[:200],
                    result_import=record,
                    settled_on=settled_on,
                )
        totals = batch_lines_count(batch)
        batch.paid_count, batch.paid_fen = totals.paid, totals.paid_fen
        batch.failed_count = totals.failed
        batch.save(update_fields=["paid_count", "paid_fen", "failed_count", "updated_at"])
        _event(
            batch,
            batch.status,
            batch.status,
            actor,
            f"导入银行回盘“{record.file_name}”：成功{record.paid_count}笔，失败{record.failed_count}笔",
        )
        notifications_send_bulk(notifications.payment_results(record))
        paid_tally_refresh(
            year=batch.year,
            region_ids=Region.objects.filter(path__startswith=batch.region.path).values_list(
                "pk", flat=True
            ),
        )
        if totals.pending == 0:
            record_transition(
                obj=batch,
                allowed=BATCH_TRANSITIONS,
                to_status=PaymentBatch.Status.SETTLED,
                actor=actor,
                reason=f"发放完成：成功{totals.paid}笔，失败{totals.failed}笔",
            )
    return record
