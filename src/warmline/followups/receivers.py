"""Connects the pipeline's events to the follow-up rules, inside the event's transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from warmline.core.models import Workspace
from warmline.followups import rules
from warmline.referrals import events


@receiver(post_save, sender=Workspace)
def workspace_created(sender, instance: Workspace, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        rules.create_default_rules(instance)


@receiver(events.introduction_recorded)
def introduction_recorded(sender, referral, actor, at, via, **kwargs) -> None:
    rules.on_introduction(referral, at=at, via=via)


@receiver(events.referral_moved)
def referral_moved(sender, referral, from_stage, to_stage, actor, at, via, **kwargs) -> None:
    rules.on_move(referral, from_stage, to_stage, at=at, via=via)


@receiver(events.referral_reassigned)
def referral_reassigned(sender, referral, from_owner, actor, at, via, **kwargs) -> None:
    rules.on_reassign(referral, from_owner, at=at)


@receiver(events.ask_updated)
def ask_updated(sender, ask, actor, at, via, **kwargs) -> None:
    rules.on_ask_updated(ask, at=at)


@receiver(events.contact_time_changed)
def contact_time_changed(sender, workspace, actor, at, previous_hours, **kwargs) -> None:
    rules.on_contact_time_changed(workspace, previous_hours=previous_hours, at=at)
