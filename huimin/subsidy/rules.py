"""Childcare subsidy (育儿补贴) entitlement: for a birth date, the months owed in each calendar
year and their amount.

Pure functions, no database, no settings. Source: 《育儿补贴制度实施方案》(中共中央办公厅、
国务院办公厅, 2025-07-28), as stated in RULES.md §4: 3,600 yuan a year (300 a month) per child
under 3 from 2025-01-01, national base; provinces and prefecture cities may add, counties may
not. The rates are parameters (``Rates``); ``huimin.subsidy.selectors.rates`` reads the
configured top-ups.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from huimin.core import rules as core_rules

#: The programme pays from 2025-01-01 on.
PROGRAMME_START = dt.date(2025, 1, 1)
#: National base: 300 yuan a month, 3,600 yuan a year per child, in fen.
NATIONAL_FEN_PER_MONTH = 300_00
MONTHS_PER_YEAR = 12
NATIONAL_FEN_PER_YEAR = NATIONAL_FEN_PER_MONTH * MONTHS_PER_YEAR
#: A child is covered until they turn 3.
AGE_LIMIT_YEARS = 3
#: Born on or after PROGRAMME_START: a full year's amount for the birth year and each of the
#: next two years.
FULL_YEARS_FROM_BIRTH = 3
#: Earlier birth dates are typing errors, not children.
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
#: The one date format every interface accepts: YYYY-MM-DD (Python 3.11's ``fromisoformat``
#: alone would also take "20231215").
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BirthDateError(ValueError):
    """A birth date no child can have, or text that is no date; the message says what to fix."""


@dataclass(frozen=True)
class Rates:
    """Monthly amounts per child in fen: the national base plus what the province and the
    prefecture city add (counties may not add; RULES.md §4)."""

    national_fen_per_month: int = NATIONAL_FEN_PER_MONTH
    province_topup_fen_per_month: int = 0
    city_topup_fen_per_month: int = 0

    def __post_init__(self) -> None:
        for name, value in (
            ("国家基础标准", self.national_fen_per_month),
            ("省级加发标准", self.province_topup_fen_per_month),
            ("市级加发标准", self.city_topup_fen_per_month),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"育儿补贴{name}应为不小于0的整数（单位：分/月），现为{value!r}。")

    @property
    def fen_per_month(self) -> int:
        return (
            self.national_fen_per_month
            + self.province_topup_fen_per_month
            + self.city_topup_fen_per_month
        )

    @property
    def has_topups(self) -> bool:
        return bool(self.province_topup_fen_per_month or self.city_topup_fen_per_month)


NATIONAL_RATES = Rates()


@dataclass(frozen=True)
class EntitlementYear:
    """What one calendar year pays: only that year's months (RULES.md §4)."""

    year: int
    months: int
    amount_fen: int

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


@dataclass(frozen=True)
class Entitlement:
    birth_date: dt.date
    fen_per_month: int
    years: tuple[EntitlementYear, ...]

    @property
    def eligible(self) -> bool:
        return bool(self.years)

    @property
    def born_in_programme(self) -> bool:
        """Born on or after 2025-01-01: three full years from the birth year."""
        return self.birth_date >= PROGRAMME_START

    @property
    def third_birthday(self) -> dt.date:
        return third_birthday(self.birth_date)

    @property
    def total_months(self) -> int:
        return sum(y.months for y in self.years)

    @property
    def total_amount_fen(self) -> int:
        return sum(y.amount_fen for y in self.years)

    @property
    def total_amount(self) -> Decimal:
        return yuan(self.total_amount_fen)


def third_birthday(birth_date: dt.date) -> dt.date:
    """The day a child turns 3. Born on 29 February, it is 28 February (《民法典》第二百零二条:
    without a corresponding day, the month's last day) — in the birth month all the same."""
    year = birth_date.year + AGE_LIMIT_YEARS
    last_day = calendar.monthrange(year, birth_date.month)[1]
    return dt.date(year, birth_date.month, min(birth_date.day, last_day))


def months_by_year(birth_date: dt.date) -> tuple[tuple[int, int], ...]:
    """The months owed in each calendar year, ``(year, months)`` in year order; empty when
    nothing is owed.

    《育儿补贴制度实施方案》(2025-07-28), RULES.md §4: born on or after 2025-01-01, 12 months
    for the birth year and each of the next two years (36 months); born earlier, one month for
    each month from 2025-01 up to and including the month of the third birthday (born 2023-12:
    24 months; born 2022-01: 1 month; born before 2022-01: nothing). Whole months: the day
    of the month never matters.
    """
    if birth_date >= PROGRAMME_START:
        return tuple((birth_date.year + n, MONTHS_PER_YEAR) for n in range(FULL_YEARS_FROM_BIRTH))
    last_year = birth_date.year + AGE_LIMIT_YEARS  # the third birthday's year and month
    return tuple(
        (year, MONTHS_PER_YEAR if year < last_year else birth_date.month)
        for year in range(PROGRAMME_START.year, last_year + 1)
    )


