from django.apps import AppConfig


class ChildcareConfig(AppConfig):
    name = "huimin.childcare"
    label = "childcare"
    verbose_name = "托育服务"
