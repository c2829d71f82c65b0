"""Options shared by the `warmline` commands: which workspace, which member."""

from __future__ import annotations

from django.core.management.base import CommandError

from warmline.core import queries as core_queries
from warmline.core.models import Membership, Workspace


def workspace_from(slug: str | None) -> Workspace:
    """The workspace named by --workspace, or the only one there is."""
    if slug:
        found = Workspace.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"--workspace: no workspace with slug {slug!r}.", returncode=2)
        return found
    workspaces = list(Workspace.objects.order_by("pk")[:2])
    if not workspaces:
        raise CommandError("There is no workspace yet: run `warmline createadmin` first.", returncode=2)
    if len(workspaces) > 1:
        raise CommandError("There are several workspaces: say which with --workspace SLUG.", returncode=2)
    return workspaces[0]


def member_of(workspace: Workspace, email: str, option: str) -> Membership:
    user = core_queries.user_by_email(email)
    membership = Membership.objects.filter(workspace=workspace, user=user).select_related("user", "workspace").first()
    if user is None or membership is None:
        raise CommandError(f"{option}: {email} is not a member of {workspace.slug}.", returncode=2)
    return membership


def person_from(workspace: Workspace, viewer: Membership | None, query: str, option: str):
    """The one person a name, an email or a LinkedIn URL names, as `viewer` (None: workspace-wide) may see them;
    exit 2 naming the candidates when it is ambiguous."""
    from warmline.paths.queries import find_targets

    people, _ = find_targets(workspace, viewer, query, limit=6)
    exact = [p for p in people if p.full_name.lower() == query.strip().lower()]
    if len(people) > 1 and len(exact) == 1:
        people = exact
    if not people:
        raise CommandError(f"{option}: no one matches {query!r}.", returncode=2)
    if len(people) > 1:
        names = "; ".join(f"{p.full_name} ({p.company.name if p.company_id else 'no company'}, {p.public_id})"
                          for p in people[:5])
        raise CommandError(f"{option}: {query!r} matches several people: {names}. Give an email or a LinkedIn URL.",
                           returncode=2)
    return people[0]


def read_file(file: str) -> bytes:
    """The bytes of a file named on the command line; exit 2 saying why it cannot be read."""
    from pathlib import Path

    try:
        return Path(file).read_bytes()
    except OSError as error:
        raise CommandError(f"{file}: cannot read the file ({error.strerror}).", returncode=2) from None
