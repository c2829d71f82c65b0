from django.core.management.base import BaseCommand, CommandError

from warmline.core.models import Workspace
from warmline.insights import rollups


class Command(BaseCommand):
    help = ("Recreate the insights facts and daily rollups from the pipeline, for every workspace or one. Safe at "
            "any time (one transaction per workspace); needed only after restoring a backup of some tables, or "
            "editing the pipeline's rows by hand.")

    def add_arguments(self, parser):
        parser.add_argument("--workspace", help="Only this workspace (slug).")

    def handle(self, *args, workspace: str | None, **options):
        workspaces = Workspace.objects.order_by("pk")
        if workspace:
            workspaces = workspaces.filter(slug=workspace)
            if not workspaces.exists():
                raise CommandError(f"--workspace: no workspace with slug {workspace!r}.")
        for ws in workspaces:
            referrals = rollups.rebuild(ws.pk)
            self.stdout.write(f"{ws.name} ({ws.slug}): {referrals:,} referral{'s' if referrals != 1 else ''} counted")
