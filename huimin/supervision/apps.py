from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "huimin.supervision"
    label = "supervision"
    verbose_name = "监督检查"
