from django.apps import AppConfig


class DisabilityConfig(AppConfig):
    name = "huimin.disability"
    label = "disability"
    verbose_name = "残疾人证上门办证"

    def ready(self) -> None:
        from huimin.core.deadlines import deadline_holder_register
        from huimin.disability.deadlines import HOLDERS

        for holder in HOLDERS:
            deadline_holder_register(holder)
        from huimin.core.navigation import HOME_LISTS, HOME_STATS
        from huimin.disability.views import home_lists, home_stats

        if home_stats not in HOME_STATS:
            HOME_STATS.append(home_stats)
        if home_lists not in HOME_LISTS:
            HOME_LISTS.append(home_lists)
