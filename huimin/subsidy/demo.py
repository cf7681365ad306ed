"""The subsidy part of the demo city (育儿补贴), built after core's regions, accounts and people.

``small``: a few hundred applications across the 13 counties in every status — confirmed,
waiting for the township or the county (some overdue, the newest with a provisional deadline
while next year's holiday notice is not entered), refused with a reason — a hukou move, a move out
of the city and a death; the 2025 batch paid (a few lines failed, with the bank's reason) and
the 2026 batch built, waiting for the checker (finance2).

``city``: 116,400 children owed money for 2025 across the 13 counties, in proportion to the
counties' populations, each with a guardian and a confirmed application, a few thousand open
applications and a few hundred refused ones; the 2025 batch built by ``services.batch_run``,
approved by finance2 and settled by ``services.batch_result_apply`` with a handful of failures.

People, accounts, applications and review decisions are written with ``executemany`` in
chunks (no history rows for bulk demo data); moves, deaths and batches go through the
services, so their events and history are the real ones. Deterministic for a seed: only
ctx.rng and ctx.faker are drawn from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Count, Max, Model
from django.utils import timezone

from huimin.core import rules as core_rules
from huimin.core.demo import (
    BANKS,
    DemoContext,
    random_resident_id,
)
from huimin.core.errors import CalendarUnknownYear
from huimin.core.models import Person, User
from huimin.core.selectors import WorkdayCalendar
from huimin.subsidy import rules, services
from huimin.subsidy.models import Application, ApplicationDecision

#: Residents per county in ten thousands (approximately the 2020 census): children are
#: spread across the counties in this proportion.
POPULATION: dict[str, float] = {
    "140802": 68.5,  # 盐湖区
    "140821": 49.5,  # 临猗县
    "140822": 37.2,  # 万荣县
    "140823": 35.7,  # 闻喜县
    "140824": 31.3,  # 稷山县
    "140825": 30.6,  # 新绛县
    "140826": 24.2,  # 绛县
    "140827": 19.4,  # 垣曲县
    "140828": 30.6,  # 夏县
    "140829": 21.5,  # 平陆县
    "140830": 36.7,  # 芮城县
    "140881": 40.8,  # 永济市
    "140882": 39.5,  # 河津市
}


@dataclass(frozen=True)
class Scale:
    confirmed: int  # children owed money for 2025, confirmed
    open: int  # waiting for the township or the county
    rejected: int
    failures: int  # lines of the 2025 batch the bank could not pay
    batch_2026: bool  # a 2026 batch built and waiting for the checker


SCALES = {
    "small": Scale(confirmed=260, open=70, rejected=20, failures=3, batch_2026=True),
    "city": Scale(confirmed=116_400, open=3_000, rejected=300, failures=12, batch_2026=False),
}

BEICHENG = "140802100"  # 盐湖区北城街道: the demo township official's and the citizen's
#: Days since the applications waiting on the demo township official's desk were submitted.
BEICHENG_DESK = (62, 51, 25, 16, 9, 0)
#: Applications open since the national plan of 2025-07-28; counties imported the rosters
#: they held before that (children who turned 3 earlier in 2025 are owed those months).
APPLICATIONS_OPEN = dt.date(2025, 9, 1)
ROSTERS_FROM = dt.date(2025, 1, 6)
OLDEST_BIRTH = dt.date(2022, 1, 1)
YOUNGEST_BIRTH = dt.date(2026, 10, 31)
CHUNK = 5000

REJECTIONS = (
    "出生医学证明编号与户籍信息不一致，请核对出生医学证明后重新申请。",
    "孩子户籍不在本市，请向户籍所在地申请。",
    "申请人与孩子的关系材料不全，请补充户口簿或出生医学证明复印件后重新申请。",
    "银行账户户名与申请人姓名不一致，请提供申请人本人的银行账户后重新申请。",
    "经核实，该孩子已由其父亲在其他乡镇申请，请勿重复申请。",
)
BANK_FAILURES = (
    "账户已销户",
    "户名与账号不符",
    "账户已冻结",
    "账号不存在",
    "账户为久悬户，暂停非柜面业务",
)
GIVEN_BOYS = (
    "浩宇 子墨 宇轩 沐辰 一鸣 梓睿 铭泽 思远 奕辰 俊熙 "
    "睿泽 子轩 明哲 景行 嘉佑 宸宇 星辰 安然 承泽 言之"
).split()
GIVEN_GIRLS = (
    "子涵 梓萱 一诺 欣怡 语桐 若汐 诗涵 可馨 雨桐 思琪 "
    "梦瑶 嘉怡 沐瑶 安琪 依诺 芷若 清欢 知夏 书瑶 念初"
).split()


# --------------------------------------------------------------------------- bulk rows


def _next_id(model: type[Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("id"))["m"] or 0) + 1


def _insert(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows of database-ready values, in the order of ``fields``, with executemany in
    chunks (no model instances, no history rows)."""
    ops = connection.ops
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    columns = ", ".join(ops.quote_name(column[name]) for name in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - fixed identifiers
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def _after_bulk(*models: type[Model]) -> None:
    """After explicit ids: move PostgreSQL's sequences past them and gather the tables'
    statistics, so the batch that follows is planned on the rows just written (SQLite needs
    neither)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            cursor.execute(f"ANALYZE {tables}")


PERSON_FIELDS = (
    "id",
    "resident_id",
    "name",
    "birth_date",
    "sex",
    "phone",
    "bank_name",
    "bank_account",
    "region",
    "status",
    "created_at",
    "updated_at",
)
USER_FIELDS = (
    "id",
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "role",
    "full_name",
    "organisation",
    "person",
)
APPLICATION_FIELDS = (
    "id",
    "child",
    "child_birth_date",
    "birth_certificate",
    "applicant",
    "relation",
    "region",
    "region_from_year",
    "stop_reason",
    "bank_name",
    "bank_account",
    "account_holder",
    "account_name",
    "phone",
    "channel",
    "status",
    "submitted_on",
    "deadline",
    "deadline_provisional",
    "filed_by",
    "created_at",
    "updated_at",
)
DECISION_FIELDS = ("application", "level", "outcome", "reason", "actor", "decided_at")


# --------------------------------------------------------------------------- the plan


@dataclass
class _Family:
    """One application: the child, the applicant and how far the review went."""

    county: str
    region_code: str
    child_birth: dt.date
    child_sex: str
    child_name: str
    relation: str
    applicant_birth: dt.date
    applicant_sex: str
    applicant_name: str
    status: str
    channel: str
    submitted_on: dt.date
    township_on: dt.date | None = None  # the township's decision
    county_on: dt.date | None = None  # the county's decision
    reason: str = ""  # of a refusal
    holder: str = Application.Holder.APPLICANT
    child_id: int = 0
    applicant_id: int = 0
    application_id: int = 0
    user_id: int | None = None  # the applicant's account, for an online application


class _Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.scale = SCALES[ctx.scale]
        self.calendar = WorkdayCalendar()
        self.deadlines: dict[dt.date, tuple[dt.date | None, bool]] = {}
        self.townships = {
            code: [c for c in ctx.regions if len(c) == 9 and c.startswith(code)]
            for code, _name in core_rules.COUNTIES
        }
        self.villages = {
            code: [c for c in ctx.regions if len(c) == 12 and c.startswith(code)]
            for codes in self.townships.values()
            for code in codes
        }
        self.surnames = [ctx.faker.last_name() for _ in range(400)]  # drawn by frequency
        self.cert_serial = 0
        self.certificates: set[str] = set()
        self.tz = timezone.get_current_timezone()
        self.sqlite = connection.vendor == "sqlite"
        self.now = self._db_time(timezone.now())

    # ----------------------------------------------------------------- small helpers

    def _day(self, low: dt.date, high: dt.date) -> dt.date:
        return low + dt.timedelta(days=self.rng.randint(0, max(0, (high - low).days)))

    def _db_date(self, day: dt.date | None) -> Any:
        """A date as the database takes it in a raw insert (text on SQLite)."""
        return day.isoformat() if self.sqlite and day is not None else day

    def _db_time(self, moment: dt.datetime) -> Any:
        """An aware time as the ORM would store it: naive UTC text on SQLite."""
        if self.sqlite:
            return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        return moment

    def _bank_account(self) -> str:
        return (
            self.rng.choice(("6217", "6228", "6222", "6230")) + f"{self.rng.randrange(10**15):015d}"
        )

    def _phone(self) -> str:
        return self.rng.choice(("135", "138", "139", "150", "152", "158", "187", "188")) + (
            f"{self.rng.randrange(10**8):08d}"
        )

    def _at(self, day: dt.date) -> dt.datetime:
        """A moment in office hours of that day."""
        hour, minute = self.rng.randint(8, 17), self.rng.randint(0, 59)
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def _deadline(self, submitted_on: dt.date) -> dt.date | None:
        """30 working days on, as the service stores it (None only past 2099)."""
        return self._marked(submitted_on)[0]

    def _provisional(self, submitted_on: dt.date) -> bool:
        """The deadline counted days in a year without an entered notice (ADR 0010)."""
        return self._marked(submitted_on)[1]

    def _marked(self, submitted_on: dt.date) -> tuple[dt.date | None, bool]:
        if submitted_on not in self.deadlines:
            try:
                marked = self.calendar.deadline_marked(submitted_on, rules.REVIEW_WORKING_DAYS)
                self.deadlines[submitted_on] = (marked.date, marked.provisional)
            except CalendarUnknownYear:
                self.deadlines[submitted_on] = (None, False)
        return self.deadlines[submitted_on]

    def _given(self, sex: str) -> str:
        return self.rng.choice(GIVEN_BOYS if sex == "M" else GIVEN_GIRLS)

    def _adult_name(self, sex: str) -> str:
        faker = self.ctx.faker
        return self.rng.choice(self.surnames) + (
            faker.first_name_male() if sex == "M" else faker.first_name_female()
        )

    def _certificate(self, birth: dt.date) -> str:
        """A unique 出生医学证明编号: a letter for the birth year and nine digits."""
        letter = "NOPQRS"[min(5, max(0, birth.year - 2021))]
        while True:
            self.cert_serial += 1
            number = f"{letter}14{(self.cert_serial * 7919) % 10_000_000:07d}"
            if number not in self.certificates:
                self.certificates.add(number)
                return number

    def _region(self, county: str) -> str:
        township = self.rng.choice(self.townships[county])
        villages = self.villages.get(township)
        if villages and self.rng.random() < 0.25:
            return self.rng.choice(villages)
        return township

    def _counties(self, total: int) -> list[str]:
        """``total`` counties drawn in proportion to their populations (exact shares)."""
        weight = sum(POPULATION.values())
        shares = {c: int(total * p / weight) for c, p in POPULATION.items()}
        rest = total - sum(shares.values())
        for county in sorted(POPULATION, key=lambda c: -POPULATION[c])[:rest]:
            shares[county] += 1
        counties = [c for c, n in shares.items() for _ in range(n)]
        self.rng.shuffle(counties)
        return counties

    # ----------------------------------------------------------------- families

    def _family(self, county: str, birth: dt.date, status: str, submitted_on: dt.date) -> _Family:
        rng = self.rng
        child_sex = rng.choice("MF")
        relation = rng.choices(
            [rules.Relation.MOTHER, rules.Relation.FATHER, rules.Relation.GUARDIAN],
            weights=[60, 35, 5],
        )[0]
        if relation == rules.Relation.GUARDIAN:  # a grandparent
            applicant_sex = rng.choice("MF")
            parent_years = rng.randint(48, 66)
        else:
            applicant_sex = rules.Relation.SEX[relation]
            parent_years = rng.randint(22, 39)
        applicant_birth = dt.date(birth.year - parent_years, rng.randint(1, 12), rng.randint(1, 28))
        applicant_name = self._adult_name(applicant_sex)
        surname = applicant_name[0] if relation != rules.Relation.MOTHER else None
        child_name = (surname or rng.choice(self.surnames)) + self._given(child_sex)
        if submitted_on < APPLICATIONS_OPEN:
            channel = Application.Channel.ROSTER
        else:
            channel = rng.choices(
                [
                    Application.Channel.ONLINE,
                    Application.Channel.COUNTER,
                    Application.Channel.ROSTER,
                ],
                weights=[45, 40, 15],
            )[0]
        return _Family(
            county=county,
            region_code=self._region(county),
            child_birth=birth,
            child_sex=child_sex,
            child_name=child_name,
            relation=relation,
            applicant_birth=applicant_birth,
            applicant_sex=applicant_sex,
            applicant_name=applicant_name,
            status=status,
            channel=channel,
            submitted_on=submitted_on,
            holder=Application.Holder.CHILD
            if rng.random() < 0.08
            else Application.Holder.APPLICANT,
        )

    def _decided(self, after: dt.date, *, latest: dt.date) -> dt.date:
        return min(after + dt.timedelta(days=self.rng.randint(1, 12)), latest)

    def confirmed(self, county: str) -> _Family:
        """A child owed money for 2025, applied for while under 3, confirmed by the county."""
        rng = self.rng
        latest = self.today - dt.timedelta(days=25)
        while True:
            birth = self._day(OLDEST_BIRTH, dt.date(2025, 12, 31))
            under_three_until = rules.third_birthday(birth) - dt.timedelta(days=1)
            earliest = birth + dt.timedelta(days=rng.randint(20, 60))
            low = max(earliest, APPLICATIONS_OPEN)
            if low > under_three_until:  # turned 3 before applications opened: a roster
                low = max(earliest, ROSTERS_FROM)
            high = min(under_three_until, latest, low + dt.timedelta(days=90))
            if low <= high:
                break
        family = self._family(county, birth, Application.Status.CONFIRMED, self._day(low, high))
        family.township_on = self._decided(family.submitted_on, latest=latest)
        family.county_on = self._decided(family.township_on, latest=latest)
        return family

    def open(
        self,
        county: str,
        *,
        region_code: str = "",
        days_ago: int | None = None,
        status: str | None = None,
    ) -> _Family:
        """A newer application the township or the county has still to decide; some are
        overdue, the newest provisional while next year's notice is not entered."""
        rng = self.rng
        if days_ago is None:
            days_ago = rng.randint(48, 80) if rng.random() < 0.12 else rng.randint(0, 38)
        submitted_on = self.today - dt.timedelta(days=days_ago)
        birth = self._day(
            dt.date(2025, 3, 1), min(YOUNGEST_BIRTH, submitted_on - dt.timedelta(days=20))
        )
        if status is None:
            status = (
                Application.Status.TOWNSHIP_APPROVED
                if days_ago > 3 and rng.random() < 0.45
                else Application.Status.SUBMITTED
            )
        family = self._family(county, birth, status, submitted_on)
        if region_code:
            family.region_code = region_code
        if status == Application.Status.TOWNSHIP_APPROVED:
            family.township_on = self._decided(
                submitted_on, latest=self.today - dt.timedelta(days=1)
            )
        return family

    def rejected(self, county: str) -> _Family:
        """An application refused with the reason the applicant sees."""
        rng = self.rng
        submitted_on = self._day(APPLICATIONS_OPEN, self.today - dt.timedelta(days=15))
        under_three = dt.date(submitted_on.year - 3, submitted_on.month, 1) + dt.timedelta(days=31)
        birth = self._day(
            max(dt.date(2023, 1, 1), under_three),
            min(YOUNGEST_BIRTH, submitted_on - dt.timedelta(days=20)),
        )
        family = self._family(county, birth, Application.Status.REJECTED, submitted_on)
        latest = self.today - dt.timedelta(days=1)
        family.township_on = self._decided(submitted_on, latest=latest)
        if rng.random() < 0.3:  # passed by the township, refused by the county
            family.county_on = self._decided(family.township_on, latest=latest)
        family.reason = rng.choice(REJECTIONS)
        return family

    # ----------------------------------------------------------------- accounts

    def officials(self) -> tuple[dict[str, User], dict[str, User]]:
        """Who decides in each township and county: the demo accounts where there are some,
        else accounts that cannot log in (no password), created once."""
        townships: dict[str, User] = {}
        counties: dict[str, User] = {}
        for user in (
            User.objects.filter(role__in=[User.Role.TOWNSHIP_OFFICIAL, User.Role.COUNTY_OFFICIAL])
            .order_by("id")
            .prefetch_related("regions")
        ):
            for region in sorted(user.regions.all(), key=lambda r: r.code):
                target = townships if user.role == User.Role.TOWNSHIP_OFFICIAL else counties
                target.setdefault(region.code, user)
        missing: list[tuple[str, User.Role, str]] = [
            (f"township{code}", User.Role.TOWNSHIP_OFFICIAL, code)
            for codes in self.townships.values()
            for code in codes
            if code not in townships
        ] + [
            (f"county{code}", User.Role.COUNTY_OFFICIAL, code)
            for code, _name in core_rules.COUNTIES
            if code not in counties
        ]
        for username, role, code in missing:
            region = self.ctx.regions[code]
            parent = region.parent.name if region.parent else ""
            user = User(
                username=username,
                role=role,
                full_name=self._adult_name(self.rng.choice("MF")),
                organisation=f"{parent}{region.name}"
                + ("办事处" if role == User.Role.TOWNSHIP_OFFICIAL else "卫生健康局"),
            )
            user.set_unusable_password()
            user.save()
            user.regions.set([region])
            (townships if role == User.Role.TOWNSHIP_OFFICIAL else counties)[code] = user
        return townships, counties

    # ----------------------------------------------------------------- writing

    def write(self, families: list[_Family], townships: dict[str, User]) -> None:
        """People, accounts of online applicants, applications and decisions, in bulk."""
        counties = self.county_officials
        person_id = _next_id(Person)
        user_id = _next_id(User)
        application_id = _next_id(Application)
        people: list[tuple[Any, ...]] = []
        users: list[tuple[Any, ...]] = []
        applications: list[tuple[Any, ...]] = []
        decisions: list[tuple[Any, ...]] = []
        rng, now = self.rng, self.now
        for f in families:
            region = self.ctx.regions[f.region_code]
            township = townships[f.region_code[:9]]
            bank, account, phone = rng.choice(BANKS), self._bank_account(), self._phone()
            f.child_id, f.applicant_id = person_id, person_id + 1
            person_id += 2
            people.append(
                (
                    f.child_id,
                    random_resident_id(self.ctx, f.county, f.child_birth, f.child_sex),
                    f.child_name,
                    self._db_date(f.child_birth),
                    f.child_sex,
                    "",
                    "",
                    "",
                    region.pk,
                    Person.Status.ACTIVE,
                    now,
                    now,
                )
            )
            people.append(
                (
                    f.applicant_id,
                    random_resident_id(self.ctx, f.county, f.applicant_birth, f.applicant_sex),
                    f.applicant_name,
                    self._db_date(f.applicant_birth),
                    f.applicant_sex,
                    phone,
                    bank,
                    account,
                    region.pk,
                    Person.Status.ACTIVE,
                    now,
                    now,
                )
            )
            if f.channel == Application.Channel.ONLINE:
                f.user_id = user_id
                user_id += 1
                users.append(
                    (
                        f.user_id,
                        "!demo",  # an unusable password: the account cannot log in
                        False,
                        f"gm{f.applicant_id}",
                        "",
                        "",
                        "",
                        False,
                        True,
                        self._db_time(self._at(f.submitted_on)),
                        User.Role.CITIZEN,
                        f.applicant_name,
                        "",
                        f.applicant_id,
                    )
                )
            f.application_id = application_id
            application_id += 1
            created = self._db_time(self._at(f.submitted_on))
            decided = f.county_on or f.township_on
            applications.append(
                (
                    f.application_id,
                    f.child_id,
                    self._db_date(f.child_birth),
                    self._certificate(f.child_birth),
                    f.applicant_id,
                    f.relation,
                    region.pk,
                    rules.PROGRAMME_START.year,
                    "",
                    bank,
                    account,
                    f.holder,
                    f.child_name if f.holder == Application.Holder.CHILD else f.applicant_name,
                    phone,
                    f.channel,
                    f.status,
                    self._db_date(f.submitted_on),
                    self._db_date(self._deadline(f.submitted_on)),
                    self._provisional(f.submitted_on),
                    f.user_id or township.pk,
                    created,
                    self._db_time(self._at(decided)) if decided else created,
                )
            )
            refused_by_township = f.status == Application.Status.REJECTED and not f.county_on
            if f.township_on:
                decisions.append(
                    (
                        f.application_id,
                        ApplicationDecision.Level.TOWNSHIP,
                        ApplicationDecision.Outcome.REJECT
                        if refused_by_township
                        else ApplicationDecision.Outcome.APPROVE,
                        f.reason if refused_by_township else "",
                        township.pk,
                        self._db_time(self._at(f.township_on)),
                    )
                )
            if f.county_on:
                refused = f.status == Application.Status.REJECTED
                decisions.append(
                    (
                        f.application_id,
                        ApplicationDecision.Level.COUNTY,
                        ApplicationDecision.Outcome.REJECT
                        if refused
                        else ApplicationDecision.Outcome.APPROVE,
                        f.reason if refused else "",
                        counties[f.county].pk,
                        self._db_time(self._at(f.county_on)),
                    )
                )
        _insert(Person, PERSON_FIELDS, people)
        _insert(User, USER_FIELDS, users)
        _insert(Application, APPLICATION_FIELDS, applications)
        _insert(ApplicationDecision, DECISION_FIELDS, decisions)
        _after_bulk(Person, User, Application, ApplicationDecision)
        self.users_written = len(users)
        self.decisions_written = len(decisions)

    # ----------------------------------------------------------------- the build

    def build(self) -> None:
        ctx, scale = self.ctx, self.scale
        townships, self.county_officials = self.officials()
        own = self._citizen_mother() is not None  # her child is one of the confirmed
        families = [self.confirmed(c) for c in self._counties(scale.confirmed - own)]
        families += [  # the demo township official's desk: two overdue, one from today
            self.open("140802", region_code=BEICHENG, days_ago=days, status="submitted")
            for days in BEICHENG_DESK
        ]
        families += [self.open(c) for c in self._counties(scale.open - len(BEICHENG_DESK))]
        families += [self.rejected(county) for county in self._counties(scale.rejected)]
        self.write(families, townships)
        self.citizen()
        by_status = dict(
            Application.objects.values_list("status").annotate(n=Count("id")).order_by("status")
        )
        ctx.log(
            f"育儿补贴申请：{sum(by_status.values())} 份（"
            + "，".join(f"{Application.Status(s).label} {n}" for s, n in by_status.items())
            + f"），审核意见 {self.decisions_written} 条，网上申请账号 {self.users_written} 个"
        )
        self.changes(families)
        self.batches()

    def _citizen_mother(self) -> Person | None:
        user = self.ctx.users.get("citizen")
        return user.person if user is not None else None

    def citizen(self) -> None:
        """The demo guardian's own application (her first child, paid for 2025); she can
        apply for another child herself."""
        user, mother = self.ctx.users.get("citizen"), self._citizen_mother()
        if user is None or mother is None:
            return
        birth = dt.date(2024, 3, 15)
        child = Person.objects.create(
            resident_id=random_resident_id(self.ctx, "140802", birth, "M"),
            name=mother.name[0] + "小" + self._given("M")[-1],
            birth_date=birth,
            sex="M",
            region=self.ctx.regions[BEICHENG],
        )
        submitted_on = dt.date(2025, 9, 8)
        application = Application.objects.create(
            child=child,
            child_birth_date=birth,
            birth_certificate=self._certificate(birth),
            applicant=mother,
            relation=Application.Relation.MOTHER,
            region=self.ctx.regions[BEICHENG],
            bank_name=mother.bank_name or BANKS[0],
            bank_account=mother.bank_account or self._bank_account(),
            account_name=mother.name,
            phone=mother.phone,
            channel=Application.Channel.ONLINE,
            status=Application.Status.CONFIRMED,
            submitted_on=submitted_on,
            deadline=self._deadline(submitted_on),
            deadline_provisional=self._provisional(submitted_on),
            filed_by=user,
        )
        township, county = self.ctx.users.get("beicheng"), self.ctx.users.get("yanhu")
        for level, actor, day in (
            (ApplicationDecision.Level.TOWNSHIP, township, dt.date(2025, 9, 12)),
            (ApplicationDecision.Level.COUNTY, county, dt.date(2025, 9, 19)),
        ):
            if actor is not None:
                decision = ApplicationDecision.objects.create(
                    application=application,
                    level=level,
                    outcome=ApplicationDecision.Outcome.APPROVE,
                    actor=actor,
                )
                ApplicationDecision.objects.filter(pk=decision.pk).update(decided_at=self._at(day))

    def changes(self, families: list[_Family]) -> None:
        """Through the services: a move within the city, a move out of it and a death."""
        confirmed = [f for f in families if f.status == Application.Status.CONFIRMED]
        township, county = self.ctx.users["beicheng"], self.ctx.users["yanhu"]
        in_beicheng = [f for f in confirmed if f.region_code == BEICHENG]
        in_yanhu = [f for f in confirmed if f.county == "140802" and f.region_code != BEICHENG]
        notes = []
        if in_beicheng:
            moved = in_beicheng[0]
            services.application_hukou_move(
                actor=township,
                application_id=moved.application_id,
                moved_on=dt.date(2026, 6, 15),
                region_code="140829102",  # 平陆县张村镇
                reason="随父母迁回平陆县张村镇",
            )
            notes.append(f"{moved.child_name}户籍迁至平陆县张村镇（2027年度起由平陆县发放）")
        if in_yanhu:
            left = in_yanhu[-1]
            services.application_hukou_move(
                actor=county,
                application_id=left.application_id,
                moved_on=dt.date(2026, 4, 20),
                out_of_city=True,
                reason="随父母迁往太原市",
            )
            notes.append(f"{left.child_name}户籍迁出本市（发放至2026年度）")
        wanrong = [
            f for f in confirmed if f.county == "140822" and f.child_birth < dt.date(2025, 6, 1)
        ]
        if wanrong and "wanrong" in self.ctx.users:
            died = wanrong[0]
            services.application_child_death(
                actor=self.ctx.users["wanrong"],
                application_id=died.application_id,
                died_on=dt.date(2025, 12, 6),
                reason="医院出具死亡医学证明",
            )
            notes.append(f"{died.child_name}于2025-12-06死亡（发放至2025年度）")
        if notes:
            self.ctx.log("  户籍迁移和死亡：" + "；".join(notes))

    def batches(self) -> None:
        """The 2025 batch built, approved by the checker and settled with a few failures;
        at small scale the 2026 batch built and waiting for the checker."""
        maker, checker = self.ctx.users["finance"], self.ctx.users["finance2"]
        batch = services.batch_create(actor=maker, year=2025, region_code=core_rules.CITY_CODE)
        batch = services.batch_run(batch_id=batch.pk)
        services.batch_decide(
            actor=checker, batch_id=batch.pk, approve=True, reason="明细与汇总金额核对无误"
        )
        line_ids = list(batch.lines.order_by("pk").values_list("pk", flat=True))
        failed = set(self.rng.sample(line_ids, min(self.scale.failures, len(line_ids))))
        results = [
            services.BankResult(
                line_id=pk,
                paid=pk not in failed,
                reason=self.rng.choice(BANK_FAILURES) if pk in failed else "",
            )
            for pk in line_ids
        ]
        digest = hashlib.sha256(f"demo-{self.ctx.seed}-{batch.pk}".encode()).hexdigest()
        services.batch_result_apply(
            actor=maker,
            batch_id=batch.pk,
            results=results,
            file_name="运城市2025年度育儿补贴发放回盘.xlsx",
            sha256=digest,
        )
        batch.refresh_from_db()
        self.ctx.log(
            f"  发放批次：{batch.name}，{batch.line_count} 笔 "
            f"{rules.yuan_display(batch.total_fen)} 元，成功 {batch.paid_count} 笔，"
            f"失败 {batch.failed_count} 笔（{batch.get_status_display()}）"
        )
        if self.scale.batch_2026:
            later = services.batch_create(actor=maker, year=2026, region_code=core_rules.CITY_CODE)
            later = services.batch_run(batch_id=later.pk)
            self.ctx.log(
                f"  发放批次：{later.name}，{later.line_count} 笔 "
                f"{rules.yuan_display(later.total_fen)} 元（{later.get_status_display()}，"
                "由 finance2 复核）"
            )


def build(ctx: DemoContext) -> None:
    """The subsidy applications of the demo city, the 2025 batch paid (and, at small scale,
    the 2026 batch waiting for the checker)."""
    scale = SCALES[ctx.scale]
    ctx.log(
        f"育儿补贴：{scale.confirmed:,} 名2025年度应发孩子（按各县人口分布），"
        f"{scale.open:,} 份待审核申请"
    )
    started = time.perf_counter()
    _Builder(ctx).build()
    services.tallies_rebuild()  # the applications were inserted in bulk, past the services
    ctx.log(f"育儿补贴部分用时 {time.perf_counter() - started:.1f} 秒")
