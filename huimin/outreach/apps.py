from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "huimin.outreach"
    label = "outreach"
    verbose_name = "走访慰问与志愿服务"

    def ready(self) -> None:
        from huimin.core.deadlines import deadline_holder_register
        from huimin.outreach.deadlines import HOLDERS

        for holder in HOLDERS:
            deadline_holder_register(holder)
        from huimin.core.navigation import HOME_LISTS, HOME_STATS
        from huimin.outreach.views import home_lists, home_stats

        if home_stats not in HOME_STATS:
            HOME_STATS.append(home_stats)
        if home_lists not in HOME_LISTS:
            HOME_LISTS.append(home_lists)
