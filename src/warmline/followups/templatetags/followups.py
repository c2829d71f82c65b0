"""{% referral_tasks referral %}: the open follow-ups of a referral, on its page (one query); `task|log_choices`: the
ways a task can be done, for its form."""

from django import template
from django.utils import timezone

from warmline.followups import forms, queries
from warmline.followups.choices import RuleKind

register = template.Library()


@register.inclusion_tag("followups/_referral_tasks.html", takes_context=True)
def referral_tasks(context, referral):
    viewer = context["request"].membership
    return {"tasks": queries.open_tasks_of_referral(viewer, referral), "now": timezone.now(), "viewer": viewer}


@register.filter
def log_choices(task) -> list[tuple[str, str]]:
    return forms.RECIPROCATE_LOG_CHOICES if task.kind == RuleKind.RECIPROCATE else forms.LOG_CHOICES
