"""The demonstration part of the demo city: the reference city's picture (RULES.md §2, the
newspaper: 6 provincial and 10 city-level demonstration institutions, 670,000 yuan of city
awards paid) and a round in progress.

- The policy library: the city's "1+N" documents and guides the newspaper names, five of
  them marked for operators (the ``operator`` login has them to confirm on its home page).
- The WS/T 821-shaped default rubric, published; four more evaluators beside the
  ``evaluator`` login (杨慧), so that a round can trim the highest and lowest score.
- 16 demonstration institutions (filed, inclusive), added across the counties: the childcare
  demo's own institutions stay as they are.
- 2024年省级示范托育机构推荐评估 (provincial, finished): 6 approved; the province's title
  carries no city award.
- 2025年市级示范托育机构创建 (city, finished): 10 approved at 67,000 yuan each (at least the
  50,000 yuan the rules ask), budget 700,000 yuan, all paid by ``finance`` and checked by
  ``finance2``: 670,000.00 yuan paid, 30,000.00 left.
- 2026年市级示范托育机构创建 (city, in progress): 平陆县知行托育园 recommended and waiting
  for evaluators; 永济市小脚丫托育中心 being scored, the ``evaluator`` login's score still to
  do (the other two submitted); 万荣县幼儿园托班 waiting for its county's recommendation. The
  ``operator`` login's 盐湖区综合托育服务中心 has not applied yet (the e2e test applies).

- Workforce training with the partner college (运城幼儿师范高等专科学校): the city's
  pre-service, in-service and head-of-institution courses of the year and 盐湖区's own
  in-service course (by the ``yanhu`` login); 盐湖区's staff enrolled, about half of them
  completed with certificates (the hours written to childcare's training records), so that
  most institutions still fall short of the yearly hours; the ``operator`` login's staff
  include one who completed the 72-hour course and others still short.

Everything runs through the services (with real time), then the finished rounds' dates are
set back to 2024 and 2025, as a past round's records would read.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from huimin.childcare.models import InclusiveRecognition, Institution, Staff
from huimin.core.demo import DemoContext
from huimin.core.models import Region, User
from huimin.demonstration import rules, services
from huimin.demonstration.models import (
    Application,
    Assignment,
    Award,
    Course,
    Item,
    Round,
    Rubric,
    Title,
)

#: (county code, name, level) of the 16 demonstration institutions.
INSTITUTIONS: tuple[tuple[str, str, str], ...] = (
    ("140802", "盐湖区育苗托育中心", "provincial"),
    ("140881", "永济市舜都托育园", "provincial"),
    ("140882", "河津市龙门托育中心", "provincial"),
    ("140821", "临猗县童馨托育园", "provincial"),
    ("140825", "新绛县绛州托育中心", "provincial"),
    ("140830", "芮城县永乐托育园", "provincial"),
    ("140802", "盐湖区禹都托育园", "city"),
    ("140802", "盐湖区凤凰谷托育中心", "city"),
    ("140822", "万荣县后土托育园", "city"),
    ("140823", "闻喜县桐城托育中心", "city"),
    ("140824", "稷山县稷王托育园", "city"),
    ("140826", "绛县晋韵托育中心", "city"),
    ("140827", "垣曲县舜乡托育园", "city"),
    ("140828", "夏县瑶峰托育中心", "city"),
    ("140829", "平陆县圣人涧托育园", "city"),
    ("140881", "永济市蒲州托育中心", "city"),
)
#: The finished city round's award: 10 × 67,000 = 670,000 yuan, within a 700,000 budget.
CITY_AWARD_FEN = 67_000_00
CITY_BUDGET_FEN = 700_000_00
IN_PROGRESS_AWARD_FEN = 50_000_00
IN_PROGRESS_BUDGET_FEN = 500_000_00
EVALUATORS = (
    ("evaluator2", "高志宏"),
    ("evaluator3", "任雅琴"),
    ("evaluator4", "薛斌"),
    ("evaluator5", "柴晓红"),
)
#: Each evaluator's total for the n-th application (varied, all above the pass mark).
TOTALS = ("912", "896.5", "905", "921", "888")


def _place(county: str) -> Region:
    township = Region.objects.filter(parent__code=county, level=Region.Level.TOWNSHIP).order_by(
        "code"
    )
    return township.first() or Region.objects.get(code=county)


def _institution(ctx: DemoContext, county: str, name: str, admin: User) -> Institution:
    region = _place(county)
    institution = Institution.objects.create(
        name=name,
        filed_name=name,
        kind=Institution.Kind.INDEPENDENT,
        region=region,
        address=f"运城市{region.parent.name if region.parent else ''}{region.name}"
        f"{ctx.rng.choice(['学府路', '中银大道', '河东街', '人民路', '解放路'])}"
        f"{ctx.rng.randrange(1, 300)}号",
        legal_person=ctx.faker.name(),
        phone="0359" + "".join(str(ctx.rng.randrange(10)) for _ in range(7)),
        capacity=ctx.rng.choice([80, 100, 120, 150]),
        fee_full_day=ctx.rng.choice([120000, 130000, 140000]),
        premises_owned=ctx.rng.random() < 0.5,
        lease_years=5,
        fire_safety_manager=ctx.faker.name(),
        status=Institution.Status.FILED,
    )
    InclusiveRecognition.objects.create(
        institution=institution,
        status=InclusiveRecognition.Status.RECOGNISED,
        applied_by=admin,
        decided_by=admin,
        decided_at=timezone.now(),
        valid_from=dt.date(2024, 1, 1),
        valid_to=ctx.today + dt.timedelta(days=730),
    )
    return institution


def _points(rubric: Rubric, total: Decimal) -> dict[int, object]:
    left = total
    points: dict[int, object] = {}
    for item in Item.objects.filter(rubric=rubric, veto=False).order_by("-points", "code"):
        take = min(Decimal(item.points), left)
        points[item.pk] = take
        left -= take
    return points


def _score(application: Application, evaluators: list[User], rubric: Rubric, n: int) -> None:
    for k, evaluator in enumerate(evaluators):
        assignment = Assignment.objects.get(application=application, evaluator=evaluator)
        total = Decimal(TOTALS[(n + k) % len(TOTALS)])
        services.assignment_score(
            actor=evaluator,
            assignment_id=assignment.pk,
            points=_points(rubric, total),
            notes={},
            submit=True,
        )


def _apply_by(institution: Institution, round_: Round, admin: User) -> Application:
    """A past application entered on the institution's behalf (the demo's institutions have no
    operator logins): written as the service would, eligibility checked."""
    from huimin.demonstration import selectors

    refusals = rules.eligibility_refusals(
        selectors.eligibility_facts(institution, today=timezone.localdate())
    )
    return Application.objects.create(
        round=round_,
        institution=institution,
        region=institution.region,
        self_score=900,
        self_assessment="对照评估细则逐项自评：办托条件、托育队伍、保育照护、卫生保健、"
        "养育支持、安全保障、机构管理均达到示范标准。",
        refusals=[{"code": r.code, "params": r.params, "message": r.message} for r in refusals],
        status=Application.Status.INELIGIBLE if refusals else Application.Status.SUBMITTED,
        submitted_by=admin,
        submitted_at=timezone.now(),
    )


def _county_official(county: str) -> User:
    official = User.objects.filter(
        role=User.Role.COUNTY_OFFICIAL, regions__code=county, is_active=True
    ).first()
    if official is None:
        official = User.objects.create_user(
            username=f"demo_county_{county}",
            password=None,
            role=User.Role.COUNTY_OFFICIAL,
            full_name=f"{Region.objects.get(code=county).name}卫健局",
        )
        official.regions.set([Region.objects.get(code=county)])
    return official


def _walk_round(
    round_: Round,
    institutions: list[Institution],
    *,
    admin: User,
    evaluators: list[User],
    finance: User | None,
    finance2: User | None,
) -> None:
    for n, institution in enumerate(institutions):
        application = _apply_by(institution, round_, admin)
        county = institution.region.parent.code if institution.region.parent else ""
        services.application_recommend(
            actor=_county_official(county), application_id=application.pk, recommend=True
        )
        services.evaluators_assign(
            actor=admin, application_id=application.pk, evaluator_ids=[e.pk for e in evaluators]
        )
        _score(application, evaluators, round_.rubric, n)
        services.application_decide(actor=admin, application_id=application.pk, approve=True)
        award = Award.objects.filter(application=application).first()
        if award is not None and finance is not None and finance2 is not None:
            services.award_pay_request(actor=finance, award_id=award.pk)
            services.award_pay_decide(actor=finance2, award_id=award.pk, approve=True)


def _set_back(round_: Round, *, deadline: dt.date, decided: dt.date) -> None:
    """A finished round's records dated as they happened."""
    at = timezone.make_aware(dt.datetime.combine(decided, dt.time(10, 0)))
    Round.objects.filter(pk=round_.pk).update(deadline=deadline, status=Round.Status.CLOSED)
    applications = Application.objects.filter(round=round_)
    applications.update(
        submitted_at=at - dt.timedelta(days=60),
        recommended_at=at - dt.timedelta(days=45),
        decided_at=at,
    )
    Assignment.objects.filter(application__round=round_).update(
        submitted_at=at - dt.timedelta(days=20)
    )
    Title.objects.filter(application__round=round_).update(
        valid_from=decided,
        valid_to=decided.replace(year=decided.year + rules.TITLE_YEARS) - dt.timedelta(days=1),
    )
    Award.objects.filter(round=round_).update(
        requested_at=at + dt.timedelta(days=10), paid_at=at + dt.timedelta(days=14)
    )


