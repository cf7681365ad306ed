"""Forms of the payment batch pages and the dashboard: they parse and show errors; what is
allowed (years, regions in scope, maker ≠ checker) is decided by the services and selectors."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.core.forms import Form, region_choices
from huimin.core.models import Region
from huimin.subsidy.models import PaymentBatch, PaymentLine

ALL = [("", _("全部"))]


class BatchFilterForm(Form):
    year = forms.TypedChoiceField(label=_("发放年度"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[*ALL, *PaymentBatch.Status.choices]
    )

    def __init__(self, *args, years: Iterable[int] = (), **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [*ALL, *((y, f"{y}年") for y in years)]  # type: ignore[attr-defined]


class BatchCreateForm(Form):
    year = forms.TypedChoiceField(
        label=_("发放年度"),
        coerce=int,
        error_messages={"required": _("请选择发放年度。")},
        help_text=_("批次为该年度尚未发放的每个已确认的孩子生成一笔发放明细。"),
    )
    region = forms.ChoiceField(
        label=_("发放区域"),
        error_messages={"required": _("请选择发放区域：全市或一个县（市、区）。")},
        help_text=_("全市批次包含13个县（市、区）；县级批次只包含该县。"),
    )
    name = forms.CharField(
        label=_("批次名称"),
        required=False,
        max_length=100,
        help_text=_("可不填，系统按“区域+年度+第几批”命名。"),
    )

    def __init__(  # noqa: ANN002, ANN003
        self, *args, years: Iterable[int] = (), regions: Iterable[Region] = (), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]  # type: ignore[attr-defined]
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", _("请选择")),
            *(
                (r.code, _("全市（%(name)s）") % {"name": r.name} if r.level == "city" else r.name)
                for r in regions
            ),
        ]


class LineFilterForm(Form):
    status = forms.ChoiceField(
        label=_("明细状态"), required=False, choices=[*ALL, *PaymentLine.Status.choices]
    )
    region = forms.ChoiceField(label=_("发放地"), required=False)
    q = forms.CharField(
        label=_("收款人或孩子身份证号"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("姓名或18位身份证号")}),
    )

    def __init__(self, *args, regions: Iterable[Region] = (), **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(regions, _("全部"))  # type: ignore[attr-defined]


class BatchRejectForm(Form):
    reason = forms.CharField(
        label=_("退回原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("退回时请填写原因。")},
        help_text=_("退回后本批次的明细全部作废，孩子可进入新的批次。"),
    )


class BankResultForm(Form):
    file = forms.FileField(
        label=_("银行回盘文件"),
        help_text=_(
            "Excel（.xlsx）或 CSV 文件，列名：明细编号、银行账号、金额（元）、发放结果、失败原因，"
            "可加发放日期。"
        ),
        error_messages={
            "required": _("请选择银行回盘文件。"),
            "empty": _("上传的文件是空的，请重新选择。"),
        },
    )


class DashboardForm(Form):
    year = forms.TypedChoiceField(label=_("发放年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: Iterable[int] = (), **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]  # type: ignore[attr-defined]
