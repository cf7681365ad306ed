from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form with the messages in plain Chinese."""

    error_messages = {
        "invalid_login": (
            f"用户名或密码不正确，请重新输入。连续输错{settings.AXES_FAILURE_LIMIT}次，"
            f"账号将被锁定{round(settings.AXES_COOLOFF_TIME * 60)}分钟。"
        ),
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget = forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username"}
        )
