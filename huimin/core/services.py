"""Writes of the shared kernel: one function per use case, each in one transaction.

``record_transition`` is the pattern every module's ``<entity>_transition`` follows:
lock the row, check the transition table, write with update_fields, append an Event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from huimin.core import rules
from huimin.core.errors import Duplicate, Forbidden, InvalidInput, InvalidTransition, NotFound
from huimin.core.models import (
    AccessLog,
    ApiToken,
    Event,
    HolidayDay,
    HolidayYear,
    Household,
    HouseholdMember,
    Notification,
    Person,
    Region,
    User,
)
from huimin.core.selectors import (
    NoticePreview,
    WorkdayCalendar,
    deadline_moves,
    holiday_notice_preview,
    person_get_for_user,
    region_act_require,
    region_get_for_user,
    status_label,
)

M = TypeVar("M", bound=Model)

logger = logging.getLogger("huimin.notifications")


def today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------------- audited saves


def save_audited(
    obj: M, *, actor: User | None, duplicate: str, update_fields: list[str] | None = None
) -> M:
    """Save a row with its history attributed to ``actor``; a unique constraint it breaks is a
    Duplicate with the given message (in a savepoint, so the caller's transaction goes on)."""
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError:
        raise Duplicate(duplicate) from None
    return obj


# --------------------------------------------------------------------------- transitions


def record_transition(
    *,
    obj: Model,
    allowed: Mapping[str, set[str]],
    to_status: str,
    actor: User | None,
    reason: str = "",
    field: str = "status",
) -> Model:
    """Move a row locked by the caller (select_for_update, inside atomic) along its
    transition table and append an Event. Raises InvalidTransition; nothing changes then."""
    from_status = getattr(obj, field)
    if to_status not in allowed.get(from_status, set()):
        model = type(obj)
        raise InvalidTransition(
            f"当前状态为“{status_label(model, from_status)}”，"
            f"不能变更为“{status_label(model, to_status)}”。"
        )
    setattr(obj, field, to_status)
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]
    if reason:
        # the history column holds 100 characters; the Event below keeps the whole reason
        obj._change_reason = reason[:100]  # type: ignore[attr-defined]
    update_fields = [field]
    if any(f.name == "updated_at" for f in obj._meta.fields):
        update_fields.append("updated_at")
    obj.save(update_fields=update_fields)
    Event.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    return obj


# --------------------------------------------------------------------------- regions


def region_create(*, code: str, name: str, level: str, parent: Region | None) -> Region:
    """Add a node to the region tree; its path is the parent's path plus its code."""
    path = f"{parent.path if parent else ''}{code}/"
    return Region.objects.create(code=code, name=name, level=level, parent=parent, path=path)


# --------------------------------------------------------------------------- people


PERSON_TRANSITIONS: dict[str, set[str]] = {
    Person.Status.ACTIVE: {Person.Status.MOVED_OUT, Person.Status.DECEASED},
    # a family may report the death of a child whose hukou has left the city
    Person.Status.MOVED_OUT: {Person.Status.ACTIVE, Person.Status.DECEASED},
    Person.Status.DECEASED: set(),
}


def _person_fields(*, phone: str, bank_account: str) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    try:
        values["phone"] = rules.phone_normalize(phone)
    except ValueError as exc:
        errors["phone"] = str(exc)
    try:
        values["bank_account"] = rules.bank_account_normalize(bank_account)
    except ValueError as exc:
        errors["bank_account"] = str(exc)
    return values, errors


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput("；".join(errors.values()), field_errors=errors)


