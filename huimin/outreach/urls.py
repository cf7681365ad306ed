"""Pages of community outreach: activities, visits, follow-ups, volunteers."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
