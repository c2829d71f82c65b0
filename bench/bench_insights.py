"""Insights at scale: the manager dashboard, the workspace-wide view and the per-rep metrics endpoint, on SQLite and
PostgreSQL, against the naive approach (ORM iteration over the rows in Python) measured in the same run.

The workload (insights_workload.py): one workspace with 200 reps in 20 teams and their managers, 300,000 people,
2,000,000 asks over three years, 1,000,000 referrals and 5,000,000 stage changes (at --scale 1; the rows scale,
the organisation does not). It is generated once per database and scale and cached: a SQLite file under
bench/.cache/ and a PostgreSQL database `warmline_bench_insights` (`_0_01` etc. for other scales) beside the one
WARMLINE_BENCH_POSTGRES_URL or WARMLINE_TEST_POSTGRES_URL names (default: the local server of .ci/run). A cache of
another scale or generator version, or --fresh, generates it again. Then every run:

1. `rollups.rebuild(workspace)` recreates the facts and daily rollups from the pipeline, timed, in a fresh process;
   the planner's statistics are gathered after it (ANALYZE; sampled on SQLite, as the importer does).
2. In another fresh process, each measurement runs WARMUP times, then REPEATS times, rotating over the 20 teams or
   over reps of every team; figures are the server-side time in the process (p50, p95):
   - the manager dashboard: a manager's GET of /insights/?scope=team:<team>&period=week&on=<day> with Django's
     test Client, once the `insights:dashboard` URL exists. Until then (or if the page does not answer 200) the
     service calls it is made of: metrics.values for the team and the week, per_member for the team, per_week for
     12 weeks, and metrics.values for the workspace and the quarter.
   - the workspace-wide view, as the admin: scope=workspace, period=quarter (services: values, per_member and
     per_week for the workspace).
   - the per-rep metrics endpoint: GET /api/v1/insights/metrics?scope=rep:<membership>&period=quarter with the
     bearer token of the rep's manager, once it exists; until then metrics.values(Scope.of_rep(m), quarter).
   The week is the last whole week up to the data's last day (the day before the workspace was generated), the
   quarter the one of that day: the `on` parameter names them, so a cache stays comparable over time.
3. The naive approach computes the same figures by iterating the ORM rows of the scope in Python: the asks in
   the range, the referrals introduced by its end (introductions, won, lost, revenue, cohorts) and their stage
   changes up to its end (first time a referral reached the meeting milestones). NAIVE_REPEATS times each.
   Its figures are checked against the fast path's (asks, introductions, meetings, won, lost, revenue, cohorts,
   per rep and per week where the view has them): a difference is printed and the run exits with status 1.

For each measurement, one more run records its queries: their number, the slowest with its time, and its plan
(EXPLAIN), printed when p95 misses the 300 ms target. Figures, ratios (naive ÷ fast, "N× faster") and plans are
written to bench/results/insights.json. Nothing here asserts a time.

    python bench/bench_insights.py [--scale 1] [--db sqlite|postgres|both] [--repeats 30] [--naive-repeats 3]
                                   [--fresh] [--skip-rebuild]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from bench_import import setup_django  # the same Django set-up and migration as the import benchmark

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CACHE = HERE / ".cache"
sys.path.insert(0, str(HERE.parent / "src"))

TARGET_P95_MS = 300
WARMUP = 3
TREND_WEEKS = 12
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
API_PATHS = ("/api/v1/insights/metrics", "/api/insights/metrics")
# The counts compared between the fast path and the naive one.
FIELDS = ("asks", "asks_specific", "asks_digital", "introductions", "cohort_won", "cohort_closed",
          "meetings_scheduled", "meetings_held", "won", "lost", "days_to_close")
KEY_FIELDS = ("asks", "introductions", "meetings_scheduled", "won")


def percentiles(samples: list[float]) -> dict:
    ms = np.array(samples) * 1000
    return {"n": len(ms), "p50_ms": round(float(np.percentile(ms, 50)), 2),
            "p95_ms": round(float(np.percentile(ms, 95)), 2), "mean_ms": round(float(ms.mean()), 2),
            "max_ms": round(float(ms.max()), 2)}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the cached database ---------------------------------------------------------------------------------


def scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def database_url(engine: str, scale: float, pg_url: str | None) -> str:
    if engine == "sqlite":
        return f"sqlite:///{CACHE / f'insights-{scale_tag(scale)}.sqlite3'}"
    name = "warmline_bench_insights" + ("" if scale == 1 else f"_{scale_tag(scale)}")
    return pg_url.rsplit("/", 1)[0] + "/" + name


def read_state(url: str) -> dict | None:
    """The cache's record of what it holds, read without Django; None when there is no complete workspace."""
    try:
        if url.startswith("sqlite"):
            path = Path(url.split("///", 1)[1])
            if not path.exists():
                return None
            with sqlite3.connect(path) as conn:
                row = conn.execute("SELECT value FROM bench_insights_meta WHERE key = 'state'").fetchone()
        else:
            import psycopg

            with psycopg.connect(url, connect_timeout=5) as conn:
                row = conn.execute("SELECT value FROM bench_insights_meta WHERE key = 'state'").fetchone()
    except Exception:
        return None
    return json.loads(row[0]) if row else None


