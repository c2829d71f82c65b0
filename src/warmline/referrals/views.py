"""Pages of the referral pipeline: the board, my referrals, lists, a referral, asks, and the pipeline settings."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warmline.core import queries as core_queries
from warmline.core.choices import Channel
from warmline.core.money import amount_text
from warmline.core.views import _apply_errors
from warmline.network import queries as network_queries
from warmline.network.models import Person
from warmline.referrals import forms, queries, services
from warmline.referrals.choices import AskOutcome, StageKind
from warmline.referrals.models import Stage
from warmline.targeting import queries as targeting_queries

PAGE_SIZE = 50


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _active_stages(m):
    return Stage.objects.filter(workspace_id=m.workspace_id, archived=False).order_by("position", "id")


def _pick(m, form, name: str, *, required: bool) -> Person | None:
    """The person a form names: picked from suggestions, or typed and found unambiguously."""
    public_id = form.cleaned_data.get(name) or ""
    typed = (form.cleaned_data.get(f"{name}_name") or "").strip()
    if public_id:
        try:
            return network_queries.access_person(m, public_id)
        except Http404:
            form.add_error(f"{name}_name", "That person is no longer in the network. Pick someone else.")
            return None
    if not typed:
        if required:
            form.add_error(f"{name}_name", "Type a name and pick the person.")
        return None
    found = list(network_queries.search_people(m, q=typed)[:8])
    exact = [p for p in found if p.full_name.casefold() == typed.casefold()]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    form.suggestions = {**getattr(form, "suggestions", {}), name: found}
    if found:
        form.add_error(f"{name}_name", f"{len(found)} people match “{typed}”: pick one.")
    else:
        form.add_error(f"{name}_name", f"Nobody called “{typed}” is in the network yet: add them first.")
    return None


@require_GET
def person_suggestions(request: HttpRequest) -> HttpResponse:
    """Radio choices of people matching what was typed into a person input (`field` names the input)."""
    field = request.GET.get("field", "")
    if field not in ("source", "target", "prospect"):
        raise Http404("No such field.")
    q = request.GET.get(f"{field}_name", "").replace("\x00", "").strip()
    people = list(network_queries.search_people(request.membership, q=q)[:8]) if len(q) >= 2 else []
    return render(request, "network/_suggestions.html", {"people": people, "q": q, "field": field})


# --- the board, my referrals, the list --------------------------------------------------------------


def _filter_form(request: HttpRequest, m, data: QueryDict | None = None) -> forms.ReferralFilterForm:
    return forms.ReferralFilterForm(
        data if data is not None else request.GET, owners=queries.members_in_view(m),
        teams=queries.teams_in_view(m), sources=queries.sources_in_view(m),
        stages=queries.stages_of(m.workspace_id, include_archived=True))


def _board_context(m, form: forms.ReferralFilterForm) -> dict:
    # The filter form has read every stage, archived ones too: the board takes the active ones from it.
    columns = queries.board(m, form.filters(), stages=list(form.stages.values()))
    query = urlencode({k: v for k, v in form.data.items() if k in form.fields and v})
    return {"columns": columns, "form": form, "filters": query, "cards": sum(len(c.cards) for c in columns),
            "stages": [c.stage for c in columns]}


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    m = request.membership
    context = _board_context(m, _filter_form(request, m))
    template = "referrals/_board.html" if _htmx(request) and request.GET.get("partial") else "referrals/board.html"
    return render(request, template, context)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    m = request.membership
    rows = _with_fits(m, queries.mine(m))
    context = {
        "rows": rows,
        "overdue": sum(1 for r in rows if r.overdue),
        "follow_ups": list(queries.follow_ups_due(m)[:50]),
        "suggestions": list(queries.suggestions_for(m)[:50]),
    }
    return render(request, "referrals/mine.html", context)


@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    m = request.membership
    form = _filter_form(request, m)
    page = Paginator(queries.referrals_for(m, form.filters()).order_by("-introduced_at", "-id"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    _with_fits(m, page.object_list)
    return render(request, "referrals/list.html", {"form": form, "page": page})


def _with_fits(m, rows):
    """Each referral with its prospect's best fit (at the referral's company), for the lists: no query per row."""
    against = targeting_queries.profiles(m.workspace_id)
    for r in rows:
        r.fit = targeting_queries.best_fit(targeting_queries.subject_of(r.prospect, r.company), against)
    return rows


# --- one referral ------------------------------------------------------------------------------------


def _detail(request: HttpRequest, referral, status: int = 200, **forms_in_use) -> HttpResponse:
    m = request.membership
    stages = _active_stages(m).exclude(pk=referral.stage_id)
    ws = m.workspace
    move_to = forms_in_use.get("move_form")
    if move_to is None:
        initial = {"version": referral.version, "currency": referral.currency}
        wanted = request.GET.get("move", "")
        # The stage asked for (from the board), or else the next one along the pipeline.
        chosen = next((s for s in stages if s.public_id == wanted), None) or next(
            (s for s in stages if s.position > referral.stage.position), None)
        if chosen is not None:
            initial["stage"] = chosen.pk
        move_to = forms.MoveForm(initial=initial, stages=stages, currency=referral.currency)
    value_initial = {"version": referral.version, "currency": referral.currency,
                     "value": amount_text(referral.value_minor, referral.currency)
                     if referral.value_minor is not None else ""}
    context = {
        "referral": referral,
        "can_change": queries.can_change(m, referral),
        "history": _with_durations(referral, queries.stage_history(referral)),
        "time_in_stages": queries.time_in_stages(referral),
        "credits": queries.credits_of(referral),
        "duplicates": queries.duplicates_of(m, referral),
        "timeline": queries.timeline_for_referral(m, referral),
        "owner_changes": referral.owner_changes.select_related("from_owner__user", "to_owner__user", "actor__user"),
        "move_form": move_to,
        "move_open": bool(request.GET.get("move")) or "move_form" in forms_in_use,
        "reopen_form": forms_in_use.get("reopen_form") or forms.ReopenForm(
            initial={"version": referral.version}, stages=_active_stages(m).filter(kind=StageKind.OPEN)),
        "reassign_form": forms_in_use.get("reassign_form") or forms.ReassignForm(
            initial={"version": referral.version, "owner": referral.owner_id}, owners=queries.owner_choices(m)),
        "value_form": forms_in_use.get("value_form") or forms.ValueForm(initial=value_initial,
                                                                         currency=referral.currency),
        "note_form": forms_in_use.get("note_form") or forms.NoteForm(),
        "won_stages": {s.pk for s in stages if s.kind == StageKind.WON},
        "lost_stages": {s.pk for s in stages if s.kind == StageKind.LOST},
        "sla_hours": ws.contact_within_hours,
        "prospect_fit": targeting_queries.best_fit(targeting_queries.subject_of(referral.prospect, referral.company),
                                                   targeting_queries.profiles(m.workspace_id)),
    }
    return render(request, "referrals/detail.html", context, status=status)


def _with_durations(referral, history: list) -> list[tuple]:
    """Each stage change with the time spent in that stage, so far for the current one (None once closed)."""
    now = timezone.now()
    rows = []
    for change, following in zip(history, [*history[1:], None], strict=True):
        if following is not None:
            rows.append((change, following.seconds_in_from))
        else:
            rows.append((change, None if referral.is_closed else int((now - change.changed_at).total_seconds())))
    return rows


@require_GET
def detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    return _detail(request, queries.access_referral(request.membership, referral_id))


def _stale(form, error: services.StaleVersion) -> None:
    form.add_error(None, str(error))


@require_POST
def move(request: HttpRequest, referral_id: str) -> HttpResponse:
    """Move a card. From the board (HTMX or a plain form) it comes back to the board; a move that needs more
    (a value and date to win, a reason to lose) continues on the referral's page."""
    m = request.membership
    referral = queries.access_referral(m, referral_id)
    form = forms.MoveForm(request.POST, stages=_active_stages(m), currency=referral.currency)
    from_board = request.POST.get("from") == "board"
    if form.is_valid():
        money = form.clean_money()
        if not form.errors:
            stage = form.cleaned_data["stage"]
            try:
                services.move_referral(m, referral, stage, version=form.cleaned_data.get("version"), value=money,
                                       closed_on=form.cleaned_data.get("closed_on"),
                                       lost_reason=form.cleaned_data.get("lost_reason", ""), via=Channel.UI)
            except ValidationError as exc:
                _apply_errors(form, exc)
            except services.StaleVersion as exc:
                _stale(form, exc)
            else:
                if from_board:
                    return _back_to_board(request, m, f"Moved {referral.prospect.full_name} to {stage.name}.")
                messages.success(request, f"Moved to {stage.name}.")
                return redirect("referrals:detail", referral_id=referral.public_id)
    if from_board:
        # Winning and losing need more than a drop: finish on the referral's page, the stage chosen.
        stage = form.cleaned_data.get("stage") if hasattr(form, "cleaned_data") else None
        url = reverse("referrals:detail", args=[referral.public_id])
        if stage is not None:
            url += f"?move={stage.public_id}#move"
        for message in form.non_field_errors():
            messages.error(request, message)
        if _htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    referral = queries.access_referral(m, referral_id)
    form.fields["stage"].queryset = _active_stages(m).exclude(pk=referral.stage_id)
    return _detail(request, referral, status=400, move_form=form)


