"""Pure policy of the shared kernel: resident IDs, masking, working days, roles.

No database here. Sources: GB 11643—1999 (resident ID), GB/T 2260 (regions),
《全国年节及纪念日放假办法》 and the State Council's yearly holiday notice
(working days). See ../shared/docs/RULES.md §1.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

CITY_CODE = "140800"

#: GB/T 2260 codes of Yuncheng and its 13 county-level divisions (RULES.md §1).
COUNTIES: tuple[tuple[str, str], ...] = (
    ("140802", "盐湖区"),
    ("140821", "临猗县"),
    ("140822", "万荣县"),
    ("140823", "闻喜县"),
    ("140824", "稷山县"),
    ("140825", "新绛县"),
    ("140826", "绛县"),
    ("140827", "垣曲县"),
    ("140828", "夏县"),
    ("140829", "平陆县"),
    ("140830", "芮城县"),
    ("140881", "永济市"),
    ("140882", "河津市"),
)


# --------------------------------------------------------------------------- resident ID


class ResidentIdError(ValueError):
    """A resident ID that GB 11643 refuses; the message says what to fix."""


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    address_code: str


def resident_id_parse(raw: str, *, today: dt.date) -> ResidentId:
    """Validate an 18-character resident ID (GB 11643—1999) and derive birth date and sex.

    Lower-case ``x`` is accepted and stored upper-case. 15-digit numbers, bad dates,
    dates in the future and wrong check characters are refused with a message naming
    the problem. Raises ResidentIdError.
    """
    number = typed_number(raw).upper()
    if not number:
        raise ResidentIdError("请填写居民身份证号码。")
    if len(number) == 15 and number.isdigit():
        raise ResidentIdError(
            "这是15位的旧身份证号码，不再受理：请填写18位居民身份证号码（第二代身份证）。"
        )
    if len(number) != 18:
        raise ResidentIdError(f"居民身份证号码应为18位，您填写了{len(number)}位。")
    if (
        not number.isascii()
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ResidentIdError("居民身份证号码前17位应为数字，第18位应为数字或X。")
    try:
        birth = ric.get_birth_date(number)
    except (InvalidComponent, ValueError):
        raise ResidentIdError(
            f"居民身份证号码第7至14位的出生日期“{number[6:14]}”不是有效日期。"
        ) from None
    if birth > today:
        raise ResidentIdError(f"居民身份证号码中的出生日期{birth.isoformat()}晚于今天，请核对。")
    expected = ric.calc_check_digit(number)
    if expected != number[17]:
        raise ResidentIdError(
            f"居民身份证号码校验码错误：按前17位计算，第18位应为“{expected}”，"
            f"您填写的是“{number[17]}”。请核对号码是否抄错。"
        )
    if not _address_code_known(number[:6]):
        raise ResidentIdError(
            f"居民身份证号码前6位地址码“{number[:6]}”不是有效的行政区划代码，请核对。"
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth, sex=sex, address_code=number[:6])


def _address_code_known(code: str) -> bool:
    """The address code is a county-level code of GB/T 2260 in any period.

    Not checked against the birth year (as ``stdnum.cn.ric.validate`` does): an ID first
    issued after a re-coding carries the new code, so a 盐湖区 resident born in 1995 has
    140802 although that code dates from 2000 (docs/adr/0006-resident-id-address-code.md).
    """
    info = {k for _part, props in numdb.get("cn/loc").info(code) for k in props}
    return "county" in info


def name_mismatch_message(number: str, name: str) -> str:
    """A known resident ID typed with another name. It never says the registered name: the
    person typing may be outside that person's scope."""
    return f"身份证号{mask_resident_id(number)}与姓名“{name}”不一致，请核对身份证号和姓名。"


def resident_id_build(address_code: str, birth_date: dt.date, sequence: int) -> str:
    """Compose a valid resident ID (for demo and test data): address, birth date, 3-digit
    sequence (odd = male), check character."""
    body = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check char


