"""warmline calllist: whom a member should ask for introductions this week, and why."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from warmline.core.management.options import member_of, workspace_from
from warmline.targeting import queries


class Command(BaseCommand):
    help = "Whom a member should ask for introductions this week, ranked, with why and whom to ask them for."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="EMAIL", help="The member whose list it is.")
        parser.add_argument("--workspace", help="Workspace slug (needed when there are several).")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON.")

    def handle(self, *args, user, workspace, as_json, **options):
        member = member_of(workspace_from(workspace), user, "--user")
        calls = queries.call_list(member)
        if as_json:
            self.stdout.write(json.dumps(calls.as_dict(), indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"Whom {member.user.display_name} should ask, week of {calls.week_of:%-d %B %Y} "
                          f"({calls.asked_this_week} of {calls.goal} asks made):")
        if not calls.entries:
            self.stdout.write("  Nobody to suggest: log wins and moments, rate client health, keep a target-account "
                              "list.")
        for n, e in enumerate(calls.entries, start=1):
            where = ", ".join(x for x in (e.person.title, e.person.company.name if e.person.company_id else "") if x)
            self.stdout.write(f"{n:>3}. {e.person.full_name}{f' ({where})' if where else ''}  score {e.score:.0f}")
            for why in e.why:
                self.stdout.write(f"       why: {why}")
            for s in e.suggestions:
                if s.target is not None:
                    fit = f" [fit {s.fit.score} with {s.fit.profile.name}]" if s.fit else ""
                    self.stdout.write(f"       ask for: {s.target.full_name}{fit}, {s.via}")
                else:
                    self.stdout.write(f"       ask for someone who fits: {s.description}")
        if calls.more:
            self.stdout.write("  If one does not work out: " + "; ".join(e.person.full_name for e in calls.more))
        if calls.excluded:
            self.stdout.write(f"  Left off: {len(calls.excluded)} (asked recently, asked not to be asked, or an "
                              "open ask).")
