"""Spreadsheet import shared by every module: read the rows of an .xlsx file (or a .csv where
a module allows it) by its header, parse cells with messages that say what to fix, and report
every problem by Excel row number and column. An import is all or nothing: ImportRejected
lists each problem and nothing is written. Also the template a module offers to fill in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from huimin.core import rules as core_rules
from huimin.core.errors import InvalidInput

#: A file larger than this many rows is refused before it is read further. Every row read
#: counts, blank or not: blank rows cost as much to read as filled ones.
MAX_ROWS = 2000
#: Reading a file stops after this many seconds (a worker is killed at 30).
READ_SECONDS = 20.0
#: The clock is looked at every this many rows.
CLOCK_EVERY = 256
#: What an .xlsx may hold once unpacked: a base for styles and the like, and a generous size per
#: row allowed (a 12-column row is about 1.5 KB of XML), never more than UNPACKED_MAX.
UNPACKED_BASE = 5_000_000
UNPACKED_PER_ROW = 4_000
UNPACKED_MAX = 600_000_000

#: Where a row error that concerns the whole file (its header) or a whole row is reported.
HEADER_COLUMN = "表头"
ROW_COLUMN = "整行"


@dataclass(frozen=True)
class RowError:
    """One problem: the row as Excel numbers it (the header is row 1), the column, and what to
    fix, in Chinese."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行“{self.column}”：{self.message}"


class ImportRejected(InvalidInput):
    """The file was refused and nothing was imported; ``errors`` says row by row why."""

    code = "import_rejected"

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        shown = "；".join(str(e) for e in self.errors[:5])
        more = f"；另有{len(self.errors) - 5}处" if len(self.errors) > 5 else ""
        super().__init__(
            f"文件中有{len(self.errors)}处错误，未导入任何数据，请修改后重新上传：{shown}{more}。",
            field_errors={f"第{e.row}行 {e.column}": e.message for e in self.errors},
        )


class CellError(Exception):
    """A cell that cannot be read; the message says what to fix."""


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def required(value: object) -> str:
    text = cell_text(value)
    if not text:
        raise CellError("必填，不能为空。")
    return text


DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def date(value: object, *, today: dt.date, required: bool = True) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CellError("必填，请按 2025-09-01 的格式填写日期。")
        return None
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # an Excel serial date in a cell without a date format
            converted = from_excel(value)
            day = converted.date() if isinstance(converted, dt.datetime) else None
    else:
        text = str(value).strip()
        match = DATE_PATTERN.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
        if match:
            try:
                day = dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                day = None
    if day is None:
        raise CellError(f"“{cell_text(value)}”不是有效日期，请按 2025-09-01 的格式填写。")
    if day > today:
        raise CellError(f"{day.isoformat()}晚于今天，请核对。")
    return day


def resident_id(value: object, *, today: dt.date) -> core_rules.ResidentId:
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) != 18):
        raise CellError(
            "身份证号被Excel存成了数字，末几位可能已丢失：请把该列设为文本格式后重新填写。"
        )
    try:
        return core_rules.resident_id_parse(cell_text(value), today=today)
    except core_rules.ResidentIdError as exc:
        raise CellError(str(exc)) from None


def choice(value: object, allowed: dict[str, Any], what: str) -> Any:
    text = cell_text(value)
    if text not in allowed:
        options = "、".join(allowed)
        if not text:
            raise CellError(f"必填，请填写：{options}。")
        raise CellError(f"{what}“{text}”不在可选范围内，请填写：{options}。")
    return allowed[text]


@dataclass
class Row:
    number: int
    values: dict[str, object]
    errors: list[RowError]

    def read(self, column: str, parse: Callable[[object], Any]) -> Any:
        """The parsed cell, or None after recording the cell's error."""
        value = self.values.get(column)
        if isinstance(value, str) and core_rules.text_has_control_characters(value):
            return None  # refused when the row was read
        try:
            return parse(value)
        except CellError as exc:
            self.errors.append(RowError(self.number, column, str(exc)))
            return None

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


