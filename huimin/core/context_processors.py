from django.http import HttpRequest

from huimin.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_items": nav_for(user)}
