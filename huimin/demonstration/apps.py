from django.apps import AppConfig


class DemonstrationConfig(AppConfig):
    name = "huimin.demonstration"
    label = "demonstration"
    verbose_name = "示范托育机构"
