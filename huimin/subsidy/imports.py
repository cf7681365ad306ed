"""Roster import (名册导入) of subsidy applications from an ``.xlsx`` file, the way counties
hold children and guardians today (a services module: it writes).

All or nothing: every row is checked first (cells, duplicates within the file and against
existing applications, names of registered people, the application rules of RULES.md §4: the
checks of ``services.application_submit``) and any problem rejects the whole file with
ImportRejected, which lists each problem by Excel row, column and a Chinese message; nothing is
written then. A clean file is written in bulk in one transaction — new people, applications
(channel ``roster``, submitted), their history attributed to the importer and one event each —
the records ``application_submit`` writes for one application, so a county's 9,000 children
import in seconds rather than a minute. The checks against stored records run inside that
transaction, just before the writes, and the database's unique constraints stay the last
guard: a child filed by someone else at the same moment rolls the whole import back with a
clear message.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, CharField, DateTimeField, Model, QuerySet, Value
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, InvalidInput
from huimin.core.imports import (
    ROW_COLUMN,
    CellError,
    ImportRejected,
    Row,
    RowError,
    cell_text,
    choice,
    read_rows,
    required,
    resident_id,
    template_notes,
    template_sheet,
)
from huimin.core.models import Event, Person, Region, User
from huimin.core.spreadsheets import workbook_bytes
from huimin.subsidy import rules, selectors, services
from huimin.subsidy.models import Application

__all__ = [
    "MAX_ROSTER_ROWS",
    "ROSTER_COLUMNS",
    "ImportRejected",
    "RosterResult",
    "RowError",
    "roster_import",
    "roster_template",
]

_T = TypeVar("_T")

#: A county holds about 9,000 children under 3; one file may carry up to this many rows.
MAX_ROSTER_ROWS = 20_000

#: The columns of a roster; the last two (账户所有人, 联系电话) may be left out of a file.
ROSTER_COLUMNS = (
    "儿童姓名",
    "儿童身份证号",
    "出生医学证明编号",
    "户籍所在地",
    "申请人姓名",
    "申请人身份证号",
    "与儿童关系",
    "开户银行",
    "银行账号",
    "账户所有人",
    "联系电话",
)
#: The column of each field ``application_submit`` reports a problem in.
ROSTER_FIELDS = {
    "child_name": "儿童姓名",
    "child_resident_id": "儿童身份证号",
    "birth_certificate": "出生医学证明编号",
    "region": "户籍所在地",
    "region_code": "户籍所在地",
    "applicant_name": "申请人姓名",
    "applicant_resident_id": "申请人身份证号",
    "relation": "与儿童关系",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "account_holder": "账户所有人",
    "phone": "联系电话",
}
#: Where a refusal without a field is reported: it concerns the child's application.
DEFAULT_COLUMN = "儿童身份证号"

RELATION_BY_LABEL = {label: value for value, label in rules.Relation.LABELS.items()}
HOLDER_BY_LABEL = {str(label): str(value) for value, label in Application.Holder.choices}
#: Text limits of the stored fields (PostgreSQL refuses longer text).
NAME_MAX = 50
BANK_NAME_MAX = 50

#: The template's example row: valid, so that it shows the formats, and recognised on import
#: so that an example left in the file is not imported as a real child.
_EXAMPLE_CHILD_ID = core_rules.resident_id_build("140802", dt.date(2025, 3, 1), 999)
_EXAMPLE_APPLICANT_ID = core_rules.resident_id_build("140802", dt.date(1992, 9, 19), 998)
EXAMPLE_IDS = frozenset({_EXAMPLE_CHILD_ID, _EXAMPLE_APPLICANT_ID})
EXAMPLE_CERTIFICATE = "Q140000001"
_EXAMPLE_REGION = "北城街道"

_TEXT_COLUMNS = frozenset(
    {"儿童身份证号", "出生医学证明编号", "户籍所在地", "申请人身份证号", "银行账号", "联系电话"}
)
_CHOICES: dict[str, tuple[str, ...]] = {
    "与儿童关系": tuple(RELATION_BY_LABEL),
    "账户所有人": tuple(HOLDER_BY_LABEL),
}


@dataclass(frozen=True)
class RosterResult:
    created: int
    ids: list[int]


def _require_enter(actor: User) -> None:
    citizen = actor.role == core_rules.Role.CITIZEN and not actor.is_superuser
    if citizen or not actor.can(core_rules.Perm.SUBSIDY_ENTER):
        raise Forbidden("只有县级、乡镇工作人员可以导入育儿补贴名册。")


# --------------------------------------------------------------------------- the template


def roster_template(*, actor: User) -> bytes:
    """The ``.xlsx`` roster template: the header row, one example row, number columns
    formatted as text (so Excel keeps all 18 characters of an ID), drop-down lists for the
    fixed choices, a sheet of notes and a sheet of the hukou places the actor may name.
    Raises Forbidden."""
    _require_enter(actor)
    regions = list(selectors.hukou_regions(user=actor).order_by("code"))
    example_region = next(
        (r.name for r in regions if r.level == Region.Level.TOWNSHIP), _EXAMPLE_REGION
    )
    example = (
        "李子涵",
        _EXAMPLE_CHILD_ID,
        EXAMPLE_CERTIFICATE,
        example_region,
        "王丽",
        _EXAMPLE_APPLICANT_ID,
        "母亲",
        "中国农业银行运城分行",
        "6228480012345678901",
        "申请人",
        "13835901234",
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "育儿补贴名册"
    template_sheet(
        sheet,
        ROSTER_COLUMNS,
        example,
        text_columns=_TEXT_COLUMNS,
        choices=_CHOICES,
        last_row=MAX_ROSTER_ROWS + 1,
    )
    for index, header in enumerate(ROSTER_COLUMNS, start=1):
        if header in _TEXT_COLUMNS:
            # The column's style applies to every cell typed into it later: text, so Excel
            # neither rounds an 18-digit number nor drops a leading zero.
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    sheet.freeze_panes = "A2"

    template_notes(
        workbook,
        [
            "第一行为列名，请勿修改；第二行为示例，导入前请删除或替换为实际数据。",
            "每行一名儿童：同一儿童（身份证号）或同一出生医学证明编号在文件中只能出现一次，"
            "已有申请（未被退回）的儿童不能再次导入。",
            "身份证号填写18位第二代居民身份证号码；出生医学证明编号为1个大写字母加9位数字。",
            "户籍所在地填写乡镇（街道）或村（社区）的名称或区划代码，"
            "名称重复时请填写代码；可填的地方见“户籍所在地”工作表。",
            "与儿童关系填写：父亲、母亲或其他监护人；父亲、母亲须与申请人身份证号显示的性别一致。",
            "账户所有人填写：申请人或孩子本人，不填视为申请人；联系电话可不填。",
            f"一个文件最多{MAX_ROSTER_ROWS}行。任何一行有错误时整份文件都不会导入，"
            "系统会列出每一处错误的行号和列名。",
        ],
        width=100,
    )

    places = workbook.create_sheet("户籍所在地")
    places.append(["区划代码", "名称", "所属"])
    for cell in places[1]:
        cell.font = Font(bold=True)
    for region in regions:
        parent = region.parent
        above = parent.name if parent is not None else ""
        if region.level == Region.Level.VILLAGE and parent is not None and parent.parent:
            above = parent.parent.name + parent.name
        places.append([region.code, region.name, above])
    places.column_dimensions["A"].width = 16
    places.column_dimensions["B"].width = 20
    places.column_dimensions["C"].width = 24
    return workbook_bytes(workbook)


# --------------------------------------------------------------------------- reading cells


class _Places:
    """The hukou places an importer may name: townships and villages in their scope, by code
    and by name (also with the township's or county's name before it). A name that fits two
    places must be given as a code."""

    def __init__(self, actor: User) -> None:
        self.by_code: dict[str, Region] = {}
        self.by_name: dict[str, list[Region]] = defaultdict(list)
        for region in selectors.hukou_regions(user=actor).order_by("code"):
            self.by_code[region.code] = region
            names = [region.name]
            parent = region.parent
            if parent is not None:
                names.append(parent.name + region.name)
                if parent.parent is not None:
                    names.append(parent.parent.name + parent.name + region.name)
            for name in names:
                if region not in self.by_name[name]:
                    self.by_name[name].append(region)
        self.city_codes: set[str] = set()

    def load_codes(self, texts: Iterable[str]) -> None:
        """Codes of the city outside the scope, for a clearer message (one query)."""
        unknown = {t for t in texts if t.isdigit() and t not in self.by_code}
        if unknown:
            self.city_codes = set(
                Region.objects.filter(code__in=unknown).values_list("code", flat=True)
            )

    def resolve(self, value: object) -> Region:
        text = core_rules.typed_number(cell_text(value))  # a code may be typed full-width
        if not text:
            raise CellError("必填，请填写乡镇（街道）或村（社区）的名称或区划代码。")
        if text in self.by_code:
            return self.by_code[text]
        if text.isdigit():
            if text in self.city_codes:
                raise CellError(
                    f"区划代码{text}不是您负责范围内的乡镇（街道）或村（社区），"
                    "只能导入本辖区户籍的儿童。"
                )
            raise CellError(
                f"区划代码{text}不是本市的乡镇（街道）或村（社区），"
                "请对照模板中的“户籍所在地”工作表填写。"
            )
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            options = "、".join(
                f"{r.parent.name if r.parent else ''}{r.name}（{r.code}）" for r in found
            )
            raise CellError(f"“{text}”对应多个地方：{options}，请改填区划代码。")
        near = sorted({r.name for r in self.by_code.values() if text in r.name})[:3]
        hint = f"您是否要填：{'、'.join(near)}？" if near else ""
        raise CellError(
            f"“{text}”不是您负责范围内的乡镇（街道）或村（社区）名称，"
            f"请对照模板中的“户籍所在地”工作表填写名称或区划代码。{hint}"
        )


def _excel_number(value: object, what: str) -> None:
    """A long number Excel stored as a number has lost its last digits."""
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) > 15):
        raise CellError(
            f"{what}被Excel存成了数字，末几位可能已丢失：请把该列设为文本格式后重新填写。"
        )


def _limited(what: str, limit: int) -> Callable[[object], str]:
    """A required text of at most ``limit`` characters (the stored field's)."""

    def parse(value: object) -> str:
        text = required(value)
        if len(text) > limit:
            raise CellError(f"{what}最多{limit}个字，您填写了{len(text)}个字。")
        return text

    return parse


_name = _limited("姓名", NAME_MAX)
_bank_name = _limited("开户银行", BANK_NAME_MAX)


def _certificate(value: object) -> str:
    _excel_number(value, "出生医学证明编号")
    try:
        return rules.birth_certificate_normalize(cell_text(value))
    except rules.ApplicationError as exc:
        raise CellError(exc.message) from None


def _bank_account(value: object) -> str:
    _excel_number(value, "银行账号")
    try:
        account = core_rules.bank_account_normalize(cell_text(value))
    except ValueError as exc:
        raise CellError(str(exc)) from None
    if not account:
        raise CellError("必填，请填写用于接收补贴的银行账号。")
    return account


def _holder(value: object) -> str:
    if not cell_text(value):
        return Application.Holder.APPLICANT
    return str(choice(value, HOLDER_BY_LABEL, "账户所有人"))


def _phone(value: object) -> str:
    try:
        return core_rules.phone_normalize(cell_text(value))
    except ValueError as exc:
        raise CellError(str(exc)) from None


def _chunks(items: Sequence[_T], size: int = 900) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --------------------------------------------------------------------------- the import


@dataclass
class _Line:
    """One row as read: each cell parsed, or None where the cell had a problem (recorded on
    the row). The checks across rows use whatever cells could be read."""

    number: int
    child_name: str | None
    child: core_rules.ResidentId | None
    certificate: str | None
    region: Region | None
    applicant_name: str | None
    applicant: core_rules.ResidentId | None
    relation: str | None
    bank_name: str | None
    bank_account: str | None
    holder: str | None
    phone: str | None

    def data(self) -> services.ApplicationInput:
        """The application of a row whose every cell was read."""
        return services.ApplicationInput(
            child_name=self.child_name or "",
            child_resident_id=self.child.number if self.child else "",
            birth_certificate=self.certificate or "",
            region_code=self.region.code if self.region else "",
            relation=self.relation or "",
            bank_name=self.bank_name or "",
            bank_account=self.bank_account or "",
            account_holder=self.holder or Application.Holder.APPLICANT,
            phone=self.phone or "",
            applicant_name=self.applicant_name or "",
            applicant_resident_id=self.applicant.number if self.applicant else "",
        )

    def clean(self) -> _Entry:
        """The row once every cell was read (only called on a file without problems)."""
        child, applicant, region = self.child, self.applicant, self.region
        texts = (
            self.child_name,
            self.certificate,
            self.applicant_name,
            self.relation,
            self.bank_name,
            self.bank_account,
            self.holder,
            self.phone,
        )
        if child is None or applicant is None or region is None or None in texts:
            raise ValueError(f"第{self.number}行未通过检查，不能写入。")
        return _Entry(
            number=self.number,
            child_name=self.child_name or "",
            child=child,
            certificate=self.certificate or "",
            region=region,
            applicant_name=self.applicant_name or "",
            applicant=applicant,
            relation=self.relation or "",
            bank_name=self.bank_name or "",
            bank_account=self.bank_account or "",
            holder=self.holder or Application.Holder.APPLICANT,
            phone=self.phone or "",
        )


@dataclass(frozen=True)
class _Entry:
    """A row whose every cell was read and checked: what is written."""

    number: int
    child_name: str
    child: core_rules.ResidentId
    certificate: str
    region: Region
    applicant_name: str
    applicant: core_rules.ResidentId
    relation: str
    bank_name: str
    bank_account: str
    holder: str
    phone: str


def _read(row: Row, places: _Places, today: dt.date) -> _Line:
    """Parse every cell of a row, each problem recorded on the row."""

    def rid(value: object) -> core_rules.ResidentId:
        return resident_id(value, today=today)

    line = _Line(
        number=row.number,
        child_name=row.read("儿童姓名", _name),
        child=row.read("儿童身份证号", rid),
        certificate=row.read("出生医学证明编号", _certificate),
        region=row.read("户籍所在地", places.resolve),
        applicant_name=row.read("申请人姓名", _name),
        applicant=row.read("申请人身份证号", rid),
        relation=row.read("与儿童关系", lambda v: choice(v, RELATION_BY_LABEL, "与儿童关系")),
        bank_name=row.read("开户银行", _bank_name),
        bank_account=row.read("银行账号", _bank_account),
        holder=row.read("账户所有人", _holder),
        phone=row.read("联系电话", _phone),
    )
    for column, parsed in (("儿童身份证号", line.child), ("申请人身份证号", line.applicant)):
        if parsed is not None and parsed.number in EXAMPLE_IDS:
            row.fail(column, "这是导入模板中的示例，请删除该行或替换为实际数据。")
    return line


def _rule_problems(line: _Line, today: dt.date) -> list[RowError]:
    """The application rules of RULES.md §4 (the function application_submit calls), when
    the cells they need could be read."""
    if line.child is None or line.applicant is None or line.relation is None:
        return []
    return [
        RowError(line.number, ROSTER_FIELDS.get(p.field, DEFAULT_COLUMN), p.message)
        for p in rules.application_check(
            child_birth_date=line.child.birth_date,
            applicant_birth_date=line.applicant.birth_date,
            applicant_sex=line.applicant.sex,
            relation=line.relation,
            same_person=line.child.number == line.applicant.number,
            today=today,
        )
    ]


def _repeated(lines: list[_Line]) -> list[RowError]:
    """Every row of a child or birth certificate that appears more than once names all its
    rows."""
    children: dict[str, list[int]] = defaultdict(list)
    certificates: dict[str, list[int]] = defaultdict(list)
    for line in lines:
        if line.child is not None:
            children[line.child.number].append(line.number)
        if line.certificate is not None:
            certificates[line.certificate].append(line.number)
    errors = []
    for occurrences, column in (
        (children, "儿童身份证号"),
        (certificates, "出生医学证明编号"),
    ):
        for numbers in occurrences.values():
            if len(numbers) > 1:
                where = "、".join(str(n) for n in numbers)
                message = f"第{where}行的{column}相同：同一儿童只能申请一次，请删除重复的行。"
                errors += [RowError(n, column, message) for n in numbers]
    return errors


def _existing(lines: list[_Line], actor: User) -> list[RowError]:
    """Children and birth certificates that already have an application not refused; its
    number and status only when the importing official may see it (issue 11, item 8)."""
    children = sorted({line.child.number for line in lines if line.child is not None})
    certificates = sorted({line.certificate for line in lines if line.certificate is not None})
    live = Application.objects.exclude(status=Application.Status.REJECTED)
    by_child: dict[str, Application] = {}
    by_certificate: dict[str, Application] = {}
    for part in _chunks(children):
        for application in live.filter(child__resident_id__in=part).select_related("child"):
            by_child[application.child.resident_id] = application
    for part in _chunks(certificates):
        for application in live.filter(birth_certificate__in=part):
            by_certificate[application.birth_certificate] = application
    found_ids = {a.pk for a in by_child.values()} | {a.pk for a in by_certificate.values()}
    visible = set(
        selectors.application_scope(actor).filter(pk__in=found_ids).values_list("pk", flat=True)
    )
    errors = []
    for line in lines:
        found = by_child.get(line.child.number) if line.child is not None else None
        if found is not None:
            detail = (
                f"（编号{found.pk}，{found.submitted_on.isoformat()}"
                f"{found.get_channel_display()}，当前状态：{found.get_status_display()}）"
                if found.pk in visible
                else ""
            )
            where = "" if detail else "；如有疑问，请联系孩子户籍所在地的乡镇（街道）"
            errors.append(
                RowError(
                    line.number,
                    "儿童身份证号",
                    f"该儿童已有育儿补贴申请{detail}，不能重复申请，请删除该行{where}。",
                )
            )
        found = by_certificate.get(line.certificate or "")
        if found is not None:
            detail = (
                f"（编号{found.pk}，当前状态：{found.get_status_display()}）"
                if found.pk in visible
                else ""
            )
            errors.append(
                RowError(
                    line.number,
                    "出生医学证明编号",
                    f"出生医学证明编号{line.certificate}已用于育儿补贴申请{detail}，请核对编号。",
                )
            )
    return errors


class _Known(NamedTuple):
    """A person already registered: what the checks and the writes need."""

    pk: int
    name: str
    status: str


def _registered(lines: list[_Line]) -> dict[str, _Known]:
    """The registered people among the file's children and applicants, by resident ID."""
    numbers = sorted(
        {p.number for line in lines for p in (line.child, line.applicant) if p is not None}
    )
    known: dict[str, _Known] = {}
    for part in _chunks(numbers):
        for pk, number, name, status in Person.objects.filter(resident_id__in=part).values_list(
            "pk", "resident_id", "name", "status"
        ):
            known[number] = _Known(pk, name, status)
    return known


def _people(lines: list[_Line], known: dict[str, _Known]) -> list[RowError]:
    """Names that differ from the registered person's, or from the same ID's name on an
    earlier row (never saying the registered name); a child registered as deceased."""
    seen: dict[str, tuple[str, int, str]] = {}
    errors = []
    for line in lines:
        for person, name, column in (
            (line.child, line.child_name, "儿童姓名"),
            (line.applicant, line.applicant_name, "申请人姓名"),
        ):
            if person is None or name is None:
                continue
            registered = known.get(person.number)
            if registered is not None and registered.name != name:
                message = core_rules.name_mismatch_message(person.number, name)
                errors.append(RowError(line.number, column, message))
                continue
            earlier = seen.setdefault(person.number, (name, line.number, column))
            if earlier[0] != name and not (column == earlier[2] == "儿童姓名"):
                # (a child twice in the file is reported as a duplicate already)
                errors.append(
                    RowError(
                        line.number,
                        column,
                        f"与第{earlier[1]}行同一身份证号的姓名“{earlier[0]}”不一致，请核对。",
                    )
                )
        registered = known.get(line.child.number) if line.child is not None else None
        if registered is not None and registered.status == Person.Status.DECEASED:
            errors.append(
                RowError(line.number, "儿童身份证号", "该儿童已登记死亡，不能申请育儿补贴。")
            )
    return errors


def _position(error: RowError) -> tuple[int, int]:
    column = ROSTER_COLUMNS.index(error.column) if error.column in ROSTER_COLUMNS else -1
    return error.row, column


def _rejected(errors: list[RowError]) -> ImportRejected:
    return ImportRejected(sorted(errors, key=_position))


def _parse(actor: User, content: bytes) -> tuple[list[_Line], list[RowError]]:
    """Read every row and check what needs no stored application or person: the cells, the
    application rules, duplicates within the file. Raises ImportRejected for a file without
    rows, InvalidInput for a file that is no ``.xlsx`` or too long, Forbidden."""
    _require_enter(actor)
    today = services.today()
    rows = list(
        read_rows(
            content,
            ROSTER_COLUMNS[:-2],
            optional=ROSTER_COLUMNS[-2:],
            max_rows=MAX_ROSTER_ROWS,
        )
    )
    if not rows:
        raise ImportRejected([RowError(2, ROW_COLUMN, "文件中没有数据行，请在列名下方逐行填写。")])
    places = _Places(actor)
    places.load_codes(
        core_rules.typed_number(cell_text(row.values.get("户籍所在地"))) for row in rows
    )
    errors: list[RowError] = []
    lines: list[_Line] = []
    for row in rows:
        line = _read(row, places, today)
        errors += row.errors
        errors += _rule_problems(line, today)
        lines.append(line)
    errors += _repeated(lines)
    return lines, errors


def _stored_problems(lines: list[_Line], known: dict[str, _Known], actor: User) -> list[RowError]:
    """What the stored records refuse: an application that exists, a registered name or
    death."""
    return _existing(lines, actor) + _people(lines, known)


def roster_check(*, actor: User, content: bytes) -> list[_Line]:
    """Read and check every row of a roster file without writing; the rows, ready to submit.
    Raises ImportRejected with every problem, InvalidInput for a file that is no ``.xlsx`` or
    too long, Forbidden."""
    lines, errors = _parse(actor, content)
    errors += _stored_problems(lines, _registered(lines), actor)
    if errors:
        raise _rejected(errors)
    return lines


#: Rows per INSERT statement (the database may lower it: SQLite binds at most 999 values).
BULK_CHUNK = 1000
#: The reason on each imported application's first event.
EVENT_REASON = "名册导入"
RACE_MESSAGE = (
    "导入时发现名册中有儿童或申请人刚刚由他人登记或提交了申请，为避免重复，整份名册未导入，"
    "没有写入任何数据。请稍后重新上传该文件，系统会重新检查并指出有问题的行。"
)


def _insert_select(model: type[Model], columns: Sequence[str], select: QuerySet[Any]) -> None:
    """``INSERT INTO model (columns) SELECT …``: rows copied in the database, none through
    Python (the way ``services`` builds a payment batch)."""
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}",  # noqa: S608 - identifiers from the models, the ORM's SQL
            params,
        )