def read_rows(
    content: bytes,
    columns: Sequence[str],
    *,
    max_rows: int = MAX_ROWS,
    allow_csv: bool = False,
    optional: Sequence[str] = (),
    max_seconds: float = READ_SECONDS,
) -> Iterator[Row]:
    """The data rows of the first sheet, keyed by header, blank rows skipped. Raises
    InvalidInput for a file that is not an .xlsx, ImportRejected for a wrong header row.

    Every row read after the header counts against ``max_rows``, blank or not, and reading
    stops at the limit or after ``max_seconds`` (InvalidInput): a sheet of a million blank
    rows is refused, not read. An .xlsx whose recorded size already passes the limit is
    refused before a row is read; columns right of the header's last one are not read.

    ``optional`` columns may be missing from the header (their cells read as None then).
    With ``allow_csv`` a file that is not a zip archive is read as CSV instead (UTF-8 with or
    without BOM, else GB18030 as Chinese banks often write; cells are text)."""
    started = time.monotonic()
    deadline = started + max_seconds
    if allow_csv and not content.startswith(b"PK"):
        try:
            yield from _header_rows(_csv_lines(content), columns, optional, max_rows, deadline)
        except csv.Error:
            raise InvalidInput(CSV_UNREADABLE) from None
        return
    _refuse_long_sheets(content, max_rows, deadline)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise InvalidInput(
            CSV_UNREADABLE
            if allow_csv
            else "无法读取该文件：请上传 Excel 工作簿（.xlsx），不支持 .xls、.csv 或其他格式。"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        recorded = sheet.max_row
        if isinstance(recorded, int) and recorded - 1 > max_rows:
            raise InvalidInput(_too_many_rows(max_rows))
        yield from _header_rows(_sheet_lines(sheet), columns, optional, max_rows, deadline)
    finally:
        workbook.close()


#: A row element in a sheet's XML, with or without a namespace prefix.
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?row[\s>/]")


def _refuse_long_sheets(content: bytes, max_rows: int, deadline: float) -> None:
    """Before openpyxl reads a workbook (it walks a whole sheet that does not record its size,
    and holds all shared strings in memory): count every sheet's row elements as it is
    decompressed, refusing a sheet with more rows than the limit at C speed, and refuse a
    workbook that unpacks far beyond what that many rows need (a zip bomb). Not a zip
    archive: left to the reader to say so."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError):
        return
    limit = min(UNPACKED_BASE + max_rows * UNPACKED_PER_ROW, UNPACKED_MAX)
    too_big = InvalidInput(
        f"文件解压后超过{limit // 1_000_000} MB，远大于{max_rows}行表格应有的大小，"
        "未导入任何数据：请删除多余的行、列和工作表，或另存为新的 .xlsx 文件后重新上传。"
    )
    with archive:
        sheets = [
            info
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        ]
        # a zip never yields more than it declares (else its check fails): the declared sizes
        # bound what the other parts (shared strings, styles) unpack to
        if sum(info.file_size for info in archive.infolist() if info not in sheets) > limit:
            raise too_big
        for info in sheets:
            rows, unpacked, carry = 0, 0, b""
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(1 << 20):
                        unpacked += len(chunk)
                        data = carry + chunk
                        cut = data.rfind(b"<")  # no row tag spans a "<": cut there
                        cut = len(data) if cut < 0 else cut
                        rows += len(ROW_TAG.findall(data, 0, cut))
                        carry = data[cut:]
                        if rows - 1 > max_rows:
                            raise InvalidInput(_too_many_rows(max_rows))
                        if unpacked > limit:
                            raise too_big
                        if time.monotonic() > deadline:
                            raise InvalidInput(READ_TIMEOUT)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
                return  # the reader reports a broken file
            rows += len(ROW_TAG.findall(carry))
            if rows - 1 > max_rows:
                raise InvalidInput(_too_many_rows(max_rows))


READ_TIMEOUT = (
    "文件太大，读取超时，未导入任何数据：请删除表格下方多余的空行和右侧多余的列，"
    "或把文件拆分后分批导入。"
)


def _sheet_lines(sheet: Any) -> Iterator[Sequence[object]]:
    """The header row, then the rows below it cut to the header's width."""
    header = next(sheet.iter_rows(max_row=1, values_only=True), ())
    width = max((i + 1 for i, cell in enumerate(header) if cell_text(cell)), default=1)
    yield header[:width]
    yield from sheet.iter_rows(min_row=2, max_col=width, values_only=True)


def _too_many_rows(max_rows: int) -> str:
    return (
        f"一次最多导入{max_rows}行（空行也计算在内）：请删除表格下方多余的空行，"
        "或把文件拆分后分批导入。"
    )


CSV_UNREADABLE = (
    "无法读取该文件：请上传 Excel 工作簿（.xlsx）或逗号分隔的 CSV 文件（.csv），"
    "不支持 .xls 或其他格式。"
)


def _csv_lines(content: bytes) -> Iterator[Sequence[object]]:
    """The rows of a CSV file. A binary file (an .xls, a picture) is refused plainly."""
    if not content.strip() or b"\x00" in content[:4096]:
        raise InvalidInput(CSV_UNREADABLE)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(
                "无法识别该 CSV 文件的文字编码：请另存为“CSV UTF-8（逗号分隔）”后重新上传。"
            ) from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _header_rows(
    lines: Iterator[Sequence[object]],
    columns: Sequence[str],
    optional: Sequence[str],
    max_rows: int,
    deadline: float,
) -> Iterator[Row]:
    header = [cell_text(cell) for cell in next(lines, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ImportRejected(
            [
                RowError(
                    1,
                    HEADER_COLUMN,
                    f"缺少列：{'、'.join(missing)}。第一行应为列名："
                    f"{'、'.join(columns)}；请使用导入模板。",
                )
            ]
        )
    position = {c: header.index(c) for c in [*columns, *optional] if c in header}
    for number, line in enumerate(lines, start=2):
        if number - 1 > max_rows:
            raise InvalidInput(_too_many_rows(max_rows))
        if number % CLOCK_EVERY == 0 and time.monotonic() > deadline:
            raise InvalidInput(READ_TIMEOUT)
        if all(cell_text(cell) == "" for cell in line):
            continue
        values = {c: (line[i] if i < len(line) else None) for c, i in position.items()}
        yield Row(number, values, _control_characters(number, values))


def _control_characters(number: int, values: Mapping[str, object]) -> list[RowError]:
    """Core's one rule for typed text, on every cell of every import."""
    return [
        RowError(number, column, core_rules.CONTROL_CHARACTERS_MESSAGE)
        for column, value in values.items()
        if isinstance(value, str) and core_rules.text_has_control_characters(value)
    ]


# --------------------------------------------------------------------------- templates


def template_sheet(
    sheet: Worksheet,
    columns: Sequence[str],
    example: Sequence[object],
    *,
    text_columns: Collection[str],
    choices: Mapping[str, Sequence[str]],
    last_row: int,
) -> None:
    """An import template's sheet: the header row in bold and one example row (its dates as
    2025-09-01), each column as wide as its header needs; ``text_columns`` (long numbers) wider
    with the example as text; a drop-down list of the fixed ``choices`` down to ``last_row``."""
    sheet.append(list(columns))
    sheet.append(list(example))
    bold = Font(bold=True)
    for index, header in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = bold
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, 2.2 * len(header) + 4)
        example_cell = sheet.cell(row=2, column=index)
        if isinstance(example_cell.value, dt.date):
            example_cell.number_format = "yyyy-mm-dd"
        if header in text_columns:
            dimension.width = max(dimension.width, 22)
            example_cell.number_format = "@"
        if header in choices:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(choices[header]) + '"', allow_blank=True
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)


def template_notes(workbook: Workbook, lines: Iterable[str], *, width: int) -> None:
    """The template's sheet of notes on filling it in, a line a row."""
    notes = workbook.create_sheet("填写说明")
    for line in lines:
        notes.append([line])
    notes.column_dimensions["A"].width = width
