"""The emails of follow-ups, as (subject, plain-text body). Links are absolute, from SITE_URL."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from warmline.followups.models import Task


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def task_email(task: Task) -> tuple[str, str]:
    context = {
        "task": task,
        "name": task.assignee.user.display_name,
        "subject_link": absolute(task.subject_path),
        "today_link": absolute(reverse("followups:home")),
        "settings_link": absolute(reverse("followups:notifications")),
    }
    return f"To do: {task.title}", render_to_string("followups/emails/task.txt", context).strip() + "\n"
