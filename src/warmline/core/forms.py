"""Forms of the tenancy pages. Every field has a label so pages can be driven by label."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from warmline.core.choices import Role
from warmline.core.models import Membership, Team


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "That email and password do not match an account. Check both and try again.",
        "inactive": "This account is disabled.",
    }


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.REP)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False, empty_label="No team")

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"].queryset = teams
            self.fields["team"].to_field_name = "public_id"


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=200)
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password, not only digits, not like your name or email.",
    )


class TeamForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=120)
    manager = forms.ModelChoiceField(label="Manager", queryset=Membership.objects.none(), required=False, empty_label="No manager")
    members = forms.ModelMultipleChoiceField(
        label="Members", queryset=Membership.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("manager", "members"):
            self.fields[name].queryset = candidates[name]
            self.fields[name].to_field_name = "public_id"
        self.fields["manager"].label_from_instance = lambda m: f"{m.user.display_name} ({m.get_role_display()})"
        self.fields["members"].label_from_instance = lambda m: m.user.display_name + ("" if m.is_active else " (inactive)")


class MemberForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    title = forms.CharField(label="Title", max_length=120, required=False)
    department = forms.CharField(label="Department", max_length=120, required=False)
    is_active = forms.BooleanField(label="Active", required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=100, help_text="What will use it, e.g. “CRM sync”.")


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=200)
