"""{% referral_tasks referral %}: the open follow-ups of a referral, on its page (one query)."""

from django import template
from django.utils import timezone

from warmline.followups import queries

register = template.Library()


@register.inclusion_tag("followups/_referral_tasks.html", takes_context=True)
def referral_tasks(context, referral):
    viewer = context["request"].membership
    return {"tasks": queries.open_tasks_of_referral(viewer, referral), "now": timezone.now(), "viewer": viewer}
