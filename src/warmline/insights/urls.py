"""Routes of insights, under /insights/."""

from django.urls import path

from warmline.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("", views.dashboard, name="dashboard"),
    path("leaderboards/", views.leaderboards, name="leaderboards"),
    path("goals/", views.goals_page, name="goals"),
    path("goals/<str:goal_id>/delete/", views.goal_delete, name="goal_delete"),
    path("planner/", views.planner, name="planner"),
    path("channels/", views.channels_page, name="channels"),
    path("export.csv", views.export_csv, name="export"),
]
