"""Routes of targeting, under /targeting/."""

from django.urls import path

from warmline.targeting import views

app_name = "targeting"

urlpatterns = [
    path("", views.this_week, name="home"),
    path("profiles/", views.profiles, name="profiles"),
    path("profiles/new/", views.profile_new, name="profile_new"),
    path("profiles/preview/", views.profile_preview, name="profile_preview"),
    path("profiles/<str:profile_id>/", views.profile, name="profile"),
    path("profiles/<str:profile_id>/archive/", views.profile_archive, name="profile_archive"),
    path("profiles/<str:profile_id>/list/", views.profile_list, name="profile_list"),
    path("draft/", views.draft, name="draft"),
    path("templates/", views.templates, name="templates"),
]
