from huimin.disability.views import benefits, cases, certificates, dashboard, public, teams

urlpatterns = [
    *public.urlpatterns,
    *cases.urlpatterns,
    *teams.urlpatterns,
    *certificates.urlpatterns,
    *benefits.urlpatterns,
    *dashboard.urlpatterns,
]
