"""Pages of community outreach: activities, visits, follow-ups, volunteers."""

from huimin.outreach.views import activities, followups, people

urlpatterns = [*activities.urlpatterns, *followups.urlpatterns, *people.urlpatterns]
