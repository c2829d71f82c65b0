"""warmline paths: who can introduce us to a person, to the people of an account, or across a target-account list."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from warmline.core.management.options import member_of, person_from, read_file, workspace_from
from warmline.paths import queries
from warmline.referrals import queries as referral_queries


class Command(BaseCommand):
    help = ("Warm paths: --to QUERY (a name, email or LinkedIn URL), --account QUERY (a company name or domain), "
            "or --accounts FILE.csv (a target-account list).")

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--to", metavar="QUERY", help="The person to reach: a name, an email or a LinkedIn URL.")
        what.add_argument("--account", metavar="QUERY", help="The company: its name or domain.")
        what.add_argument("--accounts", metavar="FILE", help="A CSV of accounts (an 'account' and/or 'domain' column).")
        parser.add_argument("--limit", type=int, default=20, help="How many paths to a person (default 20).")
        parser.add_argument("--workspace", help="Workspace slug (needed when there are several).")
        parser.add_argument("--as", dest="as_email", metavar="EMAIL",
                            help="Answer as this member sees it (their own network included); default: the "
                                 "workspace-wide view, without anyone's private network.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON.")

    def handle(self, *args, to, account, accounts, limit, workspace, as_email, as_json, **options):
        if limit < 1:
            raise CommandError("--limit: give a number of paths, 1 or more.", returncode=2)
        ws = workspace_from(workspace)
        viewer = member_of(ws, as_email, "--as") if as_email else None
        if to is not None:
            self._person(ws, viewer, to, limit, as_json)
        elif account is not None:
            self._account(ws, viewer, account, as_json)
        else:
            self._accounts(ws, viewer, accounts, as_json)

    def _person(self, ws, viewer, query, limit, as_json):
        target = person_from(ws, viewer, query, "--to")
        paths = queries.person_paths(ws, viewer, target, limit=limit,
                                     statuses=referral_queries.path_statuses(ws.pk, target))
        if as_json:
            self.stdout.write(json.dumps([p.as_dict() for p in paths], indent=2, ensure_ascii=False))
            return
        where = ", ".join(x for x in (target.title, target.company.name if target.company_id else "") if x)
        self.stdout.write(f"Paths to {target.full_name}{f' ({where})' if where else ''}, best first:")
        if not paths:
            self.stdout.write("  No warm path: nobody in the team knows them or anyone who does.")
        for p in paths:
            self._write_path(p)

    def _write_path(self, p, indent: str = "  "):
        chain = " → ".join("a private contact" if h.hidden else h.person.full_name for h in p.hops)
        note = "  ← try next" if p.suggested else ""
        weaker = " (weaker)" if p.weaker else ""
        self.stdout.write(f"{indent}{p.rank:>2}. {p.score:.3f}  {p.shape_label}{weaker}: {chain}  "
                          f"[{p.status_label.lower()}]{note}")
        self.stdout.write(f"{indent}    {p.explanation}")

    def _company(self, ws, viewer, query):
        _, companies = queries.find_targets(ws, viewer, query, limit=6)
        exact = [c for c in companies if c.name.lower() == query.strip().lower() or c.domain == query.strip().lower()]
        if len(companies) > 1 and len(exact) == 1:
            companies = exact
        if not companies:
            raise CommandError(f"--account: no company matches {query!r}.", returncode=2)
        if len(companies) > 1:
            names = "; ".join(f"{c.name}{f' ({c.domain})' if c.domain else ''}" for c in companies[:5])
            raise CommandError(f"--account: {query!r} matches several companies: {names}. Give the exact name or "
                               "the domain.", returncode=2)
        try:
            return queries.access_account(ws, viewer, companies[0].public_id)
        except Http404:
            raise CommandError(f"--account: no company matches {query!r}.", returncode=2) from None

    def _account(self, ws, viewer, query, as_json):
        company = self._company(ws, viewer, query)
        mapped = queries.account_map(ws, viewer, company)
        if as_json:
            self.stdout.write(json.dumps([p.best.as_dict() for p in mapped.people if p.best], indent=2,
                                         ensure_ascii=False))
            return
        self.stdout.write(f"{company.name}: {mapped.coverage}.")
        for row in mapped.people:
            person = row.person
            role = ", ".join(x for x in (person.title, person.get_seniority_display() if person.seniority else "") if x)
            self.stdout.write(f"- {person.full_name}{f' ({role})' if role else ''}")
            if row.best:
                self._write_path(row.best, indent="   ")
            else:
                self.stdout.write("      no path")

    def _accounts(self, ws, viewer, file, as_json):
        data = read_file(file)
        try:
            accounts = queries.parse_account_list(data)
        except queries.AccountListError as error:
            raise CommandError(f"{file}: {error}", returncode=2) from None
        rows = queries.account_table(ws, viewer, accounts)
        if as_json:
            self.stdout.write(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
            return
        width = max([len(r.label) for r in rows] + [7])
        self.stdout.write(f"{'account':<{width}}  reachable  strength  best introducer")
        for r in rows:
            if r.company is None:
                self.stdout.write(f"{r.label:<{width}}  {'-':>9}  {'-':>8}  not in the network (line {r.line})")
                continue
            introducer = r.best.introducer
            who = ("a private contact" if introducer.hidden else introducer.person.full_name) if r.best else "no path"
            strength = f"{r.best.score:.3f}" if r.best else "-"
            self.stdout.write(f"{r.label:<{width}}  {f'{r.reachable}/{r.people}':>9}  {strength:>8}  {who}")
