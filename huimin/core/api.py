"""API of the shared kernel: calendar (public), regions, people, the current user."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Strict, StrictStr, field_validator
from pydantic_core import PydanticCustomError

from huimin.core import rules, selectors, services
from huimin.core.errors import Forbidden
from huimin.core.http import AuthedRequest
from huimin.core.models import Person


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str = Field(description="中文说明：出了什么问题、如何改正")
    code: str
    errors: list[FieldErrorOut] = []


def errors(*codes: int) -> dict[int, type[Schema]]:
    return dict.fromkeys(codes, ErrorOut)


# --------------------------------------------------------------------------- calendar

calendar_router = Router(tags=["工作日 calendar"])


class DeadlineQuery(Schema):
    start: IsoDate = Field(description="起始日期 YYYY-MM-DD，当天不计入")
    working_days: int = Field(ge=1, le=rules.MAX_WORKING_DAYS, description="工作日数")


class DeadlineOut(Schema):
    start: dt.date
    working_days: int
    deadline: dt.date
    provisional: bool = Field(
        description="计入的日子里有国务院放假通知尚未录入的年份时为 true："
        "该年按《全国年节及纪念日放假办法》暂定推算"
    )


@calendar_router.get(
    "/deadline",
    auth=None,
    url_name="calendar_deadline",
    response={200: DeadlineOut, **errors(422)},
    summary="N个工作日后的办理期限",
)
def calendar_deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> DeadlineOut:
    """The date on which N working days after ``start`` are complete (start not counted),
    on the official holiday calendar; ``provisional`` when a day it counted lies in a year
    whose notice is not entered yet (ADR 0010). 422 outside 2004–2099."""
    marked = selectors.working_deadline_marked(start=query.start, working_days=query.working_days)
    return DeadlineOut(
        start=query.start,
        working_days=query.working_days,
        deadline=marked.date,
        provisional=marked.provisional,
    )


# --------------------------------------------------------------------------- regions & me

router = Router()


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    regions: list[RegionOut]


def _region_out(region) -> RegionOut:  # noqa: ANN001
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        parent_code=region.parent.code if region.parent else None,
    )


@router.get("/me", response={200: MeOut, **errors(401)}, tags=["账号 accounts"])
def me(request: AuthedRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        role_label=user.get_role_display(),
        regions=[_region_out(r) for r in user.regions.select_related("parent")],
    )


@router.get("/regions", response={200: list[RegionOut], **errors(401, 403)}, tags=["区划 regions"])
def region_list(request: AuthedRequest) -> list[RegionOut]:
    """The regions the user serves and everything below them."""
    if not request.user.can(rules.Perm.REGION_VIEW):
        raise Forbidden()
    return [_region_out(r) for r in selectors.region_list_for_user(user=request.user)]


# --------------------------------------------------------------------------- pages
# Shared by every module's list endpoints.

M = TypeVar("M", bound=Model)
F = TypeVar("F")


class PageQuery(Schema):
    """Base of every list's query: its text filters refuse control characters (a NUL would
    reach PostgreSQL)."""

    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)

    @field_validator("*", mode="after")
    @classmethod
    def _text_without_control(cls, value: Any) -> Any:
        return _no_control(value)


class PageOut(Schema):
    """A page of a list; each list's schema adds its ``items``."""

    count: int
    page: int
    page_size: int


class Paged(Protocol):
    page: int
    page_size: int


def filters_of(query: Schema, filters: Callable[..., F]) -> F:
    """A list's filters from its query: every field but the page (the filters' names)."""
    return filters(**query.model_dump(exclude={"page", "page_size"}))


def page_of(rows: QuerySet[M], query: Paged, render: Callable[[M], dict]) -> dict:
    """The page of ``rows`` that ``query`` asks for, each row rendered, and the count of all."""
    offset = (query.page - 1) * query.page_size
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [render(row) for row in rows[offset : offset + query.page_size]],
    }


# --------------------------------------------------------------------------- people


def person_brief(person: Person) -> dict:
    """Id, name and the masked resident ID of a person another record names."""
    return {"id": person.pk, "name": person.name, "resident_id": person.masked_resident_id}


