"""Routes of the network area, mounted at /network/."""

from django.urls import path

from warmline.network import views

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/suggestions/", views.person_suggestions, name="person_suggestions"),
    path("people/<str:person_id>/", views.person, name="person"),
    path("people/<str:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<str:person_id>/interactions/", views.person_interaction, name="person_interaction"),
    path("people/<str:person_id>/ties/", views.person_tie, name="person_tie"),
    path("people/<str:person_id>/positions/", views.person_employment, name="person_employment"),
    path("relationships/<str:relationship_id>/rating/", views.relationship_rate, name="relationship_rate"),
    path("companies/", views.companies, name="companies"),
    path("companies/new/", views.company_new, name="company_new"),
    path("companies/<str:company_id>/", views.company, name="company"),
    path("companies/<str:company_id>/edit/", views.company_edit, name="company_edit"),
    path("imports/", views.imports, name="imports"),
    path("imports/<str:import_id>/", views.import_detail, name="import"),
    path("imports/<str:import_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<str:import_id>/skipped.csv", views.import_skipped_csv, name="import_skipped_csv"),
    path("review/", views.review, name="review"),
    path("review/<str:candidate_id>/merge/", views.review_merge, name="review_merge"),
    path("review/<str:candidate_id>/keep-apart/", views.review_keep_apart, name="review_keep_apart"),
    path("merges/<str:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/workspace/", views.workspace_sharing, name="workspace_sharing"),
]
