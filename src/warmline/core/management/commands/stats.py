import json

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from warmline.core.models import Workspace


def workspace_tables() -> list:
    """Every model with a workspace column, so tables added later are counted too."""
    found = []
    for model in apps.get_models():
        if any(f.name == "workspace" for f in model._meta.concrete_fields):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.db_table)


class Command(BaseCommand):
    help = "Print the row counts of the main tables per workspace."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON.")
        parser.add_argument("--workspace", help="Only this workspace (slug).")

    def handle(self, *args, as_json: bool, workspace: str | None, **options):
        workspaces = Workspace.objects.order_by("slug")
        if workspace:
            workspaces = workspaces.filter(slug=workspace)
            if not workspaces.exists():
                raise CommandError(f"--workspace: no workspace with slug {workspace!r}.")
        tables = workspace_tables()
        result = {"workspaces": []}
        for ws in workspaces:
            counts = {m._meta.db_table.removeprefix("core_"): m.objects.filter(workspace=ws).count() for m in tables}
            result["workspaces"].append({"slug": ws.slug, "name": ws.name, "id": ws.public_id, "counts": counts})
        if as_json:
            self.stdout.write(json.dumps(result, indent=2))
            return
        for ws in result["workspaces"]:
            self.stdout.write(f"{ws['name']} ({ws['slug']})")
            for table, count in ws["counts"].items():
                self.stdout.write(f"  {table:<30} {count:>8}")
