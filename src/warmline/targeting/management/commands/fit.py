"""warmline fit: how well a person fits the workspace's ideal customer profiles, criterion by criterion."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from warmline.core.management.options import person_from, workspace_from
from warmline.targeting import queries

MARKS = {"match": "✓", "partial": "½", "mismatch": "✗", "unknown": "?"}


class Command(BaseCommand):
    help = "How well a person fits each ideal customer profile: the score and which criteria matched."

    def add_arguments(self, parser):
        parser.add_argument("--person", required=True, metavar="QUERY",
                            help="A name, an email or a LinkedIn URL.")
        parser.add_argument("--workspace", help="Workspace slug (needed when there are several).")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON.")

    def handle(self, *args, person, workspace, as_json, **options):
        ws = workspace_from(workspace)
        found = person_from(ws, None, person, "--person")
        against = queries.profiles(ws.pk)
        if not against:
            raise CommandError("This workspace has no ideal customer profile yet: define one under Targeting.",
                               returncode=2)
        fits = queries.fits_of(queries.subject_of(found), against)
        if as_json:
            self.stdout.write(json.dumps({"person": {"id": found.public_id, "name": found.full_name},
                                          "fits": [f.as_dict() for f in fits]}, indent=2, ensure_ascii=False))
            return
        where = ", ".join(x for x in (found.title, found.company.name if found.company_id else "") if x)
        self.stdout.write(f"{found.full_name}{f' ({where})' if where else ''}")
        for f in fits:
            score = "unknown" if f.score is None else f"{f.score}/100, {f.band}"
            judged = f"judged on {f.fit.judged} of {len(f.fit.criteria)} criteria"
            self.stdout.write(f"  {f.profile.name}: {score}{' (a good fit)' if f.good else ''}, {judged}")
            for c in f.fit.criteria:
                self.stdout.write(f"    {MARKS[c.outcome]} {c.label}: {c.detail}")
