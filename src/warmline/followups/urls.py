"""Routes of follow-ups, under /followups/."""

from django.urls import path

from warmline.followups import calendar_views, views

app_name = "followups"

urlpatterns = [
    path("", views.today, name="home"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<str:task_id>/done/", views.task_done, name="task_done"),
    path("tasks/<str:task_id>/dismiss/", views.task_dismiss, name="task_dismiss"),
    path("tasks/<str:task_id>/snooze/", views.task_snooze, name="task_snooze"),
    path("tasks/<str:task_id>/reopen/", views.task_reopen, name="task_reopen"),
    path("rules/", views.rules_page, name="rules"),
    path("rules/<str:kind>/", views.rule_save, name="rule_save"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/calendar/", views.calendar_link, name="calendar_link"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]