def write_state(state: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_insights_meta (key varchar(40) PRIMARY KEY, value text)")
        cursor.execute("DELETE FROM bench_insights_meta WHERE key = 'state'")
        cursor.execute("INSERT INTO bench_insights_meta (key, value) VALUES ('state', %s)", [json.dumps(state)])


def reset(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(os.environ["WARMLINE_BENCH_BASE_URL"], autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def generate(url: str, args: argparse.Namespace) -> dict:
    import insights_workload as workload

    state = read_state(url)
    if state and not args.fresh and state.get("generator") == workload.GENERATOR and state.get("scale") == args.scale:
        return {**state, "cached": True}
    reset(url)
    setup_django(url)
    n = workload.sizes(args.scale)
    anchor = datetime.date.today() - datetime.timedelta(days=1)
    log(f"  generating: {n['people']:,} people, {n['asks']:,} asks, {n['referrals']:,} referrals, "
        f"{n['stage_changes']:,} stage changes, data up to {anchor}")
    started = time.perf_counter()
    org = workload.create_organisation(anchor)
    counts = workload.write(n, org, anchor)
    state = {"generator": workload.GENERATOR, "scale": args.scale, "anchor": anchor.isoformat(),
             "generated_on": datetime.date.today().isoformat(), "workspace": org["workspace"],
             "generation_seconds": round(time.perf_counter() - started, 1), "rows": counts, "rebuilt": False}
    write_state(state)
    return {**state, "cached": False}


def rebuild(url: str, args: argparse.Namespace) -> dict:
    setup_django(url)
    from django.db import connection

    from warmline.insights import rollups
    from warmline.insights.models import DailyRevenue, DailyStat, ReferralFact

    state = read_state(url)
    started = time.perf_counter()
    referrals = rollups.rebuild(state["workspace"])
    seconds = time.perf_counter() - started
    begun = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    result = {"seconds": round(seconds, 1), "referrals": referrals, "facts": ReferralFact.objects.count(),
              "daily_stats": DailyStat.objects.count(), "daily_revenue": DailyRevenue.objects.count(),
              "analyze_seconds": round(time.perf_counter() - begun, 1)}
    write_state({**state, "rebuilt": True, "rebuild": result})
    return result


# --- the naive approach ----------------------------------------------------------------------------------


class Tally:
    """Counts per bucket: the scope's total over [start, end], per rep over it, per week over the trend."""

    def __init__(self, start, end, *, by_member=False, weeks: tuple | None = None):
        self.start, self.end, self.by_member, self.weeks_range = start, end, by_member, weeks
        self.total: Counter = Counter()
        self.members: dict[int, Counter] = defaultdict(Counter)
        self.weeks: dict[datetime.date, Counter] = defaultdict(Counter)

    @property
    def first(self):
        return min(self.start, self.weeks_range[0]) if self.weeks_range else self.start

    @property
    def last(self):
        return max(self.end, self.weeks_range[1]) if self.weeks_range else self.end

    def add(self, member: int, day: datetime.date, field: str, n: int = 1) -> None:
        if self.start <= day <= self.end:
            self.total[field] += n
            if self.by_member:
                self.members[member][field] += n
        if self.weeks_range and self.weeks_range[0] <= day <= self.weeks_range[1]:
            self.weeks[day - datetime.timedelta(days=day.weekday())][field] += n


def naive(workspace_id: int, member_ids: list[int] | None, tally: Tally) -> Tally:
    """The figures by iterating the scope's rows through the ORM and counting in Python."""
    from warmline.referrals.choices import DIGITAL_CHANNELS, Milestone, StageKind
    from warmline.referrals.models import Ask, Referral, Stage, StageChange

    first, last = tally.first, tally.last
    until = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(0), datetime.UTC)
    stages = list(Stage.objects.filter(workspace_id=workspace_id))

    def reached(milestone: str) -> set[int]:
        marker = next(s for s in stages if s.milestone == milestone)
        return {s.pk for s in stages if (s.kind == StageKind.OPEN and s.position >= marker.position)
                or s.kind == StageKind.WON}

    scheduled, held = reached(Milestone.MEETING_SCHEDULED), reached(Milestone.MEETING_HELD)
    asks = Ask.objects.filter(workspace_id=workspace_id, asked_on__gte=first, asked_on__lte=last)
    referrals = Referral.objects.filter(workspace_id=workspace_id, introduced_at__lt=until)
    changes = StageChange.objects.filter(workspace_id=workspace_id, changed_at__lt=until)
    if member_ids is not None:
        asks = asks.filter(asked_by_id__in=member_ids)
        referrals = referrals.filter(owner_id__in=member_ids)
        changes = changes.filter(referral__owner_id__in=member_ids)
    for ask in asks.only("asked_by_id", "asked_on", "target_id", "channel").iterator(chunk_size=5000):
        tally.add(ask.asked_by_id, ask.asked_on, "asks")
        if ask.target_id is not None:
            tally.add(ask.asked_by_id, ask.asked_on, "asks_specific")
        if ask.channel in DIGITAL_CHANNELS:
            tally.add(ask.asked_by_id, ask.asked_on, "asks_digital")
    owner_of = {}
    for r in referrals.only("owner_id", "introduced_at", "status", "closed_on", "value_minor",
                            "currency").iterator(chunk_size=5000):
        owner_of[r.pk] = r.owner_id
        introduced_on = r.introduced_at.date()
        tally.add(r.owner_id, introduced_on, "introductions")
        if r.status == StageKind.WON:
            tally.add(r.owner_id, introduced_on, "cohort_won")
        if r.status != StageKind.OPEN:
            tally.add(r.owner_id, introduced_on, "cohort_closed")
            if r.closed_on is not None:
                if r.status == StageKind.WON:
                    tally.add(r.owner_id, r.closed_on, "won")
                    tally.add(r.owner_id, r.closed_on, "days_to_close", (r.closed_on - introduced_on).days)
                    tally.add(r.owner_id, r.closed_on, f"won {r.currency}")
                    tally.add(r.owner_id, r.closed_on, f"revenue {r.currency}", r.value_minor or 0)
                else:
                    tally.add(r.owner_id, r.closed_on, "lost")
    first_scheduled, first_held = {}, {}
    for change in changes.only("referral_id", "to_stage_id", "changed_at").iterator(chunk_size=5000):
        for stage_ids, firsts in ((scheduled, first_scheduled), (held, first_held)):
            if change.to_stage_id in stage_ids:
                day = change.changed_at.date()
                if change.referral_id not in firsts or day < firsts[change.referral_id]:
                    firsts[change.referral_id] = day
    for field, firsts in (("meetings_scheduled", first_scheduled), ("meetings_held", first_held)):
        for referral_id, day in firsts.items():
            tally.add(owner_of[referral_id], day, field)
    return tally


# --- comparing the two ---------------------------------------------------------------------------------------


def flat(totals) -> Counter:
    """A Totals of the fast path as the naive tally counts it."""
    result = Counter({f: getattr(totals, f) for f in FIELDS})
    for currency, (won, value) in totals.revenue.items():
        result[f"won {currency}"], result[f"revenue {currency}"] = won, value
    return +result


def compare(label: str, fast: Counter, slow: Counter, problems: list) -> int:
    fast, slow = +Counter(fast), +Counter(slow)
    differing = sorted(k for k in set(fast) | set(slow) if fast[k] != slow[k])
    if differing:
        problems.append({"where": label, "fields": {k: {"fast": fast[k], "naive": slow[k]} for k in differing},
                         "key_fields": [k for k in differing if k in KEY_FIELDS]})
    return 1


def check_view(label: str, scope, period, weeks, tally: Tally, problems: list) -> int:
    """Compare a naive tally with metrics.totals, and per_member / per_week when the tally has them."""
    from warmline.insights import metrics

    compared = compare(f"{label} total", flat(metrics.totals(scope, period)), tally.total, problems)
    if tally.by_member:
        fast = {pk: flat(t) for pk, t in metrics.per_member(scope, period).items()}
        for pk in set(fast) | set(tally.members):
            compared += compare(f"{label} rep {pk}", fast.get(pk, Counter()), tally.members.get(pk, Counter()),
                                problems)
    if weeks:
        for monday, t in metrics.per_week(scope, weeks[0], TREND_WEEKS).items():
            compared += compare(f"{label} week of {monday}", flat(t), tally.weeks.get(monday, Counter()), problems)
    return compared


# --- measuring ------------------------------------------------------------------------------------------------


def timed(fn, items: list, repeats: int, warmup: int = WARMUP) -> list[float]:
    for i in range(warmup):
        fn(items[i % len(items)])
    samples = []
    for i in range(repeats):
        item = items[i % len(items)]
        started = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - started)
    return samples


def explain(sql: str, params) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            rows = cursor.fetchall()
    except Exception as exc:
        return f"(no plan: {exc})"
    if connection.vendor == "sqlite":
        return "\n".join(f"{row[1]:>3} {row[3]}" for row in rows)
    return "\n".join(row[0] for row in rows)


def profile(fn, item) -> dict:
    """One more run with its queries timed: how many, their time, the slowest with its plan."""
    from django.db import connection

    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, params))

    with connection.execute_wrapper(record):
        fn(item)
    queries.sort(key=lambda q: -q[0])
    slowest = [{"ms": round(ms, 2), "sql": sql[:1500], "params": [str(p) for p in (params or [])][:20]}
               for ms, sql, params in queries[:3]]
    top = queries[0] if queries else None
    plan = explain(top[1], top[2]) if top and top[1].lstrip().upper().startswith("SELECT") else ""
    return {"queries": len(queries), "sql_ms": round(sum(ms for ms, _, _ in queries), 1), "slowest": slowest,
            "slowest_plan": plan}


