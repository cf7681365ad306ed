"""Roster import page (名册导入): a county or township official downloads the template,
uploads a filled .xlsx and gets either the number of applications imported or every problem
by row and column (nothing imported then)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core import rules as core_rules
from huimin.core.errors import DomainError, Forbidden, InvalidInput
from huimin.core.forms import XlsxUploadForm
from huimin.core.http import AuthedRequest
from huimin.core.spreadsheets import download
from huimin.subsidy import imports as roster

#: A 20,000-row roster is about 1.2 MB; anything far larger is not a roster.
ROSTER_MAX_BYTES = 10 * 1024 * 1024
#: The error table shows this many problems; the count above it says how many there are.
ERRORS_SHOWN = 1000


class RosterForm(XlsxUploadForm):
    file = forms.FileField(
        label=gettext_lazy("名册文件（.xlsx）"),
        error_messages={"required": gettext_lazy("请选择要导入的 .xlsx 文件。")},
    )
    max_bytes = ROSTER_MAX_BYTES
    too_large = gettext_lazy("文件超过10 MB，请拆分后分批导入。")


def _require_enter(request: AuthedRequest) -> None:
    user = request.user
    if user.role == core_rules.Role.CITIZEN or not user.can(core_rules.Perm.SUBSIDY_ENTER):
        raise Forbidden(_("只有县级、乡镇工作人员可以导入育儿补贴名册。"))


@login_required
def roster_template(request: AuthedRequest) -> HttpResponse:
    """The .xlsx roster template with an example row and the places the user may name."""
    content = roster.roster_template(actor=request.user)
    return download(content, _("育儿补贴名册导入模板") + ".xlsx")


@login_required
def roster_import(request: AuthedRequest) -> HttpResponse:
    """Upload a roster: every row or none, with a per-row error table."""
    _require_enter(request)
    form = RosterForm(request.POST or None, request.FILES or None)
    row_errors: list[roster.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = roster.roster_import(
                actor=request.user, content=form.cleaned_data["file"].read()
            )
        except roster.ImportRejected as exc:
            row_errors = exc.errors
        except (InvalidInput, Forbidden) as exc:
            form.add_error("file", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已导入%(n)s份育儿补贴申请，均为“待乡镇审核”。") % {"n": result.created},
            )
            return redirect("subsidy_roster_import")
    return render(
        request,
        "subsidy/roster_import.html",
        {
            "form": form,
            "row_errors": row_errors[:ERRORS_SHOWN],
            "error_count": len(row_errors),
            "more_errors": max(0, len(row_errors) - ERRORS_SHOWN),
            "columns": roster.ROSTER_COLUMNS,
            "max_rows": roster.MAX_ROSTER_ROWS,
        },
    )


urlpatterns = [
    path("roster/", roster_import, name="subsidy_roster_import"),
    path("roster/template.xlsx", roster_template, name="subsidy_roster_template"),
]
