"""Pages of follow-ups: the Today list, the rules (admins), and each member's notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warmline.core import queries as core_queries
from warmline.core.choices import Role
from warmline.core.views import _apply_errors
from warmline.followups import calendar, forms, queries, services
from warmline.followups.choices import DEFAULT_DELAY_HOURS, RULES_IN_DAYS, RuleKind


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request: HttpRequest, default: str = "followups:home") -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def _member_shown(request: HttpRequest):
    """Whose list: one's own; managers may open their teams' members', admins anyone's."""
    m = request.membership
    wanted = request.GET.get("member", "").replace("\x00", "")[:32]
    if not wanted or wanted == m.public_id:
        return m
    scope = queries.task_scope(m)
    member = core_queries.access_member(m, wanted)
    if scope is not None and member.pk not in scope:
        raise PermissionDenied("You can open the follow-ups of your own teams only.")
    return member


@require_GET
def today(request: HttpRequest) -> HttpResponse:
    m = request.membership
    member = _member_shown(request)
    members = []
    scope = queries.task_scope(m)
    if scope is None or len(scope) > 1:
        found = core_queries.members_for(m).filter(is_active=True).select_related("user")
        if scope is not None:
            found = found.filter(pk__in=scope)
        members = list(found.order_by("user__full_name", "user__email"))
    context = {
        "member": member, "members": members, "own": member.pk == m.pk, "tasks": queries.today_list(member),
        "now": timezone.now(), "task_form": forms.TaskForm(),
        "snooze_choices": forms.SNOOZE_CHOICES,
    }
    return render(request, "followups/today.html", context)


def _task_changed(request: HttpRequest, task, message: str) -> HttpResponse:
    """After a change from the Today list: HTMX replaces the task's row and refreshes the count in the nav."""
    if _htmx(request):
        context = {"task": task, "message": message, "count": queries.due_count(request.membership), "oob": True,
                   "now": timezone.now(), "snooze_choices": forms.SNOOZE_CHOICES}
        return render(request, "followups/_task_changed.html", context)
    messages.success(request, message)
    return _back(request)


def _task_error(request: HttpRequest, task, exc: ValidationError) -> HttpResponse:
    text = " ".join(exc.messages)
    if _htmx(request):
        # The row again, saying what was wrong (HTMX swaps only successful answers).
        context = {"task": task, "error": text, "now": timezone.now(),
                   "snooze_choices": forms.SNOOZE_CHOICES}
        return render(request, "followups/_task_row.html", context)
    messages.error(request, text)
    return _back(request)


@require_POST
def task_done(request: HttpRequest, task_id: str) -> HttpResponse:
    m = request.membership
    task = queries.access_task(m, task_id)
    form = forms.CompleteForm(request.POST)
    if not form.is_valid():
        return _task_error(request, task, ValidationError(form.errors.as_text()))
    try:
        done = services.complete_task(m, task, log=form.cleaned_data["log"], summary=form.cleaned_data["summary"])
    except ValidationError as exc:
        return _task_error(request, task, exc)
    logged = f" and logged the {done.interaction.get_kind_display().lower()}" if done.interaction_id else ""
    return _task_changed(request, done, f"Done: {done.title}{logged}.")


