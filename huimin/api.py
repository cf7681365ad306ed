"""The JSON API at /api/: one router per app, errors turned into responses once, here."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer as NinjaJSONRenderer
from ninja.security import HttpBearer, SessionAuth

from huimin.childcare.api import router as childcare_router
from huimin.core import services
from huimin.core.api import calendar_router
from huimin.core.api import router as core_router
from huimin.core.errors import DomainError, Forbidden
from huimin.dashboard.api import mine_router
from huimin.dashboard.api import router as dashboard_router
from huimin.demonstration.api import router as demonstration_router
from huimin.disability.api import router as disability_router
from huimin.outreach.api import router as outreach_router
from huimin.subsidy.api import router as subsidy_router
from huimin.supervision.api import router as supervision_router
from huimin.wildlife.api import router as wildlife_router


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hm_…`` issued by ``huimin token-create``."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The browser's login session, with Django's CSRF check for writes.

    A request that carries ``Authorization: Bearer …`` is the token's alone: it is neither
    authenticated by a session cookie nor refused for lacking a CSRF token (a cross-site page
    cannot set that header, so CSRF does not apply to it). Listed after ``TokenAuth``.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        if not request.user.is_authenticated:
            # No session: a 401, not ninja's CSRF refusal (403 with an undocumented body).
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:  # ninja's "CSRF check Failed"
            raise Forbidden(
                "缺少或无效的 CSRF 令牌：请刷新页面后重试；程序调用请改用 Bearer 令牌。"
            ) from exc


class JSONRenderer(NinjaJSONRenderer):
    """Chinese text as UTF-8, not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012


api = NinjaAPI(
    renderer=JSONRenderer(),
    title="惠民 Huimin API",
    version="1",
    description=(
        "运城市民生服务平台接口。会话（浏览器登录）或 Bearer 令牌认证；"
        "所有数据按用户负责的区域过滤，越权访问返回 404。错误响应的 detail 为中文说明。"
    ),
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
)

api.add_router("/calendar", calendar_router)
api.add_router("/", core_router)
api.add_router("/childcare", childcare_router)
api.add_router("/subsidy", subsidy_router)
api.add_router("/supervision", supervision_router)
api.add_router("/wildlife", wildlife_router)
api.add_router("/disability", disability_router)
api.add_router("/demonstration", demonstration_router)
api.add_router("/outreach", outreach_router)
api.add_router("/overview", dashboard_router)
api.add_router("/me", mine_router)

_PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "date_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_type": "应为 YYYY-MM-DD 格式的日期",
    "string_type": "应为文字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "extra_forbidden": "不接受此字段",
    "string_control": "含有不可见的控制字符，请删除后重新输入",
    # the other types a body's wrong value can have (found by tests/test_hostile_api.py)
    "int_parsing_size": "数值过大",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数部分位数过多",
    "datetime_type": "应为 ISO 8601 格式的日期时间，如 2026-11-20T09:00:00+08:00",
    "datetime_parsing": "应为 ISO 8601 格式的日期时间，如 2026-11-20T09:00:00+08:00",
    "datetime_from_date_parsing": "应为 ISO 8601 格式的日期时间，如 2026-11-20T09:00:00+08:00",
    "list_type": "应为列表",
    "set_type": "应为列表",
    "tuple_type": "应为列表",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "string_pattern_mismatch": "格式不正确",
    "model_type": "应为 JSON 对象",
}

_FIELD_NAMES = {
    "start": "起始日期 start",
    "working_days": "工作日数 working_days",
    "birth_date": "出生日期 birth_date",
    "page": "页码 page",
}


def _chinese(error: dict[str, Any]) -> dict[str, str]:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path")]
    field = loc[-1] if loc else ""
    template = _PYDANTIC_MESSAGES.get(error.get("type", ""), "的值无效")
    try:
        text = template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        text = template
    label = _FIELD_NAMES.get(field, field)
    return {"field": ".".join(loc), "message": f"{label}：{text}" if label else text}


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [_chinese(e) for e in exc.errors]
    detail = "；".join(e["message"] for e in errors) or "请求参数无效。"
    return api.create_response(
        request,
        {"detail": f"请求参数有误：{detail}。", "code": "invalid", "errors": errors},
        status=422,
    )


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": k, "message": v} for k, v in exc.field_errors.items()]
    return api.create_response(
        request, {"detail": exc.message, "code": exc.code, "errors": errors}, status=exc.status
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals in our error shape; its only 400, a body that is not JSON, is a
    422 like every other malformed input (found by the API fuzzing)."""
    if exc.status_code == 400:
        status, code, detail = 422, "invalid", "请求参数有误：请求体不是有效的 JSON。"
    else:
        status, code, detail = exc.status_code, "error", str(exc)
    return api.create_response(
        request, {"detail": detail, "code": code, "errors": []}, status=status
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "请先登录，或在 Authorization 头中提供有效的 Bearer 令牌。",
            "code": "unauthenticated",
            "errors": [],
        },
        status=401,
    )


@api.exception_handler(AuthorizationError)
def _unauthorized(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "您的角色无权进行此操作。", "code": "forbidden", "errors": []},
        status=403,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "未找到该记录，或您无权查看。", "code": "not_found", "errors": []},
        status=404,
    )


__all__ = ["api"]
