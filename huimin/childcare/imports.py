"""Spreadsheet import of an institution's staff and enrolled children (a services module:
it writes).

All or nothing: every row is checked first and any error rejects the whole file with
ImportRejected, which lists each problem by Excel row number, column and a Chinese message;
nothing is written then. A clean file is written in one transaction through the ordinary
services (staff_hire, enrollment_create), so an imported row gets the same checks, history
and compliance findings as one typed on a form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from huimin.childcare import rules, services
from huimin.childcare.models import Enrollment, Institution, Staff
from huimin.childcare.selectors import institution_get_for_user
from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from huimin.core.imports import (
    MAX_ROWS,
    ROW_COLUMN,
    ImportRejected,
    Row,
    RowError,
    cell_text,
    choice,
    date,
    read_rows,
    required,
    resident_id,
    template_notes,
    template_sheet,
)
from huimin.core.models import Person, User
from huimin.core.spreadsheets import workbook_bytes


@dataclass(frozen=True)
class ImportResult:
    kind: str  # "staff" or "enrollment"
    created: int
    ids: list[int]


# --------------------------------------------------------------------------- the two sheets

STAFF_COLUMNS = (
    "姓名",
    "身份证号",
    "岗位",
    "是否专职",
    "资格证书",
    "入职日期",
    "健康体检日期",
    "无犯罪记录查询日期",
)
ENROLLMENT_COLUMNS = (
    "幼儿姓名",
    "幼儿身份证号",
    "班级名称",
    "监护人姓名",
    "监护人身份证号",
    "与幼儿关系",
    "托育类型",
    "服务协议签订日期",
    "入托体检日期",
    "预防接种是否完整",
    "入托日期",
)
#: The column of each service argument, for a refusal the services report by field.
STAFF_FIELDS = {
    "name": "姓名",
    "resident_id": "身份证号",
    "role": "岗位",
    "full_time": "是否专职",
    "qualification": "资格证书",
    "hired_on": "入职日期",
    "health_cert_on": "健康体检日期",
    "criminal_check_on": "无犯罪记录查询日期",
}
ENROLLMENT_FIELDS = {
    "child_name": "幼儿姓名",
    "child_resident_id": "幼儿身份证号",
    "care_class": "班级名称",
    "guardian_name": "监护人姓名",
    "guardian_resident_id": "监护人身份证号",
    "guardian_relation": "与幼儿关系",
    "care_type": "托育类型",
    "agreement_signed_on": "服务协议签订日期",
    "admission_check_on": "入托体检日期",
    "vaccination_complete": "预防接种是否完整",
    "enrolled_on": "入托日期",
}
ROLE_BY_LABEL = {str(label): str(value) for value, label in Staff.Role.choices}
CARE_TYPE_BY_LABEL = {label: str(value) for value, label in rules.CARE_TYPE_LABELS.items()}
YES_NO = {"是": True, "否": False}

#: The template's example rows: valid, so that they show the formats, and recognised on
#: import so that an example left in the file is not imported as a real person.
_EXAMPLE_STAFF_ID = core_rules.resident_id_build("140802", dt.date(1990, 5, 1), 2)
_EXAMPLE_CHILD_ID = core_rules.resident_id_build("140802", dt.date(2024, 12, 1), 1)
_EXAMPLE_GUARDIAN_ID = core_rules.resident_id_build("140802", dt.date(1993, 3, 3), 4)
STAFF_EXAMPLE: tuple[object, ...] = (
    "王丽",
    _EXAMPLE_STAFF_ID,
    "保育人员",
    "是",
    "保育师（四级）",
    dt.date(2025, 9, 1),
    dt.date(2025, 8, 20),
    dt.date(2025, 8, 22),
)
ENROLLMENT_EXAMPLE: tuple[object, ...] = (
    "李子涵",
    _EXAMPLE_CHILD_ID,
    "托小一班",
    "张娟",
    _EXAMPLE_GUARDIAN_ID,
    "母亲",
    "全日托",
    dt.date(2026, 2, 20),
    dt.date(2026, 2, 18),
    "是",
    dt.date(2026, 3, 2),
)
EXAMPLE_IDS = frozenset({_EXAMPLE_STAFF_ID, _EXAMPLE_CHILD_ID, _EXAMPLE_GUARDIAN_ID})

#: How each kind's sheet is described: its title, columns, example and the allowed values.
TEMPLATES: dict[str, tuple[str, tuple[str, ...], tuple[object, ...]]] = {
    "staff": ("工作人员", STAFF_COLUMNS, STAFF_EXAMPLE),
    "enrollment": ("在托幼儿", ENROLLMENT_COLUMNS, ENROLLMENT_EXAMPLE),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "岗位": tuple(ROLE_BY_LABEL),
    "是否专职": tuple(YES_NO),
    "托育类型": tuple(CARE_TYPE_BY_LABEL),
    "预防接种是否完整": tuple(YES_NO),
}
_ID_COLUMNS = frozenset({"身份证号", "幼儿身份证号", "监护人身份证号"})


def import_template(kind: str) -> bytes:
    """The empty ``.xlsx`` template of a kind ("staff" or "enrollment"): the header row, one
    example row, ID columns formatted as text, drop-down lists for the fixed choices."""
    if kind not in TEMPLATES:
        raise InvalidInput(
            f"未知的模板类型“{kind}”，可选：staff（工作人员）、enrollment（在托幼儿）。"
        )
    title, columns, example = TEMPLATES[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    template_sheet(
        sheet,
        columns,
        example,
        text_columns=_ID_COLUMNS,
        choices=_CHOICES,
        last_row=MAX_ROWS + 1,
    )
    for index, header in enumerate(columns, start=1):
        if header in _ID_COLUMNS:
            for row in range(3, MAX_ROWS + 2):  # text, so Excel keeps all 18 characters
                sheet.cell(row=row, column=index).number_format = "@"
    template_notes(
        workbook,
        [
            "第一行为列名，请勿修改；第二行为示例，导入前请删除或替换为实际数据。",
            "日期按 2025-09-01 的格式填写；身份证号填写18位第二代居民身份证号码。",
            "任何一行有错误时整份文件都不会导入，系统会列出每一处错误的行号和列名。",
            *(
                f"“{header}”可填：{'、'.join(choices)}"
                for header, choices in _CHOICES.items()
                if header in columns
            ),
        ],
        width=90,
    )
    return workbook_bytes(workbook)


# --------------------------------------------------------------------------- reading cells


def _yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return bool(choice(value, YES_NO, "填写的"))


def _institution(actor: User, institution_id: int) -> Institution:
    """The institution the actor keeps records of (as the services check). Raises Forbidden,
    NotFound, InvalidInput."""
    if not (
        actor.can(core_rules.Perm.INSTITUTION_MANAGE) or actor.can(core_rules.Perm.FILING_DECIDE)
    ):
        raise Forbidden("您的角色无权维护托育机构的记录。")
    institution = institution_get_for_user(user=actor, institution_id=institution_id)
    if institution.status == Institution.Status.CLOSED:
        raise InvalidInput("该机构已注销，不能再导入记录。")
    return institution


class _People:
    """Names already known for resident IDs: in the database and earlier in the file. A known
    ID with another name is refused, as person_ensure would."""

    def __init__(self, numbers: set[str]) -> None:
        self.known = dict(
            Person.objects.filter(resident_id__in=numbers).values_list("resident_id", "name")
        )
        self.seen: dict[str, tuple[str, int]] = {}

    def check(self, row: Row, number: str, name: str | None, name_column: str) -> None:
        if not name:
            return
        registered = self.known.get(number)
        if registered is not None and registered != name:
            row.fail(name_column, core_rules.name_mismatch_message(number, name))
            return
        earlier = self.seen.setdefault(number, (name, row.number))
        if earlier[0] != name:
            row.fail(
                name_column,
                f"与第{earlier[1]}行同一身份证号的姓名“{earlier[0]}”不一致，请核对。",
            )


def _example(row: Row, number: str | None, column: str) -> bool:
    if number in EXAMPLE_IDS:
        row.fail(column, "这是导入模板中的示例，请删除该行或替换为实际数据。")
        return True
    return False


def _numbers(rows: list[Row], *columns: str) -> set[str]:
    out = set()
    for row in rows:
        for column in columns:
            text = cell_text(row.values.get(column)).upper()
            if len(text) == 18:
                out.add(text)
    return out


def _write(
    rows: list[tuple[int, dict[str, Any]]],
    service: Callable[..., Any],
    columns: dict[str, str],
    default_column: str,
) -> list[int]:
    """Call the service for every row inside the caller's transaction. A refusal the checks
    above did not foresee is reported on its row, and any refusal rolls the whole file back
    (each service runs in its own savepoint, so the rows after it can still be tried)."""
    ids: list[int] = []
    errors: list[RowError] = []
    for number, kwargs in rows:
        try:
            ids.append(service(**kwargs).pk)
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            field = next(iter(exc.field_errors), "")
            errors.append(RowError(number, columns.get(field, default_column), exc.message))
    if errors:
        raise ImportRejected(errors)
    return ids


# --------------------------------------------------------------------------- staff


def staff_import(*, actor: User, institution_id: int, content: bytes) -> ImportResult:
    """Hire every staff member of an ``.xlsx`` file (STAFF_COLUMNS) through staff_hire, all in
    one transaction. Any bad row rejects the file and nothing is written. Raises
    ImportRejected, InvalidInput, Forbidden, NotFound."""
    institution = _institution(actor, institution_id)
    today = services.today()
    rows = list(read_rows(content, STAFF_COLUMNS))
    if not rows:
        raise ImportRejected([RowError(2, ROW_COLUMN, "文件中没有数据行，请在列名下方逐行填写。")])
    people = _People(_numbers(rows, "身份证号"))
    active = set(
        Staff.objects.filter(institution=institution, left_on__isnull=True).values_list(
            "person__resident_id", flat=True
        )
    )
    first_row: dict[str, int] = {}
    planned: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    for row in rows:
        name = row.read("姓名", required)
        parsed = row.read("身份证号", lambda v: resident_id(v, today=today))
        role = row.read("岗位", lambda v: choice(v, ROLE_BY_LABEL, "岗位"))
        full_time = row.read("是否专职", _yes_no)
        qualification = cell_text(row.values.get("资格证书"))
        if len(qualification) > 100:
            row.fail("资格证书", f"最多100个字，您填写了{len(qualification)}个字。")
        hired_on = row.read("入职日期", lambda v: date(v, today=today))
        health = row.read("健康体检日期", lambda v: date(v, today=today, required=False))
        criminal = row.read("无犯罪记录查询日期", lambda v: date(v, today=today, required=False))
        if parsed is not None and not _example(row, parsed.number, "身份证号"):
            if parsed.number in first_row:
                row.fail("身份证号", f"与第{first_row[parsed.number]}行的身份证号重复。")
            else:
                first_row[parsed.number] = row.number
                if parsed.number in active:
                    row.fail("身份证号", f"{name or '此人'}已是本机构在职人员，无需重复登记。")
                people.check(row, parsed.number, name, "姓名")
        errors += row.errors
        if not row.errors:
            planned.append(
                (
                    row.number,
                    {
                        "actor": actor,
                        "institution_id": institution.pk,
                        "resident_id": parsed.number,
                        "name": name,
                        "role": role,
                        "full_time": full_time,
                        "qualification": qualification,
                        "hired_on": hired_on,
                        "health_cert_on": health,
                        "criminal_check_on": criminal,
                    },
                )
            )
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        ids = _write(planned, services.staff_hire, STAFF_FIELDS, "身份证号")
    return ImportResult(kind="staff", created=len(ids), ids=ids)


# --------------------------------------------------------------------------- children


def enrollment_import(*, actor: User, institution_id: int, content: bytes) -> ImportResult:
    """Enrol every child of an ``.xlsx`` file (ENROLLMENT_COLUMNS) through enrollment_create,
    all in one transaction; the admission conditions of RULES.md §2 are checked per row. Any
    bad row rejects the file and nothing is written. Raises ImportRejected, InvalidInput,
    Forbidden, NotFound."""
    institution = _institution(actor, institution_id)
    today = services.today()
    rows = list(read_rows(content, ENROLLMENT_COLUMNS))
    if not rows:
        raise ImportRejected([RowError(2, ROW_COLUMN, "文件中没有数据行，请在列名下方逐行填写。")])
    classes = dict(institution.classes.values_list("name", "pk"))
    people = _People(_numbers(rows, "幼儿身份证号", "监护人身份证号"))
    enrolled = set(
        Enrollment.objects.filter(
            status=Enrollment.Status.ACTIVE,
            child__resident_id__in=_numbers(rows, "幼儿身份证号"),
        ).values_list("child__resident_id", flat=True)
    )
    first_row: dict[str, int] = {}
    planned: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    for row in rows:
        child_name = row.read("幼儿姓名", required)
        child = row.read("幼儿身份证号", lambda v: resident_id(v, today=today))
        class_name = row.read("班级名称", required)
        guardian_name = row.read("监护人姓名", required)
        guardian = row.read("监护人身份证号", lambda v: resident_id(v, today=today))
        relation = row.read("与幼儿关系", required)
        care_type = row.read("托育类型", lambda v: choice(v, CARE_TYPE_BY_LABEL, "托育类型"))
        agreement = row.read("服务协议签订日期", lambda v: date(v, today=today))
        check = row.read("入托体检日期", lambda v: date(v, today=today))
        vaccinated = row.read("预防接种是否完整", _yes_no)
        enrolled_on = row.read("入托日期", lambda v: date(v, today=today))

        if class_name and class_name not in classes:
            existing = "、".join(classes) or "无，请先建班"
            row.fail("班级名称", f"本机构没有名为“{class_name}”的班级。现有班级：{existing}。")
        if relation and len(relation) > 10:
            row.fail("与幼儿关系", "请填写父亲、母亲、祖父、祖母、外祖父、外祖母等，最多10个字。")
        if vaccinated is False:
            row.fail("预防接种是否完整", "预防接种不完整的幼儿不能入托，请先补种。")
        if check and enrolled_on and check > enrolled_on:
            row.fail("入托体检日期", "入托体检日期不能晚于入托日期。")
        if agreement and enrolled_on and agreement > enrolled_on:
            row.fail("服务协议签订日期", "入托前须签订服务协议，签订日期不能晚于入托日期。")
        if child is not None and not _example(row, child.number, "幼儿身份证号"):
            if enrolled_on and enrolled_on < child.birth_date:
                row.fail("入托日期", f"入托日期早于幼儿的出生日期{child.birth_date}。")
            elif enrolled_on and rules.age_in_months(child.birth_date, enrolled_on) >= 36:
                row.fail(
                    "幼儿身份证号",
                    f"幼儿出生于{child.birth_date}，入托时已满3周岁，托育机构只招收3岁以下婴幼儿。",
                )
            if child.number in first_row:
                row.fail("幼儿身份证号", f"与第{first_row[child.number]}行的幼儿身份证号重复。")
            else:
                first_row[child.number] = row.number
                if child.number in enrolled:
                    row.fail("幼儿身份证号", "该幼儿已在托（本机构或其他机构），请先办理退托。")
                people.check(row, child.number, child_name, "幼儿姓名")
        if guardian is not None and not _example(row, guardian.number, "监护人身份证号"):
            if child is not None and guardian.number == child.number:
                row.fail("监护人身份证号", "监护人身份证号与幼儿相同，请核对。")
            people.check(row, guardian.number, guardian_name, "监护人姓名")
        errors += row.errors
        if not row.errors:
            planned.append(
                (
                    row.number,
                    {
                        "actor": actor,
                        "class_id": classes[class_name],
                        "child_resident_id": child.number,
                        "child_name": child_name,
                        "guardian_resident_id": guardian.number,
                        "guardian_name": guardian_name,
                        "guardian_relation": relation,
                        "care_type": care_type,
                        "agreement_signed_on": agreement,
                        "admission_check_on": check,
                        "vaccination_complete": vaccinated,
                        "enrolled_on": enrolled_on,
                    },
                )
            )
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        ids = _write(planned, services.enrollment_create, ENROLLMENT_FIELDS, "幼儿身份证号")
    return ImportResult(kind="enrollment", created=len(ids), ids=ids)
