from django.core.management.base import BaseCommand, CommandError

from warmline.core import queries, services
from warmline.core.choices import Channel
from warmline.core.models import User


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print its secret (shown once).")
        create.add_argument("--user", required=True, help="The user's email.")
        create.add_argument("--name", default="", help="What will use the token.")
        create.add_argument("--workspace", help="Workspace slug; needed when the user is in several.")
        listing = sub.add_parser("list", help="List a user's tokens.")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def _user(self, email: str) -> User:
        user = queries.user_by_email(email)
        if user is None:
            raise CommandError(f"--user: no user with email {email!r}.")
        return user

    def do_create(self, user, name, workspace, **options):
        found = self._user(user)
        memberships = list(queries.memberships_of(found))
        if workspace:
            memberships = [m for m in memberships if m.workspace.slug == workspace]
            if not memberships:
                raise CommandError(f"--workspace: {found.email} is not an active member of {workspace!r}.")
        if not memberships:
            raise CommandError(f"{found.email} is not an active member of any workspace.")
        if len(memberships) > 1:
            slugs = ", ".join(m.workspace.slug for m in memberships)
            raise CommandError(f"--workspace is needed: {found.email} belongs to {slugs}.")
        created = services.create_api_token(memberships[0], name, via=Channel.CLI)
        self.stderr.write(
            f"Created token {created.token.public_id} ({created.token.name}) for {found.email} in "
            f"{memberships[0].workspace.slug}. Store the secret now; it is not shown again."
        )
        self.stdout.write(created.secret)

    def do_list(self, user, **options):
        found = self._user(user)
        for t in queries.tokens_of_user(found):
            state = "revoked" if t.revoked_at else "active"
            self.stdout.write(f"{t.public_id}  {t.workspace.slug:<20} {t.hint}…  {state:<8} {t.name}")

    def do_revoke(self, token_id, **options):
        token = queries.token_by_id(token_id)
        if token is None:
            raise CommandError(f"No token with id {token_id!r}.")
        services.revoke_api_token(token.membership, token)
        self.stdout.write(f"Revoked {token.public_id} ({token.name}).")