#: The city's "1+N" policy documents and guides as the newspaper names them (title, issuing
#: bodies, date, subject, summary, for operators). Numbers (文号) are left out: none is quoted.
POLICIES: tuple[tuple[str, str, dt.date, str, str, bool], ...] = (
    (
        "运城市养老托育服务业纾困扶持政策三十六条",
        "运城市发展和改革委员会　运城市卫生健康委员会等",
        dt.date(2022, 9, 15),
        "funding",
        "从房租减免、社保缓缴、信贷支持、用水用电用气价格等方面，对养老托育服务机构纾困扶持。",
        False,
    ),
    (
        "运城市普惠托育机构认定扶持实施办法",
        "运城市卫生健康委员会　运城市财政局",
        dt.date(2023, 3, 20),
        "recognition",
        "普惠托育机构的认定条件、认定程序、收费上限和运营补贴；对达标的示范机构给予不低于5万元的"
        "一次性奖励。",
        True,
    ),
    (
        "运城市试点托育机构评估细则",
        "运城市卫生健康委员会　运城市财政局",
        dt.date(2023, 4, 10),
        "demonstration",
        "示范托育机构现场评估的维度、项目和赋分办法，一票否决情形，评估专家回避规定。",
        True,
    ),
    (
        "婴幼儿照护服务政策汇编",
        "运城市卫生健康委员会",
        dt.date(2024, 5, 8),
        "supervision",
        "国家、省、市婴幼儿照护服务政策文件汇编，含托育机构设置标准和管理规范。",
        False,
    ),
    (
        "运城市托育服务规范管理指南",
        "运城市卫生健康委员会",
        dt.date(2024, 6, 18),
        "supervision",
        "指导托育机构建立收托、保育、健康、安全、人员“五位一体”的管理制度，明确运行标准与操作流程。",
        True,
    ),
    (
        "关于规范托育服务收费的通知",
        "运城市发展和改革委员会　运城市卫生健康委员会",
        dt.date(2024, 8, 1),
        "fees",
        "托育服务收费项目、普惠托育收费标准公示和收费监督。",
        True,
    ),
    (
        "关于推进医育结合促进婴幼儿健康发展的实施意见",
        "运城市卫生健康委员会",
        dt.date(2025, 2, 26),
        "medical",
        "妇幼保健机构、基层医疗卫生机构与托育机构签约，提供卫生保健、健康监测和科学育儿指导。",
        True,
    ),
)