def person_create(
    *,
    actor: User,
    resident_id: str,
    name: str,
    region_code: str,
    phone: str = "",
    bank_name: str = "",
    bank_account: str = "",
) -> Person:
    """Register a person in a region the actor serves. Birth date and sex come from the
    resident ID. Raises InvalidInput, Duplicate, NotFound, Forbidden."""
    if not actor.can(rules.Perm.PERSON_EDIT):
        raise Forbidden()
    errors: dict[str, str] = {}
    parsed = None
    try:
        parsed = rules.resident_id_parse(resident_id, today=today())
    except rules.ResidentIdError as exc:
        errors["resident_id"] = str(exc)
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写姓名。"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50个字。"
    values, field_errors = _person_fields(phone=phone, bank_account=bank_account)
    errors.update(field_errors)
    if not region_code:
        errors["region"] = "请选择户籍所在地。"
    _raise_if(errors)
    assert parsed is not None  # noqa: S101 - errors would have been raised
    region = region_get_for_user(user=actor, code=region_code)
    person = Person(
        resident_id=parsed.number,
        name=name,
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        region=region,
        bank_name=(bank_name or "").strip(),
        **values,
    )
    try:
        return save_audited(
            person,
            actor=actor,
            duplicate=f"居民身份证号码{rules.mask_resident_id(parsed.number)}已登记，"
            "不能重复登记。请在人员列表中按身份证号查找该人员。",
        )
    except Duplicate as exc:
        exc.field_errors = {"resident_id": "该身份证号码已登记，不能重复登记。"}
        raise


def person_ensure(*, actor: User, resident_id: str, name: str, region: Region) -> Person:
    """The person with this resident ID, registered in ``region`` if new — for modules that
    record people on their own forms (a child enrolled, a staff member hired). The ID is
    validated; a known ID with another name is refused. Raises InvalidInput."""
    try:
        parsed = rules.resident_id_parse(resident_id, today=today())
    except rules.ResidentIdError as exc:
        raise InvalidInput(str(exc), field_errors={"resident_id": str(exc)}) from None
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写姓名。", field_errors={"name": "请填写姓名。"})
    existing = Person.objects.filter(resident_id=parsed.number).first()
    if existing is not None:
        if existing.name != name:
            message = rules.name_mismatch_message(parsed.number, name)
            raise InvalidInput(message, field_errors={"name": message})
        return existing
    person = Person(
        resident_id=parsed.number,
        name=name,
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        region=region,
    )
    person._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # registered at the same moment by someone else
        return Person.objects.get(resident_id=parsed.number)
    return person


def person_update(
    *,
    actor: User,
    person_id: int,
    name: str,
    phone: str | None,
    bank_name: str,
    bank_account: str | None,
    region_code: str | None = None,
) -> Person:
    """Change a person's name, contact, bank and (within the actor's scope) hukou region.
    ``None`` for phone or bank account keeps the stored number. The resident ID is the key
    and never changes. Raises InvalidInput, NotFound, Forbidden."""
    if not actor.can(rules.Perm.PERSON_EDIT):
        raise Forbidden()
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写姓名。"
    values, field_errors = _person_fields(phone=phone or "", bank_account=bank_account or "")
    errors.update(field_errors)
    _raise_if(errors)
    with transaction.atomic():
        person_get_for_user(user=actor, person_id=person_id)  # scope check
        person = Person.objects.select_for_update().select_related("region").get(pk=person_id)
        person.name = name
        person.bank_name = (bank_name or "").strip()
        fields = ["name", "bank_name", "updated_at"]
        if phone is not None:
            person.phone = values["phone"]
            fields.append("phone")
        if bank_account is not None:
            person.bank_account = values["bank_account"]
            fields.append("bank_account")
        if region_code and region_code != person.region.code:
            person.region = region_get_for_user(user=actor, code=region_code)
            fields.append("region")
        person._history_user = actor  # type: ignore[attr-defined]
        person.save(update_fields=fields)
    return person


def person_transition(*, actor: User, person_id: int, to_status: str, reason: str) -> Person:
    """Record a hukou move out of the city, a return, or a death. A reason is required.
    Raises InvalidTransition, InvalidInput, NotFound, Forbidden."""
    if not actor.can(rules.Perm.PERSON_EDIT):
        raise Forbidden()
    if to_status not in Person.Status.values:
        raise InvalidInput(f"未知的状态“{to_status}”。")
    if not (reason or "").strip():
        message = "请填写变更原因（如死亡医学证明编号、户口迁移证编号）。"
        raise InvalidInput(message, field_errors={"reason": message})
    with transaction.atomic():
        person_get_for_user(user=actor, person_id=person_id)
        person = Person.objects.select_for_update().get(pk=person_id)
        record_transition(
            obj=person,
            allowed=PERSON_TRANSITIONS,
            to_status=to_status,
            actor=actor,
            reason=reason.strip(),
        )
    return person