def birth_date_check(birth_date: dt.date, *, today: dt.date) -> None:
    """Refuse a birth date in the future or before 1900. Raises BirthDateError."""
    if birth_date > today:
        raise BirthDateError(
            f"出生日期{birth_date.isoformat()}晚于今天（{today.isoformat()}），请核对后重新填写。"
        )
    if birth_date < EARLIEST_BIRTH_DATE:
        raise BirthDateError(
            f"出生日期{birth_date.isoformat()}早于1900年1月1日，请核对后重新填写。"
        )


def birth_date_parse(text: str) -> dt.date:
    """A birth date typed as ``YYYY-MM-DD``. Raises BirthDateError."""
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BirthDateError(
            f"出生日期应为 YYYY-MM-DD 格式的日期（例如 2023-12-15），您填写的是“{text}”。"
        ) from None


def entitlement(
    birth_date: dt.date, *, today: dt.date, rates: Rates = NATIONAL_RATES
) -> Entitlement:
    """The subsidy owed for a child born on ``birth_date``: per calendar year and in total,
    each year's amount its months × the monthly rate (《育儿补贴制度实施方案》2025-07-28,
    RULES.md §4; see ``months_by_year``). Raises BirthDateError for a future birth date or
    one before 1900."""
    birth_date_check(birth_date, today=today)
    per_month = rates.fen_per_month
    return Entitlement(
        birth_date=birth_date,
        fen_per_month=per_month,
        years=tuple(
            EntitlementYear(year=year, months=months, amount_fen=months * per_month)
            for year, months in months_by_year(birth_date)
        ),
    )


def yuan(fen: int) -> Decimal:
    """Fen as yuan with two decimals: 720000 → Decimal("7200.00")."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def yuan_display(fen: int) -> str:
    """Fen as yuan for people: 720000 → "7,200"; 720050 → "7,200.50"."""
    whole, cents = divmod(fen, 100)
    return f"{whole:,}" if not cents else f"{whole:,}.{cents:02d}"


def quote_json(entitlement: Entitlement) -> dict[str, Any]:
    """The one JSON shape of a quote, for ``GET /api/subsidy/quote`` and
    ``huimin subsidy quote``: amounts as yuan text with two decimals."""
    return {
        "eligible": entitlement.eligible,
        "total_months": entitlement.total_months,
        "total_amount": str(entitlement.total_amount),
        "years": [
            {"year": y.year, "months": y.months, "amount": str(y.amount)} for y in entitlement.years
        ],
    }


# --------------------------------------------------------------------------- applications

#: Review and confirmation by the township and the county: normally within 30 working days of
#: the application (《育儿补贴制度管理规范（试行）》, RULES.md §4).
REVIEW_WORKING_DAYS = 30
#: An applicant is an adult parent or guardian (《民法典》第十七条、第二十七条): core's rule.
APPLICANT_MIN_AGE_YEARS = core_rules.ADULT_AGE_YEARS
#: 出生医学证明编号: one capital letter and nine digits (e.g. Q140123456), as printed on the
#: certificate since 2014. Configurable default: no national text on the format was found.
BIRTH_CERTIFICATE_PATTERN = re.compile(r"[A-Z]\d{9}")


class Relation:
    """The applicant's relation to the child: one parent or guardian applies (RULES.md §4)."""

    FATHER = "father"
    MOTHER = "mother"
    GUARDIAN = "guardian"
    LABELS = {FATHER: "父亲", MOTHER: "母亲", GUARDIAN: "其他监护人"}
    #: The sex a parent's resident ID must show ("M"/"F"); a guardian may be either.
    SEX = {FATHER: "M", MOTHER: "F"}


