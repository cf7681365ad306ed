"""A record's timeline: its data history, state transitions and unmasked views, as people read
them — one entry per change, values as the pages show them.

A transition service saves the record (a history row with the new status) and writes an event
row (actor, from, to, reason) in the same moment; often it saved other fields just before
(a batch's totals, an inspection's result). Those rows are one change to the person reading,
so they become one entry: the event's actor and reason, the status first, then the fields that
changed with it. Money stored in fen is shown in yuan, labels drop the storage unit, and
bookkeeping fields a model names in ``timeline_hidden`` (a build's cursor) are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from huimin.core import rules
from huimin.core.models import AccessLog, Event

#: History rows saved this close to an event (before it, or with its status) belong to it.
SAME_CHANGE = dt.timedelta(seconds=2)
#: Fields no page shows and no reader needs on a timeline.
ALWAYS_HIDDEN = frozenset({"id", "created_at", "updated_at"})
#: What a record's status field is called; its line comes first in an entry.
STATUS = "status"


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    actor: str
    kind: str  # "history" | "event" | "access"
    title: str
    changes: list[tuple[str, str, str]]
    reason: str = ""


def status_label(model: type[Model], value: str) -> str:
    status_cls = getattr(model, "Status", None)
    if status_cls is None:
        return value
    try:
        return str(status_cls(value).label)
    except ValueError:
        return value


def yuan_text(fen: int, unit: str = "元") -> str:
    """Fen as the pages write yuan: 61470000 → "614,700 元"; 720050 → "7,200.50 元"."""
    whole, cents = divmod(int(fen), 100)
    return f"{whole:,} {unit}" if not cents else f"{whole:,}.{cents:02d} {unit}"


def _display(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


_MASKERS = {
    "resident_id": rules.mask_resident_id,
    "phone": rules.mask_phone,
    "bank_account": rules.mask_bank_account,
}


#: A storage unit in a verbose name: “总金额（分）”, “全日托收费（分/月）”.
FEN_UNIT = re.compile(r"（分(?:/(?P<per>[^）]+))?）")


def _verbose(model: type[Model], field_name: str) -> str | None:
    try:
        model_field: Any = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - a field removed since the history row was written
        return None
    return str(getattr(model_field, "verbose_name", field_name))


def _money_unit(model: type[Model], field_name: str) -> str | None:
    """ "元" or "元/月" for a field stored in fen, else None."""
    match = FEN_UNIT.search(_verbose(model, field_name) or "")
    if match:
        return f"元/{match['per']}" if match["per"] else "元"
    if field_name.endswith("_fen") or field_name.startswith("fen_"):
        return "元"
    return None


def field_label(model: type[Model], field_name: str) -> str:
    """The field's name as the pages write it: the model's ``timeline_labels`` if it names
    one, else its verbose name without the storage unit (“总金额（分）” → “总金额”, the unit
    goes with the value in yuan)."""
    labels: dict[str, str] = getattr(model, "timeline_labels", {})
    if field_name in labels:
        return str(labels[field_name])
    verbose = _verbose(model, field_name)
    return field_name if verbose is None else FEN_UNIT.sub("", verbose)


def _shower(model: type[Model], field_name: str) -> Any:
    """How a field's value appears on the timeline: masked numbers, money in yuan, related
    rows by name, choices by label."""
    if field_name in _MASKERS:
        mask = _MASKERS[field_name]
        return lambda v: mask(v) if v else v
    unit = _money_unit(model, field_name)
    if unit is not None:
        return lambda v: yuan_text(v, unit) if v is not None else v
    try:
        model_field: Any = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001
        return lambda v: v
    if model_field.is_relation and model_field.related_model is not None:
        related: type[Model] = model_field.related_model
        return lambda v: str(related._default_manager.filter(pk=v).first() or v) if v else v
    if getattr(model_field, "choices", None):
        labels = dict(model_field.choices)
        return lambda v: labels.get(v, v)
    return lambda v: v


@dataclass
class _Revision:
    """One history row with its raw changes, before it is shown."""

    at: dt.datetime
    actor_id: int | None
    actor: str
    type: str  # "+", "~", "-"
    changes: list[tuple[str, Any, Any]]
    reason: str
    used: bool = field(default=False)

    def status_change(self) -> tuple[Any, Any] | None:
        for name, old, new in self.changes:
            if name == STATUS:
                return old, new
        return None


def _revisions(obj: Model, hidden: frozenset[str]) -> list[_Revision]:
    history = getattr(obj, "history", None)
    if history is None:
        return []
    revisions: list[_Revision] = []
    previous = None
    for record in history.all().select_related("history_user").order_by("history_date", "pk"):
        changes: list[tuple[str, Any, Any]] = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [(c.field, c.old, c.new) for c in delta.changes if c.field not in hidden]
        if previous is None or changes or record.history_type != "~":
            revisions.append(
                _Revision(
                    at=record.history_date,
                    actor_id=record.history_user_id,
                    actor=str(record.history_user) if record.history_user else "系统",
                    type=record.history_type,
                    changes=changes,
                    reason=record.history_change_reason or "",
                )
            )
        previous = record
    return revisions


def _belongs_to(revision: _Revision, event: Event) -> bool:
    """A history row is part of an event's change: saved within moments of it, by the same
    person (or by no request at all), and either carrying the event's status or saved just
    before it without a status of its own."""
    if revision.used or revision.type == "-":
        return False
    if abs(revision.at - event.created_at) > SAME_CHANGE:
        return False
    if revision.actor_id is not None and event.actor_id not in (None, revision.actor_id):
        return False
    status = revision.status_change()
    if revision.type == "+":
        return not event.from_status
    if status is not None:
        return tuple(status) == (event.from_status, event.to_status)
    return revision.at <= event.created_at


def _show(model: type[Model], changes: list[tuple[str, Any, Any]]) -> list[tuple[str, str, str]]:
    shown = []
    for name, old, new in changes:
        show = _shower(model, name)
        shown.append((field_label(model, name), _display(show(old)), _display(show(new))))
    return shown


def timeline_for(obj: Model) -> list[TimelineEntry]:
    """Data history (before/after of every field), state transitions and unmasked views of
    one record, oldest first, one entry per change. Personal numbers stay masked."""
    model = type(obj)
    hidden = ALWAYS_HIDDEN | frozenset(getattr(model, "timeline_hidden", ()))
    revisions = _revisions(obj, hidden)
    content_type = ContentType.objects.get_for_model(model)
    entries: list[TimelineEntry] = []
    events = Event.objects.filter(content_type=content_type, object_id=obj.pk).select_related(
        "actor"
    )
    for event in events:
        absorbed = [r for r in revisions if _belongs_to(r, event)]
        created = any(r.type == "+" for r in absorbed)
        other: list[tuple[str, Any, Any]] = []
        for revision in absorbed:
            revision.used = True
            other.extend(c for c in revision.changes if c[0] != STATUS)
        status_line = (
            "状态",
            status_label(model, event.from_status) if event.from_status else "（无）",
            status_label(model, event.to_status),
        )
        moved = event.from_status != event.to_status  # else a step recorded in its status
        entries.append(
            TimelineEntry(
                at=event.created_at,
                actor=str(event.actor) if event.actor else "系统",
                kind="event",
                title="创建" if created else "状态变更" if moved else "办理",
                changes=[*([status_line] if moved or created else []), *_show(model, other)],
                reason=event.reason
                or next((r.reason for r in absorbed if r.reason != event.reason), ""),
            )
        )
    kinds = {"+": "创建", "~": "修改", "-": "删除"}
    for revision in revisions:
        if revision.used:
            continue
        entries.append(
            TimelineEntry(
                at=revision.at,
                actor=revision.actor,
                kind="history",
                title=kinds.get(revision.type, "修改"),
                changes=_show(model, revision.changes),
                reason=revision.reason,
            )
        )
    for access in AccessLog.objects.filter(
        content_type=content_type, object_id=obj.pk
    ).select_related("actor"):
        entries.append(
            TimelineEntry(
                at=access.created_at,
                actor=str(access.actor),
                kind="access",
                title="查看完整信息",
                changes=[],
                reason=f"{access.fields}" + (f"；用途：{access.purpose}" if access.purpose else ""),
            )
        )
    entries.sort(key=lambda e: e.at)
    return entries


def changes_made_at(
    obj: Model, *, at: dt.datetime, until: dt.datetime | None = None
) -> list[tuple[str, str, str]] | None:
    """What the edit of a record saved just before ``at`` changed, with the edits after it up
    to ``until`` (now when None): each changed field but the status as (label, before, after),
    shown as on the timeline. None when no edit was saved at that moment (nothing to compare
    with)."""
    history = getattr(obj, "history", None)
    if history is None:
        return None
    model = type(obj)
    hidden = ALWAYS_HIDDEN | frozenset(getattr(model, "timeline_hidden", ()))
    records = list(history.all().order_by("history_date", "pk"))
    opening = [
        i
        for i, r in enumerate(records)
        if i > 0 and r.history_type == "~" and dt.timedelta(0) <= at - r.history_date <= SAME_CHANGE
    ]
    if not opening:
        return None
    first = opening[-1]
    included = [first] + [
        i
        for i in range(first + 1, len(records))
        if until is None or records[i].history_date <= until
    ]
    fields: list[str] = []
    for i in included:
        for change in records[i].diff_against(records[i - 1]).changes:
            if change.field not in hidden | {STATUS} and change.field not in fields:
                fields.append(change.field)
    before, after = records[first - 1], records[included[-1]]
    changed = [(f, getattr(before, f), getattr(after, f)) for f in fields]
    order = [f.name for f in model._meta.fields]
    changed.sort(key=lambda c: order.index(c[0]) if c[0] in order else len(order))
    return _show(model, [c for c in changed if c[1] != c[2]])
