"""`warmline import linkedin|contacts|vcard FILE`: import a network file now, with a progress bar."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from warmline.core.choices import Channel, Role
from warmline.core.management.options import member_of, read_file, workspace_from
from warmline.core.models import Membership, Workspace
from warmline.network import importing, services
from warmline.network.importers.contacts import FIELDS, parse_mapping
from warmline.network.importers.records import ImportFormatError, MappingError

CONTACT_FORMATS = ["hubspot", "salesforce", "google", "generic"]


class ProgressBar:
    """Rows read so far against the file's line count, on stderr: a bar on a terminal, steps otherwise."""

    def __init__(self, stream, total: int, enabled: bool):
        self.stream, self.total, self.enabled = stream, max(total, 1), enabled
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_step = -1

    def __call__(self, rows: int) -> None:
        if not self.enabled:
            return
        share = min(rows / self.total, 1.0)
        if self.tty:
            filled = int(share * 30)
            self.stream.write(f"\rReading rows [{'#' * filled}{'.' * (30 - filled)}] {rows:,}/~{self.total:,}")
            self.stream.flush()
        elif int(share * 10) > self.last_step:
            self.last_step = int(share * 10)
            self.stream.write(f"Reading rows: {rows:,} of about {self.total:,}\n")

    def stage(self, text: str, rows: int) -> None:
        if self.enabled:
            self.last_step = 10
            prefix = "\r" if self.tty else ""
            self.stream.write(f"{prefix}Read {rows:,} rows.{' ' * 40 if self.tty else ''}\n{text}…\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import a LinkedIn Connections.csv, a CRM contacts export or a vCard file into a workspace."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True, metavar="linkedin|contacts|vcard")
        linkedin = sub.add_parser("linkedin", help="An employee's LinkedIn Connections.csv.")
        contacts = sub.add_parser("contacts", help="A HubSpot, Salesforce, Google or other contacts CSV.")
        vcard = sub.add_parser("vcard", help="A vCard (.vcf) file of an employee's contacts.")
        for p in (linkedin, contacts, vcard):
            p.add_argument("file", help="Path of the file to import.")
            p.add_argument("--workspace", help="Workspace slug (needed when there are several).")
            p.add_argument("--json", action="store_true", dest="as_json", help="Print one JSON summary.")
            p.add_argument("--quiet", action="store_true", help="No progress output.")
        linkedin.add_argument("--owner", required=True, help="Email of the employee whose export this is.")
        vcard.add_argument("--owner", required=True, help="Email of the employee whose contacts these are.")
        contacts.add_argument("--owner", help="Email of the employee these contacts belong to (optional).")
        contacts.add_argument("--format", required=True, choices=CONTACT_FORMATS, dest="contact_format")
        contacts.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD",
            help=f"Column mapping (repeatable). Fields: {', '.join(FIELDS)}.",
        )

    def handle(self, *args, kind, file, workspace, as_json, quiet, owner=None, contact_format=None, **options):
        fmt = {"linkedin": "linkedin", "vcard": "vcard"}.get(kind, contact_format)
        try:
            mapping = parse_mapping(options.get("map") or [])
        except MappingError as error:
            raise CommandError(f"--map: {error}", returncode=2) from None
        ws = workspace_from(workspace)
        owner_membership = member_of(ws, owner, "--owner") if owner else None
        actor = owner_membership or self._admin(ws)
        path = Path(file)
        data = read_file(file)
        try:
            importing.check_size(len(data))
            run = services.start_import(
                actor, fmt=fmt, size=len(data), filename=path.name, owner=owner_membership, mapping=mapping,
                channel=Channel.CLI,
            )
        except importing.ImportTooLarge as error:
            raise CommandError(f"{file}: {error}", returncode=2) from None
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(_message(error), returncode=2) from None
        bar = ProgressBar(self.stderr._out, data.count(b"\n") + 1, enabled=not quiet)
        try:
            bar(0)
            summary = importing.execute(run, data, progress=bar, stage=bar.stage)
        except ImportFormatError as error:
            raise CommandError(f"{file}, line {error.line}: {error.message} Nothing was imported.",
                               returncode=2) from None
        except Exception as error:
            importing.fail_unexpectedly(run, error)
            raise
        if as_json:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
            return
        self.stdout.write(summary.headline())
        for item in summary.skipped[:50]:
            self.stdout.write(f"  line {item['line']}: {item['reason']}")
        if len(summary.skipped) > 50:
            self.stdout.write(f"  … and {len(summary.skipped) - 50:,} more skipped rows (use --json for all).")

    def _admin(self, workspace: Workspace) -> Membership:
        admin = (
            Membership.objects.filter(workspace=workspace, role=Role.ADMIN, is_active=True)
            .select_related("user", "workspace").order_by("pk").first()
        )
        if admin is None:
            raise CommandError(f"{workspace.slug} has no active admin to run the import as.", returncode=2)
        return admin


def _message(error) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(getattr(error, "messages", [str(error)]))
