import json

from django.core.management.base import BaseCommand, CommandError

from warmline.core import queries


class Command(BaseCommand):
    help = "Print the row counts of the main tables per workspace."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON.")
        parser.add_argument("--workspace", help="Only this workspace (slug).")

    def handle(self, *args, as_json: bool, workspace: str | None, **options):
        stats = queries.workspace_stats(workspace)
        if workspace and not stats:
            raise CommandError(f"--workspace: no workspace with slug {workspace!r}.")
        if as_json:
            self.stdout.write(json.dumps({"workspaces": stats}, indent=2))
            return
        for ws in stats:
            self.stdout.write(f"{ws['name']} ({ws['slug']})")
            for table, count in ws["counts"].items():
                self.stdout.write(f"  {table:<30} {count:>8}")
            for key, value in ws.items():
                if isinstance(value, dict) and key != "counts":
                    self._nested(key.replace("_", " "), value, "  ")

    def _nested(self, label: str, values: dict, indent: str) -> None:
        self.stdout.write(f"{indent}{label}:")
        for name, value in values.items():
            if isinstance(value, dict):
                self._nested(str(name).replace("_", " "), value, indent + "  ")
            else:
                self.stdout.write(f"{indent}  {str(name):<28} {value:>8}")
