from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "huimin.dashboard"
    label = "dashboard"
    verbose_name = "全市概览与我的办事"
