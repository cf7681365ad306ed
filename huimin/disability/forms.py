"""Forms of the disability pages: they parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.core.forms import Form, PageForm
from huimin.core.models import Region
from huimin.disability import rules
from huimin.disability.models import Case

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class RequestForm(PageForm):
    """上门办证申请 from a phone: who, where, who asks, and why it is urgent."""

    name = forms.CharField(label=_("残疾人姓名"), max_length=50)
    resident_id = forms.CharField(
        label=_("残疾人身份证号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )
    region = forms.ChoiceField(label=_("所在村（社区）"), choices=())
    requester = forms.ChoiceField(label=_("提出人"), choices=Case.Requester.choices)
    requester_name = forms.CharField(label=_("提出人姓名"), max_length=50)
    requester_phone = forms.CharField(
        label=_("联系电话"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    kind = forms.ChoiceField(label=_("办理类型"), choices=Case.Kind.choices, initial="new")
    condition = forms.CharField(
        label=_("身体状况简述"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：脑出血后偏瘫，长期卧床"}),
    )
    elderly_carer = forms.BooleanField(label=_("由60岁以上老人照顾（以老养残）"), required=False)
    severe = forms.BooleanField(label=_("重度残疾（如不能自理）"), required=False)
    living_alone = forms.BooleanField(label=_("独居"), required=False)
    bedridden = forms.BooleanField(label=_("长期卧床"), required=False)

    def __init__(self, *args: Any, villages: list[Region], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _field(self, "region").choices = [("", _("请选择"))] + [
            (v.code, f"{v.parent.name if v.parent else ''}{v.name}") for v in villages
        ]


class CaseFilterForm(Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + Case.Status.choices
    )
    region = forms.ChoiceField(label=_("区域"), required=False, choices=())
    flag = forms.ChoiceField(
        label=_("优先原因"),
        required=False,
        choices=[("", _("全部"))] + list(rules.FLAG_NAMES.items()),
    )
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args: Any, regions: list[Region], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _field(self, "region").choices = [("", _("全部"))] + [(r.code, r.name) for r in regions]


class ScheduleForm(Form):
    team = forms.ChoiceField(label=_("上门服务组"), choices=())

    def __init__(self, *args: Any, teams: list[Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _field(self, "team").choices = [
            (t.pk, f"{t.day:%m-%d} {t.township.name} {t.staff} / {t.doctor}") for t in teams
        ]


class TeamForm(PageForm):
    township = forms.ChoiceField(label=_("乡镇（街道）"), choices=())
    day = forms.DateField(label=_("上门日期"), widget=DATE)
    staff = forms.ChoiceField(label=_("残联工作人员"), choices=())
    doctor = forms.ChoiceField(label=_("评残医生"), choices=())
    hospital = forms.CharField(label=_("定点医院"), max_length=100)

    def __init__(
        self, *args: Any, townships: list[Region], staff: list[Any], doctors: list[Any], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        _field(self, "township").choices = [
            (t.code, f"{t.parent.name if t.parent else ''}{t.name}") for t in townships
        ]
        _field(self, "staff").choices = [(u.pk, str(u)) for u in staff]
        _field(self, "doctor").choices = [(u.pk, f"{u}（{u.organisation}）") for u in doctors]


class VisitForm(PageForm):
    """The on-site form (tablet): the ID card read, the application form, photos."""

    resident_id = forms.CharField(label=_("身份证号码（按证件录入）"), max_length=30)
    name = forms.CharField(label=_("姓名（按证件录入）"), max_length=50)
    birth_date = forms.DateField(label=_("出生日期（按证件录入）"), widget=DATE)
    address = forms.CharField(label=_("现住址"), max_length=200)
    guardian_name = forms.CharField(label=_("监护人（代办人）"), max_length=50, required=False)
    guardian_phone = forms.CharField(label=_("监护人电话"), max_length=20, required=False)
    cause = forms.CharField(label=_("致残原因"), max_length=200, required=False)
    visited_on = forms.DateField(label=_("上门日期"), widget=DATE)


class AssessForm(PageForm):
    """The doctor's assessment: up to three impairments, each with its clinical basis."""

    category_1 = forms.TypedChoiceField(label=_("残疾类别"), coerce=int, choices=(), required=False)
    grade_1 = forms.TypedChoiceField(label=_("等级"), coerce=int, choices=(), required=False)
    basis_1 = forms.CharField(
        label=_("评定依据"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    category_2 = forms.TypedChoiceField(label=_("残疾类别"), coerce=int, choices=(), required=False)
    grade_2 = forms.TypedChoiceField(label=_("等级"), coerce=int, choices=(), required=False)
    basis_2 = forms.CharField(
        label=_("评定依据"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    category_3 = forms.TypedChoiceField(label=_("残疾类别"), coerce=int, choices=(), required=False)
    grade_3 = forms.TypedChoiceField(label=_("等级"), coerce=int, choices=(), required=False)
    basis_3 = forms.CharField(
        label=_("评定依据"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    not_qualified_reason = forms.CharField(
        label=_("未达残疾标准的说明（未评定任何残疾时填写）"), max_length=300, required=False
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for n in (1, 2, 3):
            _field(self, f"category_{n}").choices = [("", "—")] + [
                (c, f"{c} {rules.CATEGORY_NAMES[c]}") for c in rules.SINGLE_CATEGORIES
            ]
            _field(self, f"grade_{n}").choices = [("", "—")] + list(rules.GRADE_NAMES.items())

    def impairments(self) -> list[tuple[int, int, str]]:
        out = []
        for n in (1, 2, 3):
            c, g = self.cleaned_data.get(f"category_{n}"), self.cleaned_data.get(f"grade_{n}")
            if c or g:
                out.append((c or 0, g or 0, self.cleaned_data.get(f"basis_{n}") or ""))
        return out


class PostForm(Form):
    posted_on = forms.DateField(label=_("公示开始日期"), widget=DATE)


class ObjectionForm(PageForm):
    raised_by_name = forms.CharField(label=_("异议人"), max_length=50)
    reason = forms.CharField(label=_("异议内容"), max_length=500)
    raised_on = forms.DateField(label=_("提出日期"), widget=DATE)


class ReviewForm(Form):
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("approve", _("审核通过")), ("refuse", _("审核不通过"))]
    )
    reason = forms.CharField(label=_("意见"), max_length=300, required=False)


class WithdrawForm(PageForm):
    reason = forms.CharField(label=_("撤回原因"), max_length=300)


class CertificateFilterForm(Form):
    region = forms.ChoiceField(label=_("区域"), required=False, choices=())
    category = forms.TypedChoiceField(
        label=_("类别"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("全部"))] + list(rules.CATEGORY_NAMES.items()),
    )
    grade = forms.TypedChoiceField(
        label=_("等级"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("全部"))] + list(rules.GRADE_NAMES.items()),
    )

    def __init__(self, *args: Any, regions: list[Region], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _field(self, "region").choices = [("", _("全部"))] + [(r.code, r.name) for r in regions]


class BenefitForm(PageForm):
    title = forms.CharField(label=_("政策名称"), max_length=100)
    source = forms.CharField(label=_("政策依据（文件名称、文号）"), max_length=200)
    summary = forms.CharField(label=_("政策说明"), max_length=1000, widget=forms.Textarea)
    categories = forms.TypedMultipleChoiceField(
        label=_("适用残疾类别（不选为全部）"),
        coerce=int,
        required=False,
        choices=list(rules.CATEGORY_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    grade_min = forms.IntegerField(label=_("适用等级自"), min_value=1, max_value=4, initial=1)
    grade_max = forms.IntegerField(label=_("适用等级至"), min_value=1, max_value=4, initial=4)
    age_min = forms.IntegerField(label=_("适用年龄自"), min_value=0, max_value=150, required=False)
    age_max = forms.IntegerField(label=_("适用年龄至"), min_value=0, max_value=150, required=False)
    multiple_household_only = forms.BooleanField(label=_("仅限一户多残家庭"), required=False)
    active = forms.BooleanField(label=_("有效"), required=False, initial=True)
