from django.apps import AppConfig


class SubsidyConfig(AppConfig):
    name = "huimin.subsidy"
    label = "subsidy"
    verbose_name = "育儿补贴"