@require_POST
def task_dismiss(request: HttpRequest, task_id: str) -> HttpResponse:
    m = request.membership
    task = queries.access_task(m, task_id)
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        return _task_error(request, task, ValidationError(form.errors.as_text()))
    try:
        dismissed = services.dismiss_task(m, task, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _task_error(request, task, exc)
    return _task_changed(request, dismissed, f"Dismissed: {dismissed.title}.")


@require_POST
def task_snooze(request: HttpRequest, task_id: str) -> HttpResponse:
    m = request.membership
    task = queries.access_task(m, task_id)
    form = forms.SnoozeForm(request.POST)
    if not form.is_valid():
        return _task_error(request, task, ValidationError("Pick when to be reminded: in an hour, tomorrow or next week."))
    now = timezone.now()
    try:
        snoozed = services.snooze_task(m, task, until=form.until_time(now), at=now)
    except ValidationError as exc:
        return _task_error(request, task, exc)
    when = timezone.localtime(snoozed.due_at).strftime("%A %-d %B, %H:%M")
    return _task_changed(request, snoozed, f"Snoozed until {when} UTC: {snoozed.title}.")


@require_POST
def task_reopen(request: HttpRequest, task_id: str) -> HttpResponse:
    m = request.membership
    task = queries.access_task(m, task_id)
    reopened = services.reopen_task(m, task)
    if _htmx(request):
        context = {"task": reopened, "count": queries.due_count(m), "oob": True, "now": timezone.now(),
                   "snooze_choices": forms.SNOOZE_CHOICES}
        return render(request, "followups/_task_row_oob.html", context)
    messages.success(request, f"Reopened: {reopened.title}.")
    return _back(request)


@require_POST
def task_new(request: HttpRequest) -> HttpResponse:
    m = request.membership
    form = forms.TaskForm(request.POST)
    if form.is_valid():
        try:
            task = services.add_task(m, title=form.cleaned_data["title"], due_at=form.due_at(),
                                     reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Added: {task.title}.")
            return redirect("followups:home")
    context = {"member": m, "members": [], "own": True, "tasks": queries.today_list(m), "now": timezone.now(),
               "task_form": form, "snooze_choices": forms.SNOOZE_CHOICES}
    return render(request, "followups/today.html", context, status=400)


# --- rules -----------------------------------------------------------------------------------------


@require_GET
def rules_page(request: HttpRequest) -> HttpResponse:
    m = request.membership
    context = {"rules": queries.rule_rows(m), "can_edit": m.role == Role.ADMIN}
    return render(request, "followups/rules.html", context)


@require_POST
def rule_save(request: HttpRequest, kind: str) -> HttpResponse:
    m = request.membership
    if m.role != Role.ADMIN:
        raise PermissionDenied("Only workspace admins change the follow-up rules.")
    if kind not in DEFAULT_DELAY_HOURS:
        messages.error(request, f"'{kind[:40]}' is not a follow-up rule.")
        return redirect("followups:rules")
    form = forms.RuleForm(request.POST)
    label = RuleKind(kind).label
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        messages.error(request, f"{label}: {'delay' if field == 'delay' else field}: {' '.join(errors)}")
        return redirect("followups:rules")
    scale = 24 if kind in RULES_IN_DAYS else 1
    try:
        services.save_rule(m, kind, enabled=form.cleaned_data["enabled"], delay_hours=form.cleaned_data["delay"] * scale)
    except ValidationError as exc:
        messages.error(request, f"{label}: {' '.join(exc.messages)}")
    else:
        state = "on" if form.cleaned_data["enabled"] else "off"
        messages.success(request, f"Saved the rule “{label}” ({state}).")
    return redirect("followups:rules")


# --- notification settings -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    m = request.membership
    current = queries.notification_settings(m)
    manages = queries.manages_a_team(m)
    form = forms.NotificationsForm(request.POST if request.method == "POST" else None, initial={"email_mode": current.email_mode,
                                                                 "weekly_report": current.weekly_report})
    if not manages:
        del form.fields["weekly_report"]
    if request.method == "POST" and form.is_valid():
        try:
            services.save_notification_settings(m, email_mode=form.cleaned_data["email_mode"],
                                                weekly_report=form.cleaned_data.get("weekly_report"))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Saved your notification settings.")
            return redirect("followups:notifications")
    context = {"form": form, "current": current, "manages": manages,
               "emails": queries.recent_emails(m), "feed_url": request.session.pop("calendar_feed_url", "")}
    return render(request, "followups/notifications.html", context, status=400 if form.is_bound else 200)


@require_POST
def calendar_link(request: HttpRequest) -> HttpResponse:
    """Make a new private calendar URL (revoking the old one), or revoke it."""
    m = request.membership
    if request.POST.get("action") == "revoke":
        calendar.revoke_feed(m)
        messages.success(request, "Revoked your calendar link: calendars using it stop updating.")
    else:
        token = calendar.new_feed_token(m)
        # Shown once, on the next page: only its hash is kept.
        request.session["calendar_feed_url"] = calendar.feed_url(token)
        messages.success(request, "Made a new calendar link. Copy it now: it is shown only once.")
    return redirect("followups:notifications")