def _back_to_board(request: HttpRequest, m, message: str) -> HttpResponse:
    filters = QueryDict(request.POST.get("filters", ""))
    if _htmx(request):
        context = _board_context(m, _filter_form(request, m, filters))
        context["flash"] = message
        return render(request, "referrals/_board.html", context)
    messages.success(request, message)
    query = filters.urlencode()
    return redirect(reverse("referrals:home") + (f"?{query}" if query else ""))


def _simple_action(request: HttpRequest, referral_id: str, form_class, form_name: str, act, done: str,
                   **form_kwargs) -> HttpResponse:
    m = request.membership
    referral = queries.access_referral(m, referral_id)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            act(m, referral, form)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except services.StaleVersion as exc:
            _stale(form, exc)
        else:
            if not form.errors:
                messages.success(request, done)
                return redirect("referrals:detail", referral_id=referral.public_id)
    return _detail(request, queries.access_referral(m, referral_id), status=400, **{form_name: form})


@require_POST
def reopen(request: HttpRequest, referral_id: str) -> HttpResponse:
    m = request.membership
    return _simple_action(
        request, referral_id, forms.ReopenForm, "reopen_form",
        lambda m, r, f: services.reopen_referral(m, r, f.cleaned_data.get("stage"),
                                                 version=f.cleaned_data.get("version")),
        "Reopened.", stages=_active_stages(m).filter(kind=StageKind.OPEN))


