from django.urls import path

from huimin.subsidy import views
from huimin.subsidy.views import applications, batches, imports

urlpatterns = [
    path("quote/", views.quote, name="subsidy_quote"),
    *applications.urlpatterns,
    *batches.urlpatterns,
    *imports.urlpatterns,
]
