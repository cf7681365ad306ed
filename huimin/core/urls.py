from django.contrib.auth import views as auth_views
from django.urls import path

from huimin.core import views
from huimin.core.forms_auth import LoginForm

urlpatterns = [
    path("", views.index, name="index"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/export.xlsx", views.person_export, name="person_export"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("people/<int:person_id>/status/", views.person_status, name="person_status"),
    path("regions/", views.region_list, name="region_list"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/notice/", views.holiday_notice, name="holiday_notice"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
]
