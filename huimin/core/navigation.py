"""What each role sees: its menu and its home page. Later modules add their entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huimin.core.rules import Perm, Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    perm: Perm | None = None
    roles: frozenset[Role] | None = None  # None: every role with the permission
    description: str | Promise = ""
    staff_only: bool = False  # the Django admin, for data stewards


NAV: list[NavItem] = [
    NavItem(_("首页"), "home"),
    NavItem(
        _("全市概览"),
        "overview",
        Perm.OVERVIEW_VIEW,
        roles=frozenset({Role.CITY_ADMIN}),
        description=_("13个县（市、区）的托育、监督、补贴、救助、办证等指标和地图，年度报告。"),
    ),
    NavItem(
        _("本县概览"),
        "overview",
        Perm.OVERVIEW_VIEW,
        roles=frozenset({Role.COUNTY_OFFICIAL}),
        description=_("本县（市、区）的托育、监督、补贴、救助、办证等指标，年度报告。"),
    ),
    NavItem(
        _("我的办事"),
        "mine",
        None,
        roles=frozenset({Role.CITIZEN}),
        description=_("您在平台上办理的所有事项：办理状态、下一步和期限，以及状态变化的消息。"),
    ),
    NavItem(
        _("人员档案"),
        "person_list",
        Perm.PERSON_VIEW,
        roles=frozenset(Role) - {Role.CITIZEN},  # a citizen opens their own record from home
        description=_("按身份证号登记的人员，证件号、电话、银行账号默认脱敏显示。"),
    ),
    NavItem(
        _("本机构"),
        "childcare_mine",
        Perm.INSTITUTION_MANAGE,
        roles=frozenset({Role.OPERATOR}),
        description=_("本机构的备案、班级与在托幼儿、考勤晨检、留样、安全和人员记录及合规问题。"),
    ),
    NavItem(
        _("托育机构"),
        "childcare_institution_list",
        Perm.INSTITUTION_VIEW,
        roles=frozenset(Role) - {Role.OPERATOR},  # an operator opens their own institution
        description=_("辖区托育机构的备案状态、普惠认定、在托人数和未整改的合规问题。"),
    ),
    NavItem(
        _("合规问题"),
        "childcare_findings",
        Perm.INSTITUTION_VIEW,
        roles=frozenset(
            {Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.TOWNSHIP_OFFICIAL, Role.INSPECTOR}
        ),
        description=_("按未整改问题的数量和严重程度排列的托育机构，及其主要问题。"),
    ),
    NavItem(
        _("备案办理"),
        "childcare_filing_list",
        Perm.FILING_DECIDE,
        description=_("托育机构的备案、变更和注销申请：5个工作日内办理，逾期标红。"),
    ),
    NavItem(
        _("普惠认定"),
        "childcare_recognition_list",
        Perm.RECOGNITION_DECIDE,
        description=_("普惠托育机构认定申请：核对收费与价格上限、严重合规问题后认定。"),
    ),
    NavItem(
        _("双随机抽查"),
        "supervision_plan_list",
        Perm.DRAW_MANAGE,
        description=_("制定抽查计划，以公开随机数锁定后抽取检查对象和检查人员，任何人可复核。"),
    ),
    NavItem(
        _("监督检查"),
        "supervision_inspection_list",
        Perm.SUPERVISION_VIEW,
        description=_("被抽中机构的检查任务：逐项检查、记录问题和照片，完成后公示结果。"),
    ),
    NavItem(
        _("监督意见书"),
        "supervision_letter_list",
        Perm.SUPERVISION_VIEW,
        description=_("卫生监督意见书的整改期限、整改材料和验收；逾期未整改的标红并上报。"),
    ),
    NavItem(
        _("诚信评价"),
        "supervision_credit_list",
        Perm.SUPERVISION_VIEW,
        roles=frozenset(
            {Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.TOWNSHIP_OFFICIAL, Role.INSPECTOR}
        ),
        description=_("托育机构的诚信得分和A至D等级，每一项得分的来由和历次评价。"),
    ),
    NavItem(
        _("诚信评价"),  # not "本机构…": the childcare pages' "本机构" link stays unique
        "supervision_credit_mine",
        Perm.SUPERVISION_VIEW,
        roles=frozenset({Role.OPERATOR}),
        description=_("本机构的诚信得分和等级，每一项加分、扣分的来由。"),
    ),
    NavItem(
        _("投诉登记"),
        "supervision_complaint_list",
        Perm.COMPLAINT_RECORD,
        description=_("登记对托育机构的投诉并核查；近一年的投诉提高抽查权重，查实的扣诚信分。"),
    ),
    NavItem(
        _("利害关系申报"),
        "supervision_conflict_list",
        Perm.INSPECT,
        description=_("申报与托育机构的利害关系，申报后不会被抽中检查该机构。"),
    ),
    NavItem(
        _("申请育儿补贴"),
        "subsidy_apply",
        Perm.SUBSIDY_APPLY,
        description=_("为3周岁以下的孩子申请育儿补贴，查看审核进度和发放记录。"),
    ),
    NavItem(
        _("育儿补贴申请"),
        "subsidy_application_list",
        Perm.SUBSIDY_VIEW,
        description=_("辖区育儿补贴申请：乡镇审核、县级确认，30个工作日内办结，逾期标红。"),
    ),
    NavItem(
        _("补贴发放批次"),
        "subsidy_batch_list",
        Perm.SUBSIDY_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.FINANCE}),
        description=_("按年度和区域生成发放批次，复核后导出银行代发文件，导入银行回盘。"),
    ),
    NavItem(
        _("育儿补贴统计"),
        "subsidy_dashboard",
        Perm.SUBSIDY_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.FINANCE}),
        description=_("按县（市、区）和月份统计申请、确认和发放金额。"),
    ),
    NavItem(
        _("野生动物致害报案"),
        "wildlife_mine",
        Perm.WILDLIFE_REPORT,
        roles=frozenset({Role.CITIZEN}),
        description=_("野生动物损害庄稼，用手机拍照报案，查看接案、查勘、赔付进度并确认金额。"),
    ),
    NavItem(
        _("代农户报案"),
        "wildlife_report",
        Perm.WILDLIFE_REPORT,
        roles=frozenset({Role.TOWNSHIP_OFFICIAL, Role.COUNTY_OFFICIAL}),
        description=_("村、乡镇工作人员代受损农户报告野生动物致害损失。"),
    ),
    NavItem(
        _("野生动物致害报案受理"),
        "wildlife_claim_list",
        Perm.WILDLIFE_VIEW,
        description=_("当日接案、5个工作日内查勘定损、确认后10日内赔付；超过当日未接案的标红。"),
    ),
    NavItem(
        _("救助责任险保单"),
        "wildlife_policy_list",
        Perm.WILDLIFE_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.ADJUSTER, Role.FINANCE}),
        description=_("县级保单年度：保费及省县分担、累计赔偿限额、保障物种和赔偿标准。"),
    ),
    NavItem(
        _("野生动物致害赔付批次"),
        "wildlife_batch_list",
        Perm.WILDLIFE_PAY,
        description=_("已确认的赔款生成批次，导出银行代发文件，导入银行回盘。"),
    ),
    NavItem(
        _("野生动物致害救助统计"),
        "wildlife_dashboard",
        Perm.WILDLIFE_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.ADJUSTER, Role.FINANCE}),
        description=_("按物种、作物、村和月份统计报案与赔付，限额使用情况和办理时效。"),
    ),
    NavItem(
        _("申请上门办理残疾人证"),
        "disability_request",
        Perm.DISABILITY_REQUEST,
        roles=frozenset({Role.CITIZEN, Role.TOWNSHIP_OFFICIAL}),
        description=_("行动不便的残疾人，由本人、亲属或村干部用手机申请残联上门办证。"),
    ),
    NavItem(
        _("残疾人证上门办理"),
        "disability_case_list",
        Perm.DISABILITY_VIEW,
        description=_(
            "按优先级排队（一户多残、以老养残、重度残疾），上门核验、评定、公示、审核、发证，15个工作日内办结。"
        ),
    ),
    NavItem(
        _("上门服务组"),
        "disability_team_list",
        Perm.DISABILITY_VIEW,
        roles=frozenset({Role.FEDERATION, Role.DOCTOR}),
        description=_("残联工作人员和评残医生组成服务组，按乡镇安排当天按村上门的路线。"),
    ),
    NavItem(
        _("残疾人证"),
        "disability_certificate_list",
        Perm.DISABILITY_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.FEDERATION}),
        description=_("已发放的残疾人证：证号、类别等级、有效期（10年），换领和等级变更。"),
    ),
    NavItem(
        _("惠残政策"),
        "disability_benefit_list",
        Perm.DISABILITY_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.FEDERATION}),
        description=_("上门时宣讲的惠残政策清单及其政策依据，由管理员维护。"),
    ),
    NavItem(
        _("残疾人证上门办理统计"),
        "disability_dashboard",
        Perm.DISABILITY_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.FEDERATION}),
        description=_("按乡镇和月份统计上门次数、按类别等级统计发证、按时办结率。"),
    ),
    NavItem(
        _("示范托育机构创建"),
        "demonstration_application_list",
        Perm.DEMO_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.OPERATOR}),
        description=_("示范创建批次、机构申报、县级推荐、专家评估、市级审定和奖补预算。"),
    ),
    NavItem(
        _("现场评估评分"),
        "demonstration_scoring_list",
        Perm.DEMO_SCORE,
        description=_("按评估标准逐项赋分并说明理由，一票否决项单独勾选。"),
    ),
    NavItem(
        _("示范评估利害关系申报"),
        "demonstration_conflict_list",
        Perm.DEMO_SCORE,
        description=_("申报与托育机构的利害关系，申报后不会被指派评估该机构。"),
    ),
    NavItem(
        _("示范奖补拨付"),
        "demonstration_award_list",
        Perm.DEMO_PAY,
        description=_("审定通过的示范奖励：一人提交拨付、另一人复核，预算不会超支。"),
    ),
    NavItem(
        _("培训课程"),
        "demonstration_course_list",
        Perm.TRAINING_MANAGE,
        description=_("与合作院校开设的岗前、在岗和机构负责人培训：报名、结业和证书。"),
    ),
    NavItem(
        _("学时不足的托育机构"),
        "demonstration_training_short",
        Perm.TRAINING_MANAGE,
        description=_("在职工作人员本年度培训学时不足每人每年要求的托育机构。"),
    ),
    NavItem(
        _("本机构培训学时"),
        "demonstration_training_mine",
        Perm.ROSTER_VIEW,
        roles=frozenset({Role.OPERATOR}),
        description=_("本机构每位工作人员本年度的培训学时与要求，以及参加的培训课程。"),
    ),
    NavItem(
        _("走访与志愿服务活动"),
        "outreach_activity_list",
        Perm.OUTREACH_VIEW,
        description=_("入户走访、志愿服务、文化活动、课堂和现场服务：志愿者时长和服务人次。"),
    ),
    NavItem(
        _("走访跟进事项"),
        "outreach_followup_list",
        Perm.OUTREACH_VIEW,
        description=_("走访发现的取暖、医疗、待遇未申领、房屋修缮等需求：负责人和工作日期限。"),
    ),
    NavItem(
        _("志愿者服务时长"),
        "outreach_volunteer_list",
        Perm.OUTREACH_VIEW,
        description=_("参加活动的志愿者及其每月服务时长。"),
    ),
    NavItem(
        _("未申请育儿补贴的婴幼儿"),
        "outreach_children",
        Perm.OUTREACH_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.TOWNSHIP_OFFICIAL}),
        description=_("按乡镇列出人员档案中3岁以下、还没有育儿补贴申请的婴幼儿，便于上门告知。"),
    ),
    NavItem(
        _("行政区划"),
        "region_list",
        Perm.REGION_VIEW,
        description=_("运城市及13个县（市、区）和所辖乡镇（街道）。"),
    ),
    NavItem(
        _("工作日计算"), "calendar", None, description=_("按国家法定节假日和调休安排计算办理时限。")
    ),
    NavItem(
        _("育儿补贴测算"),
        "subsidy_quote",
        None,
        description=_("按孩子的出生日期测算可领取的育儿补贴月数和金额，无需登录。"),
    ),
    NavItem(
        _("抽查结果公示"),
        "supervision_public",
        None,
        description=_("双随机抽查记录、检查结果和托育机构诚信等级的公示，无需登录。"),
    ),
    NavItem(
        _("野生动物致害赔偿测算"),
        "wildlife_estimate",
        None,
        description=_("按作物、生长期、受损面积和损失程度测算野生动物致害赔偿金额，无需登录。"),
    ),
    NavItem(
        _("残疾评定结果公示"),
        "disability_postings",
        None,
        description=_("残疾评定结果公示（只显示遮蔽的姓名和村），公示期内可提出异议，无需登录。"),
    ),
    NavItem(
        _("示范托育机构统计"),
        "demonstration_dashboard",
        Perm.DEMO_VIEW,
        roles=frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.FINANCE}),
        description=_("各批次预算与拨付、各县省级和市级示范托育机构、进行中批次的申报。"),
    ),
    NavItem(
        _("待阅知的政策文件"),
        "demonstration_policy_mine",
        Perm.POLICY_CONFIRM,
        description=_("新发布的适用于托育机构的政策文件和管理指南，阅读后确认。"),
    ),
    NavItem(
        _("政策汇编"),
        "demonstration_policy_list",
        None,
        description=_("运城市婴幼儿照护服务“1+N”政策文件和指南，可按主题浏览和检索，无需登录。"),
    ),
    NavItem(
        _("示范托育机构名单"),
        "demonstration_public",
        None,
        description=_("称号在有效期内的省级和市级示范托育机构，无需登录。"),
    ),
    NavItem(
        _("数据管理"),
        "admin:index",
        staff_only=True,
        description=_("节假日安排、用户与角色、普惠价格上限等基础数据的维护。"),
    ),
]


@dataclass(frozen=True)
class RoleHome:
    title: str | Promise
    intro: str | Promise


ROLE_HOME: dict[Role, RoleHome] = {
    Role.CITY_ADMIN: RoleHome(
        _("市级管理工作台"),
        _(
            "统筹全市13个县（市、区）的托育服务、育儿补贴、野生动物致害救助、"
            "残疾人证上门办理和社区服务；维护节假日安排、用户与权限。"
        ),
    ),
    Role.COUNTY_OFFICIAL: RoleHome(
        _("县级工作台"),
        _("负责本县托育机构备案与普惠认定、育儿补贴审核、双随机抽查和各类申请的县级审核。"),
    ),
    Role.TOWNSHIP_OFFICIAL: RoleHome(
        _("乡镇（街道）工作台"),
        _("为辖区群众代办育儿补贴申请、初审材料，组织走访和志愿服务活动，跟进群众需求。"),
    ),
    Role.OPERATOR: RoleHome(
        _("托育机构工作台"),
        _(
            "维护本机构的备案信息、班级与在托婴幼儿、每日晨午检、安全和人员记录，接收监督意见并整改。"
        ),
    ),
    Role.INSPECTOR: RoleHome(
        _("监督检查工作台"),
        _("查看被随机抽中的检查任务，逐项记录检查结果，出具卫生监督意见书并验收整改。"),
    ),
    Role.EVALUATOR: RoleHome(
        _("示范评估工作台"),
        _("按评估细则对申报示范的托育机构现场评估赋分。"),
    ),
    Role.FINANCE: RoleHome(
        _("财务工作台"),
        _("生成育儿补贴发放批次、复核后导出银行代发文件，导入银行回盘结果。"),
    ),
    Role.ADJUSTER: RoleHome(
        _("保险查勘工作台"),
        _("受理野生动物致害报案，当日接案、5个工作日内查勘定损，协议达成后10日内赔付。"),
    ),
    Role.FEDERATION: RoleHome(
        _("残联工作台"),
        _("为一户多残、以老养残、重度残疾家庭上门办理残疾人证，核对身份、协助填表、宣讲政策。"),
    ),
    Role.DOCTOR: RoleHome(
        _("评残医生工作台"),
        _("随残联工作人员上门，按每一种残疾评定类别和等级并写明临床依据。"),
    ),
    Role.CITIZEN: RoleHome(
        _("我的服务"),
        _("查看本人信息，申请育儿补贴、报告野生动物致害损失，查询办理进度。"),
    ),
}


#: Figures on a home page: (label, value, unit) for a user. Apps register a provider each in
#: their AppConfig.ready(), so core never imports them.
HomeStat = tuple[str | Promise, int, str | Promise]
HOME_STATS: list[Callable[[Any], list[HomeStat]]] = []


@dataclass(frozen=True)
class HomeListRow:
    label: str
    url: str
    note: str | Promise = ""


@dataclass(frozen=True)
class HomeList:
    """Work that cannot wait, listed on a home page (overdue cases, say): a title, the first
    ``HOME_LIST_ROWS`` rows and a link to the whole list. Apps register providers in
    ``HOME_LISTS`` as they do for ``HOME_STATS``; a list without rows is not shown."""

    title: str | Promise
    rows: list[HomeListRow]
    more_url: str = ""
    more_label: str | Promise = ""


HOME_LIST_ROWS = 10
HOME_LISTS: list[Callable[[Any], list[HomeList]]] = []


def nav_for(user) -> list[NavItem]:  # noqa: ANN001 - a User or AnonymousUser
    if not user.is_authenticated:
        return [
            item
            for item in NAV
            if item.perm is None
            and item.roles is None  # a role's own page (我的办事) is not public
            and item.url_name != "home"
            and not item.staff_only
        ]
    items = []
    for item in NAV:
        if item.perm is not None and not user.can(item.perm):
            continue
        if item.roles is not None and user.role not in item.roles:
            continue  # a superuser still has a role: the menu follows it
        if item.staff_only and not user.is_staff:
            continue
        items.append(item)
    return items
