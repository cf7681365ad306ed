"""Disability certificate home service (残疾人证上门办证): requests brought to the federation,
home-visit teams and their routes, the visit (identity, form, photos), the doctor's
assessment per impairment, the public posting, the county's review, objections,
certificates, and the policy explanation list."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huimin.core import rules as core_rules
from huimin.core.models import Person, Region, User
from huimin.disability import rules


class Benefit(models.Model):
    """One item of the policy explanation list (惠残政策), edited by administrators, with the
    source document it comes from and who it is for."""

    title = models.CharField("政策名称", max_length=100, unique=True)
    source = models.CharField("政策依据（文件）", max_length=200)
    summary = models.TextField("政策说明", max_length=1000)
    categories = models.JSONField("适用残疾类别（空为全部）", default=list, blank=True)
    grade_min = models.PositiveSmallIntegerField("适用等级自", default=1)
    grade_max = models.PositiveSmallIntegerField("适用等级至", default=4)
    age_min = models.PositiveSmallIntegerField("适用年龄自", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("适用年龄至", null=True, blank=True)
    multiple_household_only = models.BooleanField("仅限一户多残家庭", default=False)
    active = models.BooleanField("有效", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "惠残政策"
        verbose_name_plural = "惠残政策"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_min__gte=1)
                & Q(grade_max__lte=4)
                & Q(grade_min__lte=F("grade_max")),
                name="disability_benefit_grades",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def terms(self) -> rules.BenefitTerms:
        return rules.BenefitTerms(
            categories=tuple(int(c) for c in self.categories or ()),
            grade_min=self.grade_min,
            grade_max=self.grade_max,
            age_min=self.age_min,
            age_max=self.age_max,
            multiple_household_only=self.multiple_household_only,
        )


class Team(models.Model):
    """A home-visit team for a day in a township: a federation staff member and an assessing
    doctor of a designated hospital. Its cases, ordered village by village, are the route."""

    township = models.ForeignKey(
        Region, verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField("上门日期")
    staff = models.ForeignKey(
        User, verbose_name="残联工作人员", on_delete=models.PROTECT, related_name="+"
    )
    doctor = models.ForeignKey(
        User, verbose_name="评残医生", on_delete=models.PROTECT, related_name="+"
    )
    hospital = models.CharField("定点医院", max_length=100)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "上门服务组"
        verbose_name_plural = "上门服务组"
        ordering = ["-day", "township__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "day", "staff"], name="disability_one_team_per_staff_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.township.name}上门服务组"


class Case(models.Model):
    """A home-service case (上门办证): from the request to the certificate."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("已申请，待安排上门")
        SCHEDULED = "scheduled", _("已排期，待上门")
        VISITED = "visited", _("已上门，待评定")
        ASSESSED = "assessed", _("已评定，待公示")
        POSTED = "posted", _("公示中")
        APPROVED = "approved", _("县级审核通过，待发证")
        CERTIFIED = "certified", _("已发证")
        NOT_QUALIFIED = "not_qualified", _("未达残疾标准")
        REFUSED = "refused", _("县级审核未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Requester(models.TextChoices):
        SELF = "self", _("本人")
        RELATIVE = "relative", _("亲属")
        OFFICIAL = "official", _("村（社区）干部")

    class Kind(models.TextChoices):
        NEW = "new", _("新办")
        RENEWAL = "renewal", _("换领（到期）")
        GRADE_CHANGE = "grade_change", _("等级变更")

    number = models.CharField("受理编号", max_length=20, unique=True)
    kind = models.CharField("办理类型", max_length=14, choices=Kind.choices, default=Kind.NEW)
    person = models.ForeignKey(
        Person, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    requester = models.CharField("提出人", max_length=10, choices=Requester.choices)
    requester_name = models.CharField("提出人姓名", max_length=50)
    requester_phone = models.CharField("提出人电话", max_length=20)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    condition = models.CharField("身体状况简述", max_length=300, blank=True)
    # priority flags: typed ones, and 一户多残 computed from the registry
    elderly_carer = models.BooleanField("以老养残", default=False)
    severe = models.BooleanField("重度残疾", default=False)
    living_alone = models.BooleanField("独居", default=False)
    bedridden = models.BooleanField("长期卧床", default=False)
    multiple_in_household = models.BooleanField("一户多残（由户籍计算）", default=False)
    priority = models.PositiveSmallIntegerField("优先级", default=0)
    reasons = models.JSONField("优先原因", default=list)
    # the visit
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    stop = models.PositiveSmallIntegerField("路线顺序", null=True, blank=True)
    visited_on = models.DateField("上门日期", null=True, blank=True)
    identity_checked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("现住址", max_length=200, blank=True)
    guardian_name = models.CharField("监护人（代办人）", max_length=50, blank=True)
    guardian_phone = models.CharField("监护人电话", max_length=20, blank=True)
    cause = models.CharField("致残原因", max_length=200, blank=True)
    deadline = models.DateField("办结期限", null=True, blank=True)
    deadline_provisional = models.BooleanField(default=False)
    # the result and its posting
    category = models.PositiveSmallIntegerField("残疾类别", null=True, blank=True)
    grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    assessed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_on = models.DateField("公示起", null=True, blank=True)
    posting_ends = models.DateField("公示止", null=True, blank=True)
    objection_until = models.DateField("异议期限", null=True, blank=True)
    review_due = models.DateField("县级审核期限", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    benefits = models.ManyToManyField(Benefit, blank=True, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "上门办证"
        verbose_name_plural = "上门办证"
        ordering = ["-priority", "requested_at"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(category__gte=1, category__lte=7),
                name="disability_case_category",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=4),
                name="disability_case_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.person.name}）"

    @property
    def reasons_text(self) -> str:
        return rules.reasons_text(self.reasons)

    @property
    def result_text(self) -> str:
        if self.category is None or self.grade is None:
            return ""
        return f"{rules.CATEGORY_NAMES[self.category]}{rules.GRADE_NAMES[self.grade]}"

    @property
    def masked_name(self) -> str:
        return core_rules.mask_name(self.person.name)


class Impairment(models.Model):
    """One impairment the doctor assessed, with its clinical basis."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="impairments")
    category = models.PositiveSmallIntegerField("残疾类别")
    grade = models.PositiveSmallIntegerField("残疾等级")
    basis = models.TextField("评定依据（临床所见）", max_length=1000)
    doctor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField("评定时间")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "残疾评定"
        verbose_name_plural = "残疾评定"
        ordering = ["case", "grade", "category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__gte=1, category__lte=6), name="disability_impairment_cat"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=4), name="disability_impairment_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{rules.CATEGORY_NAMES[self.category]}{rules.GRADE_NAMES[self.grade]}"


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to="disability/%Y/%m/")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "上门照片"
        verbose_name_plural = "上门照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name


class Review(models.Model):
    """The county's decision on a posted result (a decision row, not a boolean)."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("审核通过")
        REFUSE = "refuse", _("审核不通过")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField("审核结论", max_length=10, choices=Decision.choices)
    reason = models.CharField("意见", max_length=300, blank=True)
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("审核日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "县级审核"
        verbose_name_plural = "县级审核"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_decision_display()}"


class Objection(models.Model):
    """An objection to a posted result, raised within the objection period: it reopens the
    case for a new assessment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections")
    raised_on = models.DateField("提出日期")
    raised_by_name = models.CharField("异议人", max_length=50)
    reason = models.CharField("异议内容", max_length=500)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.case.number} 异议"


class Certificate(models.Model):
    """A disability certificate (残疾人证): the 20-character number, category, grade, 10-year
    validity. A renewal or a grade change issues a new row and marks the old one replaced."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REPLACED = "replaced", _("已换领")

    number = models.CharField("残疾人证号", max_length=20)
    person = models.ForeignKey(
        Person, verbose_name="持证人", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="certificate")
    category = models.PositiveSmallIntegerField("残疾类别")
    grade = models.PositiveSmallIntegerField("残疾等级")
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.VALID)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "残疾人证"
        verbose_name_plural = "残疾人证"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="valid"),
                name="disability_one_valid_certificate",
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{17}[0-9X][1-7][1-4]$"),
                name="disability_certificate_number_format",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def result_text(self) -> str:
        return f"{rules.CATEGORY_NAMES[self.category]}{rules.GRADE_NAMES[self.grade]}"
