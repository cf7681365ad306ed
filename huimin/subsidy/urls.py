from django.urls import path

from huimin.subsidy import views

urlpatterns = [
    path("quote/", views.quote, name="subsidy_quote"),
]
