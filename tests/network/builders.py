"""Small file builders for import tests."""

from __future__ import annotations

import csv
import io

from warmline.core.choices import Channel
from warmline.network import importing
from warmline.network.models import ImportRun

LINKEDIN_PREAMBLE = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n'
)
LINKEDIN_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]


def linkedin_csv(rows: list[tuple]) -> bytes:
    """rows: (first, last, url, email, company, position, connected_on)."""
    out = io.StringIO()
    out.write(LINKEDIN_PREAMBLE)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LINKEDIN_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def contact(i: int, company: str = "Initech") -> tuple:
    return (f"First{i}", f"Last{i}", f"https://www.linkedin.com/in/person-{i}/", "", company, "Controller",
            "26 Dec 2025")


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def run_import(actor, fmt: str, data: bytes, owner=None, mapping=None):
    """Import through the same entry point as the CLI; returns the summary."""
    run = ImportRun.objects.create(
        workspace_id=actor.workspace_id, format=fmt, owner=owner, mapping=mapping or {}, size=len(data),
        created_by=actor.user, created_via=Channel.CLI,
    )
    return importing.execute(run, data)
