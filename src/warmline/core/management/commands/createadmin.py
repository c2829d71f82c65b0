import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from warmline.core import services


class Command(BaseCommand):
    help = "Make EMAIL an admin of the workspace NAME, creating the user and the workspace if needed."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--workspace", required=True, help="Workspace name (or slug of an existing one).")
        parser.add_argument("--password", help="Prompted for when not given.")
        parser.add_argument("--name", default="", help="The admin's full name.")

    def handle(self, *args, email, workspace, password, name, **options):
        if password is None:
            if not self.stdin_is_interactive():
                raise CommandError("--password is required when there is no terminal to prompt on.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            result = services.create_admin(email, workspace, password, full_name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        ws = result.membership.workspace
        self.stdout.write(
            f"{'Created' if result.user_created else 'Updated'} {result.user.email}: admin of "
            f"{ws.name!r} (slug {ws.slug}{', new workspace' if result.workspace_created else ''})."
        )

    @staticmethod
    def stdin_is_interactive() -> bool:
        import sys

        return sys.stdin.isatty()
