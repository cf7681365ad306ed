from django.contrib import admin
from django.urls import include, path

from huimin.api import api

admin.site.site_header = "惠民平台 数据管理"
admin.site.site_title = "惠民平台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", include("huimin.core.urls")),
    path("childcare/", include("huimin.childcare.urls")),
    path("subsidy/", include("huimin.subsidy.urls")),
    path("supervision/", include("huimin.supervision.urls")),
    path("wildlife/", include("huimin.wildlife.urls")),
    path("disability/", include("huimin.disability.urls")),
    path("demonstration/", include("huimin.demonstration.urls")),
    path("outreach/", include("huimin.outreach.urls")),
    path("", include("huimin.dashboard.urls")),  # overview/… and me/… (a citizen's own)
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "huimin.core.views.error_403"
handler404 = "huimin.core.views.error_404"
handler500 = "huimin.core.views.error_500"
