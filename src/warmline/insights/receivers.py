"""Queue the rollups touched by each change of the pipeline, in the change's own transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from warmline.followups.choices import RuleKind
from warmline.followups.models import Task
from warmline.insights import rollups
from warmline.referrals import events


@receiver(events.introduction_recorded)
@receiver(events.referral_moved)
@receiver(events.referral_reassigned)
@receiver(events.referral_updated)
def referral_changed(sender, referral, **kwargs) -> None:
    rollups.mark_referrals(referral.workspace_id, [referral.pk])


@receiver(events.ask_recorded)
def ask_recorded(sender, ask, **kwargs) -> None:
    rollups.mark_asks(ask.workspace_id, [(ask.asked_by_id, ask.asked_on)])


@receiver(events.ask_updated)
def ask_updated(sender, ask, asked_on_before=None, **kwargs) -> None:
    rollups.mark_asks(ask.workspace_id, [(ask.asked_by_id, ask.asked_on), (ask.asked_by_id, asked_on_before)])


@receiver(post_save, sender=Task)
def task_saved(sender, instance: Task, **kwargs) -> None:
    # Thanking the source (or undoing it) changes the share of sources thanked.
    if instance.kind == RuleKind.THANK_SOURCE and instance.referral_id:
        rollups.mark_referrals(instance.workspace_id, [instance.referral_id])
