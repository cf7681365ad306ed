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
        from huimin.core.navigation import HOME_STATS
        from huimin.wildlife.views import home_stats

        if home_stats not in HOME_STATS:
            HOME_STATS.append(home_stats)
