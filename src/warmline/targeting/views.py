"""Pages of targeting: this week's call list, the ideal customer profiles, the ask drafts and templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warmline.core.choices import Role
from warmline.core.models import Membership
from warmline.core.views import _apply_errors
from warmline.network import queries as network_queries
from warmline.referrals.services import StaleVersion
from warmline.targeting import forms, queries, scripts, services
from warmline.targeting.models import ScriptKind


@require_GET
def this_week(request: HttpRequest) -> HttpResponse:
    """Whose call list: one's own; a manager may open their teams' lists, an admin anyone's."""
    m = request.membership
    member = queries.access_call_list_member(m, request.GET.get("member", "").replace("\x00", "")[:32])
    members = [] if m.role == Role.REP else list(queries.call_list_members(m).order_by("user__full_name",
                                                                                        "user__email"))
    context = {"calls": queries.call_list(member), "member": member, "members": members,
               "profiles": queries.profiles(member.workspace_id)}
    return render(request, "targeting/this_week.html", context)


@require_GET
def profiles(request: HttpRequest) -> HttpResponse:
    m = request.membership
    found = queries.profiles(m.workspace_id, include_archived=True)
    return render(request, "targeting/profiles.html", {"profiles": found, "can_edit": m.role == Role.ADMIN})


def _editor(request: HttpRequest, profile, form, status: int = 200) -> HttpResponse:
    m = request.membership
    shown = form.unsaved_profile() if form.is_bound else (profile or form.unsaved_profile())
    context = {
        "profile": profile, "form": form, "can_edit": m.role == Role.ADMIN,
        "preview": queries.distribution(m.workspace_id, shown.criteria(), shown.threshold),
        "sentence": profile.sentence if profile and not form.is_bound else "",
        "list_form": forms.BuildListForm(initial={"threshold": profile.threshold if profile else 60}),
    }
    return render(request, "targeting/profile.html", context, status=status)


@require_http_methods(["GET", "POST"])
def profile_new(request: HttpRequest) -> HttpResponse:
    m = request.membership
    if m.role != Role.ADMIN:
        raise PermissionDenied("Only an admin can define ideal customer profiles.")
    form = forms.ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_profile(m, None, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Saved the profile {saved.name}.")
            return redirect("targeting:profile", profile_id=saved.public_id)
    return _editor(request, None, form, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, profile_id: str) -> HttpResponse:
    m = request.membership
    found = queries.access_profile(m, profile_id)
    if request.method == "POST" and m.role != Role.ADMIN:
        raise PermissionDenied("Only an admin can change ideal customer profiles.")
    form = forms.ProfileForm(request.POST or None, initial=forms.ProfileForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            services.save_profile(m, found, version=form.cleaned_data.get("version"), **fields)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except StaleVersion as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved the profile {fields['name']}.")
            return redirect("targeting:profile", profile_id=found.public_id)
    return _editor(request, found, form, status=400 if request.method == "POST" else 200)


@require_POST
def profile_preview(request: HttpRequest) -> HttpResponse:
    """The fit distribution of the criteria being edited, before they are saved."""
    m = request.membership
    form = forms.ProfileForm(request.POST)
    form.is_valid()  # the preview shows what is valid so far; errors appear on saving
    shown = form.unsaved_profile()
    preview = queries.distribution(m.workspace_id, shown.criteria(), shown.threshold)
    return render(request, "targeting/_preview.html", {"preview": preview, "sentence": shown.sentence})


@require_POST
def profile_archive(request: HttpRequest, profile_id: str) -> HttpResponse:
    m = request.membership
    found = queries.access_profile(m, profile_id)
    archived = request.POST.get("archived", "1") != "0"
    services.archive_profile(m, found, archived)
    messages.success(request, f"{'Archived' if archived else 'Restored'} the profile {found.name}.")
    return redirect("targeting:profile", profile_id=found.public_id)


@require_POST
def profile_list(request: HttpRequest, profile_id: str) -> HttpResponse:
    """Save the companies that fit the profile as a target-account list."""
    m = request.membership
    found = queries.access_profile(m, profile_id)
    form = forms.BuildListForm(request.POST)
    if form.is_valid():
        try:
            saved = services.build_account_list(m, found, threshold=form.cleaned_data["threshold"],
                                                name=form.cleaned_data["name"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Saved {saved.name}: {len(saved.accounts):,} accounts.")
            return redirect("paths:list", list_id=saved.public_id)
    else:
        messages.error(request, "Give a threshold from 0 to 100.")
    return redirect("targeting:profile", profile_id=found.public_id)


@require_POST
def draft(request: HttpRequest) -> HttpResponse:
    """The ask planner's drafts, redrawn from the ask form as it stands (source, target, reason)."""
    m = request.membership
    source = _person(m, request.POST.get("source", ""))
    target = _person(m, request.POST.get("target", ""))
    context = {"target": target, "no_source": source is None,
               "talking_points": request.POST.get("talking_points", ""), "intro_text": request.POST.get("intro_text", "")}
    if source is not None:
        drafted = queries.draft(m, source, target, description=request.POST.get("target_description", ""),
                                reason=request.POST.get("reason", ""))
        context.update(talking_points=drafted.talking_points, intro_text=drafted.intro_text,
                       target_fit=drafted.target_fit, template_errors=drafted.errors)
    return render(request, "targeting/_draft.html", context)


def _person(m: Membership, public_id: str):
    public_id = public_id.replace("\x00", "").strip()[:32]
    if not public_id:
        return None
    try:
        return network_queries.access_person(m, public_id)
    except Http404:
        return None


@require_http_methods(["GET", "POST"])
def templates(request: HttpRequest) -> HttpResponse:
    m = request.membership
    own = queries.templates_of(m.workspace_id)
    kinds = []
    status = 200
    for kind in scripts.KINDS:
        form = forms.TemplateForm(prefix=kind, initial={"body": own.get(kind, scripts.DEFAULTS[kind])})
        if request.method == "POST" and request.POST.get("kind") == kind:
            if m.role != Role.ADMIN:
                raise PermissionDenied("Only an admin can change the ask templates.")
            form = forms.TemplateForm(request.POST, prefix=kind)
            if form.is_valid():
                try:
                    services.save_template(m, kind, form.cleaned_data["body"])
                except ValidationError as exc:
                    form.add_error("body", " ".join(exc.messages))
                else:
                    messages.success(request, "Saved the template." if form.cleaned_data["body"].strip()
                                     else "Back to the default template.")
                    return redirect("targeting:templates")
            status = 400
        preview = ""
        try:
            preview = scripts.render(form["body"].value() or scripts.DEFAULTS[kind], scripts.SAMPLE_CONTEXT)
        except scripts.TemplateError:
            preview = ""
        kinds.append({"kind": kind, "label": ScriptKind(kind).label, "form": form, "custom": kind in own,
                      "preview": preview})
    return render(request, "targeting/templates.html",
                  {"kinds": kinds, "can_edit": m.role == Role.ADMIN, "sample": scripts.SAMPLE_CONTEXT}, status=status)

