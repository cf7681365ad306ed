from django.apps import AppConfig


class WildlifeConfig(AppConfig):
    name = "huimin.wildlife"
    label = "wildlife"
    verbose_name = "野生动物致害救助"

    def ready(self) -> None:
        from huimin.core.deadlines import deadline_holder_register
        from huimin.wildlife.deadlines import HOLDERS

        for holder in HOLDERS:
            deadline_holder_register(holder)