class PersonOut(Schema):
    """A person with numbers masked (``1408**************``)."""

    id: int
    name: str
    resident_id: str
    birth_date: dt.date
    sex: Literal["M", "F"]
    phone: str
    bank_name: str
    bank_account: str
    region_code: str
    region_name: str
    status: str
    status_label: str


class PersonFullOut(PersonOut):
    """The same person unmasked; every such response is written to the access log."""


def _person_out(person: Person, *, unmasked: bool = False) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "resident_id": person.resident_id if unmasked else person.masked_resident_id,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "phone": person.phone if unmasked else person.masked_phone,
        "bank_name": person.bank_name,
        "bank_account": person.bank_account if unmasked else person.masked_bank_account,
        "region_code": person.region.code,
        "region_name": person.region.name,
        "status": person.status,
        "status_label": person.get_status_display(),
    }


class PersonFilterQuery(Schema):
    q: QueryText = Field("", max_length=50, description="姓名包含或完整身份证号")
    region: QueryText = Field("", max_length=12, description="区划代码：该区域及下级")
    sex: Literal["", "M", "F"] = ""
    status: Literal["", "active", "moved_out", "deceased"] = ""
    born_from: dt.date | None = None
    born_to: dt.date | None = None
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


class PersonPageOut(PageOut):
    items: list[PersonOut]


@router.get(
    "/people", response={200: PersonPageOut, **errors(401, 403, 404, 422)}, tags=["人员 people"]
)
def person_list(request: AuthedRequest, query: Query[PersonFilterQuery]) -> dict:
    """People in the user's regions, masked, filtered and paginated."""
    people = selectors.person_list_for_user(
        user=request.user, filters=filters_of(query, selectors.PersonFilters)
    )
    return page_of(people, query, _person_out)


# --------------------------------------------------------------------------- input types
# Shared by every module's router: strict bodies, ISO dates, ids, money out.


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return rules.text_has_control_characters(value)
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_control(item) for item in value)
    return False


def _no_control(value: Any) -> Any:
    """Text with a C0/C1 control character is bad input (core's one rule for typed text):
    PostgreSQL cannot store a NUL, and an export cannot hold the others. Never a 500."""
    if _has_control(value):
        raise PydanticCustomError("string_control", rules.CONTROL_CHARACTERS_MESSAGE)
    return value


