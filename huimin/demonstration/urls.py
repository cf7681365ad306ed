from huimin.demonstration.views import (
    applications,
    awards,
    conflicts,
    dashboard,
    policies,
    public,
    rubrics,
    scoring,
    training,
)

urlpatterns = [
    *public.urlpatterns,
    *applications.urlpatterns,
    *scoring.urlpatterns,
    *awards.urlpatterns,
    *policies.urlpatterns,
    *dashboard.urlpatterns,
    *training.urlpatterns,
    *rubrics.urlpatterns,
    *conflicts.urlpatterns,
]
