"""Page forms of the subsidy module: they parse and show errors; the rules live in rules.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.core.forms import Form


class QuoteForm(Form):
    birth_date = forms.DateField(
        label=_("孩子的出生日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": _("请按 YYYY-MM-DD 格式填写出生日期，例如 2023-12-15。"),
            "required": _("请填写孩子的出生日期。"),
        },
    )
