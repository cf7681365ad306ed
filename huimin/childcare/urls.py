from django.urls import path

from huimin.childcare import views

urlpatterns = [
    path(
        "import-template/<str:kind>.xlsx", views.import_template, name="childcare_import_template"
    ),
    path(
        "institutions/<int:institution_id>/import/<str:kind>/",
        views.institution_import,
        name="childcare_import",
    ),
    path(
        "institutions/<int:institution_id>/children.xlsx",
        views.institution_children_export,
        name="childcare_children_export",
    ),
    path(
        "institutions/<int:institution_id>/staff.xlsx",
        views.institution_staff_export,
        name="childcare_staff_export",
    ),
    path("mine/", views.institution_mine, name="childcare_mine"),
    path("institutions/", views.institution_list, name="childcare_institution_list"),
    path("institutions/export.xlsx", views.institution_export, name="childcare_institution_export"),
    path("institutions/new/", views.institution_register, name="childcare_institution_register"),
    path(
        "institutions/<int:institution_id>/",
        views.institution_detail,
        name="childcare_institution_detail",
    ),
    path(
        "institutions/<int:institution_id>/edit/",
        views.institution_edit,
        name="childcare_institution_edit",
    ),
    path(
        "institutions/<int:institution_id>/filing/",
        views.filing_workspace,
        name="childcare_filing_workspace",
    ),
    path(
        "institutions/<int:institution_id>/filing/submit/",
        views.filing_submit,
        name="childcare_filing_submit",
    ),
    path(
        "institutions/<int:institution_id>/documents/",
        views.document_upload,
        name="childcare_document_upload",
    ),
    path(
        "institutions/<int:institution_id>/recognition/",
        views.recognition_apply,
        name="childcare_recognition_apply",
    ),
    path(
        "institutions/<int:institution_id>/classes/new/",
        views.class_create,
        name="childcare_class_create",
    ),
    path(
        "institutions/<int:institution_id>/food-samples/new/",
        views.food_sample,
        name="childcare_food_sample",
    ),
    path(
        "institutions/<int:institution_id>/guidance-visits/new/",
        views.guidance_visit,
        name="childcare_guidance_visit",
    ),
    path(
        "institutions/<int:institution_id>/safety-records/new/",
        views.safety_record,
        name="childcare_safety_record",
    ),
    path(
        "institutions/<int:institution_id>/staff/new/",
        views.staff_hire,
        name="childcare_staff_hire",
    ),
    path(
        "classes/<int:class_id>/caregivers/",
        views.class_caregivers,
        name="childcare_class_caregivers",
    ),
    path("classes/<int:class_id>/enrol/", views.enrollment_create, name="childcare_enrol"),
    path("classes/<int:class_id>/attendance/", views.attendance, name="childcare_attendance"),
    path("classes/<int:class_id>/outdoor/", views.outdoor, name="childcare_outdoor"),
    path(
        "enrollments/<int:enrollment_id>/withdraw/",
        views.enrollment_withdraw,
        name="childcare_withdraw",
    ),
    path("staff/<int:staff_id>/edit/", views.staff_edit, name="childcare_staff_edit"),
    path("staff/<int:staff_id>/training/", views.staff_training, name="childcare_staff_training"),
    path(
        "documents/<int:document_id>/",
        views.document_download,
        name="childcare_document_download",
    ),
    path("findings/", views.findings_ranking, name="childcare_findings"),
    path("filings/", views.filing_list, name="childcare_filing_list"),
    path("filings/<int:filing_id>/", views.filing_detail, name="childcare_filing_detail"),
    path("recognitions/", views.recognition_list, name="childcare_recognition_list"),
    path(
        "recognitions/<int:recognition_id>/",
        views.recognition_detail,
        name="childcare_recognition_detail",
    ),
]
