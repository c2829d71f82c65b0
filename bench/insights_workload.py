"""The synthetic workspace of bench_insights.py: a sales organisation and three years of referral selling.

At scale 1 (the issue's figures): one workspace, 200 reps in 20 teams with their managers (TeamMember and
TeamSpell rows, joined_on NULL), 20 colleagues outside sales, an admin; 300,000 people at 20,000 companies;
2,000,000 asks over three years; 1,000,000 referrals, 85 % from an ask; exactly 5,000,000 stage changes; one
credit per referral, 100 % to its source. `--scale` multiplies the rows, never the organisation.

The pipeline is the workspace's default one (created by the Workspace post_save signal, as for any new workspace).
Per referral, by its age: won (≈ 20 %, through every open stage), lost or disqualified (≈ 45 %, from any stage),
still open (≈ 35 %, at any stage; most recent ones are open); 4 % of the older closed ones reopened (six in ten
of them closed again); then, to reach five stage changes per referral, moves back one stage and forward again
spread over the referrals past the first stage. Won deals have a value, mostly USD, some EUR; activity has
weekly rhythm (little at weekends) and grows over the three years; reps differ (log-normal activity); sources
are heavy-tailed, 5 % of them colleagues; a quarter of the asks carry a warm path starting at a colleague.

The rows are planned with numpy (seeded, so every database gets the same workspace), then written with raw
executemany on SQLite and COPY on PostgreSQL, with the tables' secondary indexes dropped during the load and
rebuilt after it, and foreign-key checks off (the rows are consistent by construction). The organisation itself
(users, memberships, teams, spells, employees' people, goals) goes through the ORM: weekly goals for asks,
introductions and meetings for each team and rep, quarterly goals for new clients and revenue for the workspace,
raised every year.
"""

from __future__ import annotations

import datetime
import json
import sys
import time

import numpy as np

# Bump when the generated rows change: a cached database of another version is generated again.
GENERATOR = 2
SEED = 20_261_201
REPS, TEAMS, COLLEAGUES = 200, 20, 20
FULL = {"people": 300_000, "asks": 2_000_000, "referrals": 1_000_000, "stage_changes": 5_000_000}
SPAN_DAYS = 3 * 365 + 1
CHUNK = 100_000

# Stage indexes in the default pipeline (referrals.choices.DEFAULT_STAGES, by position).
INTRODUCED, CONTACTED, SCHEDULED, HELD, PROPOSAL, WON, LOST, DISQUALIFIED = range(8)
OPEN, W, L = 0, 1, 2  # outcomes
CHANNELS = ["in_person", "phone", "video", "email", "social"]
CHANNEL_MIX = [0.25, 0.30, 0.20, 0.15, 0.10]
RELATIONS = ["", "prospect", "client", "former_client", "partner", "vendor"]
RELATION_MIX = [0.83, 0.05, 0.06, 0.02, 0.03, 0.01]
LOST_REASONS = ["No budget this year", "Chose a competitor", "No reply after the meeting", "Not a fit",
                "Project cancelled"]
FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
         "Joseph Jessica Thomas Sarah Charles Karen Priya Wei Aisha Mateo Sofia Lukas Amara Hiroshi Ingrid "
         "Kwame").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Lee Perez Thompson White "
        "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Nguyen Patel Mueller "
        "Rossi Tanaka").split()
TITLES = ["CFO", "VP Finance", "Controller", "Head of Operations", "COO", "Procurement Lead", "CEO", "CTO"]


