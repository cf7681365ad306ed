from huimin.demonstration.views import applications, awards, public, scoring

urlpatterns = [
    *public.urlpatterns,
    *applications.urlpatterns,
    *scoring.urlpatterns,
    *awards.urlpatterns,
]