def _column(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).column)


def _history_create(model: type[Model], ids: list[int], actor: User, when: dt.datetime) -> None:
    """The "created" history record (django-simple-history) of each row, copied from the
    stored row in the database and attributed to ``actor`` — the record ``save()`` writes."""
    history: Any = model.history.model  # type: ignore[attr-defined]
    tracked = history.tracked_fields
    columns = [
        _column(history, name)
        for name in (
            *(f.name for f in tracked),
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user",
        )
    ]
    for part in _chunks(ids):
        _insert_select(
            history,
            columns,
            model._default_manager.filter(pk__in=part)
            .annotate(
                h_date=Value(when, output_field=DateTimeField()),
                h_reason=Value(None, output_field=CharField()),
                h_type=Value("+", output_field=CharField()),
                h_user=Value(actor.pk, output_field=BigIntegerField()),
            )
            .order_by("pk")
            .values_list(*(f.attname for f in tracked), "h_date", "h_reason", "h_type", "h_user"),
        )


def _events_create(ids: list[int], actor: User, when: dt.datetime) -> None:
    """The event of each application's submission (from nothing to submitted), in bulk."""
    content_type = ContentType.objects.get_for_model(Application)
    columns = [
        _column(Event, name)
        for name in (
            "content_type",
            "object_id",
            "actor",
            "from_status",
            "to_status",
            "reason",
            "created_at",
        )
    ]
    for part in _chunks(ids):
        _insert_select(
            Event,
            columns,
            Application.objects.filter(pk__in=part)
            .annotate(
                e_type=Value(content_type.pk, output_field=BigIntegerField()),
                e_actor=Value(actor.pk, output_field=BigIntegerField()),
                e_from=Value("", output_field=CharField()),
                e_to=Value(Application.Status.SUBMITTED.value, output_field=CharField()),
                e_reason=Value(EVENT_REASON, output_field=CharField()),
                e_at=Value(when, output_field=DateTimeField()),
            )
            .order_by("pk")
            .values_list("e_type", "pk", "e_actor", "e_from", "e_to", "e_reason", "e_at"),
        )