def person_status_follow(
    *, actor: User | None, person_id: int, to_status: str, reason: str
) -> Person:
    """Move a person's status because another module recorded the fact (a subsidy
    application's hukou move out of the city, a death), after that module's service checked
    the actor may act on its record: lock, PERSON_TRANSITIONS, event row. A person already in
    ``to_status`` is left as is. Call inside the caller's transaction. Raises InvalidTransition."""
    person = Person.objects.select_for_update().get(pk=person_id)
    if person.status != to_status:
        record_transition(
            obj=person,
            allowed=PERSON_TRANSITIONS,
            to_status=to_status,
            actor=actor,
            reason=reason.strip(),
        )
    return person


def household_join(
    *, actor: User, person_id: int, member_id: int, relation: str
) -> HouseholdMember:
    """Record that ``member_id`` lives in ``person_id``'s household (created, with the person
    as its head, if the person has none). Both must be people the actor may act on; a member
    already in another household is refused. Raises Forbidden, NotFound, InvalidInput,
    Duplicate."""
    if not actor.can(rules.Perm.PERSON_EDIT):
        raise Forbidden()
    if relation not in HouseholdMember.Relation.values or relation == HouseholdMember.Relation.HEAD:
        raise InvalidInput(
            "请选择与户主的关系（配偶、子女、父母等）。",
            field_errors={"relation": "请选择与户主的关系。"},
        )
    if person_id == member_id:
        raise InvalidInput("不能把本人加入本人的户。")
    with transaction.atomic():
        person = person_get_for_user(user=actor, person_id=person_id)
        member = person_get_for_user(user=actor, person_id=member_id)
        region_act_require(actor, person.region)
        region_act_require(actor, member.region)
        head = HouseholdMember.objects.select_for_update().filter(person=person).first()
        if head is None:
            household = Household.objects.create(region=person.region)
            head = HouseholdMember.objects.create(
                household=household, person=person, relation=HouseholdMember.Relation.HEAD
            )
        link = HouseholdMember(household_id=head.household_id, person=member, relation=relation)
        return save_audited(
            link,
            actor=actor,
            duplicate=f"{member.name}已登记在另一户中，请先从原户中移出。",
        )


UNMASKED_FIELDS = ("resident_id", "phone", "bank_account")


def person_reveal(
    *, actor: User, person_id: int, purpose: str = "", ip_address: str | None = None
) -> Person:
    """Let a role that needs them see a person's full numbers, and log the view (PIPL).
    A citizen seeing their own record is not logged. Raises Forbidden, NotFound."""
    person = person_get_for_user(user=actor, person_id=person_id)
    if actor.role == rules.Role.CITIZEN and person.pk == actor.person_id:
        return person
    if not actor.can(rules.Perm.PERSON_UNMASK):
        raise Forbidden("您的角色无权查看完整的身份证号、电话和银行账号。")
    AccessLog.objects.create(
        actor=actor,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=person.pk,
        fields="身份证号、联系电话、银行账号",
        purpose=(purpose or "")[:200],
        ip_address=ip_address,
    )
    return person


