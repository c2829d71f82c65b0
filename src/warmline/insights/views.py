"""Pages of insights: the dashboard, the leaderboards, goals, the planner, and the CSV behind every chart."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warmline.core.money import exponent
from warmline.core.views import _apply_errors
from warmline.insights import channels, forms, goals, metrics, planning, queries, services
from warmline.insights import dashboard as figures
from warmline.insights.choices import GoalMetric
from warmline.insights.deals import DealImportError, import_deals
from warmline.insights.metrics import Period, PeriodError, Scope

PERIOD_CHOICES = [("week", "Week"), ("month", "Month"), ("quarter", "Quarter"), ("year", "Year"),
                  ("custom", "Custom")]


def _clean(value: str | None, limit: int = 64) -> str:
    return (value or "").replace("\x00", "")[:limit]


def _period(request: HttpRequest, default: str = "week") -> Period:
    g = request.GET
    return Period.parse(_clean(g.get("period")) or default, _clean(g.get("on")), _clean(g.get("start")),
                        _clean(g.get("end")))


def _query(scope: Scope, period: Period, **extra) -> str:
    params = {"scope": scope.key, "period": period.kind}
    if period.kind == "custom":
        params.update(start=period.start.isoformat(), end=period.end.isoformat())
    else:
        params["on"] = period.start.isoformat()
    params.update(extra)
    return urlencode(params)


def _frame(request: HttpRequest, scope: Scope, period: Period, url_name: str) -> dict:
    """The scope and period pickers shared by the pages."""
    options = queries.scope_options(request.membership)
    return {
        "scope": scope, "period": period, "scope_options": options, "period_choices": PERIOD_CHOICES,
        "previous_url": f"{reverse(url_name)}?{_query(scope, period.shifted(-1))}",
        "next_url": f"{reverse(url_name)}?{_query(scope, period.shifted(1))}",
        "this_url": f"{reverse(url_name)}?{urlencode({'scope': scope.key, 'period': period.kind})}"
        if period.kind != "custom" else "",
        "is_current": period.start <= timezone.localdate() <= period.end,
        "query": _query(scope, period),
        "can_set_goals": queries.can_set_goals(request.membership),
    }


def _bad_request(request: HttpRequest, exc: PeriodError, template: str) -> HttpResponse:
    context = {"error_field": exc.field, "error": str(exc), "scope_options": queries.scope_options(request.membership),
               "period_choices": PERIOD_CHOICES}
    return render(request, template, context, status=400)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    m = request.membership
    scope = queries.access_scope(m, _clean(request.GET.get("scope")))
    try:
        period = _period(request)
    except PeriodError as exc:
        return _bad_request(request, exc, "insights/dashboard.html")
    context = _frame(request, scope, period, "insights:home")
    context.update(figures.build(m, scope, period))
    context["currency"] = m.workspace.currency
    return render(request, "insights/dashboard.html", context)


@require_GET
def leaderboards(request: HttpRequest) -> HttpResponse:
    m = request.membership
    key = _clean(request.GET.get("scope")) or "workspace"
    if key.startswith("rep:"):
        key = "workspace"  # boards rank reps: a board is the workspace's or a team's
    scope = queries.access_scope(m, key)
    try:
        period = _period(request, "month")
    except PeriodError as exc:
        return _bad_request(request, exc, "insights/leaderboards.html")
    context = _frame(request, scope, period, "insights:leaderboards")
    context["scope_options"] = [o for o in context["scope_options"] if not o.key.startswith("rep:")]
    context["boards"] = figures.leaderboards(m, scope, period)
    context["currency"] = m.workspace.currency
    return render(request, "insights/leaderboards.html", context)


def _goal_scopes(viewer) -> list[tuple[str, str]]:
    options = []
    if viewer.role == "admin":
        options.append(("workspace", "Whole workspace"))
    for team in queries.visible_teams(viewer):
        if viewer.role == "admin" or team.manager_id == viewer.pk:
            options.append((f"team:{team.public_id}", f"Team: {team.name}"))
    for member in queries.coached_members(viewer):
        if member.pk != viewer.pk:
            options.append((f"rep:{member.public_id}", member.user.display_name))
    return options


def _goal_target(form: forms.GoalForm, currency: str) -> int:
    target = form.cleaned_data["target"]
    if form.cleaned_data["metric"] == GoalMetric.REVENUE:
        return target * 10 ** exponent(currency)
    return target


@require_http_methods(["GET", "POST"])
def goals_page(request: HttpRequest) -> HttpResponse:
    m = request.membership
    scopes = _goal_scopes(m)
    form = forms.GoalForm(request.POST or None, scopes=scopes)
    if request.method == "POST":
        if not queries.can_set_goals(m):
            raise PermissionDenied("Managers and admins set goals.")
        if form.is_valid():
            scope = queries.access_scope(m, form.cleaned_data["scope"])
            currency = (form.cleaned_data["currency"] or m.workspace.currency).strip().upper()
            try:
                services.set_goal(m, metric=form.cleaned_data["metric"], target=_goal_target(form, currency),
                                  member=scope.member, team=scope.team, starts_on=form.cleaned_data["starts_on"],
                                  currency=currency)
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("scope", str(exc))
            else:
                messages.success(request, "Goal saved.")
                return redirect("insights:goals")
    today = timezone.localdate()
    visible = [key for key, _ in scopes] + [f"rep:{m.public_id}"]
    rows = _goal_rows(m, visible, today)
    return render(request, "insights/goals.html", {"form": form, "rows": rows, "can_set_goals": bool(scopes)
                                                   and queries.can_set_goals(m), "today": today},
                  status=400 if form.errors else 200)


def _goal_rows(viewer, keys: list[str], today: datetime.date) -> list[dict]:
    """The goals in force now for each scope the viewer looks after (and their own)."""
    rows = []
    seen = set()
    for key in keys:
        if key in seen:
            continue
        seen.add(key)
        scope = queries.access_scope(viewer, key)
        in_force = goals.goals_in_force(scope, today)
        later = goals.upcoming(scope, today)
        if in_force or later:
            rows.append({"scope": scope, "goals": [in_force[k] for k in GoalMetric.values if k in in_force],
                         "upcoming": later})
    return rows


@require_POST
def goal_delete(request: HttpRequest, goal_id: str) -> HttpResponse:
    m = request.membership
    goal = queries.visible_goal(m, _clean(goal_id))
    services.delete_goal(m, goal)
    messages.success(request, "Goal removed: the one before it applies again.")
    return redirect("insights:goals")


@require_http_methods(["GET", "POST"])
def planner(request: HttpRequest) -> HttpResponse:
    m = request.membership
    data = request.POST if request.method == "POST" else (request.GET if "clients" in request.GET else None)
    form = forms.PlanForm(data)
    today = timezone.localdate()
    key = _clean((data or {}).get("scope") or request.GET.get("scope"))
    if key.startswith("rep:") or not key:
        key = queries.default_scope_key(m)
        key = "workspace" if key.startswith("rep:") else key
    scope = queries.access_scope(m, key)
    context = {"form": form, "scope": scope, "plan": None, "scope_options": [
        o for o in queries.scope_options(m) if not o.key.startswith("rep:")], "can_save": False}
    if data is not None and form.is_valid():
        plan, window = planning.make_plan(scope, clients=form.cleaned_data["clients"], weeks=form.cleaned_data["weeks"],
                                          window_days=form.cleaned_data["window"], today=today)
        members = queries.members_of_scope(scope, today)
        can_save = queries.can_set_goals(m) and (m.role == "admin" or (scope.kind == "team"
                                                                       and scope.team.manager_id == m.pk))
        context.update(plan=plan, window=window, members=members, can_save=can_save,
                       starts_on=Period.week(today + datetime.timedelta(days=7 - today.weekday())).start)
        if request.method == "POST":
            if not can_save:
                raise PermissionDenied("The team's manager or an admin saves a plan as goals.")
            services.save_plan(m, plan, members=members, team=scope.team, starts_on=context["starts_on"])
            messages.success(request, f"Saved: {plan.asks_per_rep_week} asks and {plan.introductions_per_rep_week} "
                                      f"introductions a week for each of {len(members)} reps, from "
                                      f"{context['starts_on']:%-d %b}.")
            return redirect(f"{reverse('insights:goals')}")
    return render(request, "insights/planner.html", context, status=400 if form.errors else 200)


# --- channels -------------------------------------------------------------------------------------------

MAX_PROBLEMS_SHOWN = 50


@require_http_methods(["GET", "POST"])
def channels_page(request: HttpRequest) -> HttpResponse:
    """Referrals against the team's other lead sources, from the CRM's deals; admins and managers import them."""
    m = request.membership
    can_import = queries.can_set_goals(m)
    form = forms.DealImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied("Only admins and managers import the CRM's deals.")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_deals(m, upload.read(), filename=upload.name,
                                      referral_sources=form.referral_source_list(), day_first=form.day_first())
            except DealImportError as exc:
                problems = exc.problems
            else:
                _report_import(request, result)
                return redirect(f"{reverse('insights:channels')}?period=quarter")
    scope = Scope.of_workspace(m.workspace_id)
    try:
        period = _period(request, "quarter")
    except PeriodError as exc:
        return _bad_request(request, exc, "insights/channels.html")
    context = _frame(request, scope, period, "insights:channels")
    comparison = channels.channel_comparison(m.workspace_id, period.start, period.end)
    context.update(comparison=comparison, bars=figures.channel_bars(comparison, m.workspace.currency),
                   currency=m.workspace.currency, form=form, can_import=can_import,
                   problems=problems[:MAX_PROBLEMS_SHOWN], more_problems=max(0, len(problems) - MAX_PROBLEMS_SHOWN),
                   problem_count=len(problems))
    return render(request, "insights/channels.html", context, status=400 if form.errors or problems else 200)


def _report_import(request: HttpRequest, result) -> None:
    messages.success(request, result.headline())
    referral = result.referral_sources
    messages.info(request, ("Counted as referrals: " + ", ".join(f"'{s}'" for s in referral) + ".") if referral
                  else "No lead source in the file counts as a referral: name yours when you import again.")
    if result.date_order_assumed:
        messages.warning(request, f"No date in the file tells whether 03/04 is 3 April or 4 March: read as "
                                  f"{result.date_order}. "
                                  "If that is wrong, import the file again choosing the other order.")


# --- CSV --------------------------------------------------------------------------------------------------

EXPORTS = ("metrics", "weekly", "revenue", "funnel", "reps", "sources", "channels")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """The numbers behind the dashboard: `what` is metrics (default), weekly, revenue, funnel, reps, sources or
    channels. Money is written as CUR:minor-units pairs, never added across currencies."""
    m = request.membership
    scope = queries.access_scope(m, _clean(request.GET.get("scope")))
    what = _clean(request.GET.get("what")) or "metrics"
    try:
        period = _period(request)
        if what not in EXPORTS:
            raise PeriodError("what", f"'{what}' is not an export: use {', '.join(EXPORTS)}.")
    except PeriodError as exc:
        return HttpResponse(f"{exc.field}: {exc}\n", status=400, content_type="text/plain; charset=utf-8")
    currency = m.workspace.currency
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"warmline-{what}-{scope.key.replace(':', '-')}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    rows = _export_rows(m, scope, period, what, currency)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return response


def _export_rows(viewer, scope: Scope, period: Period, what: str, currency: str) -> list[list]:
    head = [["scope", scope.label], ["period", f"{period.start} to {period.end}"]]
    if what == "metrics":
        rows = [["metric", "label", "kind", "unit", "value", "shown as", "definition"]]
        for m, value in metrics.values(scope, period):
            rows.append([m.key, m.label, m.kind, m.unit, figures.plain(m, value), figures.show(m, value, currency),
                         m.definition])
        return head + rows
    if what == "weekly":
        rows = [["week starting", "metric", "actual", "goal"]]
        for chart in figures.weekly_charts(scope, period):
            rows += [[week, chart["key"], actual, "" if goal is None else goal] for week, actual, goal in chart["table"]]
        return head + rows
    if what == "revenue":
        months = metrics.per_month_revenue(scope, period.end, figures.REVENUE_MONTHS)
        rows = [["month", "currency", "revenue (minor units)"]]
        for month, amounts in months.items():
            rows += [[f"{month:%Y-%m}", c, v] for c, v in sorted(amounts.items())] or [[f"{month:%Y-%m}", currency, 0]]
        return head + rows
    if what == "funnel":
        t = metrics.totals(scope, period)
        return head + [["step", "count", "rate from previous step"]] + [
            [s.label, s.value, "" if s.rate_from_previous is None else f"{s.rate_from_previous:.4f}"]
            for s in figures.funnel(t)]
    if what == "reps":
        per = metrics.per_member(scope, period)
        names = queries.member_names(scope.workspace_id, per)
        rows = [["rep", "asks", "specific asks", "digital asks", "introductions", "meetings scheduled",
                 "meetings held", "won", "lost", "revenue"]]
        for pk, t in sorted(per.items(), key=lambda i: names[i[0]].user.display_name if i[0] in names else ""):
            rows.append([names[pk].user.display_name if pk in names else pk, t.asks, t.asks_specific, t.asks_digital,
                         t.introductions, t.meetings_scheduled, t.meetings_held, t.won, t.lost,
                         " ".join(f"{c}:{v}" for c, (_, v) in sorted(t.revenue.items()))])
        return head + rows
    if what == "channels":
        c = channels.channel_comparison(viewer.workspace_id, period.start, period.end)
        rows = [["lead source", "referral", "won", "lost", "win rate", "revenue (minor units)"]]
        for label, row in [*((r.label, r) for r in c.rows), ("All referral lead sources", c.referral),
                           ("All other lead sources", c.other), ("All deals", c.total)]:
            rows.append([label, "yes" if row.is_referral else "no", row.won, row.lost,
                         "" if row.win_rate is None else f"{row.win_rate:.4f}",
                         " ".join(f"{k}:{v}" for k, v in sorted(row.revenue.items()))])
        rows.append(["Warmline referrals won (not added above)", "yes", c.warmline_won, "", "",
                     " ".join(f"{k}:{v}" for k, v in sorted(c.warmline_revenue.items()))])
        return [["scope", "Whole workspace (CRM deals)"], head[1]] + rows
    sources = figures.source_rows(scope, period, currency, limit=100)
    rows = [["kind", "name", "introductions", "won", "revenue (minor units)"]]
    rows += [["source", r.name, r.introductions, r.won, r.plain_revenue] for r in sources["top"]]
    rows += [["source type", r.name, r.introductions, r.won, r.plain_revenue] for r in sources["types"]]
    rows += [["employee outside sales", r.name, r.introductions, r.won, ""] for r in sources["employees"]]
    return head + rows