def _ids_of(model: type[Model], objs: Sequence[Model], key: str, **live: Any) -> list[int]:
    """The ids of rows just bulk-created, in order. PostgreSQL and SQLite 3.35+ return them
    from the INSERT; on an older SQLite they are read back by a key unique among ``live``
    rows."""
    if all(obj.pk is not None for obj in objs):
        return [obj.pk for obj in objs]
    keys = [getattr(obj, key) for obj in objs]
    found: dict[str, int] = {}
    for part in _chunks(keys):
        found.update(
            model._default_manager.filter(**{f"{key}__in": part}, **live).values_list(key, "pk")
        )
    for obj, value in zip(objs, keys, strict=True):
        obj.pk = found[value]
    return [found[value] for value in keys]


def _write(actor: User, entries: list[_Entry], known: dict[str, _Known]) -> list[int]:
    """Write the checked rows in bulk: new people (children, applicants) and the applications
    (submitted, channel roster) with ``bulk_create`` in chunks, then the history record of each
    and one event per application, copied set-based in the database — the records
    ``application_submit`` writes for one row, attributed to the importer. The ids of the
    applications, in row order."""
    submitted_on = services.today()
    deadline = services._deadline_or_none(submitted_on)  # one calendar for every row
    people: dict[str, tuple[int, str]] = {n: (k.pk, k.name) for n, k in known.items()}
    new: dict[str, Person] = {}
    for entry in entries:
        for parsed, name in (
            (entry.child, entry.child_name),
            (entry.applicant, entry.applicant_name),
        ):
            if parsed.number not in people and parsed.number not in new:
                # registered in the hukou region of the first row naming them (person_ensure)
                new[parsed.number] = Person(
                    resident_id=parsed.number,
                    name=name,
                    birth_date=parsed.birth_date,
                    sex=parsed.sex,
                    region=entry.region,
                )
    persons = Person.objects.bulk_create(new.values(), batch_size=BULK_CHUNK)
    person_ids = _ids_of(Person, persons, "resident_id")
    _history_create(Person, person_ids, actor, timezone.now())  # after the rows, as save()
    people.update((number, (person.pk, person.name)) for number, person in new.items())

    applications = []
    for entry in entries:
        child_pk, child_name = people[entry.child.number]
        applicant_pk, applicant_name = people[entry.applicant.number]
        applications.append(
            Application(
                child_id=child_pk,
                child_birth_date=entry.child.birth_date,
                birth_certificate=entry.certificate,
                applicant_id=applicant_pk,
                relation=entry.relation,
                region=entry.region,
                bank_name=entry.bank_name,
                bank_account=entry.bank_account,
                account_holder=entry.holder,
                account_name=child_name
                if entry.holder == Application.Holder.CHILD
                else applicant_name,
                phone=entry.phone,
                channel=Application.Channel.ROSTER,
                submitted_on=submitted_on,
                deadline=deadline.date if deadline else None,
                deadline_provisional=bool(deadline and deadline.provisional),
                filed_by=actor,
            )
        )
    Application.objects.bulk_create(applications, batch_size=BULK_CHUNK)
    ids = _ids_of(
        Application,
        applications,
        "birth_certificate",
        status=Application.Status.SUBMITTED,
    )
    now = timezone.now()
    _history_create(Application, ids, actor, now)
    _events_create(ids, actor, now)
    services.tally_refresh({application.region_id for application in applications})
    return ids