class ApplicationError(ValueError):
    """An application the rules refuse; ``field`` names the form field to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


#: Whole years of age on a day: core's one rule, shared with childcare's guardians and staff.
age_years = core_rules.age_years


def birth_certificate_normalize(raw: str) -> str:
    """A 出生医学证明编号, upper-cased and without spaces. Raises ApplicationError."""
    number = core_rules.typed_number(raw).upper()
    if not number:
        raise ApplicationError("birth_certificate", "请填写出生医学证明编号。")
    if not BIRTH_CERTIFICATE_PATTERN.fullmatch(number):
        raise ApplicationError(
            "birth_certificate",
            f"出生医学证明编号应为1个大写字母加9位数字（例如Q140123456），您填写的是“{number}”。",
        )
    return number


def application_check(
    *,
    child_birth_date: dt.date,
    applicant_birth_date: dt.date,
    applicant_sex: str,
    relation: str,
    same_person: bool,
    today: dt.date,
) -> list[ApplicationError]:
    """What the rules refuse in an application, every problem at once (RULES.md §4): the child
    is owed at least one month from 2025 on — whatever their age on the day of application, a
    child who already turned 3 applies for the months owed; the applicant is an adult other
    than the child; a father's ID shows a man and a mother's a woman."""
    problems: list[ApplicationError] = []
    if child_birth_date > today:
        problems.append(ApplicationError("child_resident_id", "孩子的出生日期晚于今天，请核对。"))
    elif not months_by_year(child_birth_date):
        problems.append(
            ApplicationError(
                "child_resident_id",
                f"孩子出生于{child_birth_date.isoformat()}，已于"
                f"{third_birthday(child_birth_date).isoformat()}年满3周岁，"
                f"在育儿补贴制度实施（{PROGRAMME_START.isoformat()}）前已满3周岁，"
                "不在育儿补贴范围内。",
            )
        )
    if relation not in Relation.LABELS:
        problems.append(
            ApplicationError("relation", "请选择申请人与孩子的关系：父亲、母亲或其他监护人。")
        )
    elif relation in Relation.SEX and applicant_sex != Relation.SEX[relation]:
        sex = "男性" if applicant_sex == "M" else "女性"
        problems.append(
            ApplicationError(
                "relation",
                f"申请人的身份证号码显示为{sex}，与“{Relation.LABELS[relation]}”不符，"
                "请核对关系或申请人身份证号码。",
            )
        )
    if same_person:
        problems.append(
            ApplicationError("applicant_resident_id", "申请人不能是孩子本人，请填写父母或监护人。")
        )
    elif age_years(applicant_birth_date, today) < APPLICANT_MIN_AGE_YEARS:
        problems.append(
            ApplicationError(
                "applicant_resident_id",
                f"申请人未满{APPLICANT_MIN_AGE_YEARS}周岁，应由成年的父母或监护人申请。",
            )
        )
    return problems


# --------------------------------------------------------------------------- payments


def last_payable_year_after_death(death_date: dt.date) -> int:
    """The last payment year of a child who died: the year of death, paid in full if not paid
    yet; nothing from the next year. Configurable default (RULES.md §4 is silent; ADR 0008)."""
    return death_date.year


def first_year_paid_by_new_place(moved_on: dt.date) -> int:
    """A child whose hukou moves is paid by the new place from the next payment year
    (RULES.md §4); the year of the move stays with the old place."""
    return moved_on.year + 1


def months_in_year(birth_date: dt.date, year: int) -> int:
    """The months owed for one calendar year (0 when none); see ``months_by_year``."""
    for owed_year, months in months_by_year(birth_date):
        if owed_year == year:
            return months
    return 0


def birth_date_window(year: int) -> tuple[dt.date, dt.date]:
    """Every birth date that may be owed something in ``year`` lies in this window (used to
    narrow a batch's selection in SQL; ``months_in_year`` decides exactly)."""
    return dt.date(year - AGE_LIMIT_YEARS, 1, 1), dt.date(year, 12, 31)


# --------------------------------------------------------------------------- batch builds

#: A batch being built commits a chunk of 50,000 applications about every fifth of a second
#: (bench/subsidy_batch.py; a few seconds at worst on a busy server): one that has not moved
#: for this long has lost its worker (killed, machine down) and is queued again from its last
#: committed chunk (ADR 0008, "A worker killed mid-batch"). Configurable default: long enough
#: that a slow chunk is never taken for a dead one, short enough for finance to wait.
BATCH_STALLED_AFTER = dt.timedelta(minutes=5)
#: Resumes of one batch before it is left to an administrator (a build that fails every time
#: is not retried for ever).
BATCH_RESUMES_MAX = 3


def batch_stalled(*, updated_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a batch waiting to be built or being built has not moved for
    ``BATCH_STALLED_AFTER``: its worker is presumed lost."""
    return now - updated_at >= BATCH_STALLED_AFTER
