"""Every workspace starts with the default pipeline, however it was created (UI, CLI, demo, tests)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from warmline.core.models import Workspace
from warmline.referrals.services import create_default_stages


@receiver(post_save, sender=Workspace)
def workspace_created(sender, instance: Workspace, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        create_default_stages(instance)