def sizes(scale: float) -> dict:
    n = {k: max(int(round(v * scale)), 1) for k, v in FULL.items()}
    n["people"] = max(n["people"], 2_000)
    n["companies"] = max(n["people"] // 15, 20)
    n["referrals"] = max(n["referrals"], 100)
    n["asks"] = max(n["asks"], 2 * n["referrals"])
    n["stage_changes"] = 5 * n["referrals"]
    return n


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the organisation, through the ORM ---------------------------------------------------------------------


def create_organisation(anchor: datetime.date) -> dict:
    from django.contrib.auth.hashers import make_password

    from warmline.core.choices import Role
    from warmline.core.models import Membership, Team, TeamMember, TeamSpell, User
    from warmline.core.services import create_workspace
    from warmline.network.models import Person
    from warmline.referrals.models import Stage

    workspace = create_workspace("Insights Bench", slug="insights-bench")
    password = make_password(None)
    people = ([("admin", "Ada Admin", Role.ADMIN)]
              + [(f"manager{t:02d}", f"Manager {t:02d}", Role.MANAGER) for t in range(TEAMS)]
              + [(f"rep{r:03d}", f"Rep {r:03d}", Role.REP) for r in range(REPS)]
              + [(f"colleague{c:02d}", f"Colleague {c:02d}", Role.REP) for c in range(COLLEAGUES)])
    users = User.objects.bulk_create(User(email=f"{handle}@insights-bench.example", full_name=name, password=password)
                                     for handle, name, _ in people)
    members = Membership.objects.bulk_create(Membership(workspace=workspace, user=u, role=role)
                                             for u, (_, _, role) in zip(users, people, strict=True))
    admin, managers = members[0], members[1:1 + TEAMS]
    reps, colleagues = members[1 + TEAMS:1 + TEAMS + REPS], members[1 + TEAMS + REPS:]
    teams = Team.objects.bulk_create(Team(workspace=workspace, name=f"Team {t + 1:02d}", manager=managers[t])
                                     for t in range(TEAMS))
    per_team = REPS // TEAMS
    TeamMember.objects.bulk_create(TeamMember(workspace=workspace, team=teams[i // per_team], membership=rep)
                                   for i, rep in enumerate(reps))
    TeamSpell.objects.bulk_create(TeamSpell(workspace=workspace, team=teams[i // per_team], membership=rep)
                                  for i, rep in enumerate(reps))
    employees = Person.objects.bulk_create(
        Person(workspace=workspace, first_name=m.user.full_name.split()[0], last_name=m.user.full_name.split()[1],
               full_name=m.user.full_name, name_key=m.user.full_name.lower(), membership=m, created_via="import")
        for m in members)
    # Goals, set at the start and raised every year: weekly for each team and rep, quarterly for the workspace.
    from warmline.insights.models import Goal

    first = anchor - datetime.timedelta(days=SPAN_DAYS - 1)
    goals = []
    for year in range(4):
        week = first + datetime.timedelta(weeks=52 * year)
        week -= datetime.timedelta(days=week.weekday())
        quarter = datetime.date(week.year, 3 * ((week.month - 1) // 3) + 1, 1)
        if week > anchor:
            break
        raise_by = 1 + 0.1 * year
        for t, team in enumerate(teams):
            for metric, target in (("asks", 600), ("introductions", 300), ("meetings", 120)):
                goals.append(Goal(workspace=workspace, metric=metric, period="week", team=team,
                                  target=int(target * raise_by), starts_on=week, created_by=managers[t].user))
        for i, rep in enumerate(reps):
            for metric, target in (("asks", 60), ("introductions", 30), ("meetings", 12)):
                goals.append(Goal(workspace=workspace, metric=metric, period="week", membership=rep,
                                  target=int(target * raise_by), starts_on=week,
                                  created_by=managers[i // per_team].user))
        goals.append(Goal(workspace=workspace, metric="new_clients", period="quarter", target=int(16_000 * raise_by),
                          starts_on=quarter, created_by=admin.user))
        goals.append(Goal(workspace=workspace, metric="revenue", period="quarter", currency="USD",
                          target=int(600_000_000_000 * raise_by), starts_on=quarter, created_by=admin.user))
    Goal.objects.bulk_create(goals)
    stages = list(Stage.objects.filter(workspace=workspace).order_by("position").values_list("pk", "kind", "name"))
    assert [s[1] for s in stages] == ["open"] * 5 + ["won", "lost", "lost"], stages
    return {
        "workspace": workspace.pk, "admin": admin.pk, "managers": [m.pk for m in managers],
        "reps": [m.pk for m in reps], "colleagues": [m.pk for m in colleagues], "teams": [t.pk for t in teams],
        "colleague_people": [p.pk for p in employees[1 + TEAMS + REPS:]], "stages": [s[0] for s in stages],
    }


# --- the plan, in numpy ------------------------------------------------------------------------------------


def _templates():
    """Every stage path a referral may take, keyed by (depth, back-and-forth pairs, outcome, close stage,
    reopened, closed again, final move back): (to-stages, reopened flags, position of first contact or -1)."""
    cache: dict[tuple, tuple] = {}

    def path(depth, pairs, outcome, close, reopen, reclose, back):
        key = (depth, pairs, outcome, close, reopen, reclose, back)
        if key not in cache:
            seq = list(range(depth + 1))
            for _ in range(pairs):
                seq += [depth - 1, depth]
            flags = [False] * len(seq)
            if outcome != OPEN:
                seq.append(close)
                flags.append(False)
                if reopen:
                    seq.append(depth)
                    flags.append(True)
                    if reclose:
                        seq.append(close)
                        flags.append(False)
            if back:
                seq.append(depth - 1)
                flags.append(False)
            contact = next((i for i, s in enumerate(seq) if CONTACTED <= s <= WON), -1)
            cache[key] = (np.array(seq, dtype=np.int8), np.array(flags), contact)
        return cache[key]

    return path


def plan(n: dict, org: dict, anchor: datetime.date) -> dict:
    rng = np.random.default_rng(SEED)
    epoch = datetime.date(1970, 1, 1)
    first_day = (anchor - epoch).days - SPAN_DAYS + 1
    days = np.arange(SPAN_DAYS)
    weekday = (first_day + days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    weight = np.where(weekday >= 5, 0.12, 1.0) * np.linspace(0.7, 1.3, SPAN_DAYS)
    p_day = weight / weight.sum()
    rep_weight = rng.lognormal(0, 0.4, REPS)
    rep_weight /= rep_weight.sum()
    P, C, A, R = n["people"], n["companies"], n["asks"], n["referrals"]

    # People and companies.
    company = (C * rng.random(P) ** 2).astype(np.int64)
    company[rng.random(P) < 0.1] = -1
    relation = rng.choice(len(RELATIONS), C, p=RELATION_MIX)
    source_pool = max(int(P * 0.4), 10)
    source_weight = rng.pareto(1.3, source_pool) + 1
    source_weight /= source_weight.sum()
    colleague_people = np.array(org["colleague_people"], dtype=np.int64)

    def sources(count: int) -> np.ndarray:
        """Person indexes; an employee source is coded as -1 - (its index among the colleagues)."""
        picked = rng.choice(source_pool, count, p=source_weight)
        employee = rng.random(count) < 0.05
        picked[employee] = -1 - rng.integers(0, len(colleague_people), int(employee.sum()))
        return picked

    def prospects(count: int, source: np.ndarray) -> np.ndarray:
        chosen = rng.integers(0, P, count)
        return np.where(chosen == source, (chosen + 1) % P, chosen)

    # Asks, in date order.
    ask_day = np.sort(rng.choice(SPAN_DAYS, A, p=p_day))
    asked_by = rng.choice(REPS, A, p=rep_weight)
    ask_source = sources(A)
    specific = rng.random(A) < 0.7
    ask_target = np.where(specific, prospects(A, ask_source), -1)
    channel = rng.choice(len(CHANNELS), A, p=CHANNEL_MIX)
    with_path = (rng.random(A) < 0.25) & (ask_source >= 0)
    path_start = rng.integers(0, len(colleague_people), A)

    # Referrals: 85 % from an ask, introduced days to weeks after it; the rest unasked.
    from_ask = min(int(R * 0.85), A)
    chosen = np.sort(rng.choice(A, from_ask, replace=False))
    day_a = np.minimum(ask_day[chosen] + rng.geometric(1 / 6, from_ask) - 1, SPAN_DAYS - 1)
    unasked = R - from_ask
    day_u = rng.choice(SPAN_DAYS, unasked, p=p_day)
    source_u = sources(unasked)
    ask_of = np.concatenate([chosen, np.full(unasked, -1)])
    day = np.concatenate([day_a, day_u])
    owner = np.concatenate([asked_by[chosen], rng.choice(REPS, unasked, p=rep_weight)])
    source = np.concatenate([ask_source[chosen], source_u])
    target = ask_target[chosen]
    prospect = np.concatenate([np.where(target >= 0, target, prospects(from_ask, ask_source[chosen])),
                               prospects(unasked, source_u)])
    t0 = (first_day + day) * 86_400 + rng.integers(8 * 3600, 18 * 3600, R)
    order = np.argsort(t0, kind="stable")
    ask_of, day, owner, source, prospect, t0 = (a[order] for a in (ask_of, day, owner, source, prospect, t0))
    verbal = rng.random(R) < 0.3

    # Outcomes by age: recent introductions are mostly still open.
    age = SPAN_DAYS - 1 - day
    mix = np.where(age[:, None] > 90, [0.22, 0.52, 0.26],
                   np.where(age[:, None] > 30, [0.15, 0.30, 0.55], [0.04, 0.10, 0.86]))
    u = rng.random(R)
    outcome = np.where(u < mix[:, 0], W, np.where(u < mix[:, 0] + mix[:, 1], L, OPEN))
    depth = np.where(outcome == W, PROPOSAL, np.where(
        outcome == L, rng.choice(5, R, p=[0.05, 0.15, 0.3, 0.3, 0.2]), rng.choice(5, R, p=[0.15, 0.2, 0.25, 0.2, 0.2])))
    close = np.where(outcome == W, WON, np.where(rng.random(R) < 0.75, LOST, DISQUALIFIED))
    reopen = (outcome != OPEN) & (age > 60) & (rng.random(R) < 0.04)
    reclose = reopen & (rng.random(R) < 0.6)
    base = 1 + depth + (outcome != OPEN) + reopen + reclose
    missing = n["stage_changes"] - int(base.sum())
    if missing < 0:
        raise SystemExit(f"the plan has {-missing} stage changes too many")
    eligible = np.flatnonzero(depth >= 1)
    pairs = np.bincount(rng.choice(eligible, missing // 2), minlength=R)
    back = np.zeros(R, dtype=bool)
    if missing % 2:
        back[rng.choice(np.flatnonzero((depth >= 1) & (outcome == OPEN)))] = True

    path = _templates()
    stages, flags, contact_at, lengths = [], [], np.empty(R, dtype=np.int64), np.empty(R, dtype=np.int64)
    for i, key in enumerate(zip(depth.tolist(), pairs.tolist(), outcome.tolist(), close.tolist(), reopen.tolist(),
                                reclose.tolist(), back.tolist(), strict=True)):
        seq, flag, contact = path(*key)
        stages.append(seq)
        flags.append(flag)
        contact_at[i], lengths[i] = contact, len(seq)
    to_stage = np.concatenate(stages)
    reopened = np.concatenate(flags)
    assert len(to_stage) == n["stage_changes"]

    # Times: gaps of hours to weeks, squeezed into the days left before the anchor's end when they overrun.
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    referral_of = np.repeat(np.arange(R), lengths)
    position = np.arange(len(to_stage)) - starts[referral_of]
    gaps = rng.exponential(6 * 86_400, len(to_stage)) + 3600
    gaps[starts] = 0
    elapsed = np.cumsum(gaps)
    elapsed -= elapsed[starts][referral_of]
    total = elapsed[starts + lengths - 1]
    room = (first_day + SPAN_DAYS) * 86_400 - 120 - t0
    squeeze = np.minimum(1.0, room / np.maximum(total, 1))
    changed_at = t0[referral_of] + (elapsed * squeeze[referral_of]).astype(np.int64) + position
    last = starts + lengths - 1
    final = to_stage[last]
    status = np.where(final == WON, W, np.where(final >= LOST, L, OPEN))
    contacted = contact_at >= 0
    first_contact = np.where(contacted, changed_at[starts + np.maximum(contact_at, 0)], -1)
    value = np.where((status == W) | (rng.random(R) < 0.5),
                     (rng.lognormal(np.log(2_500_000), 0.9, R) // 100 * 100).astype(np.int64), -1)
    euro = rng.random(R) < 0.12
    # Stage changes are numbered in time order, as they are recorded.
    by_time = np.argsort(changed_at, kind="stable")
    return {
        "first_day": first_day, "company": company, "relation": relation, "ask_day": ask_day, "asked_by": asked_by,
        "ask_source": ask_source, "ask_target": ask_target, "channel": channel, "with_path": with_path,
        "path_start": path_start, "ask_of": ask_of, "referral_t0": t0, "owner": owner, "source": source,
        "prospect": prospect, "verbal": verbal, "status": status, "final": final, "entered": changed_at[last],
        "first_contact": first_contact, "value": value, "euro": euro,
        "reasons": rng.integers(0, len(LOST_REASONS), R),
        "sc_referral": referral_of[by_time], "sc_to": to_stage[by_time], "sc_at": changed_at[by_time],
        "sc_from": np.where(position > 0, to_stage[np.maximum(np.arange(len(to_stage)) - 1, 0)], -1)[by_time],
        "sc_in_from": np.where(position > 0, changed_at - changed_at[np.maximum(np.arange(len(to_stage)) - 1, 0)],
                               -1)[by_time],
        "sc_reopened": reopened[by_time],
    }


# --- writing ------------------------------------------------------------------------------------------------


class Loader:
    """Writes rows of one model: the given columns per row, every other column a constant worked out from the
    field (its default, or NULL). Raw executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, model, columns: list[str], now: str, **constants):
        from django.db import connection, models

        self.model, self.connection = model, connection
        self.pg = connection.vendor == "postgresql"
        fixed = {}
        for f in model._meta.concrete_fields:
            if f.attname in columns:
                continue
            if f.attname in constants:
                fixed[f.attname] = constants[f.attname]
            elif f.attname in ("created_at", "updated_at"):
                fixed[f.attname] = now
            elif f.attname == "created_via":
                fixed[f.attname] = "import"
            elif f.null:
                fixed[f.attname] = None
            else:
                # The field's default, or '' for a string field without one.
                default = f.get_default()
                if f.unique or default is None:
                    raise ValueError(f"{model.__name__}.{f.attname} needs a value per row")
                fixed[f.attname] = json.dumps(default) if isinstance(f, models.JSONField) else default
        self.columns = [*columns, *fixed]
        self.constants = tuple(fixed.values())
        self.names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in self.columns)

    def write(self, rows) -> int:
        table = self.model._meta.db_table
        count = 0
        with self.connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f'COPY "{table}" ({self.names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row + self.constants)
                        count += 1
                return count
            sql = f'INSERT INTO "{table}" ({self.names}) VALUES ({", ".join(["%s"] * len(self.columns))})'
            batch = []
            for row in rows:
                batch.append(row + self.constants)
                if len(batch) >= CHUNK:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


def stamps(seconds: np.ndarray, pg: bool) -> list:
    """Epoch seconds as the database's datetime text (negative: NULL)."""
    text = np.char.replace(np.datetime_as_string(np.maximum(seconds, 0).astype("datetime64[s]"), unit="s"), "T", " ")
    if pg:
        text = np.char.add(text, "+00")
    return [None if s < 0 else t for s, t in zip(seconds.tolist(), text.tolist(), strict=True)]


def dates(epoch_days: np.ndarray) -> list:
    text = np.datetime_as_string(np.maximum(epoch_days, 0).astype("datetime64[D]"))
    return [None if d < 0 else t for d, t in zip(epoch_days.tolist(), text.tolist(), strict=True)]


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that back no constraint: dropped for the load, rebuilt after."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = "
                "x.indexrelid WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)", [table])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL", [table])
        return cursor.fetchall()


def _timed(label: str, fn, *args) -> int:
    started = time.perf_counter()
    count = fn(*args)
    log(f"  {label}: {count:,} rows in {time.perf_counter() - started:.1f} s")
    return count


def write(n: dict, org: dict, anchor: datetime.date) -> dict:
    """Plan the workspace's rows and write them; returns the row counts."""
    from django.db import connection, transaction

    from warmline.network.models import Company, Person
    from warmline.referrals.models import Ask, Credit, Referral, StageChange

    started = time.perf_counter()
    log(f"  planning {n['referrals']:,} referrals and {n['stage_changes']:,} stage changes…")
    p = plan(n, org, anchor)
    log(f"  planned in {time.perf_counter() - started:.1f} s")
    pg = connection.vendor == "postgresql"
    ws = org["workspace"]
    now = stamps(np.array([int(time.time())]), pg)[0]
    stage_ids = np.array(org["stages"], dtype=np.int64)
    reps = np.array(org["reps"], dtype=np.int64)
    colleague_people = np.array(org["colleague_people"], dtype=np.int64)
    kind = ["open", "won", "lost"]

    def next_id(model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
            return cursor.fetchone()[0] + 1

    tables = [Company, Person, Ask, Referral, StageChange, Credit]
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # no foreign-key triggers during the load
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1048576")
    dropped = {}
    with connection.cursor() as cursor:
        for model in tables:
            dropped[model] = _secondary_indexes(model._meta.db_table)
            for name, _ in dropped[model]:
                cursor.execute(f'DROP INDEX "{name}"')

    counts = {}
    with transaction.atomic():
        company_base = next_id(Company)
        relation = p["relation"].tolist()
        counts["companies"] = _timed("companies", Loader(Company, ["id", "workspace_id", "public_id", "name", "name_key",
                                                                    "relation"], now).write,
                                     ((company_base + k, ws, f"bc{k:020d}", f"Company {k}", f"company {k}",
                                       RELATIONS[relation[k]]) for k in range(n["companies"])))
        person_base = next_id(Person)
        company_of = np.where(p["company"] >= 0, p["company"] + company_base, -1)
        company = company_of.tolist()

        def people():
            for i in range(n["people"]):
                first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
                full = f"{first} {last}"
                yield (person_base + i, ws, f"bp{i:020d}", first, last, full, full.lower(), f"{first[0]}{last}".lower(),
                       TITLES[i % len(TITLES)], company[i] if company[i] >= 0 else None)

        counts["people"] = _timed("people", Loader(Person, ["id", "workspace_id", "public_id", "first_name", "last_name",
                                                            "full_name", "name_key", "block_key", "title",
                                                            "company_id"], now).write, people())

    def person_ids(index: np.ndarray) -> np.ndarray:
        """Pool indexes to person ids; -1 - k is the k-th colleague."""
        return np.where(index >= 0, index + person_base, colleague_people[np.maximum(-1 - index, 0)])

    ask_base = next_id(Ask)
    A = n["asks"]
    agreed = np.zeros(A, dtype=bool)
    introduced_at = np.full(A, -1, dtype=np.int64)
    has_ask = p["ask_of"] >= 0
    agreed[p["ask_of"][has_ask]] = True
    introduced_at[p["ask_of"][has_ask]] = p["referral_t0"][has_ask]
    rng = np.random.default_rng(SEED + 1)
    other = rng.choice(4, A, p=[0.4, 0.25, 0.15, 0.2])  # pending, declined, no one in mind, agreed
    outcome_names = ["pending", "declined", "no_one", "agreed"]
    ask_columns = ["id", "workspace_id", "public_id", "asked_by_id", "source_id", "target_id", "target_company_id",
                   "target_description", "channel", "asked_on", "outcome", "outcome_at", "path"]

    def asks(start: int, end: int):
        day = p["ask_day"][start:end] + p["first_day"]
        asked_on = dates(day)
        source = person_ids(p["ask_source"][start:end]).tolist()
        target_index = p["ask_target"][start:end]
        target = np.where(target_index >= 0, target_index + person_base, -1).tolist()
        target_company = np.where(target_index >= 0, company_of[np.maximum(target_index, 0)], -1).tolist()
        outcome_at = np.where(agreed[start:end], introduced_at[start:end],
                              np.where(other[start:end] == 0, -1, day * 86_400 + 2 * 86_400 + 43_200))
        outcome_at_text = stamps(outcome_at, pg)
        path = [f"[{int(colleague_people[s])}, {src}{', ' + str(t) if t >= 0 else ''}]" if w else "[]"
                for w, s, src, t in zip(p["with_path"][start:end].tolist(), p["path_start"][start:end].tolist(),
                                        source, target, strict=True)]
        asked_by = reps[p["asked_by"][start:end]].tolist()
        channel = p["channel"][start:end].tolist()
        outcome = np.where(agreed[start:end], 3, other[start:end]).tolist()
        for k in range(end - start):
            i = start + k
            yield (ask_base + i, ws, f"ba{i:020d}", asked_by[k], source[k], target[k] if target[k] >= 0 else None,
                   target_company[k] if target[k] >= 0 and target_company[k] >= 0 else None,
                   "" if target[k] >= 0 else "A finance leader at a mid-size manufacturer", CHANNELS[channel[k]],
                   asked_on[k], outcome_names[outcome[k]], outcome_at_text[k], path[k])

    referral_base = next_id(Referral)
    R = n["referrals"]
    referral_columns = ["id", "workspace_id", "public_id", "ask_id", "origin", "source_id", "earned_by_id",
                        "prospect_id", "company_id", "owner_id", "value_minor", "currency", "stage_id", "status",
                        "stage_entered_at", "introduced_at", "contact_due_at", "first_contact_at",
                        "first_contact_seconds", "closed_on", "lost_reason"]

    def referrals(start: int, end: int):
        sl = slice(start, end)
        t0 = p["referral_t0"][sl]
        source_index = p["source"][sl]
        source = person_ids(source_index).tolist()
        prospect_index = p["prospect"][sl]
        prospect = (prospect_index + person_base).tolist()
        prospect_company = company_of[prospect_index].tolist()
        owner = reps[p["owner"][sl]].tolist()
        colleague = np.where(source_index < 0, np.array(org["colleagues"])[np.maximum(-1 - source_index, 0)], -1)
        earned = np.where(colleague >= 0, colleague, reps[p["owner"][sl]]).tolist()
        ask = p["ask_of"][sl]
        ask_id = np.where(ask >= 0, ask + ask_base, -1).tolist()
        status = p["status"][sl].tolist()
        entered, introduced = stamps(p["entered"][sl], pg), stamps(t0, pg)
        due = stamps(t0 + 24 * 3600, pg)
        first_contact = p["first_contact"][sl]
        contact_text = stamps(first_contact, pg)
        contact_seconds = np.where(first_contact >= 0, first_contact - t0, -1).tolist()
        closed = dates(np.where(p["status"][sl] != OPEN, p["entered"][sl] // 86_400, -1))
        value = p["value"][sl].tolist()
        euro = p["euro"][sl].tolist()
        final = stage_ids[p["final"][sl]].tolist()
        verbal = p["verbal"][sl].tolist()
        reasons = p["reasons"][sl].tolist()
        for k in range(end - start):
            i = start + k
            yield (referral_base + i, ws, f"br{i:020d}", ask_id[k] if ask_id[k] >= 0 else None,
                   "asked" if ask_id[k] >= 0 else ("verbal" if verbal[k] else "unasked"), source[k], earned[k],
                   prospect[k], prospect_company[k] if prospect_company[k] >= 0 else None, owner[k],
                   value[k] if value[k] >= 0 else None, "EUR" if euro[k] else "USD", final[k], kind[status[k]],
                   entered[k], introduced[k], due[k], contact_text[k],
                   contact_seconds[k] if contact_seconds[k] >= 0 else None, closed[k],
                   LOST_REASONS[reasons[k]] if status[k] == L else "")

    def credits(start: int, end: int):
        source = person_ids(p["source"][start:end]).tolist()
        for k in range(end - start):
            i = start + k
            yield (referral_base + i, ws, f"bk{i:020d}", referral_base + i, source[k], 100)

    change_base = next_id(StageChange)
    change_columns = ["id", "workspace_id", "public_id", "referral_id", "from_stage_id", "to_stage_id", "actor_id",
                      "changed_at", "seconds_in_from", "reopened"]

    def changes(start: int, end: int):
        sl = slice(start, end)
        referral = p["sc_referral"][sl]
        referral_id = (referral + referral_base).tolist()
        actor = reps[p["owner"][referral]].tolist()
        from_stage = np.where(p["sc_from"][sl] >= 0, stage_ids[np.maximum(p["sc_from"][sl], 0)], -1).tolist()
        to_stage = stage_ids[p["sc_to"][sl]].tolist()
        at = stamps(p["sc_at"][sl], pg)
        in_from = p["sc_in_from"][sl].tolist()
        reopened = p["sc_reopened"][sl].tolist()
        for k in range(end - start):
            i = start + k
            yield (change_base + i, ws, f"bs{i:020d}", referral_id[k], from_stage[k] if from_stage[k] >= 0 else None,
                   to_stage[k], actor[k], at[k], in_from[k] if in_from[k] >= 0 else None, reopened[k])

    for label, model, columns, total, rows in (
            ("asks", Ask, ask_columns, A, asks), ("referrals", Referral, referral_columns, R, referrals),
            ("credits", Credit, ["id", "workspace_id", "public_id", "referral_id", "source_id", "percent"], R, credits),
            ("stage changes", StageChange, change_columns, n["stage_changes"], changes)):
        loader = Loader(model, columns, now)
        begun = time.perf_counter()
        written = 0
        step = 500_000
        for start in range(0, total, step):
            with transaction.atomic():
                written += loader.write(rows(start, min(start + step, total)))
            log(f"  {label}: {written:,} of {total:,} ({time.perf_counter() - begun:.0f} s)")
        counts[label.replace(" ", "_")] = written

    begun = time.perf_counter()
    with connection.cursor() as cursor:
        for model in tables:
            for _, create in dropped[model]:
                cursor.execute(create)
        if pg:
            cursor.execute("SET session_replication_role = DEFAULT")
            for model in tables:
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                               f'(SELECT MAX(id) FROM "{table}"))')
        else:
            cursor.execute("PRAGMA foreign_keys = ON")
    log(f"  indexes rebuilt in {time.perf_counter() - begun:.1f} s")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts
