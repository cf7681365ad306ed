"""Typed domain errors. They are turned into HTTP responses once: in ``huimin/api.py`` for
the API and in ``huimin.core.middleware.DomainErrorMiddleware`` for pages. Every message
is plain Chinese and says what to fix."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(DomainError):
    """The record does not exist or lies outside the acting user's scope (never say which)."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "未找到该记录，或您无权查看。") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str = "您的角色无权进行此操作。") -> None:
        super().__init__(message)


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class CalendarUnknownYear(InvalidInput):
    code = "calendar_unknown_year"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


class Duplicate(DomainError):
    status = 409
    code = "duplicate"


class LimitExceeded(DomainError):
    status = 409
    code = "limit_exceeded"