# --------------------------------------------------------------------------- masking


#: Characters of a resident ID a masked form shows: the prefecture part of the address code.
MASK_RESIDENT_ID_KEEP = 4


def mask_resident_id(number: str) -> str:
    """Show only the first 4 characters: ``1408**************``.

    Pages show the birth date, sex and hukou region next to the masked number, and those
    give positions 1–14 and the parity of 17; a mask that kept the last four (sequence and
    check character) let anyone rebuild the whole number from one page (issue 11, item 2).
    So nothing of positions 15–18 is shown: every masked number leaves at least 500
    candidates (100 sequence pairs × 5 digits of the known parity), so only the logged
    "show in full" reveals it. See tests/core/test_masking.py."""
    if len(number) <= MASK_RESIDENT_ID_KEEP:
        return "*" * len(number)
    return number[:MASK_RESIDENT_ID_KEEP] + "*" * (len(number) - MASK_RESIDENT_ID_KEEP)


def mask_name(name: str) -> str:
    """A name on a public posting: the surname and one ``*`` per other character (李秀英 →
    李**, 王芳 → 王*): enough for neighbours to recognise a posting, not to copy a record."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """Show the first 3 and last 4 digits: ``138****1234``."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_bank_account(account: str) -> str:
    """Show the first 4 and last 4 digits of a bank account."""
    if not account:
        return ""
    if len(account) <= 8:
        return "*" * len(account)
    return account[:4] + "*" * (len(account) - 8) + account[-4:]


# --------------------------------------------------------------------------- typed input
# One door for what people type (STYLE.md): identifiers and numbers are made plain before
# they are validated, and text with control characters is refused.

#: C0 and C1 control characters and DEL; tab, line feed and carriage return are text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_MESSAGE = (
    "含有不可见的控制字符（常见于从其他系统复制的文字），请删除后重新输入。"
)
#: Dashes people type between the groups of a number (NFKC folds the full-width ones).
DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


def text_has_control_characters(text: str) -> bool:
    """Does typed text hold a C0/C1 control character (tab and line breaks excepted)?"""
    return CONTROL_CHARACTERS.search(text) is not None


def typed_number(raw: str | None) -> str:
    """An identifier or number as typed, made plain before it is validated: NFKC (full-width
    ６２２８ and ｘ become 6228 and x), decimal digits of other scripts as ASCII (Arabic-Indic
    ٦٢٢٨ becomes 6228), spaces, dashes and invisible format characters removed."""
    plain = []
    for char in unicodedata.normalize("NFKC", raw or ""):
        if char.isspace() or char in DASHES or unicodedata.category(char) == "Cf":
            continue
        if not char.isascii():
            digit = unicodedata.decimal(char, None)
            char = char if digit is None else str(digit)
        plain.append(char)
    return "".join(plain)


def phone_normalize(raw: str) -> str:
    """A mainland mobile (11 digits starting with 1) or a landline with area code."""
    phone = typed_number(raw)
    if not phone:
        return ""
    if not (phone.isascii() and phone.isdigit()) or not (
        (len(phone) == 11 and phone.startswith("1")) or (10 <= len(phone) <= 12 and phone[0] == "0")
    ):
        raise ValueError("手机号码应为以1开头的11位数字，或带区号的固定电话（如03592021234）。")
    return phone


def bank_account_normalize(raw: str) -> str:
    """A bank card or account number: 12 to 30 digits."""
    account = typed_number(raw)
    if not account:
        return ""
    if not (account.isascii() and account.isdigit()) or not 12 <= len(account) <= 30:
        raise ValueError("银行账号应为12至30位数字，请去掉空格以外的符号后重新填写。")
    return account


# --------------------------------------------------------------------------- plausible dates
# Dates that cannot be, for every module (the subsidy's rules first, then childcare's): an
# event that has happened is not in the future, nothing happens before the person's birth,
# parents, guardians and staff are adults.