def roster_import(*, actor: User, content: bytes) -> RosterResult:
    """Import a roster (ROSTER_COLUMNS): every row checked (the checks of application_submit,
    plus duplicates within the file), then all rows written in bulk in one transaction, as
    application_submit would write them (channel roster); any problem rejects the file and
    nothing is written. Raises ImportRejected, InvalidInput, Forbidden."""
    lines, errors = _parse(actor, content)
    if errors:  # report every problem at once, the stored records' too
        raise _rejected(errors + _stored_problems(lines, _registered(lines), actor))
    entries = [line.clean() for line in lines]
    try:
        with transaction.atomic():
            # The checks against stored records run inside the transaction, just before the
            # writes (on SQLite it holds the write lock from its start, so nobody writes in
            # between); on PostgreSQL the unique constraints guard the moment in between.
            known = _registered(lines)
            errors = _stored_problems(lines, known, actor)
            if errors:
                raise _rejected(errors)
            ids = _write(actor, entries, known)
    except IntegrityError:
        # Someone registered a person or filed an application of this file at the same
        # moment: everything was rolled back. Name the rows if their records show it now.
        errors = _stored_problems(lines, _registered(lines), actor)
        if errors:
            raise _rejected(errors) from None
        raise InvalidInput(RACE_MESSAGE) from None
    return RosterResult(created=len(ids), ids=ids)
