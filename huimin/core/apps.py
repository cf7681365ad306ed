from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huimin.core"
    label = "core"
    verbose_name = "基础平台"

    def ready(self) -> None:
        from huimin.core import choices

        choices.install()