def http_paths() -> tuple[str | None, str | None]:
    """The dashboard's and the metrics endpoint's paths, when they exist."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    try:
        dashboard = reverse("insights:dashboard")
    except NoReverseMatch:
        dashboard = None
    api = None
    for path in API_PATHS:
        try:
            if "insights" in resolve(path).route:
                api = path
                break
        except Resolver404:
            continue
    return dashboard, api


def measure(url: str, args: argparse.Namespace) -> dict:
    setup_django(url)
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    # The manifest exists only after collectstatic: pages find the static files directly, as in the tests.
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()

    from warmline.core import services as core_services
    from warmline.core.middleware import SESSION_KEY
    from warmline.core.models import Membership, Team
    from warmline.insights import metrics
    from warmline.insights.metrics import Period, Scope

    state = read_state(url)
    ws = state["workspace"]
    anchor = datetime.date.fromisoformat(state["anchor"])
    week_day = anchor if anchor.weekday() == 6 else anchor - datetime.timedelta(days=anchor.weekday() + 1)
    week, quarter = Period.week(week_day), Period.quarter(anchor)
    trend_from = week.start - datetime.timedelta(weeks=TREND_WEEKS - 1)
    quarter_trend_from = Period.week(min(quarter.end, anchor)).start - datetime.timedelta(weeks=TREND_WEEKS - 1)
    teams = list(Team.objects.filter(workspace_id=ws).select_related("manager__user").order_by("name"))
    members_of = {t.pk: sorted(t.team_members.values_list("membership_id", flat=True)) for t in teams}
    admin = Membership.objects.select_related("user").get(workspace_id=ws, role="admin")
    # One rep of each team, a different place in the team each time.
    reps = [Membership.objects.select_related("user", "workspace").get(pk=members_of[t.pk][i % len(members_of[t.pk])])
            for i, t in enumerate(teams)]
    team_of_rep = {pk: t for t in teams for pk in members_of[t.pk]}

    def client_for(membership, **headers) -> Client:
        client = Client(HTTP_HOST="localhost", **headers)
        client.force_login(membership.user, backend="warmline.core.backends.EmailBackend")
        session = client.session
        session[SESSION_KEY] = membership.workspace_id
        session.save()
        return client

    dashboard_path, api_path = http_paths()
    notes: dict[str, str] = {}

    # The fast paths: the page or endpoint when it exists, else the service calls it is made of.
    def dashboard_services(team) -> None:
        scope = Scope.of_team(team)
        metrics.values(scope, week)
        metrics.per_member(scope, week)
        metrics.per_week(scope, trend_from, TREND_WEEKS)
        metrics.values(Scope.of_workspace(ws), quarter)

    def workspace_services(_) -> None:
        scope = Scope.of_workspace(ws)
        metrics.values(scope, quarter)
        metrics.per_member(scope, quarter)
        metrics.per_week(scope, quarter_trend_from, TREND_WEEKS)

    def rep_services(rep) -> None:
        metrics.values(Scope.of_rep(rep), quarter)

    def http(name: str, get, items: list, fallback) -> tuple:
        """The GET when it answers 200 for every item; otherwise the services, with the reason noted."""
        for item in items:
            response = get(item)
            if response.status_code != 200:
                notes[name] = (f"HTTP {response.status_code} from {response.request['PATH_INFO']}: "
                               f"{response.content[:200]!r}; measured the service calls instead")
                log(f"  {name}: {notes[name]}")
                return "service", fallback
        return "http", get

    views = {}
    if dashboard_path:
        managers = {t.pk: client_for(t.manager) for t in teams}
        admin_client = client_for(admin)
        views["dashboard"] = http(
            "dashboard", lambda t: managers[t.pk].get(dashboard_path, {"scope": f"team:{t.public_id}",
                                                                        "period": "week", "on": week_day}),
            teams, dashboard_services)
        views["workspace"] = http(
            "workspace", lambda _: admin_client.get(dashboard_path, {"scope": "workspace", "period": "quarter",
                                                                     "on": anchor}), [None], workspace_services)
    else:
        views["dashboard"], views["workspace"] = ("service", dashboard_services), ("service", workspace_services)
    if api_path:
        tokens = {t.pk: core_services.create_api_token(t.manager, "bench").secret for t in teams}
        bearers = {t.pk: Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {tokens[t.pk]}") for t in teams}
        views["rep_metrics"] = http(
            "rep_metrics", lambda m: bearers[team_of_rep[m.pk].pk].get(api_path, {"scope": f"rep:{m.public_id}",
                                                                                   "period": "quarter", "on": anchor}),
            reps, rep_services)
    else:
        views["rep_metrics"] = ("service", rep_services)

    # The naive approach, over the same scopes.
    def dashboard_naive(team):
        trend = naive(ws, members_of[team.pk], Tally(week.start, week.end, by_member=True,
                                                     weeks=(trend_from, week.end)))
        # The service calls add the workspace's quarter; the page does not show it.
        return trend, (naive(ws, None, Tally(quarter.start, quarter.end)) if views["dashboard"][0] == "service"
                       else None)

    def workspace_naive(_):
        return naive(ws, None, Tally(quarter.start, quarter.end, by_member=True,
                                     weeks=(quarter_trend_from, quarter_trend_from + datetime.timedelta(
                                         weeks=TREND_WEEKS, days=-1))))

    def rep_naive(rep):
        return naive(ws, [rep.pk], Tally(quarter.start, quarter.end))

    described = {
        "dashboard": (f"GET {dashboard_path}?scope=team:<team>&period=week&on={week_day} as the team's manager"
                      if views["dashboard"][0] == "http" else
                      "services: values(team, week), per_member(team, week), per_week(team, 12 weeks), "
                      "values(workspace, quarter)"),
        "workspace": (f"GET {dashboard_path}?scope=workspace&period=quarter&on={anchor} as the admin"
                      if views["workspace"][0] == "http" else
                      "services: values(workspace, quarter), per_member(workspace, quarter), "
                      "per_week(workspace, 12 weeks)"),
        "rep_metrics": (f"GET {api_path}?scope=rep:<membership>&period=quarter&on={anchor} with the manager's "
                        "bearer token" if views["rep_metrics"][0] == "http" else
                        "services: values(rep, quarter)"),
    }
    fallbacks = {"dashboard": dashboard_services, "workspace": workspace_services, "rep_metrics": rep_services}
    naive_fns = {"dashboard": (dashboard_naive, teams), "workspace": (workspace_naive, [None]),
                 "rep_metrics": (rep_naive, reps)}
    fast_items = {"dashboard": teams, "workspace": [None], "rep_metrics": reps}
    results, problems, compared = {}, [], 0
    for name in ("dashboard", "workspace", "rep_metrics"):
        mode, fn = views[name]
        log(f"  {name} ({mode}): {args.repeats} runs after {WARMUP} warm-up…")
        fast = percentiles(timed(fn, fast_items[name], args.repeats))
        queries = profile(fn, fast_items[name][0])
        services = None
        if mode == "http":
            # The service calls alone, without the request, the access checks and the rendering.
            services = percentiles(timed(fallbacks[name], fast_items[name], args.repeats))
        slow_fn, slow_items = naive_fns[name]
        log(f"  {name}, naive: {args.naive_repeats} runs…")
        outputs = []

        def keep(item, slow_fn=slow_fn, outputs=outputs):
            outputs.append((item, slow_fn(item)))

        slow = percentiles(timed(keep, slow_items, args.naive_repeats, warmup=0))
        for item, output in outputs[:3]:
            if name == "dashboard":
                trend, whole = output
                compared += check_view(f"dashboard {item.name} week", Scope.of_team(item), week,
                                       (trend_from, week.end), trend, problems)
                if whole is not None:
                    compared += check_view("dashboard workspace quarter", Scope.of_workspace(ws), quarter, None,
                                           whole, problems)
            elif name == "workspace":
                compared += check_view("workspace quarter", Scope.of_workspace(ws), quarter,
                                       (quarter_trend_from,), output, problems)
            else:
                compared += check_view(f"rep {item.pk} quarter", Scope.of_rep(item), quarter, None, output,
                                       problems)
        sample = outputs[0][1][0] if name == "dashboard" else outputs[0][1]
        results[name] = {
            "mode": mode, "request": described[name], "note": notes.get(name, ""), "fast": fast, "naive": slow,
            "services_alone": services,
            "ratio_p50": round(slow["p50_ms"] / fast["p50_ms"], 1),
            "ratio_mean": round(slow["mean_ms"] / fast["mean_ms"], 1),
            "target_p95_ms": TARGET_P95_MS, "meets_target": fast["p95_ms"] <= TARGET_P95_MS, **queries,
            "figures_of_first_scope": {k: sample.total[k] for k in KEY_FIELDS},
        }
    return {"measurements": results, "checks": {"compared": compared, "mismatches": problems},
            "week": [week.start.isoformat(), week.end.isoformat()],
            "quarter": [quarter.start.isoformat(), quarter.end.isoformat()]}


# --- running it --------------------------------------------------------------------------------------------


def child(kind: str, url: str, args: argparse.Namespace, base_url: str | None = None) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--url", url, "--scale", str(args.scale), "--repeats",
               str(args.repeats), "--naive-repeats", str(args.naive_repeats)]
    if args.fresh:
        command.append("--fresh")
    env = {**os.environ, "WARMLINE_BENCH_BASE_URL": base_url or ""}
    # Progress goes to stderr, straight to the terminal; the answer is the last line of stdout.
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=HERE.parent, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed on {url}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def report(engine: str, r: dict) -> None:
    g, b = r["generation"], r.get("rebuild")
    rows = g["rows"]
    print(f"{engine}: workspace of {rows['referrals']:,} referrals, {rows['stage_changes']:,} stage changes, "
          f"{rows['asks']:,} asks, {rows['people']:,} people: generated in {g['generation_seconds']:,} s"
          + (f" (cached, generated on {g['generated_on']})" if g["cached"] else ""))
    if b:
        print(f"{engine}: rollups.rebuild: {b['referrals']:,} referrals → {b['facts']:,} facts, "
              f"{b['daily_stats']:,} daily rows in {b['seconds']:,} s (then ANALYZE in {b['analyze_seconds']} s)")
    labels = {"dashboard": "manager dashboard (team, week)", "workspace": "workspace-wide view (admin, quarter)",
              "rep_metrics": "per-rep metrics (quarter)"}
    for name, m in r["measurements"].items():
        f, s = m["fast"], m["naive"]
        verdict = "" if m["meets_target"] else "  ← p95 over the target"
        print(f"{engine}: {labels[name]}, {m['mode']}: p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms "
              f"(target ≤ {TARGET_P95_MS} ms); {m['queries']} queries{verdict}")
        print(f"{engine}:   naive ORM iteration: p50 {s['p50_ms']:,} ms over {s['n']} runs: "
              f"{m['ratio_p50']:,}× faster at the median ({m['ratio_mean']:,}× on average)")
        print(f"{engine}:   measured: {m['request']}")
        if m["services_alone"]:
            a = m["services_alone"]
            print(f"{engine}:   of which the service calls alone (no request, rendering): p50 {a['p50_ms']} ms, "
                  f"p95 {a['p95_ms']} ms; SQL {m['sql_ms']} ms of one request")
        if m["note"]:
            print(f"{engine}:   note: {m['note']}")
        if not m["meets_target"]:
            top = m["slowest"][0] if m["slowest"] else None
            if top:
                print(f"{engine}:   slowest query ({top['ms']} ms): {top['sql'][:400]}")
                print("\n".join(f"{engine}:     {line}" for line in m["slowest_plan"].splitlines()[:25]))
    checks = r["checks"]
    if checks["mismatches"]:
        print(f"{engine}: MISMATCH between the fast figures and the naive ones in {len(checks['mismatches'])} of "
              f"{checks['compared']} comparisons:")
        for p in checks["mismatches"][:10]:
            print(f"{engine}:   {p['where']}: {p['fields']}")
    else:
        print(f"{engine}: the naive figures equal the fast ones in all {checks['compared']} comparisons "
              f"({', '.join(FIELDS)}, revenue per currency)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="Rows relative to the issue's workload (default 1).")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repeats", type=int, default=30, help="Timed runs of each fast measurement (default 30).")
    parser.add_argument("--naive-repeats", type=int, default=3, help="Timed runs of each naive one (default 3).")
    parser.add_argument("--fresh", action="store_true", help="Generate the workspace again even if cached.")
    parser.add_argument("--skip-rebuild", action="store_true",
                        help="Keep the cached rollups (only when the insights code has not changed).")
    parser.add_argument("--child")
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        run = {"generate": generate, "rebuild": rebuild, "measure": measure}[args.child]
        print(json.dumps(run(args.url, args), default=str))
        return

    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    pg_url = (os.environ.get("WARMLINE_BENCH_POSTGRES_URL") or os.environ.get("WARMLINE_TEST_POSTGRES_URL")
              or DEFAULT_POSTGRES_URL)
    engines = ["sqlite", "postgresql"] if args.db == "both" else ["postgresql" if args.db == "postgres" else "sqlite"]
    results = {
        "benchmark": "insights",
        "workload": "one workspace: 200 reps in 20 teams with managers, 300,000 people, 2,000,000 asks, 1,000,000 "
                    f"referrals, 5,000,000 stage changes over three years, × scale {args.scale:g}",
        "baseline": "the same figures by ORM iteration over the scope's rows (asks, referrals, stage changes) in Python",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "targets": {"p95_ms": TARGET_P95_MS},
        "scale": args.scale,
        "databases": {},
    }
    failed = False
    for engine in engines:
        if engine == "postgresql":
            why = postgres_reachable(pg_url)
            if why:
                print(f"postgresql: skipped, not reachable at {pg_url} ({why}); SQLite alone "
                      "(set WARMLINE_BENCH_POSTGRES_URL)")
                results["databases"]["postgresql"] = {"skipped": why}
                continue
        url = database_url(engine, args.scale, pg_url)
        print(f"{engine}: the workspace at scale {args.scale:g} in {url.rsplit('/', 1)[-1]}…", flush=True)
        generated = child("generate", url, args, pg_url)
        state = {"generation": generated}
        if args.skip_rebuild and generated.get("rebuilt"):
            state["rebuild"] = {**generated["rebuild"], "cached": True}
        else:
            print(f"{engine}: rollups.rebuild…", flush=True)
            state["rebuild"] = child("rebuild", url, args)
        print(f"{engine}: measuring…", flush=True)
        state.update(child("measure", url, args))
        results["databases"][engine] = state
        report(engine, state)
        failed |= bool(state["checks"]["mismatches"])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "insights.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"Wrote {RESULTS / 'insights.json'}")
    if failed:
        raise SystemExit("the fast figures and the naive ones differ: see MISMATCH above")


if __name__ == "__main__":
    main()