def _policies(admin: User) -> None:
    for title, issuers, issued, subject, summary, for_operators in POLICIES:
        services.policy_publish(
            actor=admin,
            data=services.PolicyInput(
                title=title,
                issuers=issuers,
                issued_on=issued,
                subject=subject,
                summary=summary,
                for_operators=for_operators,
            ),
        )


#: The workforce's courses of the demo year: (title, provider, kind, hours, days before today
#: the course starts, by the county official of 盐湖区 rather than the city).
COLLEGE = "运城幼儿师范高等专科学校"
COURSES: tuple[tuple[str, str, str, int, int, bool], ...] = (
    ("托育从业人员岗前培训", COLLEGE, "pre_service", 40, 150, False),
    ("婴幼儿回应性照护在岗培训", COLLEGE, "in_service", 72, 120, False),
    ("托育机构负责人培训", COLLEGE, "head", 32, 90, False),
    (
        "盐湖区保育人员急救与安全在岗培训",
        "盐湖区妇幼保健计划生育服务中心",
        "in_service",
        16,
        60,
        True,
    ),  # noqa: E501
)


def _training(ctx: DemoContext, admin: User) -> None:
    """Courses, enrolments of 盐湖区's staff and completions, all through the services."""
    county = User.objects.filter(username="yanhu").first() or _county_official("140802")
    today = min(ctx.today, timezone.localdate())
    courses = {}
    for title, provider, kind, hours, days, by_county in COURSES:
        courses[kind if not by_county else "county"] = services.course_create(
            actor=county if by_county else admin,
            title=f"{today.year}年{title}",
            provider=provider,
            kind=kind,
            hours=hours,
            starts_on=today - dt.timedelta(days=days),
        )
    by_institution: dict[int, list[Staff]] = {}
    for member in (
        Staff.objects.filter(
            left_on__isnull=True, institution__region__path__startswith="140800/140802/"
        )
        .select_related("institution")
        .order_by("institution__name", "role", "id")
    ):
        by_institution.setdefault(member.institution_id, []).append(member)
    number = 0

    def complete(enrolment_id: int, course: Course) -> None:
        nonlocal number
        number += 1
        services.enrolment_complete(
            actor=admin,
            enrolment_id=enrolment_id,
            completed_on=min(course.starts_on + dt.timedelta(days=20), today),
            certificate_no=f"YCYZ{today.year}-{number:04d}",
        )

    staff: list[Staff] = []
    for members in by_institution.values():
        heads = [m for m in members if m.role == Staff.Role.HEAD][:1]
        others = [m for m in members if m.role != Staff.Role.HEAD][:3]
        staff += heads + others
        for head in heads:  # the head's course, completed
            enrolment = services.enrolment_add(
                actor=admin, course_id=courses["head"].pk, staff_id=head.pk
            )
            complete(enrolment.pk, courses["head"])
        # the first completes the 72 hours; the second only the county's 16; the third enrolled
        kinds = ("in_service", "county", "in_service")
        for k, (member, kind) in enumerate(zip(others, kinds, strict=False)):
            enrolment = services.enrolment_add(
                actor=county, course_id=courses[kind].pk, staff_id=member.pk
            )
            if k < 2:
                complete(enrolment.pk, courses[kind])
    for member in staff[:3]:
        services.enrolment_add(actor=admin, course_id=courses["pre_service"].pk, staff_id=member.pk)


