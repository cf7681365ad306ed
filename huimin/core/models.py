"""Shared kernel models: regions, people, accounts, audit, working-day overrides."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huimin.core import rules


class Region(models.Model):
    """A node of the GB/T 2260 tree: the city, its counties, townships, villages.

    ``path`` is the chain of codes from the city down (``140800/140829/140829100/``):
    scoping a query to a region and everything below it is one ``LIKE 'prefix%'``.
    """

    class Level(models.TextChoices):
        CITY = "city", _("地级市")
        COUNTY = "county", _("县（市、区）")
        TOWNSHIP = "township", _("乡镇（街道）")
        VILLAGE = "village", _("村（社区）")

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("路径", max_length=120, unique=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def county(self) -> Region | None:
        """The county-level ancestor (or self), for display."""
        node: Region | None = self
        while node is not None and node.level not in (self.Level.COUNTY, self.Level.CITY):
            node = node.parent
        return node


class Person(models.Model):
    """Anyone the platform serves, keyed by the resident ID (GB 11643).

    Birth date and sex are derived from the number by the service, never typed twice.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        MOVED_OUT = "moved_out", _("户籍已迁出本市")
        DECEASED = "deceased", _("已死亡")

    resident_id = models.CharField("居民身份证号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    birth_date = models.DateField("出生日期", editable=False)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, editable=False)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    bank_name = models.CharField("开户银行", max_length=50, blank=True)
    bank_account = models.CharField("银行账号", max_length=30, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="户籍所在地", on_delete=models.PROTECT, related_name="people"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["-id"]
        indexes = [models.Index(fields=["region", "birth_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident_id__regex=r"^[0-9]{17}[0-9X]$"),
                name="person_resident_id_format",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_resident_id}）"

    @property
    def masked_resident_id(self) -> str:
        return rules.mask_resident_id(self.resident_id)

    @property
    def masked_phone(self) -> str:
        return rules.mask_phone(self.phone)

    @property
    def masked_bank_account(self) -> str:
        return rules.mask_bank_account(self.bank_account)


class Household(models.Model):
    """A household (户) of the registry: the people who live together, linked through
    HouseholdMember. Modules compute household facts from it (一户多残: more than one
    disabled member) instead of asking for them to be typed."""

    region = models.ForeignKey(
        Region, verbose_name="所在地", on_delete=models.PROTECT, related_name="households"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "户"
        verbose_name_plural = "户"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"户{self.pk}（{self.region.name}）"


class HouseholdMember(models.Model):
    """A person's place in a household: one household per person."""

    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")
        SIBLING = "sibling", _("兄弟姐妹")
        GRANDCHILD = "grandchild", _("孙子女")
        OTHER = "other", _("其他")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="household_member"
    )
    relation = models.CharField("与户主关系", max_length=12, choices=Relation.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["household", "id"]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_relation_display()}）"


class User(AbstractUser):
    """An account. Its role says what it may do, its regions where (and below)."""

    class Role(models.TextChoices):
        CITY_ADMIN = rules.Role.CITY_ADMIN.value, _("市级管理员")
        COUNTY_OFFICIAL = rules.Role.COUNTY_OFFICIAL.value, _("县级工作人员")
        TOWNSHIP_OFFICIAL = rules.Role.TOWNSHIP_OFFICIAL.value, _("乡镇（街道）工作人员")
        OPERATOR = rules.Role.OPERATOR.value, _("托育机构经办人")
        INSPECTOR = rules.Role.INSPECTOR.value, _("监督检查员")
        EVALUATOR = rules.Role.EVALUATOR.value, _("评估专家")
        FINANCE = rules.Role.FINANCE.value, _("财务人员")
        ADJUSTER = rules.Role.ADJUSTER.value, _("保险查勘员")
        FEDERATION = rules.Role.FEDERATION.value, _("残联工作人员")
        DOCTOR = rules.Role.DOCTOR.value, _("评残医生")
        CITIZEN = rules.Role.CITIZEN.value, _("群众")

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CITIZEN)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    organisation = models.CharField("单位", max_length=100, blank=True)
    regions = models.ManyToManyField(
        Region, verbose_name="负责区域", blank=True, related_name="users"
    )
    person = models.OneToOneField(
        Person,
        verbose_name="本人档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def can(self, perm: rules.Perm) -> bool:
        return self.is_active and (self.is_superuser or rules.role_has(self.role, perm))


class ApiToken(models.Model):
    """A bearer token for an API client; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class Event(models.Model):
    """One state transition of any record: who moved it from what to what, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        User,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField("原状态", max_length=30, blank=True)
    to_status = models.CharField("新状态", max_length=30)
    reason = models.TextField("原因", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "状态变更"
        verbose_name_plural = "状态变更"
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '（无）'} → {self.to_status}"


class AccessLog(models.Model):
    """Every view of unmasked personal numbers (PIPL): who saw what of whom, when."""

    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    fields = models.CharField("查看字段", max_length=200)
    purpose = models.CharField("用途", max_length=200, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "敏感信息查看记录"
        verbose_name_plural = "敏感信息查看记录"
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor} 查看 {self.fields}"


class HolidayYear(models.Model):
    """A year whose holiday arrangement an administrator entered from the State Council's
    notice, for years the chinesecalendar package does not know (or to correct it)."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    notice = models.CharField("依据文件", max_length=200, blank=True)
    notice_number = models.CharField("文号", max_length=50, blank=True)
    notice_date = models.DateField("发布日期", null=True, blank=True)
    text = models.TextField("通知原文", blank=True)
    entered_at = models.DateTimeField("录入时间", null=True, blank=True)
    entered_by = models.ForeignKey(
        "User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class HolidayDay(models.Model):
    """A day whose status differs from the plain week: a holiday on a weekday, or a
    make-up workday (调休) on a weekend."""

    holiday_year = models.ForeignKey(HolidayYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否上班", default=False)
    name = models.CharField("名称", max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日（调休）日期"
        verbose_name_plural = "节假日（调休）日期"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class Notification(models.Model):
    """A message in a citizen's inbox about a change of state that concerns them.

    Written by the services of the modules (subsidy, wildlife, disability) through
    ``core.services.notification_send`` in the same transaction as the change; sent by
    e-mail afterwards when the account has an address (``emailed_at``).
    """

    recipient = models.ForeignKey(
        User, verbose_name="收件人", on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", blank=True)
    url = models.CharField("办理链接", max_length=200, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name="状态变更",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"


class CacheVersion(models.Model):
    """The version of a cached page or fragment, bumped by the service that changes what it
    shows (``core.cache``): every gunicorn worker reads it, so a publication invalidates the
    fragment in all of them at once."""

    name = models.CharField("名称", max_length=50, primary_key=True)
    version = models.PositiveBigIntegerField("版本", default=0)
    changed_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "缓存版本"
        verbose_name_plural = "缓存版本"

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
