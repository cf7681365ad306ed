"""Page forms of the childcare module: they parse and show errors; the rules live in rules.py
and the services. Field names follow the services' keyword arguments, so that a service's
field errors land next to the field (see views._form_errors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huimin.childcare import rules
from huimin.childcare.models import (
    CareClass,
    Filing,
    InclusiveRecognition,
    Institution,
    SafetyRecord,
    Staff,
)
from huimin.core import rules as core_rules
from huimin.core.forms import NumberField, PageForm, region_choices
from huimin.core.models import Region

ALL = [("", _("全部"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_ERRORS = {"invalid": "请按 YYYY-MM-DD 格式填写日期。"}


def date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    messages = {**DATE_ERRORS, "required": f"请填写{label}。"}
    return forms.DateField(
        label=label, required=required, widget=DATE, error_messages=messages, **kwargs
    )


def _resident_id(value: str) -> str:
    """The resident ID parsed by GB 11643 (the same rule the service applies), so that the
    message stands next to the right one of several ID fields."""
    try:
        return core_rules.resident_id_parse(value, today=timezone.localdate()).number
    except core_rules.ResidentIdError as exc:
        raise forms.ValidationError(str(exc)) from None


class CCForm(PageForm):
    """A childcare page form: a missing required field says which, in Chinese."""


class GroupedForm(CCForm):
    """A form whose fields are shown in titled groups (``groups``: legend, css class, field
    names); ``required_by_service`` names optional fields the service requires, so that the
    page marks them and the service's message says what is missing."""

    required_by_service: frozenset[str] = frozenset()


# --------------------------------------------------------------------------- lists


