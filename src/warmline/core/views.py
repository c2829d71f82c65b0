"""Pages of the shell: home, workspace switch, settings (members, teams,
invitations, API tokens), account, and accepting an invitation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warmline.core import forms, queries, services
from warmline.core.middleware import SESSION_KEY


def _apply_errors(form, error: ValidationError) -> None:
    """Shows a service's validation error on the form, next to the field it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    m = request.membership
    context = {
        "member_count": queries.members_for(m).filter(is_active=True).count(),
        "team_count": queries.teams_for(m).count(),
        # Admins oversee every team; everyone else sees the teams they are on.
        "teams": queries.teams_for(m) if m.is_admin else queries.teams_of(m),
        "pending_invitation_count": queries.pending_invitation_count(m),
        "token_count": queries.tokens_for(m).filter(revoked_at__isnull=True).count(),
    }
    return render(request, "core/home.html", context)


@require_GET
def no_workspace(request: HttpRequest) -> HttpResponse:
    if request.membership:
        return redirect("home")
    return render(request, "core/no_workspace.html")


@require_POST
def switch_workspace(request: HttpRequest) -> HttpResponse:
    membership = queries.access_workspace_switch(request.user, request.POST.get("workspace", ""))
    request.session[SESSION_KEY] = membership.workspace_id
    messages.success(request, f"You are now working in {membership.workspace.name}.")
    return redirect("home")


@require_GET
def settings_home(request: HttpRequest) -> HttpResponse:
    return redirect("members")


@require_GET
def members(request: HttpRequest) -> HttpResponse:
    return render(request, "core/members.html", {"members": queries.members_for(request.membership)})


@require_http_methods(["GET", "POST"])
def member_detail(request: HttpRequest, member_id: str) -> HttpResponse:
    member = queries.access_member(request.membership, member_id)
    form = None
    if request.membership.is_admin:
        initial = {"role": member.role, "title": member.title, "department": member.department, "is_active": member.is_active}
        form = forms.MemberForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.update_member(request.membership, member, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"Saved {member.user.display_name}.")
                return redirect("members")
    elif request.method == "POST":
        raise PermissionDenied("Only workspace admins can change members.")
    return render(request, "core/member_detail.html", {"member": member, "form": form})


@require_GET
def teams(request: HttpRequest) -> HttpResponse:
    return render(request, "core/teams.html", {"teams": queries.teams_for(request.membership)})


@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest) -> HttpResponse:
    queries.require_admin(request.membership)
    form = forms.TeamForm(request.POST or None, candidates=queries.team_candidates(request.membership))
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(
                request.membership, form.cleaned_data["name"], form.cleaned_data["manager"],
                list(form.cleaned_data["members"]),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Created team {team.name}.")
            return redirect("team_detail", team_id=team.public_id)
    return render(request, "core/team_form.html", {"form": form, "team": None})


@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, team_id: str) -> HttpResponse:
    team = queries.access_team(request.membership, team_id)
    team_members = queries.team_members(team)
    if not request.membership.is_admin:
        if request.method == "POST":
            raise PermissionDenied("Only workspace admins can change teams.")
        return render(request, "core/team_detail.html", {"team": team, "team_members": team_members})
    initial = {"name": team.name, "manager": team.manager, "members": list(team_members)}
    candidates = queries.team_candidates(request.membership, team)
    form = forms.TeamForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team(
                request.membership, team, form.cleaned_data["name"], form.cleaned_data["manager"],
                list(form.cleaned_data["members"]),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Saved team {team.name}.")
            return redirect("teams")
    return render(request, "core/team_form.html", {"form": form, "team": team, "team_members": team_members})


@require_POST
def team_delete(request: HttpRequest, team_id: str) -> HttpResponse:
    team = queries.access_team(request.membership, team_id)
    services.delete_team(request.membership, team)
    messages.success(request, f"Deleted team {team.name}.")
    return redirect("teams")


@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    m = request.membership
    invitations_list = queries.invitations_for(m)
    form = forms.InvitationForm(request.POST or None, teams=queries.teams_for(m))
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.invite_user(
                m, form.cleaned_data["email"], form.cleaned_data["role"], form.cleaned_data["team"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            _report_delivery(request, sent.invitation)
            return redirect("invitations")
    context = {"form": form, "invitations": invitations_list, "invitation_days": settings.INVITATION_DAYS}
    return render(request, "core/invitations.html", context)


def _report_delivery(request: HttpRequest, invitation) -> None:
    if invitation.email_error:
        messages.error(
            request,
            f"The invitation to {invitation.email} is saved, but its email could not be sent "
            f"({invitation.email_error}). Check the email settings, then press Resend.",
        )
    else:
        messages.success(request, f"Invitation sent to {invitation.email}.")


@require_POST
def invitation_resend(request: HttpRequest, invitation_id: str) -> HttpResponse:
    invitation = queries.access_invitation(request.membership, invitation_id)
    try:
        sent = services.resend_invitation(request.membership, invitation, base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _report_delivery(request, sent.invitation)
    return redirect("invitations")


@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: str) -> HttpResponse:
    invitation = queries.access_invitation(request.membership, invitation_id)
    services.revoke_invitation(request.membership, invitation)
    if request.headers.get("HX-Request"):
        return render(request, "core/_invitation_row.html", {"invitation": invitation})
    messages.success(request, f"Withdrew the invitation to {invitation.email}.")
    return redirect("invitations")


@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    m = request.membership
    form = forms.TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_api_token(m, form.cleaned_data["name"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            # The secret exists only in this response (never stored, never
            # cached); app.js turns the page's history entry into a GET so a
            # reload cannot post the form again.
            form = forms.TokenForm()
    context = {"form": form, "tokens": queries.tokens_for(m), "created": created}
    return render(request, "core/tokens.html", context)


@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    token = queries.access_token(request.membership, token_id)
    services.revoke_api_token(request.membership, token)
    if request.headers.get("HX-Request"):
        return render(request, "core/_token_row.html", {"token": token})
    messages.success(request, f"Revoked {token.name}.")
    return redirect("tokens")


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = forms.ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(request.user, form.cleaned_data["full_name"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Saved your profile.")
            return redirect("account")
    return render(request, "core/account.html", {"form": form})


INVITATION_TOKEN_KEY = "warmline_invitation_token"


@login_not_required
@require_GET
def open_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Like Django's password reset, it moves the secret
    into the session and redirects, so it stays out of logs and Referer."""
    queries.invitation_by_token(token)
    request.session[INVITATION_TOKEN_KEY] = token
    return redirect("accept_invitation")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest) -> HttpResponse:
    invitation = queries.invitation_by_token(request.session.get(INVITATION_TOKEN_KEY, ""))
    user = request.user if request.user.is_authenticated else None
    problem = services.invitation_problem(invitation, user)
    form = forms.AcceptInvitationForm(request.POST or None) if user is None and problem is None else None
    if request.method == "POST" and problem is None and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            membership = services.accept_invitation(
                invitation, user, data.get("full_name", ""), data.get("password", "")
            )
        except services.InvitationUnusable as exc:
            problem = str(exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if user is None:
                login(request, membership.user, backend="warmline.core.backends.EmailBackend")
            request.session.pop(INVITATION_TOKEN_KEY, None)
            request.session[SESSION_KEY] = membership.workspace_id
            messages.success(request, f"Welcome to {membership.workspace.name}.")
            return redirect("home")
    context = {"invitation": invitation, "form": form, "problem": problem, "signed_in_as": user}
    return render(request, "core/accept_invitation.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
