from django.apps import AppConfig


class SubsidyConfig(AppConfig):
    name = "huimin.subsidy"
    label = "subsidy"
    verbose_name = "育儿补贴"

    def ready(self) -> None:
        from huimin.core.deadlines import deadline_holder_register
        from huimin.subsidy.deadlines import HOLDERS

        for holder in HOLDERS:
            deadline_holder_register(holder)
        from huimin.core.navigation import HOME_STATS
        from huimin.subsidy.views.applications import home_stats

        if home_stats not in HOME_STATS:
            HOME_STATS.append(home_stats)

    def worker_sweep(self) -> None:
        """Run by every task worker (huimin.core.workers): resume payment batches whose
        worker was lost."""
        from huimin.subsidy.services import batch_resume_stalled

        batch_resume_stalled()
