"""Workspaces created before the pipeline existed get the default stages (new ones get them on creation)."""

from django.db import migrations

DEFAULT_STAGES = (
    ("Introduced", "open", 10, "introduced"),
    ("Contacted", "open", 20, "contacted"),
    ("Meeting scheduled", "open", 30, "meeting_scheduled"),
    ("Meeting held", "open", 50, "meeting_held"),
    ("Proposal", "open", 70, "proposal"),
    ("Won", "won", 100, ""),
    ("Lost", "lost", 0, ""),
    ("Disqualified", "lost", 0, ""),
)


def create_stages(apps, schema_editor):
    import secrets

    Workspace = apps.get_model("core", "Workspace")
    Stage = apps.get_model("referrals", "Stage")
    for workspace in Workspace.objects.exclude(pk__in=Stage.objects.values("workspace_id")):
        Stage.objects.bulk_create(
            Stage(workspace=workspace, name=name, position=(i + 1) * 10, kind=kind, probability=probability,
                  milestone=milestone, created_via="rule", public_id=secrets.token_urlsafe(16)[:22])
            for i, (name, kind, probability, milestone) in enumerate(DEFAULT_STAGES)
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_pipeline"), ("core", "0003_pipeline_settings")]

    operations = [migrations.RunPython(create_stages, migrations.RunPython.noop)]