class InstitutionFilterForm(CCForm):
    q = forms.CharField(label=_("机构名称"), required=False, max_length=50)
    # A CharField: the selector decides what is in scope (an out-of-scope code is a 404).
    region = forms.CharField(label=_("区域"), required=False, max_length=12, widget=forms.Select)
    kind = forms.ChoiceField(
        label=_("机构类型"), required=False, choices=[*ALL, *Institution.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("备案状态"), required=False, choices=[*ALL, *Institution.Status.choices]
    )
    inclusive = forms.ChoiceField(
        label=_("普惠认定"),
        required=False,
        choices=[*ALL, ("yes", _("已认定")), ("no", _("未认定"))],
    )
    with_findings = forms.ChoiceField(
        label=_("合规问题"),
        required=False,
        choices=[*ALL, ("any", _("有未整改问题")), ("serious", _("有严重问题"))],
    )

    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = region_choices(regions, _("全部"))


class RankingFilterForm(CCForm):
    region = forms.CharField(label=_("区域"), required=False, max_length=12, widget=forms.Select)
    with_findings = forms.ChoiceField(
        label=_("问题程度"),
        required=False,
        choices=[("", _("全部未整改问题")), ("serious", _("只看有严重问题的"))],
    )

    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = region_choices(regions, _("全部"))


class FilingFilterForm(CCForm):
    q = forms.CharField(label=_("机构名称"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("办理状态"), required=False, choices=[*ALL, *Filing.Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("备案类型"), required=False, choices=[*ALL, *Filing.Kind.choices]
    )


class RecognitionFilterForm(CCForm):
    q = forms.CharField(label=_("机构名称"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("认定状态"),
        required=False,
        choices=[*ALL, *InclusiveRecognition.Status.choices],
    )


class EnrollmentFilterForm(CCForm):
    q = forms.CharField(label=_("幼儿姓名"), required=False, max_length=50)
    care_class = forms.TypedChoiceField(
        label=_("班级"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, classes: Sequence[CareClass] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_class"].choices = [  # type: ignore[attr-defined]
            ("", _("全部班级")),
            *((c.pk, c.name) for c in classes),
        ]


# --------------------------------------------------------------------------- institution


class InstitutionForm(GroupedForm):
    """The profile of an institution. Fees are typed in yuan and handed on in fen."""

    groups = (
        (
            _("基本信息"),
            "",
            ("name", "kind", "region", "address", "legal_person", "phone", "capacity"),
        ),
        (
            _("托育类型与收费"),
            "pairs",
            (
                "full_day",
                "fee_full_day",
                "half_day",
                "fee_half_day",
                "hourly",
                "fee_hourly",
                "temporary",
                "fee_temporary",
            ),
        ),
        (_("场地与餐食"), "", ("premises_owned", "lease_years", "serves_meals")),
        (
            _("安全"),
            "",
            ("monitoring_coverage_percent", "recording_retention_days", "fire_safety_manager"),
        ),
        (_("医育结合"), "", ("health_partner",)),
        (_("变更备案"), "", ("summary",)),
    )

    name = forms.CharField(label=_("机构名称"), max_length=100)
    kind = forms.ChoiceField(
        label=_("机构类型"), choices=[("", _("请选择")), *Institution.Kind.choices]
    )
    region = forms.ChoiceField(
        label=_("所在区域"), help_text=_("机构所在的县（市、区）或乡镇（街道）。")
    )
    address = forms.CharField(label=_("地址"), max_length=200)
    legal_person = forms.CharField(label=_("法定代表人"), max_length=50)
    phone = NumberField(label=_("联系电话"), required=False, max_length=20)
    capacity = forms.IntegerField(
        label=_("核定托位数"),
        min_value=1,
        max_value=2000,
        error_messages={"min_value": "核定托位数至少为1。", "invalid": "托位数应为整数。"},
    )
    full_day = forms.BooleanField(label=_("提供全日托"), required=False, initial=True)
    fee_full_day = forms.DecimalField(
        label=_("全日托收费（元/月）"), required=False, min_value=0, decimal_places=2
    )
    half_day = forms.BooleanField(label=_("提供半日托"), required=False)
    fee_half_day = forms.DecimalField(
        label=_("半日托收费（元/月）"), required=False, min_value=0, decimal_places=2
    )
    hourly = forms.BooleanField(label=_("提供计时托"), required=False)
    fee_hourly = forms.DecimalField(
        label=_("计时托收费（元/小时）"), required=False, min_value=0, decimal_places=2
    )
    temporary = forms.BooleanField(label=_("提供临时托"), required=False)
    fee_temporary = forms.DecimalField(
        label=_("临时托收费（元/天）"), required=False, min_value=0, decimal_places=2
    )
    serves_meals = forms.BooleanField(label=_("提供餐食"), required=False, initial=True)
    premises_owned = forms.BooleanField(label=_("场地为自有产权"), required=False)
    lease_years = forms.IntegerField(
        label=_("租期（年）"),
        min_value=0,
        max_value=99,
        initial=0,
        required=False,
        help_text=_("场地为租赁的，租期应不少于3年。"),
    )
    monitoring_coverage_percent = forms.IntegerField(
        label=_("监控覆盖率（%）"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("视频监控覆盖婴幼儿活动区域的比例，应为100%。"),
        error_messages={"max_value": "监控覆盖率应在0至100之间。"},
    )
    recording_retention_days = forms.IntegerField(
        label=_("录像保存天数"),
        min_value=0,
        max_value=3650,
        required=False,
        help_text=_("监控录像应至少保存90天。"),
    )
    fire_safety_manager = forms.CharField(label=_("消防安全管理人"), required=False, max_length=50)
    health_partner = forms.CharField(
        label=_("医育结合合作机构"),
        required=False,
        max_length=100,
        help_text=_("指导本机构的社区卫生服务中心或妇幼保健院。"),
    )
    summary = forms.CharField(
        label=_("变更说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("已备案机构修改信息，将自动向县级卫生健康部门提交变更备案。"),
    )

    FEES = (
        ("fee_full_day", "full_day"),
        ("fee_half_day", "half_day"),
        ("fee_hourly", "hourly"),
        ("fee_temporary", "temporary"),
    )

    def __init__(
        self,
        *args: Any,
        regions: Sequence[Region] = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(regions, _("请选择"))  # type: ignore[attr-defined]
        if editing:
            # The region is where the institution is filed; it does not move with an edit.
            del self.fields["region"]
        else:
            del self.fields["summary"]

    @classmethod
    def initial_from(cls, institution: Institution) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(institution, name)
            for name in cls.base_fields
            if name not in ("region", "summary") and not name.startswith("fee_")
        }
        for fee, _flag in cls.FEES:
            fen = getattr(institution, fee)
            initial[fee] = None if fen is None else Decimal(fen) / 100
        return initial

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the service takes it: fees in fen, no region or summary."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("region", "summary")}
        for fee, _flag in self.FEES:
            yuan = data.get(fee)
            data[fee] = None if yuan is None else int(yuan * 100)
        if data.get("lease_years") is None:
            data["lease_years"] = 0
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for fee, flag in self.FEES:
            if data.get(flag) and data.get(fee) is None and fee in self.fields:
                label = self.fields[flag].label
                self.add_error(fee, f"{label}，请填写收费标准（普惠认定时与价格上限比较）。")
        return data


class DocumentForm(CCForm):
    material = forms.ChoiceField(
        label=_("材料类型"),
        choices=[("", _("请选择")), *rules.FILING_MATERIALS.items()],
        error_messages={"required": "请选择材料类型。"},
    )
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、JPG 或 PNG，不超过10 MB。"),
        error_messages={"required": "请选择要上传的文件。"},
    )


class FilingSubmitForm(CCForm):
    kind = forms.ChoiceField(
        label=_("备案类型"), widget=forms.HiddenInput, choices=Filing.Kind.choices
    )
    summary = forms.CharField(
        label=_("备案说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FilingDecideForm(CCForm):
    decision = forms.ChoiceField(
        label=_("办理结果"),
        widget=forms.RadioSelect,
        choices=[("acknowledge", _("予以备案")), ("return", _("退回补正"))],
        error_messages={"required": "请选择办理结果。"},
    )
    missing = forms.MultipleChoiceField(
        label=_("缺少或不合格的材料"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(rules.FILING_MATERIALS.items()),
    )
    note = forms.CharField(
        label=_("办理意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时写明需要补正的内容。"),
    )


class RecognitionDecideForm(CCForm):
    decision = forms.ChoiceField(
        label=_("认定结果"),
        widget=forms.RadioSelect,
        choices=[("recognise", _("认定为普惠托育机构")), ("refuse", _("不予认定"))],
        error_messages={"required": "请选择认定结果。"},
    )
    reasons = forms.CharField(
        label=_("认定意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予认定时须写明理由。"),
    )


class RecognitionActionForm(CCForm):
    """What the county does with a recognition in force; the service checks the transition."""

    to_status = forms.ChoiceField(
        label=_("处理方式"),
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "请选择处理方式。", "invalid_choice": "请选择处理方式。"},
    )
    correct_by = date_field(_("整改期限"), required=False, help_text=_("限期整改时填写。"))
    reason = forms.CharField(
        label=_("处理理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写明处理理由，机构将看到这段说明。"},
    )

    def __init__(self, *args: Any, actions: Sequence[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = list(actions)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- classes


def _staff_choices(staff: Sequence[Staff]) -> list[tuple[int, str]]:
    return [(s.pk, f"{s.person.name}（{s.get_role_display()}）") for s in staff]


class ClassForm(CCForm):
    name = forms.CharField(label=_("班级名称"), max_length=50)
    kind = forms.ChoiceField(
        label=_("班型"),
        choices=[("", _("请选择")), *CareClass.Kind.choices],
        help_text=_(
            "乳儿班6–12月龄≤10人（1:3），托小班12–24月龄≤15人（1:5），"
            "托大班24–36月龄≤20人（1:7），混合班18月龄以上≤18人。"
        ),
    )
    caregiver_ids = forms.TypedMultipleChoiceField(
        label=_("保育人员"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, staff: Sequence[Staff] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caregiver_ids"].choices = _staff_choices(staff)  # type: ignore[attr-defined]


class CaregiversForm(CCForm):
    caregiver_ids = forms.TypedMultipleChoiceField(
        label=_("保育人员"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, staff: Sequence[Staff] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caregiver_ids"].choices = _staff_choices(staff)  # type: ignore[attr-defined]


RELATIONS = ["母亲", "父亲", "祖父", "祖母", "外祖父", "外祖母", "其他监护人"]


class EnrollmentForm(GroupedForm):
    groups = (
        (_("幼儿"), "", ("child_name", "child_resident_id", "hukou_region_code")),
        (_("监护人"), "", ("guardian_name", "guardian_resident_id", "guardian_relation")),
        (
            _("入托"),
            "",
            (
                "care_type",
                "enrolled_on",
                "agreement_signed_on",
                "admission_check_on",
                "vaccination_complete",
            ),
        ),
    )
    required_by_service = frozenset({"agreement_signed_on", "admission_check_on"})

    child_name = forms.CharField(label=_("幼儿姓名"), max_length=50)
    child_resident_id = NumberField(
        label=_("幼儿身份证号码"),
        max_length=20,
        help_text=_("18位，末位可为X；出生日期和性别由号码自动得出。"),
    )
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=50)
    guardian_resident_id = NumberField(label=_("监护人身份证号码"), max_length=20)
    guardian_relation = forms.ChoiceField(
        label=_("与幼儿关系"), choices=[(r, r) for r in RELATIONS], initial="母亲"
    )
    care_type = forms.ChoiceField(
        label=_("托育类型"),
        choices=[(k.value, v) for k, v in rules.CARE_TYPE_LABELS.items()],
        initial=rules.CareType.FULL_DAY.value,
    )
    hukou_region_code = forms.ChoiceField(label=_("幼儿户籍所在地"), required=False)
    enrolled_on = date_field(_("入托日期"))
    agreement_signed_on = date_field(_("服务协议签订日期"), required=False)
    admission_check_on = date_field(
        _("入托体检日期"), required=False, help_text=_("入托前须体检合格。")
    )
    vaccination_complete = forms.BooleanField(
        label=_("预防接种完整（已查验接种证）"), required=False, initial=True
    )

    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hukou_region_code"].choices = region_choices(  # type: ignore[attr-defined]
            regions, _("与机构所在地相同")
        )

    def clean_child_resident_id(self) -> str:
        return _resident_id(self.cleaned_data["child_resident_id"])

    def clean_guardian_resident_id(self) -> str:
        return _resident_id(self.cleaned_data["guardian_resident_id"])


class WithdrawForm(CCForm):
    on = date_field(_("退托日期"))
    reason = forms.CharField(
        label=_("退托原因"),
        max_length=200,
        error_messages={"required": "请填写退托原因。"},
    )


# --------------------------------------------------------------------------- daily records


class AttendanceForm(CCForm):
    """One class on one day: for each child present or not, the morning check, the reason of
    an absence. The per-child fields are named ``present_<id>``, ``morning_<id>``,
    ``reason_<id>``."""

    date = forms.DateField(label=_("日期"), widget=forms.HiddenInput, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, rows: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            eid = row.enrollment.pk
            self.fields[f"present_{eid}"] = forms.BooleanField(
                label=_("出勤"), required=False, initial=row.present
            )
            self.fields[f"morning_{eid}"] = forms.BooleanField(
                label=_("晨检"), required=False, initial=row.morning_checked
            )
            self.fields[f"reason_{eid}"] = forms.CharField(
                label=_("缺勤原因"), required=False, max_length=100, initial=row.absence_reason
            )

    def children(self) -> list[dict[str, Any]]:
        """The rows of the form's table, each with its bound fields."""
        return [
            {
                "row": row,
                "present": self[f"present_{row.enrollment.pk}"],
                "morning": self[f"morning_{row.enrollment.pk}"],
                "reason": self[f"reason_{row.enrollment.pk}"],
            }
            for row in self.rows
        ]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        present, absent, checked = [], {}, []
        for row in self.rows:
            eid = row.enrollment.pk
            if data.get(f"present_{eid}"):
                present.append(eid)
                if data.get(f"morning_{eid}"):
                    checked.append(eid)
            else:
                absent[eid] = data.get(f"reason_{eid}", "")
        return {
            "on": data["date"],
            "present": present,
            "absent": absent,
            "morning_checked": checked,
        }


class FoodSampleForm(CCForm):
    on = date_field(_("日期"))
    dish = forms.CharField(label=_("菜品"), max_length=50)
    grams = forms.IntegerField(
        label=_("留样重量（克）"),
        min_value=0,
        max_value=5000,
        initial=rules.FOOD_SAMPLE_MIN_GRAMS,
        help_text=_("每样不少于125克。"),
    )
    sampled_at = forms.DateTimeField(label=_("留样时间"), widget=DATETIME)
    kept_until = forms.DateTimeField(
        label=_("保存至"), widget=DATETIME, help_text=_("留样应保存48小时以上。")
    )


class OutdoorForm(CCForm):
    on = date_field(_("日期"))
    minutes = forms.IntegerField(
        label=_("户外活动分钟数"),
        min_value=0,
        max_value=1440,
        help_text=_("每日户外活动不少于2小时（120分钟），天气不允许时可在室内活动。"),
        error_messages={"max_value": "户外活动分钟数应在0至1440之间。"},
    )


class GuidanceVisitForm(CCForm):
    on = date_field(_("日期"))
    partner = forms.CharField(label=_("指导机构"), max_length=100, required=False)
    notes = forms.CharField(
        label=_("指导内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class SafetyRecordForm(CCForm):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("请选择")), *SafetyRecord.Kind.choices]
    )
    on = date_field(_("日期"))
    title = forms.CharField(label=_("标题"), max_length=100)
    details = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


# --------------------------------------------------------------------------- staff


class StaffHireForm(GroupedForm):
    groups = (
        (
            _("人员"),
            "",
            ("name", "resident_id", "role", "full_time", "qualification", "hired_on"),
        ),
        (_("上岗检查"), "", ("health_cert_on", "criminal_check_on")),
        (
            _("机构负责人资质"),
            _("岗位为机构负责人时填写"),
            ("education", "experience_years", "head_training"),
        ),
    )

    name = forms.CharField(label=_("姓名"), max_length=50)
    resident_id = NumberField(label=_("居民身份证号码"), max_length=20)
    role = forms.ChoiceField(label=_("岗位"), choices=[("", _("请选择")), *Staff.Role.choices])
    full_time = forms.BooleanField(label=_("专职"), required=False, initial=True)
    qualification = forms.CharField(label=_("资格证书"), required=False, max_length=100)
    hired_on = date_field(_("入职日期"))
    health_cert_on = date_field(
        _("健康体检日期"), required=False, help_text=_("上岗前及每年体检，取得健康合格证明。")
    )
    criminal_check_on = date_field(
        _("无犯罪记录查询日期"), required=False, help_text=_("上岗前及每年查询。")
    )
    education = forms.ChoiceField(
        label=_("学历"),
        required=False,
        choices=[("", _("请选择")), *rules.EDUCATION_LEVELS.items()],
    )
    experience_years = forms.IntegerField(
        label=_("相关工作年限"), required=False, min_value=0, max_value=60
    )
    head_training = forms.BooleanField(label=_("参加机构负责人培训"), required=False)

    def clean_resident_id(self) -> str:
        return _resident_id(self.cleaned_data["resident_id"])


class StaffUpdateForm(CCForm):
    role = forms.ChoiceField(label=_("岗位"), choices=Staff.Role.choices)
    full_time = forms.BooleanField(label=_("专职"), required=False)
    qualification = forms.CharField(label=_("资格证书"), required=False, max_length=100)
    health_cert_on = date_field(_("健康体检日期"), required=False)
    criminal_check_on = date_field(_("无犯罪记录查询日期"), required=False)
    left_on = date_field(
        _("离职日期"), required=False, help_text=_("填写后该人员不再计入在职人员。")
    )
    education = forms.ChoiceField(
        label=_("学历"),
        required=False,
        choices=[("", _("请选择")), *rules.EDUCATION_LEVELS.items()],
    )
    experience_years = forms.IntegerField(
        label=_("相关工作年限"), required=False, min_value=0, max_value=60
    )
    head_training = forms.BooleanField(label=_("参加机构负责人培训"), required=False)

    @classmethod
    def initial_from(cls, staff: Staff) -> dict[str, Any]:
        return {name: getattr(staff, name) for name in cls.base_fields}


class TrainingForm(CCForm):
    date = date_field(_("日期"))
    topic = forms.CharField(label=_("培训内容"), max_length=100)
    hours = forms.IntegerField(
        label=_("学时"), min_value=0, max_value=200, error_messages={"invalid": "学时应为整数。"}
    )


def today_initial() -> dict[str, dt.date]:
    return {"on": timezone.localdate(), "date": timezone.localdate()}
