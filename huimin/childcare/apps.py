from django.apps import AppConfig


class ChildcareConfig(AppConfig):
    name = "huimin.childcare"
    label = "childcare"
    verbose_name = "托育服务"

    def ready(self) -> None:
        from huimin.childcare.deadlines import HOLDERS
        from huimin.core.deadlines import deadline_holder_register

        for holder in HOLDERS:
            deadline_holder_register(holder)
        from huimin.childcare.selectors import home_stats
        from huimin.core.navigation import HOME_STATS

        if home_stats not in HOME_STATS:
            HOME_STATS.append(home_stats)
