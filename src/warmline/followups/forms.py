"""Forms of the follow-up pages: they parse; the services decide."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from warmline.followups.choices import EmailMode
from warmline.network.choices import InteractionKind

LOG_CHOICES = [("", "Just mark it done"), (InteractionKind.CALL, "Log a call"),
               (InteractionKind.EMAIL, "Log an email"), (InteractionKind.MEETING, "Log a meeting")]
# A reciprocate task is done by introducing the partner to someone: that is what counts against what we owe.
RECIPROCATE_LOG_CHOICES = [("", "Just mark it done"), (InteractionKind.INTRODUCTION, "Log the introduction we made"),
                           *LOG_CHOICES[1:]]
SNOOZE_CHOICES = [("hour", "An hour"), ("tomorrow", "Tomorrow morning"), ("next_week", "Next Monday")]


class CompleteForm(forms.Form):
    log = forms.ChoiceField(choices=RECIPROCATE_LOG_CHOICES, required=False)
    summary = forms.CharField(max_length=500, required=False, strip=True)


class DismissForm(forms.Form):
    reason = forms.CharField(max_length=180, required=False, strip=True)


class SnoozeForm(forms.Form):
    until = forms.ChoiceField(choices=SNOOZE_CHOICES)

    def until_time(self, now: datetime.datetime) -> datetime.datetime:
        today = timezone.localdate(now)
        morning = datetime.time(8, 0, tzinfo=datetime.UTC)
        choice = self.cleaned_data["until"]
        if choice == "hour":
            return now + datetime.timedelta(hours=1)
        if choice == "tomorrow":
            return datetime.datetime.combine(today + datetime.timedelta(days=1), morning)
        return datetime.datetime.combine(today + datetime.timedelta(days=7 - today.weekday()), morning)


class TaskForm(forms.Form):
    title = forms.CharField(max_length=300, strip=True, label="What to do")
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=500, required=False, strip=True, label="Why (optional)")

    def due_at(self) -> datetime.datetime:
        # Due by the end of the working day (17:00 UTC) of the date picked.
        return datetime.datetime.combine(self.cleaned_data["due_on"], datetime.time(17, 0, tzinfo=datetime.UTC))


class NotificationsForm(forms.Form):
    email_mode = forms.ChoiceField(choices=EmailMode.choices, widget=forms.RadioSelect, label="Email me about new "
                                   "follow-ups")
    weekly_report = forms.BooleanField(required=False, label="Send me the weekly report on my teams (Mondays)")


class RuleForm(forms.Form):
    enabled = forms.BooleanField(required=False)
    delay = forms.IntegerField(min_value=1, max_value=8760)
