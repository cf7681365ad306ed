"""Helpers every module's pages share: the permission check, list pages (pagination, the
query string of the filters, the regions to filter by) and a service's DomainError shown on
the form that was sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from huimin.core.errors import DomainError, Forbidden
from huimin.core.http import HtmxRequest
from huimin.core.models import Region, User
from huimin.core.rules import Perm
from huimin.core.selectors import region_list_for_user

#: Rows on a page of a list.
PAGE_SIZE = 50

F = TypeVar("F")


def require(user: User, perm: Perm) -> None:
    """Raises Forbidden unless the user's role has the permission."""
    if not user.can(perm):
        raise Forbidden()


class IdsFirstPaginator(Paginator):
    """A paginator that finds a page's ids first and reads only those rows: the database
    orders the ids (from an index, often without touching the table) and fetches 50 rows,
    instead of sorting every row in scope with all its columns and joins (a township's
    10,844 people: 58 ms → a few; issue 17). Lists of other things than model rows (values,
    unions, lists) are paged as Django does."""

    def page(self, number: Any) -> Page:
        rows = self.object_list
        if (
            not isinstance(rows, QuerySet)
            or getattr(rows, "_fields", None) is not None  # values()/values_list() rows
            or rows.query.combinator
            or rows.query.distinct
        ):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=ids)}
        return Page([found[pk] for pk in ids if pk in found], number, self)


def paginate(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page:
    """The page of ``rows`` the request asks for (``?page=``); the last one when it asks for
    more, the first when it asks for something else."""
    return IdsFirstPaginator(rows, size).get_page(request.GET.get("page"))


def query_without_page(query: QueryDict, **values: str) -> str:
    """A list's query string without its page number (the pager's links add their own), with
    ``values`` set."""
    query = query.copy()
    query.pop("page", None)
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


def list_page(
    request: HtmxRequest, template: str, rows_template: str, context: dict[str, Any]
) -> HttpResponse:
    """A list page, or only its rows when htmx asks (the filters and the pager swap them),
    with ``query``: the filters for the pager's links."""
    return render(
        request,
        rows_template if request.htmx else template,
        {**context, "query": query_without_page(request.GET)},
    )


def filter_regions(user: User) -> list[Region]:
    """The regions a list may be filtered by: the city, counties and townships in the user's
    scope, in the order of the tree."""
    return list(
        region_list_for_user(user=user)
        .filter(level__in=[Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP])
        .order_by("path")
    )


def list_filters(form: forms.Form, filters: Callable[..., F]) -> F:
    """The filters of a list: the filter form's fields when it was sent and is valid (its
    fields are the filters' names), else none."""
    if form.is_bound and form.is_valid():
        return filters(**form.cleaned_data)
    return filters()


def form_errors(
    form: forms.BaseForm,
    exc: DomainError,
    *,
    aliases: dict[str, str] | None = None,
    whole: bool = False,
) -> None:
    """A service's field messages next to their fields (``aliases``: the form's name of a
    service's field), the rest on top of the form. With no field messages, or with ``whole``,
    the service's own message goes on top; a field message without a field on the form is then
    not repeated. A field the form already faults keeps its own message."""
    whole = whole or not exc.field_errors
    if whole:
        form.add_error(None, exc.message)
    faulted = set(form.errors)
    for field, message in exc.field_errors.items():
        name = (aliases or {}).get(field, field)
        if _shown(form, name):
            if name not in faulted:
                form.add_error(name, message)
        elif not whole:
            form.add_error(None, message)


def _shown(form: forms.BaseForm, name: str) -> bool:
    """A field the user sees and may change."""
    field = form.fields.get(name)
    return field is not None and not field.disabled and not field.widget.is_hidden
