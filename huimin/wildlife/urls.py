from huimin.wildlife.views import batches, claims, dashboard, policies, public

urlpatterns = [
    *public.urlpatterns,
    *claims.urlpatterns,
    *policies.urlpatterns,
    *batches.urlpatterns,
    *dashboard.urlpatterns,
]