# --------------------------------------------------------------------------- API tokens


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a bearer token; the key is returned once and only its hash is kept."""
    key = "hm_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name or "API", prefix=key[:8], key_hash=_token_hash(key)
    )
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    """The active user behind a bearer token, or None. Marks the token used."""
    try:
        token = ApiToken.objects.select_related("user").get(
            key_hash=_token_hash(key), revoked_at__isnull=True
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound("未找到该令牌，或已吊销。")
    return ApiToken.objects.get(pk=token_id)


# --------------------------------------------------------------------------- holiday notices


@dataclass(frozen=True)
class NoticeEntered:
    holiday_year: HolidayYear
    preview: NoticePreview
    moved: int  # stored deadlines whose date changed
    kept: int  # computed earlier, kept because somebody was told


def holiday_notice_enter(
    *, actor: User | None, text: str, year: int | None = None
) -> NoticeEntered:
    """Enter a State Council notice pasted as text (``actor`` None: the command line): the
    year's days off and make-up workdays replace what was entered for it before, and every
    running deadline counted on the provisional year is recomputed in the same transaction —
    one told to somebody only ever moves later — with an Event on each record it changes.
    All or nothing. Raises Forbidden, InvalidInput (the line that could not be read)."""
    preview = holiday_notice_preview(user=actor, text=text, year=year)
    notice = preview.notice
    with transaction.atomic():
        holiday_year = HolidayYear.objects.select_for_update().filter(year=notice.year).first()
        holiday_year = holiday_year or HolidayYear(year=notice.year)
        holiday_year.notice = (
            notice.title or f"国务院办公厅关于{notice.year}年部分节假日安排的通知"
        )[:200]
        holiday_year.notice_number = notice.number[:50]
        holiday_year.notice_date = notice.published_on
        holiday_year.text = text.strip()
        holiday_year.entered_at = timezone.now()
        holiday_year.entered_by = actor
        holiday_year._change_reason = "录入国务院放假通知"  # type: ignore[attr-defined]
        save_audited(
            holiday_year, actor=actor, duplicate="该年度的放假安排正在被他人录入，请稍后重试。"
        )
        HolidayDay.objects.filter(holiday_year=holiday_year).delete()
        days = {d: (False, n) for d, n in notice.days_off.items()}
        days |= {d: (True, n) for d, n in notice.workdays.items()}
        # a day at the end of the year before may have been entered with that year's notice
        HolidayDay.objects.filter(date__in=list(days)).delete()
        HolidayDay.objects.bulk_create(
            HolidayDay(holiday_year=holiday_year, date=d, is_workday=w, name=n[:50])
            for d, (w, n) in sorted(days.items())
        )
        moves = deadline_moves(WorkdayCalendar())
        title = holiday_year.notice
        moved = kept = 0
        for move in moves:
            holder, obj = move.holder, move.obj
            locked = holder.model._default_manager.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
            setattr(locked, holder.deadline_field, move.after)
            setattr(locked, holder.flag_field, move.provisional_after)
            if actor is not None:
                locked._history_user = actor  # type: ignore[attr-defined]
            locked.save(update_fields=[holder.deadline_field, holder.flag_field])
            if move.changed:
                moved += 1
                reason = (
                    f"录入《{title}》后重新计算{holder.label}："
                    f"由{move.before:%Y年%m月%d日}改为{move.after:%Y年%m月%d日}。"
                )
            elif move.kept:
                kept += 1
                reason = (
                    f"录入《{title}》后{holder.label}按新安排为{move.computed:%Y年%m月%d日}；"
                    f"该期限已告知当事人，只推后不提前，仍为{move.after:%Y年%m月%d日}。"
                )
            else:
                continue
            status = getattr(locked, holder.status_field)
            Event.objects.create(
                content_type=ContentType.objects.get_for_model(holder.model),
                object_id=locked.pk,
                actor=actor,
                from_status=status,
                to_status=status,
                reason=reason,
            )
        return NoticeEntered(holiday_year, preview, moved, kept)


# --------------------------------------------------------------------------- inbox


def notification_recipients(
    *, person_ids: Iterable[int | None], users: Iterable[User | None] = ()
) -> list[User]:
    """The citizen accounts a change concerns: those linked to these people (``User.person``)
    and these accounts themselves when they are citizens' — each once, in id order. A person
    without an account is told nothing."""
    ids = {pk for pk in person_ids if pk is not None}
    found: dict[int, User] = {}
    if ids:
        for linked in User.objects.filter(person_id__in=ids, is_active=True):
            found[linked.pk] = linked
    for given in users:
        if given is not None and given.is_active and given.role == User.Role.CITIZEN:
            found.setdefault(given.pk, given)
    return [found[pk] for pk in sorted(found)]


def _email_one(notification_id: int) -> None:
    """Send one message by e-mail (after its transaction committed); a failure is logged,
    the message stays in the inbox unsent."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or not notification.recipient.email:
        return
    try:
        _mail(notification).send()
    except Exception:
        logger.exception("e-mail of notification %s not sent", notification_id)
        return
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())


