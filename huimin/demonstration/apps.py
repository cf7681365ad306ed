from django.apps import AppConfig


class DemonstrationConfig(AppConfig):
    name = "huimin.demonstration"
    label = "demonstration"
    verbose_name = "示范托育机构"

    def ready(self) -> None:
        from huimin.core.navigation import HOME_STATS
        from huimin.demonstration.views import home_stats

        if home_stats not in HOME_STATS:
            HOME_STATS.append(home_stats)