def build(ctx: DemoContext) -> None:
    admin = ctx.users.get("admin") or User.objects.filter(role=User.Role.CITY_ADMIN).first()
    if admin is None:
        return
    evaluators = [User.objects.get(username="evaluator")]
    for username, name in EVALUATORS:
        evaluator = User.objects.create_user(
            username=username, password=None, role=User.Role.EVALUATOR, full_name=name
        )
        evaluator.regions.set([Region.objects.get(code="140800")])
        evaluators.append(evaluator)
    finance = User.objects.filter(username="finance").first()
    finance2 = User.objects.filter(username="finance2").first()
    rubric = services.rubric_default_create(actor=admin)
    services.rubric_publish(actor=admin, rubric_id=rubric.pk)
    made = [(_institution(ctx, c, name, admin), level) for c, name, level in INSTITUTIONS]
    far = timezone.localdate() + dt.timedelta(days=60)

    provincial = services.round_open(
        actor=admin,
        data=services.RoundInput(
            name="2024年省级示范托育机构推荐评估",
            level=rules.Level.PROVINCIAL,
            rubric_id=rubric.pk,
            deadline=far,
            award_fen=rules.PROVINCIAL_AWARD_FEN,
            budget_fen=0,
        ),
    )
    _walk_round(
        provincial,
        [i for i, level in made if level == "provincial"],
        admin=admin,
        evaluators=evaluators[1:4],
        finance=None,
        finance2=None,
    )
    _set_back(provincial, deadline=dt.date(2024, 6, 30), decided=dt.date(2024, 9, 20))

    city = services.round_open(
        actor=admin,
        data=services.RoundInput(
            name="2025年市级示范托育机构创建",
            level=rules.Level.CITY,
            rubric_id=rubric.pk,
            deadline=far,
            award_fen=CITY_AWARD_FEN,
            budget_fen=CITY_BUDGET_FEN,
        ),
    )
    _walk_round(
        city,
        [i for i, level in made if level == "city"],
        admin=admin,
        evaluators=evaluators,
        finance=finance,
        finance2=finance2,
    )
    _set_back(city, deadline=dt.date(2025, 6, 30), decided=dt.date(2025, 9, 26))

    current = services.round_open(
        actor=admin,
        data=services.RoundInput(
            name="2026年市级示范托育机构创建",
            level=rules.Level.CITY,
            rubric_id=rubric.pk,
            deadline=ctx.today + dt.timedelta(days=30),
            award_fen=IN_PROGRESS_AWARD_FEN,
            budget_fen=IN_PROGRESS_BUDGET_FEN,
        ),
    )
    by_name = {
        i.name: i
        for i in Institution.objects.filter(
            name__in=["平陆县知行托育园", "永济市小脚丫托育中心", "万荣县幼儿园托班"]
        )
    }
    if "永济市小脚丫托育中心" in by_name:
        scoring = _apply_by(by_name["永济市小脚丫托育中心"], current, admin)
        services.application_recommend(
            actor=_county_official("140881"), application_id=scoring.pk, recommend=True
        )
        services.evaluators_assign(
            actor=admin, application_id=scoring.pk, evaluator_ids=[e.pk for e in evaluators[:3]]
        )
        _score(scoring, evaluators[1:3], rubric, 1)  # the ``evaluator`` login's is still to do
    if "平陆县知行托育园" in by_name:
        waiting = _apply_by(by_name["平陆县知行托育园"], current, admin)
        services.application_recommend(
            actor=_county_official("140829"), application_id=waiting.pk, recommend=True
        )
    if "万荣县幼儿园托班" in by_name:
        _apply_by(by_name["万荣县幼儿园托班"], current, admin)
    _policies(admin)
    _training(ctx, admin)
    ctx.log(
        "示范托育机构：省级6所、市级10所，市级奖补已拨付670,000.00元；"
        "2026年市级示范创建进行中（评估专家 evaluator 有待评分的申报）；"
        "培训课程4门（运城幼儿师范高等专科学校等），盐湖区工作人员已报名，部分结业。"
    )