def _mail(notification: Notification) -> EmailMessage:
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{settings.HUIMIN_SITE_URL.rstrip('/')}{notification.url}"
    return EmailMessage(
        subject=f"【惠民】{notification.title}",
        body=body,
        to=[notification.recipient.email],
    )


def notification_send(
    *,
    user: User,
    title: str,
    body: str,
    url: str = "",
    obj: Model | None = None,
    event: Event | None = None,
) -> Notification:
    """Leave a message in a citizen's inbox, in the caller's transaction; once it commits,
    send it through Django's e-mail backend when the account has an address."""
    notification = Notification.objects.create(
        recipient=user,
        title=title[:100],
        body=body,
        url=url[:200],
        content_type=ContentType.objects.get_for_model(type(obj)) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        event=event,
    )
    if user.email:
        transaction.on_commit(partial(_email_one, notification.pk))
    return notification


def notifications_send_bulk(rows: Iterable[Notification], *, chunk: int = 2000) -> int:
    """Write many messages at once (a bank's result marking thousands of lines paid), in
    chunks, and queue their e-mails for a background task once the transaction commits
    (docs/adr/0013-citizen-inbox.md). Returns how many were written."""
    from huimin.core.tasks import notification_emails_task  # tasks import services

    written = 0
    first = last = None
    batch: list[Notification] = []

    def flush() -> None:
        nonlocal written, first, last
        if not batch:
            return
        created = Notification.objects.bulk_create(batch)
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # a backend that returns no ids: read back the range just written
            top = Notification.objects.order_by("-pk").values_list("pk", flat=True)[: len(batch)]
            ids = list(top)
        first = min(ids) if first is None else min(first, *ids)
        last = max(ids) if last is None else max(last, *ids)
        written += len(batch)
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            flush()
    flush()
    if written and first is not None and last is not None:
        low, high = first, last
        transaction.on_commit(lambda: notification_emails_task.enqueue(first_id=low, last_id=high))
    return written


def notification_emails_send(*, first_id: int, last_id: int) -> int:
    """Send the not yet e-mailed messages with ids in [first_id, last_id] to the accounts
    that have an address, over one connection; each sent one gets ``emailed_at``. Idempotent:
    run again, it sends only what was not sent. Returns how many were sent."""
    pending = (
        Notification.objects.filter(pk__gte=first_id, pk__lte=last_id, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("pk")
    )
    sent = 0
    connection = get_connection()
    for start in range(first_id, last_id + 1, 500):
        rows = list(pending.filter(pk__gte=start, pk__lt=start + 500))
        if not rows:
            continue
        done: list[int] = []
        for notification in rows:
            message = _mail(notification)
            message.connection = connection
            try:
                message.send()
            except Exception:
                logger.exception("e-mail of notification %s not sent", notification.pk)
                continue
            done.append(notification.pk)
        Notification.objects.filter(pk__in=done).update(emailed_at=timezone.now())
        sent += len(done)
    return sent


def notification_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own messages read (the first time). Raises NotFound for a
    message that is not theirs."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient=user)
            .first()
        )
        if notification is None:
            raise NotFound("没有这条消息。")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: User) -> int:
    """Mark all of the user's unread messages read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notify(
    *,
    person_ids: Iterable[int | None],
    users: Iterable[User | None] = (),
    title: str,
    body: str,
    url: str = "",
    obj: Model,
) -> list[Notification]:
    """Tell the citizens a change of ``obj`` concerns (``notification_recipients``): one
    message each, tied to the change's latest Event (call it after writing the Event, in the
    same transaction). Nobody with an account: nothing is written."""
    recipients = notification_recipients(person_ids=person_ids, users=users)
    if not recipients:
        return []
    event = (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .order_by("-id")
        .first()
    )
    return [
        notification_send(user=user, title=title, body=body, url=url, obj=obj, event=event)
        for user in recipients
    ]
