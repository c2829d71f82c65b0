"""Changes made outside the network app that the warm-path index must hear about."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from warmline.core.models import Membership
from warmline.network import changes


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance: Membership, **kwargs) -> None:
    # Whether someone is an active employee, and what they share, decide which paths exist.
    changes.note(instance.workspace_id, members=True)
