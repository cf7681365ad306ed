"""{% provisional_badge %}: the 暂定 badge and its one-line explanation next to a deadline
counted on a year whose holiday notice is not entered yet (ADR 0010)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from huimin.core.holidays import provisional_note

register = template.Library()


@register.simple_tag
def provisional_badge(
    provisional: bool,
    deadline: dt.date | None = None,
    years: list[int] | tuple[int, ...] | None = None,
    communicated: bool = True,
) -> SafeString | str:
    """Nothing when not provisional; else the badge with the explanation beside it (and as
    its title, for a narrow table cell)."""
    if not provisional:
        return ""
    shown = list(years or ([deadline.year] if deadline else []))
    note = provisional_note(shown, communicated=communicated)
    return format_html(
        '<span class="tag warn provisional" title="{}">{}</span> '
        '<span class="small muted provisional-note">{}</span>',
        note,
        gettext("暂定"),
        note.removeprefix(gettext("暂定：")),  # the badge says it already
    )


@register.filter(name="provisional_note")
def provisional_note_filter(deadline: dt.date | None) -> str:
    """The explanation alone, for a badge's title in a narrow list cell."""
    return provisional_note([deadline.year] if deadline else [])
