from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from huimin.core.navigation import nav_for
from huimin.core.rules import Role
from huimin.core.selectors import inbox_unread_count


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    context: dict[str, Any] = {"nav_items": nav_for(user)}
    if user.is_authenticated and user.role == Role.CITIZEN:
        # a citizen's unread messages, counted only when the header shows them
        context["show_inbox"] = True
        context["inbox_unread"] = SimpleLazyObject(lambda: inbox_unread_count(user))
    return context
