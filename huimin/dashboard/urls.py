"""Pages of the city and county overview and the yearly reports (overview/…), and a citizen's
own matters and inbox (me/…)."""

from django.urls import URLPattern

from huimin.dashboard.views import mine
from huimin.dashboard.views import overview as overview_views

urlpatterns: list[URLPattern] = [
    *mine.urlpatterns,
    *overview_views.urlpatterns,
]