#: 民法典 第十七条: a person of 18 or more is an adult.
ADULT_AGE_YEARS = 18
#: No record of the platform is dated before this day: 1900 or 0001 is a typing error.
EARLIEST_RECORD_DATE = dt.date(1950, 1, 1)


def age_years(birth_date: dt.date, on: dt.date) -> int:
    """Whole years of age on a day (a 29 February birthday counts on 28 February)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def event_date_problem(
    label: str,
    day: dt.date,
    *,
    today: dt.date,
    born: dt.date | None = None,
    whose: str = "",
) -> str:
    """Why a day on which something has happened cannot be (empty when it can): after today,
    before the earliest record date, or before the birth of the person ``whose`` it is."""
    if day > today:
        return f"{label}{day.isoformat()}晚于今天，请核对。"
    if day < EARLIEST_RECORD_DATE:
        return f"{label}{day.isoformat()}早于{EARLIEST_RECORD_DATE.year}年，请核对年份。"
    if born is not None and day < born:
        return f"{label}{day.isoformat()}早于{whose}的出生日期{born.isoformat()}，请核对。"
    return ""


def adult_problem(role: str, birth_date: dt.date, on: dt.date) -> str:
    """Why someone cannot be a parent, guardian or staff member on ``on`` (empty when they
    can): they were not yet an adult."""
    if age_years(birth_date, on) < ADULT_AGE_YEARS:
        return (
            f"按身份证号，{role}出生于{birth_date.isoformat()}，"
            f"在{on.isoformat()}未满{ADULT_AGE_YEARS}周岁，不能登记为{role}，请核对身份证号。"
        )
    return ""


# --------------------------------------------------------------------------- working days


class CalendarUnknown(LookupError):
    """The holiday calendar of a year is not known: neither the package nor an override."""

    def __init__(self, year: int) -> None:
        self.year = year
        if not 2004 <= year <= 2099:
            super().__init__(
                f"平台只计算2004年至2099年的工作日，{year}年不在此范围内，请检查日期。"
            )
            return
        super().__init__(
            f"{year}年的法定节假日安排尚未录入，无法计算工作日。"
            f"请系统管理员在“节假日安排”中录入国务院办公厅公布的{year}年放假安排后再试。"
        )


#: Upper bound of a working-day deadline; no rule of RULES.md needs more than a year.
MAX_WORKING_DAYS = 366


def working_day_deadline(
    start: dt.date, working_days: int, is_workday: Callable[[dt.date], bool]
) -> dt.date:
    """The date on which N working days after ``start`` are complete.

    The start day never counts; the deadline is itself a working day, so a deadline
    that would land on a day off is the next working day (RULES.md §1).
    ``is_workday`` raises CalendarUnknown for a year nobody knows.
    """
    if working_days < 1:
        raise ValueError("工作日天数至少为1。")
    day = start
    counted = 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def working_days_between(
    start: dt.date, end: dt.date, is_workday: Callable[[dt.date], bool]
) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    if end < start:
        return -working_days_between(end, start, is_workday)
    return sum(
        1 for i in range(1, (end - start).days + 1) if is_workday(start + dt.timedelta(days=i))
    )


# --------------------------------------------------------------------------- roles


class Role(StrEnum):
    CITY_ADMIN = "city_admin"
    COUNTY_OFFICIAL = "county_official"
    TOWNSHIP_OFFICIAL = "township_official"
    OPERATOR = "operator"
    INSPECTOR = "inspector"
    EVALUATOR = "evaluator"
    FINANCE = "finance"
    ADJUSTER = "adjuster"
    FEDERATION = "federation"
    DOCTOR = "doctor"
    CITIZEN = "citizen"


class Perm(StrEnum):
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    PERSON_UNMASK = "person.unmask"
    PERSON_EXPORT = "person.export"
    REGION_VIEW = "region.view"
    CALENDAR_MANAGE = "calendar.manage"
    AUDIT_VIEW = "audit.view"
    # childcare
    INSTITUTION_VIEW = "institution.view"
    INSTITUTION_MANAGE = "institution.manage"  # keep one's own institution's records
    FILING_DECIDE = "filing.decide"
    RECOGNITION_DECIDE = "recognition.decide"
    PRICE_CAP_MANAGE = "price_cap.manage"
    ROSTER_VIEW = "institution.roster"  # an institution's children and staff, by name
    # subsidy
    SUBSIDY_APPLY = "subsidy.apply"  # a guardian applies for their own child
    SUBSIDY_VIEW = "subsidy.view"
    SUBSIDY_ENTER = "subsidy.enter"  # enter applications on a guardian's behalf, import rosters
    SUBSIDY_REVIEW = "subsidy.review"  # township review (审核)
    SUBSIDY_CONFIRM = "subsidy.confirm"  # county confirmation (确认)
    SUBSIDY_CHANGE = "subsidy.change"  # hukou moves and deaths
    BATCH_MAKE = "batch.make"  # create and run payment batches, export, import bank results
    BATCH_CHECK = "batch.check"  # approve a batch someone else made
    # supervision
    SUPERVISION_VIEW = "supervision.view"  # draws, inspections, letters, credit in one's scope
    DRAW_MANAGE = "draw.manage"  # plan, lock and run double-random draws; publish results
    INSPECT = "inspect"  # record an assigned inspection, issue letters, judge rectification
    RECTIFY = "rectify"  # an operator sends rectification evidence for their institution
    COMPLAINT_RECORD = "complaint.record"  # record complaints about institutions
    # wildlife-damage relief insurance
    WILDLIFE_REPORT = "wildlife.report"  # report a loss: a farmer's own, or on a farmer's behalf
    WILDLIFE_VIEW = "wildlife.view"  # claims, policies and payouts in one's scope
    WILDLIFE_HANDLE = "wildlife.handle"  # accept or reject reports, survey and settle
    WILDLIFE_POLICY = "wildlife.policy"  # policy years, standards tables, species
    WILDLIFE_PAY = "wildlife.pay"  # payout batches, bank files and the bank's result
    # disability certificate home service
    DISABILITY_REQUEST = "disability.request"  # ask for a home visit (self, relative, village)
    DISABILITY_VIEW = "disability.view"  # home-service cases, teams and certificates in scope
    DISABILITY_HANDLE = "disability.handle"  # schedule teams, visit, post, issue certificates
    DISABILITY_ASSESS = "disability.assess"  # the assessing doctor records category and grade
    DISABILITY_REVIEW = "disability.review"  # the county reviews a posted result
    DISABILITY_POLICY = "disability.policy"  # the policy explanation list and its sources
    # demonstration institutions, workforce, policy library
    DEMO_VIEW = "demonstration.view"  # rounds, applications, scores and awards in one's scope
    DEMO_MANAGE = "demonstration.manage"  # rubrics, rounds, evaluators, the city's decision
    DEMO_RECOMMEND = "demonstration.recommend"  # the county recommends its applications
    DEMO_APPLY = "demonstration.apply"  # an operator applies for its own institution
    DEMO_SCORE = "demonstration.score"  # an evaluator scores the applications assigned to them
    DEMO_PAY = "demonstration.pay"  # request or approve an award's payment (maker–checker)
    TRAINING_MANAGE = "training.manage"  # courses, enrolments, completion and certificates
    POLICY_PUBLISH = "policy.publish"  # publish documents to the policy library
    POLICY_CONFIRM = "policy.confirm"  # an operator confirms reading a policy
    # community outreach: activities, visits, follow-ups, volunteers
    OUTREACH_VIEW = "outreach.view"  # activities, visits and follow-ups in one's scope
    OUTREACH_MANAGE = "outreach.manage"  # record activities and visits, own follow-ups
    # the city and county overview and its yearly reports
    OVERVIEW_VIEW = "overview.view"  # every module's figures by county, in one's counties


#: What each role may do and why (least privilege, PIPL): one line per grant, its reason
#: beside it; a grant nobody can give a reason for does not belong here. *Where* a role may
#: do it is its regions (and, for operators and citizens, what they own). Later modules add
#: their grants here with their reasons. Reviewed for issue 11, item 24.
GRANTS: dict[Role, dict[Perm, str]] = {
    Role.CITY_ADMIN: {
        Perm.OUTREACH_VIEW: "city oversight of the counties' outreach and open follow-ups",
        Perm.OVERVIEW_VIEW: "the 13 counties side by side and the city's yearly report",
        Perm.PERSON_VIEW: "handles the cases counties escalate and records that span counties",
        Perm.PERSON_EDIT: "corrects a record two counties dispute (a move between counties)",
        Perm.PERSON_UNMASK: "checks a suspected double registration across counties; logged",
        Perm.PERSON_EXPORT: "the city's registry returns to the province",
        Perm.REGION_VIEW: "region pickers and filters",
        Perm.AUDIT_VIEW: "oversees how counties handled a record",
        Perm.CALENDAR_MANAGE: "enters the State Council's yearly holiday notice",
        Perm.INSTITUTION_VIEW: "city oversight of institutions and their compliance ranking",
        Perm.PRICE_CAP_MANAGE: "the city publishes the inclusive price caps",
        Perm.SUBSIDY_VIEW: "city dashboard and oversight of the counties' subsidy work",
        Perm.SUPERVISION_VIEW: "city oversight of inspections, letters and credit",
        Perm.DRAW_MANAGE: "runs city-wide double-random draws and publishes results",
        Perm.COMPLAINT_RECORD: "complaints received by the city (e.g. the 12345 hotline)",
        Perm.WILDLIFE_VIEW: "city oversight of the counties' wildlife-damage claims",
        Perm.WILDLIFE_POLICY: "enters a county's policy year and standards table",
        Perm.DISABILITY_VIEW: "city oversight of the counties' home-service certificates",
        Perm.DISABILITY_POLICY: "keeps the policy explanation list and its source documents",
        # no ROSTER_VIEW: the city's oversight needs counts, not children's and staff names
        Perm.DEMO_VIEW: "runs the demonstration rounds with the city's finance bureau",
        Perm.DEMO_MANAGE: "publishes rubrics, opens rounds, assigns evaluators, decides the list",
        Perm.TRAINING_MANAGE: "the city trains the workforce with its partner college",
        Perm.POLICY_PUBLISH: "publishes the city's “1+N” policy documents and guides",
    },
    Role.COUNTY_OFFICIAL: {
        Perm.OUTREACH_VIEW: "the county's activities, visits and follow-ups",
        Perm.OVERVIEW_VIEW: "the county's own figures and yearly report (its county only)",
        Perm.OUTREACH_MANAGE: "records the county's activities and visits, owns their follow-ups",
        Perm.PERSON_VIEW: "the county's registry: applicants, children, guardians, staff",
        Perm.PERSON_EDIT: "corrects a registry record of the county",
        Perm.PERSON_UNMASK: "checks an ID card against the record at the counter; logged",
        Perm.PERSON_EXPORT: "the county's registry returns; masked",
        Perm.REGION_VIEW: "region pickers and filters",
        Perm.AUDIT_VIEW: "answers for the county's decisions: reads their history",
        Perm.INSTITUTION_VIEW: "the county files and supervises its institutions",
        Perm.ROSTER_VIEW: "checks enrolment and staff when deciding filings and recognitions",
        Perm.FILING_DECIDE: "the county health commission acknowledges filings",
        Perm.RECOGNITION_DECIDE: "the county recognises inclusive institutions",
        Perm.SUBSIDY_VIEW: "the county confirms applications and answers for them",
        Perm.SUBSIDY_ENTER: "enters applications brought to the county's counter",
        Perm.SUBSIDY_CONFIRM: "county confirmation (县级确认)",
        Perm.SUBSIDY_CHANGE: "records hukou moves and deaths",
        Perm.SUPERVISION_VIEW: "the county's inspections, letters and credit",
        Perm.DRAW_MANAGE: "runs the county's double-random draws and publishes results",
        Perm.COMPLAINT_RECORD: "records and decides complaints about the county's institutions",
        Perm.WILDLIFE_VIEW: "the county (forestry) answers for its wildlife-damage claims",
        Perm.WILDLIFE_HANDLE: "county forestry accepts, rejects and surveys with the insurer",
        Perm.WILDLIFE_POLICY: "the county buys the policy: enters its year and standards",
        Perm.WILDLIFE_REPORT: "enters a report brought to the county's counter",
        Perm.DEMO_VIEW: "the county's institutions' demonstration applications",
        Perm.DEMO_RECOMMEND: "the county recommends its institutions' applications",
        Perm.TRAINING_MANAGE: "enrols the county's staff on courses, records completion",
        Perm.POLICY_PUBLISH: "publishes the county's own implementing guides",
        Perm.DISABILITY_VIEW: "the county answers for the certificates it reviews",
        Perm.DISABILITY_REVIEW: "county review (县级审核) of a posted assessment",
    },
    Role.TOWNSHIP_OFFICIAL: {
        Perm.OUTREACH_VIEW: "the township's activities, visits and follow-ups",
        # no OVERVIEW_VIEW: the overview's unit is the county, and a county's figures count
        # the other townships' cases, which are not the township's to see; its own work is on
        # its home page and in its lists
        Perm.OUTREACH_MANAGE: "organises visits and volunteer days, follows up what it finds",
        Perm.PERSON_VIEW: "finds the guardian and child of an application",
        Perm.PERSON_EDIT: "corrects a resident's contact details at the counter",
        Perm.PERSON_UNMASK: "checks an ID card against the record at the counter; logged",
        Perm.REGION_VIEW: "region pickers and filters",
        Perm.AUDIT_VIEW: "reads the history of the applications it reviews",
        Perm.INSTITUTION_VIEW: "tells parents which filed institutions serve the township",
        Perm.SUBSIDY_VIEW: "the township's applications",
        Perm.SUBSIDY_ENTER: "enters applications on a guardian's behalf (代办), rosters",
        Perm.SUBSIDY_REVIEW: "township review (乡镇审核)",
        Perm.SUBSIDY_CHANGE: "records hukou moves and deaths it learns of first",
        Perm.WILDLIFE_VIEW: "the township's villages' wildlife-damage claims",
        Perm.WILDLIFE_REPORT: "a village official reports a loss on a farmer's behalf",
        Perm.DISABILITY_VIEW: "the home-service requests of the township's villages",
        Perm.DISABILITY_REQUEST: "a village official asks a home visit for a resident",
        # no PERSON_EXPORT (its lists are on the page), no SUPERVISION_VIEW (not its work:
        # results are public on 抽查结果公示), no ROSTER_VIEW (not its institutions' keeper)
    },
    Role.OPERATOR: {
        Perm.REGION_VIEW: "picks the township when registering the institution",
        Perm.INSTITUTION_VIEW: "its own institution (ownership)",
        Perm.INSTITUTION_MANAGE: "keeps its own institution's records",
        Perm.ROSTER_VIEW: "its own children and staff",
        Perm.SUPERVISION_VIEW: "its own inspections, letters and credit",
        Perm.RECTIFY: "sends rectification evidence for its own letters",
        Perm.DEMO_VIEW: "its own institution's applications and title",
        Perm.DEMO_APPLY: "applies for its own institution with self-assessment and evidence",
        Perm.POLICY_CONFIRM: "confirms it has read a guide that applies to it",
    },
    Role.INSPECTOR: {
        Perm.REGION_VIEW: "region filters",
        Perm.INSTITUTION_VIEW: "the institution it is sent to inspect",
        # narrowed by childcare.selectors.roster_scope to the institutions it was drawn for
        Perm.ROSTER_VIEW: "checks staff certificates and class sizes on site",
        Perm.SUPERVISION_VIEW: "the inspections it was drawn for",
        Perm.INSPECT: "records inspections, issues letters, judges rectification",
    },
    Role.EVALUATOR: {
        # An outside expert: the basics of an institution an evaluation will need; no
        # children's or staff rosters, no exports, no compliance runs. The demonstration
        # module will narrow this to the evaluations assigned to them.
        Perm.REGION_VIEW: "region filters",
        Perm.INSTITUTION_VIEW: "the basics (name, type, capacity, status) of institutions",
        Perm.DEMO_VIEW: "the applications assigned to them",
        Perm.DEMO_SCORE: "scores the applications assigned to them, item by item",
    },
    Role.FINANCE: {
        Perm.PERSON_VIEW: "checks the payee of a failed payment",
        Perm.PERSON_UNMASK: "compares a payee's account with the bank's return; logged",
        Perm.REGION_VIEW: "region filters of batches",
        Perm.SUBSIDY_VIEW: "the applications a batch pays",
        Perm.BATCH_MAKE: "makes and runs payment batches, writes the bank file",
        Perm.BATCH_CHECK: "approves a batch someone else made (maker–checker)",
        Perm.WILDLIFE_VIEW: "the wildlife-damage payouts and the premium paid",
        Perm.WILDLIFE_PAY: "makes wildlife payout batches, imports the bank's result",
        # no PERSON_EXPORT: the bank file is its export, written and logged by BATCH_MAKE
        Perm.DEMO_VIEW: "the approved awards and the rounds' budgets",
        Perm.DEMO_PAY: "requests an award's payment, or approves another's (maker–checker)",
    },
    Role.ADJUSTER: {
        Perm.REGION_VIEW: "region filters",
        Perm.WILDLIFE_VIEW: "the claims of the counties its company insures",
        Perm.WILDLIFE_HANDLE: "accepts the same day, surveys within 5 working days, settles",
        Perm.WILDLIFE_PAY: "the insurer pays agreed claims in batches within 10 days",
    },
    Role.FEDERATION: {
        Perm.OUTREACH_VIEW: "its winter-warmth home visits to disabled people's households",
        Perm.OUTREACH_MANAGE: "records its home visits and owns the follow-ups they raise",
        Perm.PERSON_VIEW: "finds the household of a home visit (masked)",
        Perm.REGION_VIEW: "region filters",
        Perm.DISABILITY_VIEW: "the county federation's home-service cases",
        Perm.DISABILITY_REQUEST: "enters a request phoned in to the federation",
        Perm.DISABILITY_HANDLE: "schedules teams, checks identity, posts, issues certificates",
    },
    Role.DOCTOR: {
        Perm.REGION_VIEW: "region filters",
        Perm.DISABILITY_VIEW: "the cases of the teams it visits with",
        Perm.DISABILITY_ASSESS: "assesses category and grade (its own teams' cases only)",
    },
    Role.CITIZEN: {
        Perm.PERSON_VIEW: "their own record (ownership), unmasked, without an export",
        Perm.SUBSIDY_APPLY: "applies for their own child",
        Perm.WILDLIFE_REPORT: "a farmer reports a loss of their own, confirms or disputes it",
        Perm.DISABILITY_REQUEST: "asks a home visit for themself or a disabled relative",
    },
}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    role: frozenset(grants) for role, grants in GRANTS.items()
}


def region_path_covered(own_paths: list[str], path: str) -> bool:
    """A region (by materialised path) lies in or below one of ``own_paths`` — the acting
    scope; the empty path (a superuser's) covers everything, no paths cover nothing."""
    return any(path.startswith(own) for own in own_paths)


#: Roles whose scope is what they own rather than a region.
OWNERSHIP_ROLES = frozenset({Role.OPERATOR, Role.CITIZEN})


def role_has(role: str, perm: Perm) -> bool:
    try:
        return perm in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
