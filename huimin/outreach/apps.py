from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "huimin.outreach"
    label = "outreach"
    verbose_name = "走访慰问与志愿服务"
