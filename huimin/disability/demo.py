"""The disability part of the demo city: the home certificate service of 2025 (about 190
cases, as the reference federation did) and a few live cases of the demo day.

- 万荣县 (the ``federation`` login, 韩冰, with the ``doctor`` login, 马文斌, 运城市中心医院)
  carries most of the 2025 cases; 盐湖区 and 平陆县 the rest, each with its own federation
  staff member and doctor (non-login demo users). The county officials ``wanrong``, ``yanhu``
  and ``pinglu`` review.
- Every case goes through the services: the request (flags; some households are linked in
  the registry so 一户多残 is computed), a team per township and day with its route, the visit
  with the identity check, the doctor's assessment per impairment, the posting, the county
  review, the certificate. A few objections (reassessed), a few not qualified, one refused,
  some certificates issued after the 15 working days (late), and some grade changes.
- Live cases around the demo day: requests in the queue, scheduled visits, visited cases
  waiting for the ``doctor``'s assessment, and cases overdue on the federation's home page.

Deterministic for a seed and a day: everything comes from ctx.rng and ctx.faker.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from huimin.core.demo import DemoContext, random_resident_id
from huimin.core.models import Person, Region, User
from huimin.core.selectors import WorkdayCalendar
from huimin.core.services import household_join, region_create
from huimin.disability import selectors, services
from huimin.disability.models import Case, Team

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = 2025
#: county → (cases of 2025, reviewer login, federation login or demo user, doctor, hospital)
COUNTIES: dict[str, tuple[int, str, str, str, str]] = {
    "140822": (118, "wanrong", "federation", "doctor", "运城市中心医院"),
    "140802": (44, "yanhu", "fed_140802", "doc_140802", "盐湖区人民医院"),
    "140829": (30, "pinglu", "fed_140829", "doc_140829", "平陆县人民医院"),
}
STAFF = {
    "fed_140802": ("赵雪琴", "盐湖区残疾人联合会", User.Role.FEDERATION, "140802"),
    "fed_140829": ("段鹏", "平陆县残疾人联合会", User.Role.FEDERATION, "140829"),
    "doc_140802": ("郭振华", "盐湖区人民医院", User.Role.DOCTOR, "140800"),
    "doc_140829": ("柴永红", "平陆县人民医院", User.Role.DOCTOR, "140800"),
}
#: Villages added under the demo townships (code suffix 211, 212, ...), by county.
VILLAGE_NAMES: dict[str, tuple[str, ...]] = {
    "140822": ("东杜村", "北牛池村", "南牛池村", "西景村", "太贾村", "荆村", "王显村", "阎景村"),
    "140802": ("席张村", "陶村", "下冯村", "上王村", "东郭村", "解州村"),
    "140829": ("前滩村", "南沟村", "杜马村", "后村", "曹川村", "槐下村"),
}
BASES: dict[int, tuple[str, ...]] = {
    1: ("双眼视力0.02，视野半径小于5度", "白内障术后视力0.05", "青光眼晚期，视力0.1"),
    2: ("双耳平均听力损失92 dB HL", "双耳平均听力损失75 dB HL", "单耳全聋，对侧65 dB HL"),
    3: ("脑卒中后运动性失语，言语清晰度10%", "言语清晰度40%"),
    4: (
        "外伤致双下肢功能重度障碍，不能独立行走",
        "脑出血致右侧肢体偏瘫，肌力2级",
        "右下肢膝上截肢",
        "腰椎骨折后截瘫，肌力1级",
        "类风湿致双手关节畸形",
    ),
    5: ("智商（IQ）35，适应行为重度缺陷", "智商（IQ）50，需部分支持"),
    6: ("精神分裂症，WHO-DAS II 评分110分", "双相情感障碍，WHO-DAS II 评分70分"),
}
CAUSES = ("疾病", "外伤", "先天", "脑出血", "交通事故", "工伤", "老年性病变")


def _user(ctx: DemoContext, login: str) -> User:
    if login in ctx.users:
        return ctx.users[login]
    name, organisation, role, region = STAFF[login]
    user = User.objects.create(
        username=login,
        role=role,
        full_name=name,
        organisation=organisation,
        password=make_password(None),  # a demo colleague, not a login
    )
    user.regions.set([ctx.regions[region]])
    ctx.users[login] = user
    return user


def _villages(ctx: DemoContext, county: str) -> list[Region]:
    """Two villages under each demo township of the county (the newspaper's villages kept)."""
    townships = sorted(c for c in ctx.regions if c.startswith(county) and len(c) == 9)
    names = list(VILLAGE_NAMES[county])
    out = [ctx.regions[c] for c in ctx.regions if c.startswith(county) and len(c) == 12]
    for i, code in enumerate(townships):
        for j in range(2):
            name = names[(2 * i + j) % len(names)]
            village_code = f"{code}{211 + j:03d}"
            if village_code not in ctx.regions:
                ctx.regions[village_code] = region_create(
                    code=village_code,
                    name=name if 2 * i + j < len(names) else f"{name}{i}",
                    level=Region.Level.VILLAGE,
                    parent=ctx.regions[code],
                )
            out.append(ctx.regions[village_code])
    return sorted(out, key=lambda r: r.code)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


class _Story:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.calendar = WorkdayCalendar()
        self.teams: dict[tuple[int, dt.date, int], Team] = {}
        self.counts: dict[str, int] = defaultdict(int)

    def workday_after(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.deadline(day, n) if n > 0 else day

    def visit_day(self, village: Region, requested: dt.date) -> dt.date:
        """The township's visit day: every other week on its weekday (Tue, Wed or Thu), so a
        team's day gathers the township's requests of two weeks into one route."""
        township = village.parent.code if village.parent else village.code
        n = int(township[-1])
        day = requested + dt.timedelta(days=1)
        while not (day.weekday() == 1 + n % 3 and day.isocalendar().week % 2 == n % 2):
            day += dt.timedelta(days=1)
        while not self.calendar.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def person(self, village: Region, *, elderly: bool = False) -> Person:
        rng = self.rng
        if elderly:
            birth = dt.date(rng.randint(1935, 1960), rng.randint(1, 12), rng.randint(1, 28))
        else:
            birth = dt.date(rng.randint(1950, 2018), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice("MF")
        faker = self.ctx.faker
        name = faker.last_name() + (
            faker.first_name_male() if sex == "M" else faker.first_name_female()
        )
        return Person(
            resident_id=random_resident_id(self.ctx, village.code[:6], birth, sex),
            name=name,
            birth_date=birth,
            sex=sex,
            region=village,
        )

    def team(self, village: Region, day: dt.date, staff: User, doctor: User, hospital: str) -> Team:
        key = (village.parent_id or 0, day, staff.pk)
        if key not in self.teams:
            self.teams[key] = services.team_create(
                actor=staff,
                data=services.TeamInput(
                    township_code=village.parent.code if village.parent else village.code,
                    day=day,
                    staff_id=staff.pk,
                    doctor_id=doctor.pk,
                    hospital=hospital,
                ),
            )
        return self.teams[key]

    def impairments(self, severe: bool) -> list[services.ImpairmentInput]:
        rng = self.rng
        n = 1 if rng.random() < 0.85 else 2
        categories = rng.sample([4, 4, 4, 1, 2, 5, 6, 3], n)
        if n == 2 and categories[0] == categories[1]:
            categories = categories[:1]
        out = []
        for c in categories:
            grade = rng.choice((1, 2)) if severe else rng.choice((1, 2, 2, 3, 3, 4, 4))
            out.append(services.ImpairmentInput(c, grade, rng.choice(BASES[c])))
        return out

    def case(
        self,
        county: str,
        villages: list[Region],
        requested: dt.date,
        *,
        stop_at: str = Case.Status.CERTIFIED,
        late: bool = False,
        objection: bool = False,
        not_qualified: bool = False,
        refused: bool = False,
        person: Person | None = None,
    ) -> Case:
        _n, reviewer_login, staff_login, doctor_login, hospital = COUNTIES[county]
        staff, doctor = _user(self.ctx, staff_login), _user(self.ctx, doctor_login)
        reviewer = self.ctx.users[reviewer_login]
        rng = self.rng
        if person is None:
            village = rng.choice(villages)
            person = self.person(village, elderly=rng.random() < 0.45)
            person.save()
        village = person.region
        severe = rng.random() < 0.45
        case = services.case_request(
            actor=staff,
            data=services.RequestInput(
                resident_id=person.resident_id,
                name=person.name,
                region_code=village.code,
                requester=rng.choice(("relative", "relative", "official", "self")),
                requester_name=self.ctx.faker.name(),
                requester_phone=f"13{rng.randint(100000000, 999999999)}",
                condition=rng.choice(("长期卧床", "行动不便，需轮椅", "不能自理", "独自在家")),
                elderly_carer=rng.random() < 0.3,
                severe=severe,
                living_alone=rng.random() < 0.15,
                bedridden=rng.random() < 0.3,
            ),
            at=_at(requested, 10),
        )
        self.counts["requested"] += 1
        if stop_at == Case.Status.REQUESTED:
            return case
        visit_day = self.visit_day(village, requested)
        team = self.team(village, visit_day, staff, doctor, hospital)
        services.case_schedule(actor=staff, case_id=case.pk, team_id=team.pk)
        if stop_at == Case.Status.SCHEDULED:
            return case
        services.case_visit(
            actor=staff,
            case_id=case.pk,
            data=services.VisitInput(
                resident_id=person.resident_id,
                name=person.name,
                birth_date=person.birth_date,
                address=f"{village.name}{rng.randint(1, 9)}组{rng.randint(1, 60)}号",
                guardian_name=self.ctx.faker.name(),
                guardian_phone=f"13{rng.randint(100000000, 999999999)}",
                cause=rng.choice(CAUSES),
                visited_on=visit_day,
            ),
        )
        self.counts["visited"] += 1
        if stop_at == Case.Status.VISITED:
            return case
        if not_qualified:
            services.case_assess(
                actor=doctor,
                case_id=case.pk,
                impairments=[],
                not_qualified_reason="肢体功能轻度受限，未达到四级残疾标准",
                at=_at(visit_day, 11),
            )
            self.counts["not_qualified"] += 1
            return case
        services.case_assess(
            actor=doctor,
            case_id=case.pk,
            impairments=self.impairments(severe),
            at=_at(visit_day, 11),
        )
        case.refresh_from_db()
        benefits = [b.pk for b in selectors.benefits_for(case, visit_day)]
        services.case_benefits_tick(actor=staff, case_id=case.pk, benefit_ids=benefits)
        if stop_at == Case.Status.ASSESSED:
            return case
        posted = self.workday_after(visit_day, 1)
        services.case_post(actor=staff, case_id=case.pk, on=posted)
        self.counts["posted"] += 1
        if objection:
            objected = self.workday_after(posted, 2)
            services.case_object(
                actor=staff,
                case_id=case.pk,
                raised_by_name=self.ctx.faker.name(),
                reason="申请人家属认为评定等级偏轻，申请复核",
                on=objected,
            )
            self.counts["objections"] += 1
            services.case_assess(
                actor=doctor,
                case_id=case.pk,
                impairments=self.impairments(True),
                at=_at(objected, 15),
            )
            posted = self.workday_after(objected, 1)
            services.case_post(actor=staff, case_id=case.pk, on=posted)
        if stop_at == Case.Status.POSTED:
            return case
        case.refresh_from_db()
        assert case.posting_ends is not None  # noqa: S101 - posted above
        reviewed = self.workday_after(case.posting_ends, rng.randint(1, 2) + (8 if late else 0))
        services.case_review(
            actor=reviewer,
            case_id=case.pk,
            approve=not refused,
            reason="" if not refused else "评定材料不完整，请补充影像学检查后重新申请",
            on=reviewed,
        )
        if refused:
            self.counts["refused"] += 1
            return case
        issued = self.workday_after(reviewed, 1)
        services.certificate_issue(actor=staff, case_id=case.pk, on=issued)
        self.counts["certified"] += 1
        case.refresh_from_db()
        if case.deadline and case.completed_on and case.completed_on > case.deadline:
            self.counts["late"] += 1
        return case

    def households(self, county: str, villages: list[Region], keeper: User) -> list[Person]:
        """Couples and parent–child pairs linked in the registry, the first already certified:
        the second's request is computed 一户多残."""
        seconds = []
        for i in range(4):
            first = self.person(self.rng.choice(villages), elderly=True)
            first.save()
            second = self.person(first.region)
            second.save()
            household_join(actor=keeper, person_id=first.pk, member_id=second.pk, relation="child")
            self.case(county, villages, dt.date(YEAR, 3, 3 + i), person=first)
            seconds.append(second)
        return seconds

    def build(self) -> None:
        services.benefits_default_ensure()
        today = self.ctx.today
        for county, (count, reviewer_login, *_rest) in COUNTIES.items():
            villages = _villages(self.ctx, county)
            keeper = self.ctx.users[reviewer_login]
            linked = self.households(county, villages, keeper)
            special: dict[int, dict[str, bool]] = {
                5: {"objection": True},
                17: {"not_qualified": True},
                29: {"late": True},
                41: {"objection": True},
                53: {"late": True},
                67: {"not_qualified": True},
                79: {"refused": True},
                91: {"late": True},
            }
            days = sorted(
                dt.date(YEAR, 1, 6) + dt.timedelta(days=self.rng.randrange(0, 340))
                for _ in range(count - len(linked) * 2)
            )
            for n, day in enumerate(days):
                flags = special.get(n, {})
                self.case(
                    county,
                    villages,
                    day,
                    late=flags.get("late", False),
                    objection=flags.get("objection", False),
                    not_qualified=flags.get("not_qualified", False),
                    refused=flags.get("refused", False),
                )
            for person, june in zip(linked, (5, 9, 14, 20), strict=True):
                self.case(county, villages, dt.date(YEAR, 6, june), person=person)
            # the live work of the demo day
            recent = [today - dt.timedelta(days=d) for d in (60, 45, 40, 25, 8, 5, 3)]
            states = [
                Case.Status.POSTED,  # overdue: posted, never reviewed
                Case.Status.ASSESSED,  # overdue: assessed, never posted
                Case.Status.VISITED,  # overdue: waiting for the doctor
                Case.Status.VISITED,
                Case.Status.SCHEDULED,
                Case.Status.REQUESTED,
                Case.Status.REQUESTED,
            ]
            if county == "140822":
                for day, state in zip(recent, states, strict=True):
                    self.case(county, villages, day, stop_at=state)
        c = self.counts
        self.ctx.log(
            f"  上门办证：申请 {c['requested']} 件，上门 {c['visited']} 次，公示 {c['posted']} 件，"
            f"异议 {c['objections']} 件，未达标准 {c['not_qualified']} 件，"
            f"审核未通过 {c['refused']} 件，发证 {c['certified']} 本"
            f"（超过15个工作日 {c['late']} 本）；"
            f"上门服务组 {len(self.teams)} 个"
        )


def build(ctx: DemoContext) -> None:
    """万荣县, 盐湖区 and 平陆县's home certificate service of 2025 and the demo day's queue."""
    started = time.monotonic()
    ctx.log("残疾人证上门办理：")
    _Story(ctx).build()
    ctx.log(f"残疾人证上门办理部分用时 {time.monotonic() - started:.1f} 秒")
