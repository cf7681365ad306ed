from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "huimin.supervision"
    label = "supervision"
    verbose_name = "监督检查"

    def ready(self) -> None:
        from huimin.core.deadlines import deadline_holder_register
        from huimin.supervision.deadlines import HOLDERS

        for holder in HOLDERS:
            deadline_holder_register(holder)
        from huimin.core.navigation import HOME_STATS
        from huimin.supervision.views import home_stats

        if home_stats not in HOME_STATS:
            HOME_STATS.append(home_stats)
