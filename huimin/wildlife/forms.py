"""Forms of the wildlife pages: they parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.core.forms import Form, PageForm
from huimin.core.models import Region
from huimin.wildlife import rules
from huimin.wildlife.models import Claim


def _field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _choices(values: list[str] | tuple[str, ...], blank: Any = None) -> list[tuple[str, Any]]:
    head = [("", blank)] if blank is not None else []
    return head + [(v, v) for v in values]


class EstimateForm(Form):
    county = forms.ChoiceField(label=_("县（市、区）"), choices=())
    crop = forms.ChoiceField(label=_("作物"), choices=())
    stage = forms.ChoiceField(label=_("生长期"), choices=())
    area_mu = forms.CharField(
        label=_("受损面积（亩）"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "2.37"}),
    )
    loss_percent = forms.IntegerField(
        label=_("损失程度（%）"),
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "35"}),
    )
    date = forms.DateField(
        label=_("受损日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self, *args: Any, counties: list[Region], crops: list[str], stages: list[str], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        _field(self, "county").choices = [(r.code, r.name) for r in counties]
        _field(self, "crop").choices = _choices(crops)
        _field(self, "stage").choices = _choices(stages)


class ReportForm(PageForm):
    """有损即报 from a phone: where, what, how much, which animal, when; photos; GPS point."""

    region = forms.ChoiceField(label=_("受损地点（村）"), choices=())
    farmer = forms.ChoiceField(label=_("受损农户"), choices=(), required=False)
    crop = forms.ChoiceField(label=_("作物"), choices=())
    area_mu = forms.CharField(
        label=_("受损面积（亩）"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "2.5"}),
    )
    species = forms.ChoiceField(label=_("致害动物"), choices=())
    damaged_on = forms.DateField(
        label=_("受损日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("受损情况"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：夜里野猪拱倒玉米约两亩")}),
    )
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9)
    location_source = forms.ChoiceField(
        required=False, choices=Claim.Location.choices, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args: Any,
        villages: list[Region],
        crops: list[str],
        species: list[str],
        farmers: list[tuple[int, str]] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        _field(self, "region").choices = [("", _("请选择"))] + [
            (r.code, f"{r.parent.name if r.parent else ''}{r.name}") for r in villages
        ]
        _field(self, "crop").choices = _choices(crops, _("请选择"))
        _field(self, "species").choices = _choices(species, _("请选择"))
        if farmers is None:
            del self.fields["farmer"]
        else:
            _field(self, "farmer").choices = [("", _("请选择"))] + [
                (str(pk), name) for pk, name in farmers
            ]
            self.fields["farmer"].required = True


class RejectForm(PageForm):
    exclusion = forms.ChoiceField(
        label=_("不予受理原因"),
        choices=[(e.value, label) for e, label in rules.EXCLUSION_LABELS.items()],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class DisputeForm(PageForm):
    note = forms.CharField(
        label=_("异议"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("如：实际受损约3亩")}),
    )


class SurveyLineForm(Form):
    """One surveyed crop of one claim on a visit."""

    crop = forms.ChoiceField(label=_("作物"), choices=())
    stage = forms.ChoiceField(label=_("生长期"), choices=())
    area_mu = forms.CharField(
        label=_("查勘面积（亩）"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    loss_percent = forms.IntegerField(
        label=_("损失程度（%）"),
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, crops: list[str], stages: list[str], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _field(self, "crop").choices = _choices(crops)
        _field(self, "stage").choices = _choices(stages)


class ClaimFilterForm(Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + Claim.Status.choices
    )
    region = forms.ChoiceField(label=_("区域"), required=False, choices=())
    species = forms.ChoiceField(label=_("物种"), required=False, choices=())
    crop = forms.ChoiceField(label=_("作物"), required=False, choices=())
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2099)
    q = forms.CharField(label=_("农户或村"), required=False, max_length=50)
    late = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args: Any, regions: list[Region], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _field(self, "region").choices = [("", _("全部"))] + [(r.code, r.name) for r in regions]
        _field(self, "species").choices = _choices(rules.SPECIES_DEFAULT, _("全部"))
        _field(self, "crop").choices = _choices(rules.CROPS, _("全部"))


class PolicyForm(PageForm):
    region = forms.ChoiceField(label=_("投保县（市、区）"), choices=())
    year = forms.IntegerField(label=_("保单年度"), min_value=2000, max_value=2099)
    insurer = forms.CharField(label=_("承保公司"), max_length=100)
    number = forms.CharField(label=_("保单号"), max_length=50, required=False)
    starts_on = forms.DateField(
        label=_("保险期间起"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("保险期间止"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    premium = forms.DecimalField(label=_("保费（元）"), max_digits=14, decimal_places=2)
    province_percent = forms.IntegerField(label=_("省级承担比例（%）"), min_value=0, max_value=100)
    limit = forms.DecimalField(label=_("累计赔偿限额（元）"), max_digits=14, decimal_places=2)
    species = forms.CharField(
        label=_("保障物种（每行一种）"), widget=forms.Textarea(attrs={"rows": 6})
    )
    standards = forms.CharField(
        label=_("赔偿标准（每行：作物 生长期 元/亩）"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )

    def __init__(self, *args: Any, counties: list[Region], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _field(self, "region").choices = [(r.code, r.name) for r in counties]


class PremiumForm(PageForm):
    province_paid = forms.DecimalField(label=_("省级已缴（元）"), max_digits=14, decimal_places=2)
    county_paid = forms.DecimalField(label=_("县级已缴（元）"), max_digits=14, decimal_places=2)


class BankResultForm(Form):
    file = forms.FileField(label=_("银行回盘文件（.xlsx 或 .csv）"))
