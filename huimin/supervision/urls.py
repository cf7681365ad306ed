from huimin.supervision.views import credit, inspections, letters, plans, public

urlpatterns = [
    *plans.urlpatterns,
    *inspections.urlpatterns,
    *letters.urlpatterns,
    *credit.urlpatterns,
    *public.urlpatterns,
]