class StrictIn(Schema):
    """Base of every request body: strict types (no "5" for 5, no 0 for false), no unknown
    fields, no control character in any text (in lists and mappings too). Every module's
    input schemas inherit it."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text_without_control(cls, value: Any) -> Any:
        return _no_control(value)


#: Query text (no control character).
QueryText = Annotated[str, AfterValidator(_no_control)]


def _typed_number(value: Any) -> Any:
    return rules.typed_number(value) if isinstance(value, str) else value


#: Put last in an identifier's or number's ``Annotated[...]``: core's typed_number runs before
#: its length is checked (full-width ６２２８ and "1408 2219…" fit as the plain number).
TYPED_NUMBER = BeforeValidator(_typed_number)
#: Dates outside these years are typing errors in any record of the platform.
EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2099, 12, 31)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` text (or a date): lax parsing would read a number as a Unix
    timestamp and "0" as 1970-01-01, and would take a time too."""
    if isinstance(value, dt.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")


def _datetime_text(value: Any) -> Any:
    if isinstance(value, str | dt.datetime):
        return value
    raise PydanticCustomError("datetime_type", "Input should be a valid datetime")


def _beijing_in_range(value: dt.datetime) -> dt.datetime:
    """Without an offset a time is Beijing time; years outside 1950–2099 are typing errors."""
    value = value if timezone.is_aware(value) else timezone.make_aware(value)
    if value.date() < EARLIEST:
        raise PydanticCustomError("greater_than_equal", "too early", {"ge": EARLIEST})
    if value.date() > LATEST:
        raise PydanticCustomError("less_than_equal", "too late", {"le": LATEST})
    return value


#: A date as "YYYY-MM-DD" text, in a query or a strict body, any year.
IsoDate = Annotated[dt.date, Strict(False), BeforeValidator(_iso_date_text)]
#: A record's date: "YYYY-MM-DD", 1950–2099.
Date = Annotated[IsoDate, Field(ge=EARLIEST, le=LATEST)]
#: A date and time as ISO 8601 text; without an offset it is Beijing time.
DateTime = Annotated[
    dt.datetime, Strict(False), BeforeValidator(_datetime_text), AfterValidator(_beijing_in_range)
]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, for JSON: 6000000 → "60000.00"."""
    return f"{Decimal(fen) / 100:.2f}"


class PersonPatchIn(StrictIn):
    """Omitted (null) phone or bank account keeps the stored number."""

    name: Annotated[StrictStr, Field(max_length=50)]
    region_code: Annotated[StrictStr, Field(max_length=12)]
    phone: Annotated[StrictStr, Field(max_length=20), TYPED_NUMBER] | None = None
    bank_name: Annotated[StrictStr, Field(max_length=50)] = ""
    bank_account: Annotated[StrictStr, Field(max_length=40), TYPED_NUMBER] | None = None


class PersonIn(PersonPatchIn):
    resident_id: Annotated[StrictStr, Field(max_length=20), TYPED_NUMBER]
    phone: Annotated[StrictStr, Field(max_length=20), TYPED_NUMBER] = ""
    bank_account: Annotated[StrictStr, Field(max_length=40), TYPED_NUMBER] = ""


class PersonStatusIn(StrictIn):
    to_status: Literal["active", "moved_out", "deceased"]
    reason: Annotated[StrictStr, Field(min_length=1, max_length=500)]


class RevealIn(StrictIn):
    purpose: Annotated[StrictStr, Field(max_length=200)] = ""


class TimelineOut(Schema):
    at: dt.datetime
    actor: str
    kind: str
    title: str
    changes: list[tuple[str, str, str]]
    reason: str


@router.post(
    "/people", response={201: PersonOut, **errors(401, 403, 404, 409, 422)}, tags=["人员 people"]
)
def person_create(request: AuthedRequest, payload: PersonIn) -> Status[dict]:
    """Register a person; birth date and sex come from the resident ID."""
    person = services.person_create(actor=request.user, **payload.model_dump())
    return Status(201, _person_out(person))


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **errors(401, 403, 404, 422)},
    tags=["人员 people"],
)
def person_get(request: AuthedRequest, person_id: int) -> dict:
    return _person_out(selectors.person_get_for_user(user=request.user, person_id=person_id))


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **errors(401, 403, 404, 422)},
    tags=["人员 people"],
)
def person_update(request: AuthedRequest, person_id: int, payload: PersonPatchIn) -> dict:
    person = services.person_update(actor=request.user, person_id=person_id, **payload.model_dump())
    return _person_out(person)


@router.post(
    "/people/{person_id}/status",
    response={200: PersonOut, **errors(401, 403, 404, 409, 422)},
    tags=["人员 people"],
)
def person_status(request: AuthedRequest, person_id: int, payload: PersonStatusIn) -> dict:
    person = services.person_transition(
        actor=request.user, person_id=person_id, to_status=payload.to_status, reason=payload.reason
    )
    return _person_out(person)


@router.post(
    "/people/{person_id}/reveal",
    response={200: PersonFullOut, **errors(401, 403, 404, 422)},
    tags=["人员 people"],
)
def person_reveal(request: AuthedRequest, person_id: int, payload: RevealIn) -> dict:
    """The unmasked numbers, for roles that need them; the view is written to the access
    log."""
    person = services.person_reveal(
        actor=request.user,
        person_id=person_id,
        purpose=payload.purpose,
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return _person_out(person, unmasked=True)


@router.get(
    "/people/{person_id}/timeline",
    response={200: list[TimelineOut], **errors(401, 403, 404, 422)},
    tags=["人员 people"],
)
def person_timeline(request: AuthedRequest, person_id: int) -> list[selectors.TimelineEntry]:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    if not request.user.can(rules.Perm.AUDIT_VIEW):
        raise Forbidden("您的角色无权查看变更记录。")
    return selectors.timeline_for(person)