@require_POST
def reassign(request: HttpRequest, referral_id: str) -> HttpResponse:
    m = request.membership
    return _simple_action(
        request, referral_id, forms.ReassignForm, "reassign_form",
        lambda m, r, f: services.reassign_referral(m, r, f.cleaned_data["owner"],
                                                   version=f.cleaned_data.get("version")),
        "Reassigned.", owners=queries.owner_choices(m))


@require_POST
def confirm(request: HttpRequest, referral_id: str) -> HttpResponse:
    m = request.membership
    referral = queries.access_referral(m, referral_id)
    form = forms.ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Confirmed by whom? Use the buttons on the page.")
    else:
        by = form.cleaned_data["by"]
        services.confirm_referral(m, referral, by=by)
        who = referral.source if by == "source" else referral.prospect
        messages.success(request, f"Recorded that {who.full_name} confirmed the introduction.")
    return redirect("referrals:detail", referral_id=referral.public_id)


def _set_value(m, referral, form) -> None:
    money = form.clean_money()
    if not form.errors:
        services.update_referral(m, referral, version=form.cleaned_data.get("version"), value=money)


@require_POST
def value(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = queries.access_referral(request.membership, referral_id)
    return _simple_action(request, referral_id, forms.ValueForm, "value_form", _set_value, "Saved the value.",
                          currency=referral.currency)


@require_POST
def referral_note(request: HttpRequest, referral_id: str) -> HttpResponse:
    return _simple_action(request, referral_id, forms.NoteForm, "note_form",
                          lambda m, r, f: services.add_note(m, f.cleaned_data["body"], referral=r), "Note added.")


@require_http_methods(["GET", "POST"])
def new_referral(request: HttpRequest) -> HttpResponse:
    """Record an introduction that arrived unasked or verbally."""
    m = request.membership
    initial = {"owner": m.pk}
    for name in ("source", "prospect"):
        public_id = request.GET.get(name, "")
        if public_id:
            try:
                found = network_queries.access_person(m, public_id)
            except Http404:
                continue
            initial.update({name: found.public_id, f"{name}_name": found.full_name})
    form = forms.ReferralForm(request.POST or None, initial=initial, owners=queries.owner_choices(m),
                              currency=m.workspace.currency)
    if request.method == "POST" and form.is_valid():
        source = _pick(m, form, "source", required=True)
        prospect = _pick(m, form, "prospect", required=True)
        money = form.clean_money()
        if not form.errors:
            try:
                referral = services.record_referral(
                    m, source=source, prospect=prospect, owner=form.cleaned_data["owner"],
                    origin=form.cleaned_data["origin"], value=money, introduced_at=form.introduced_at(),
                    note=form.cleaned_data["note"], via=Channel.UI)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return _recorded(request, referral)
    return render(request, "referrals/referral_form.html", {"form": form, "ask": None},
                  status=400 if request.method == "POST" else 200)


def _recorded(request: HttpRequest, referral) -> HttpResponse:
    text = f"Recorded the introduction of {referral.prospect.full_name}. Contact them within " \
           f"{request.membership.workspace.contact_within_hours} hours, and thank {referral.source.full_name}."
    if referral.conflict:
        messages.warning(request, f"{text} Note: {referral.get_conflict_display().lower()}; it is linked to the "
                                  "earlier referral.")
    else:
        messages.success(request, text)
    return redirect("referrals:detail", referral_id=referral.public_id)


# --- asks ----------------------------------------------------------------------------------------------


@require_GET
def asks(request: HttpRequest) -> HttpResponse:
    m = request.membership
    outcome = request.GET.get("outcome", "")
    filters = queries.AskFilters(outcome=outcome if outcome in AskOutcome.values else "")
    if request.GET.get("digital") in ("yes", "no"):
        filters.digital = request.GET["digital"] == "yes"
    page = Paginator(queries.asks_for(m, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/asks.html", {"page": page, "outcome": filters.outcome,
                                                   "digital": request.GET.get("digital", ""),
                                                   "outcomes": AskOutcome.choices})


def _person_ids(m, public_ids: str) -> list[int]:
    ids = []
    for public_id in public_ids.split(","):
        if public_id.strip():
            found = Person.objects.filter(workspace_id=m.workspace_id, public_id=public_id.strip()).values_list(
                "pk", flat=True).first()
            if found is None:
                raise ValidationError({"path": "The path names someone who is no longer in the network."})
            ids.append(found)
    return ids


@require_http_methods(["GET", "POST"])
def new_ask(request: HttpRequest) -> HttpResponse:
    """Plan and log an ask; from a warm path the source, the target and the path come filled in."""
    m = request.membership
    initial, picked = {}, {}
    for name in ("source", "target"):
        public_id = request.GET.get(name, "")
        if public_id:
            try:
                picked[name] = network_queries.access_person(m, public_id)
            except Http404:
                continue
            initial.update({name: picked[name].public_id, f"{name}_name": picked[name].full_name})
    initial["path"] = request.GET.get("path", "")[:200]
    initial["suggestion"] = request.GET.get("suggestion", "")[:32]
    initial["target_description"] = request.GET.get("describe", "").replace("\x00", "")[:300]
    drafted = None
    if request.method == "GET" and "source" in picked:
        # Planned from a path or the call list: start from the drafts of what to say.
        drafted = targeting_queries.draft(m, picked["source"], picked.get("target"),
                                          description=initial["target_description"])
        initial.update(talking_points=drafted.talking_points, intro_text=drafted.intro_text)
    form = forms.AskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        source = _pick(m, form, "source", required=True)
        target = _pick(m, form, "target", required=False)
        suggestion = None
        if form.cleaned_data["suggestion"]:
            try:
                suggestion = queries.access_suggestion(m, form.cleaned_data["suggestion"])
            except Http404:
                suggestion = None
        if not form.errors:
            try:
                ask = services.record_ask(
                    m, source=source, target=target, target_description=form.cleaned_data["target_description"],
                    reason=form.cleaned_data["reason"], intro_text=form.cleaned_data["intro_text"],
                    talking_points=form.cleaned_data["talking_points"],
                    channel=form.cleaned_data["channel"], asked_on=form.cleaned_data["asked_on"],
                    outcome=form.cleaned_data["outcome"], follow_up_on=form.cleaned_data["follow_up_on"],
                    path=_person_ids(m, form.cleaned_data["path"]), suggestion=suggestion, via=Channel.UI,
                    **{name: form.cleaned_data[name] for name in forms.AskForm.INTEL},
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"Logged your ask of {ask.source.full_name}.")
                return redirect("referrals:ask", ask_id=ask.public_id)
    context = {"form": form, "planned": bool(initial.get("path") or picked.get("source")),
               "target_person": picked.get("target"), "source_person": picked.get("source"), "drafted": drafted}
    return render(request, "referrals/ask_form.html", context, status=400 if request.method == "POST" else 200)


def _ask_page(request: HttpRequest, ask, status: int = 200, **forms_in_use) -> HttpResponse:
    m = request.membership
    initial = {"version": ask.version, "outcome": ask.outcome, "follow_up_on": ask.follow_up_on,
               **{name: getattr(ask, name) for name in forms.AskForm.INTEL}}
    intro_initial = {"owner": ask.asked_by_id}
    if ask.target_id:
        intro_initial.update(prospect=ask.target.public_id, prospect_name=ask.target.full_name)
    context = {
        "ask": ask,
        "update_form": forms_in_use.get("update_form") or forms.AskUpdateForm(initial=initial),
        "intro_form": forms_in_use.get("intro_form") or forms.ReferralForm(
            initial=intro_initial, owners=queries.owner_choices(m), currency=m.workspace.currency, from_ask=True),
        "referrals": list(queries.referrals_for(m).filter(ask=ask)),
        "can_introduce": ask.outcome in (AskOutcome.PENDING, AskOutcome.AGREED),
    }
    return render(request, "referrals/ask.html", context, status=status)


@require_GET
def ask_detail(request: HttpRequest, ask_id: str) -> HttpResponse:
    return _ask_page(request, queries.access_ask(request.membership, ask_id))


@require_POST
def ask_update(request: HttpRequest, ask_id: str) -> HttpResponse:
    m = request.membership
    ask = queries.access_ask(m, ask_id)
    form = forms.AskUpdateForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.update_ask(m, ask, version=version, via=Channel.UI, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except services.StaleVersion as exc:
            _stale(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("referrals:ask", ask_id=ask.public_id)
    return _ask_page(request, queries.access_ask(m, ask_id), status=400, update_form=form)


@require_POST
def ask_introduction(request: HttpRequest, ask_id: str) -> HttpResponse:
    """The introduction an ask led to: one click when the ask named the person."""
    m = request.membership
    ask = queries.access_ask(m, ask_id)
    form = forms.ReferralForm(request.POST, owners=queries.owner_choices(m), currency=m.workspace.currency,
                              from_ask=True)
    if form.is_valid():
        prospect = _pick(m, form, "prospect", required=True)
        money = form.clean_money()
        if not form.errors:
            try:
                referral = services.record_referral(
                    m, ask=ask, prospect=prospect, owner=form.cleaned_data["owner"], value=money,
                    introduced_at=form.introduced_at(), note=form.cleaned_data["note"], via=Channel.UI)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return _recorded(request, referral)
    return _ask_page(request, ask, status=400, intro_form=form)


# --- people and companies: notes, moments ------------------------------------------------------------


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _add_note(request: HttpRequest, page_url: str, **subject) -> HttpResponse:
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        services.add_note(request.membership, form.cleaned_data["body"], **subject)
        messages.success(request, "Note added.")
    else:
        messages.error(request, "A note needs some text (at most 5,000 characters).")
    return redirect(page_url + "#timeline")


@require_POST
def person_note(request: HttpRequest, person_id: str) -> HttpResponse:
    person = network_queries.access_person(request.membership, person_id)
    return _add_note(request, reverse("network:person", args=[person.public_id]), person=person)


@require_POST
def company_note(request: HttpRequest, company_id: str) -> HttpResponse:
    company = network_queries.access_company(request.membership, company_id)
    return _add_note(request, reverse("network:company", args=[company.public_id]), company=company)


@require_POST
def person_moment(request: HttpRequest, person_id: str) -> HttpResponse:
    m = request.membership
    person = network_queries.access_person(m, person_id)
    form = forms.MomentForm(request.POST)
    if form.is_valid():
        services.log_moment(m, person, note=form.cleaned_data["note"])
        messages.success(request, f"Noted. {person.first_name or person.full_name} is on your list of people to "
                                  "ask for referrals.")
    return redirect(reverse("network:person", args=[person.public_id]) + "#timeline")


@require_POST
def dismiss_suggestion(request: HttpRequest, suggestion_id: str) -> HttpResponse:
    m = request.membership
    suggestion = queries.access_suggestion(m, suggestion_id)
    services.dismiss_suggestion(m, suggestion)
    messages.success(request, f"Dismissed the suggestion to ask {suggestion.person.full_name}.")
    return _back(request, reverse("referrals:mine"))


# --- pipeline settings (admins) ------------------------------------------------------------------------


def _settings_page(request: HttpRequest, status: int = 200, **forms_in_use) -> HttpResponse:
    m = request.membership
    ws = m.workspace
    stages = queries.stages_of(m.workspace_id, include_archived=True)
    counts = queries.counts_by_stage(m.workspace_id)
    context = {
        "stages": [(s, counts.get(s.pk, 0)) for s in stages],
        "settings_form": forms_in_use.get("settings_form") or forms.PipelineSettingsForm(initial={
            "contact_within_hours": ws.contact_within_hours, "attribution_policy": ws.attribution_policy,
            "referral_edit_scope": ws.referral_edit_scope, "currency": ws.currency}),
        "stage_form": forms_in_use.get("stage_form") or forms.StageForm(),
        "editing": forms_in_use.get("editing"),
    }
    return render(request, "referrals/settings.html", context, status=status)


@require_GET
def pipeline_settings(request: HttpRequest) -> HttpResponse:
    core_queries.require_admin(request.membership)
    return _settings_page(request)


@require_POST
def pipeline_settings_save(request: HttpRequest) -> HttpResponse:
    m = request.membership
    core_queries.require_admin(m)
    form = forms.PipelineSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.update_pipeline_settings(m, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Saved the pipeline settings.")
            return redirect("referrals:settings")
    return _settings_page(request, status=400, settings_form=form)


@require_POST
def stage_save(request: HttpRequest, stage_id: str | None = None) -> HttpResponse:
    m = request.membership
    core_queries.require_admin(m)
    stage = queries.access_stage(m, stage_id) if stage_id else None
    form = forms.StageForm(request.POST, prefix=stage.public_id if stage else None)
    if form.is_valid():
        try:
            saved = services.save_stage(m, stage, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Saved the stage {saved.name}.")
            return redirect("referrals:settings")
    if stage is not None:
        messages.error(request, " ".join(f"{e}" for errors in form.errors.values() for e in errors))
        return _settings_page(request, status=400, editing=stage)
    return _settings_page(request, status=400, stage_form=form)


@require_POST
def stage_action(request: HttpRequest, stage_id: str, action: str) -> HttpResponse:
    m = request.membership
    core_queries.require_admin(m)
    stage = queries.access_stage(m, stage_id)
    try:
        if action == "left":
            services.move_stage(m, stage, -1)
        elif action == "right":
            services.move_stage(m, stage, +1)
        elif action == "archive":
            services.archive_stage(m, stage, True)
            messages.success(request, f"Archived {stage.name}.")
        elif action == "restore":
            services.archive_stage(m, stage, False)
            messages.success(request, f"Restored {stage.name}.")
        elif action == "delete":
            services.delete_stage(m, stage)
            messages.success(request, f"Deleted {stage.name}.")
        else:
            raise Http404("No such action.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("referrals:settings")
