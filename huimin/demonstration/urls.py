from huimin.demonstration.views import (
    applications,
    awards,
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
]
