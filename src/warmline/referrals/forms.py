"""Forms of the referral pages. People are picked by typing a name and choosing from suggestions."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from warmline.core.choices import AttributionPolicy, ReferralEditScope
from warmline.core.models import Membership
from warmline.core.money import CURRENCIES, Money, MoneyError, parse_amount
from warmline.referrals.choices import AskChannel, AskOutcome, Confirmation, Milestone, ReferralOrigin, StageKind
from warmline.referrals.models import Stage
from warmline.referrals.queries import ReferralFilters

CURRENCY_CHOICES = [(c, c) for c in sorted(CURRENCIES)]
DATE = forms.DateInput(attrs={"type": "date"})


def person_inputs(form: forms.Form, name: str, label: str, *, required: bool = True, help_text: str = "") -> None:
    """A person is two inputs: `<name>_name`, typed, and `<name>`, the public id picked from suggestions."""
    form.fields[f"{name}_name"] = forms.CharField(
        label=label, max_length=200, required=False, help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Start typing a name"}))
    form.fields[name] = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    form.person_fields = [*getattr(form, "person_fields", []), (name, required)]


class MoneyInputs:
    """`value` (an amount as typed) and `currency`, cleaned into `money` (a Money or None)."""

    def add_money(self, currency: str, *, label: str = "Value", required: bool = False) -> None:
        self.fields["value"] = forms.CharField(label=label, max_length=40, required=required,
                                               widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                                             "placeholder": "e.g. 25,000"}))
        self.fields["currency"] = forms.ChoiceField(label="Currency", choices=CURRENCY_CHOICES, initial=currency,
                                                    required=False)
        self.default_currency = currency

    def clean_money(self) -> Money | None:
        value = (self.cleaned_data.get("value") or "").strip()
        if not value:
            return None
        try:
            return parse_amount(value, self.cleaned_data.get("currency") or self.default_currency)
        except MoneyError as error:
            self.add_error("value", str(error))
            return None


class AskForm(forms.Form):
    channel = forms.ChoiceField(label="How did you ask?", choices=AskChannel.choices, initial=AskChannel.PHONE,
                                help_text="Email and social asks are allowed, but a conversation works better; "
                                          "they are reported apart.")
    asked_on = forms.DateField(label="When", widget=DATE)
    target_description = forms.CharField(
        label="Or describe whom you want to meet", max_length=300, required=False,
        help_text="Without a specific person the ask is weaker: name someone when you can.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. the CFO of a mid-size logistics company"}))
    reason = forms.CharField(label="Why an introduction is worth their time", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    intro_text = forms.CharField(label="Introduction text for the source to forward", required=False,
                                 max_length=2000, widget=forms.Textarea(attrs={"rows": 8}))
    talking_points = forms.CharField(label="Talking points", required=False, max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 8}))
    outcome = forms.ChoiceField(label="Outcome", choices=AskOutcome.choices, initial=AskOutcome.PENDING)
    follow_up_on = forms.DateField(label="Follow up on", required=False, widget=DATE)
    intel_how_they_know = forms.CharField(label="How they know the prospect", required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    intel_what_matters = forms.CharField(label="What matters to the prospect", required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    intel_challenges = forms.CharField(label="Their challenges", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    intel_communication = forms.CharField(label="How they like to communicate", required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    intel_obstacles = forms.CharField(label="What might get in the way", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    path = forms.CharField(required=False, widget=forms.HiddenInput)
    suggestion = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    INTEL = ("intel_how_they_know", "intel_what_matters", "intel_challenges", "intel_communication",
             "intel_obstacles")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asked_on"].initial = timezone.localdate()
        person_inputs(self, "source", "Whom did you ask?", help_text="The person who can introduce you.")
        person_inputs(self, "target", "Whom should they introduce you to?", required=False)
        order = ["source_name", "source", "target_name", "target", "target_description"]
        self.order_fields(order + [f for f in self.fields if f not in order])


class AskUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="Outcome", choices=AskOutcome.choices)
    follow_up_on = forms.DateField(label="Follow up on", required=False, widget=DATE)
    intel_how_they_know = AskForm.base_fields["intel_how_they_know"]
    intel_what_matters = AskForm.base_fields["intel_what_matters"]
    intel_challenges = AskForm.base_fields["intel_challenges"]
    intel_communication = AskForm.base_fields["intel_communication"]
    intel_obstacles = AskForm.base_fields["intel_obstacles"]


class ReferralForm(MoneyInputs, forms.Form):
    """An introduction: from an ask (source fixed) or unasked."""

    origin = forms.ChoiceField(label="How did it arrive?", choices=[
        (ReferralOrigin.UNASKED, "Unasked: they introduced us on their own"),
        (ReferralOrigin.VERBAL, "Verbally: they told us to call"),
    ])
    owner = forms.ModelChoiceField(label="Owner", queryset=Membership.objects.none(), empty_label=None)
    introduced_on = forms.DateField(label="Introduced on", widget=DATE)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="What the source said, what to mention when you call.")

    def __init__(self, *args, owners, currency: str, from_ask: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda m: m.user.display_name
        self.fields["introduced_on"].initial = timezone.localdate()
        if not from_ask:
            person_inputs(self, "source", "Who made the introduction?")
        else:
            del self.fields["origin"]
        person_inputs(self, "prospect", "Whom were you introduced to?")
        self.add_money(currency)
        order = ["source_name", "source", "prospect_name", "prospect", "origin", "owner"]
        self.order_fields(order + [f for f in self.fields if f not in order])

    def clean_introduced_on(self):
        day = self.cleaned_data["introduced_on"]
        if day > timezone.localdate():
            raise ValidationError("The introduction has happened: the date cannot be in the future.")
        return day

    def introduced_at(self) -> datetime.datetime:
        """Today's introductions happen now; past ones at noon of their day (UTC)."""
        day = self.cleaned_data["introduced_on"]
        now = timezone.now()
        if day == timezone.localdate(now):
            return now
        return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


class MoveForm(MoneyInputs, forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    stage = forms.ModelChoiceField(label="Move to", queryset=Stage.objects.none(), empty_label=None)
    closed_on = forms.DateField(label="Close date", required=False, widget=DATE)
    lost_reason = forms.CharField(label="Why was it lost?", required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, stages, currency: str, **kwargs):
        # Several forms share a referral's page: each keeps its own element ids.
        kwargs.setdefault("auto_id", "move_%s")
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages
        self.add_money(currency, label="Value (needed to win)")
        self.order_fields(["stage", "value", "currency", "closed_on", "lost_reason", "version"])


class ReopenForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    stage = forms.ModelChoiceField(label="Reopen into", queryset=Stage.objects.none(), required=False,
                                   empty_label="The stage it closed from")

    def __init__(self, *args, stages, **kwargs):
        kwargs.setdefault("auto_id", "reopen_%s")
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages


class ReassignForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    owner = forms.ModelChoiceField(label="New owner", queryset=Membership.objects.none(), empty_label=None)

    def __init__(self, *args, owners, **kwargs):
        kwargs.setdefault("auto_id", "reassign_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda m: m.user.display_name


class ConfirmForm(forms.Form):
    by = forms.ChoiceField(choices=[(Confirmation.SOURCE, "source"), (Confirmation.PROSPECT, "prospect")])


class ValueForm(MoneyInputs, forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, currency: str, **kwargs):
        kwargs.setdefault("auto_id", "value_%s")
        super().__init__(*args, **kwargs)
        self.add_money(currency)


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class MomentForm(forms.Form):
    note = forms.CharField(label="What did they thank you for?", required=False, max_length=1000,
                           widget=forms.TextInput(attrs={"placeholder": "e.g. the benchmark on payment terms"}))


class ReferralFilterForm(forms.Form):
    """Filters of the board and the list. A stale value (a member who left) is dropped, not refused."""

    owner = forms.ChoiceField(label="Rep", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    source = forms.ChoiceField(label="Source", required=False)
    stage = forms.ChoiceField(label="Stage", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *StageKind.choices])
    introduced_from = forms.DateField(label="Introduced from", required=False, widget=DATE)
    introduced_to = forms.DateField(label="to", required=False, widget=DATE)

    def __init__(self, *args, owners, teams, sources, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Every rep"), *((m.public_id, m.user.display_name) for m in owners)]
        self.fields["team"].choices = [("", "Every team"), *((t.public_id, t.name) for t in teams)]
        self.fields["source"].choices = [("", "Every source"), *((p.public_id, p.full_name) for p in sources)]
        self.fields["stage"].choices = [("", "Every stage"), *((s.public_id, s.name) for s in stages)]
        self.owners = {m.public_id: m for m in owners}
        self.teams = {t.public_id: t for t in teams}
        self.sources = {p.public_id: p for p in sources}
        self.stages = {s.public_id: s for s in stages}

    def filters(self) -> ReferralFilters:
        self.is_valid()
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return ReferralFilters(
            owner=self.owners.get(data.get("owner") or ""), team=self.teams.get(data.get("team") or ""),
            source=self.sources.get(data.get("source") or ""), stage=self.stages.get(data.get("stage") or ""),
            status=data.get("status") or "", introduced_from=data.get("introduced_from"),
            introduced_to=data.get("introduced_to"),
        )

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class StageForm(forms.Form):
    name = forms.CharField(label="Name", max_length=60)
    kind = forms.ChoiceField(label="Kind", choices=StageKind.choices)
    probability = forms.IntegerField(label="Win probability (%)", min_value=0, max_value=100, initial=0)
    milestone = forms.ChoiceField(label="Counts as", required=False,
                                  choices=[("", "No milestone"), *Milestone.choices],
                                  help_text="Which step of the referral funnel this stage stands for in metrics.")


class PipelineSettingsForm(forms.Form):
    contact_within_hours = forms.IntegerField(
        label="Contact a referred prospect within (hours)", min_value=1, max_value=720,
        help_text="After this, an introduction nobody has contacted is flagged overdue everywhere.")
    attribution_policy = forms.ChoiceField(label="When two sources introduce the same prospect",
                                           choices=AttributionPolicy.choices)
    referral_edit_scope = forms.ChoiceField(label="Reps may move", choices=ReferralEditScope.choices)
    currency = forms.ChoiceField(label="Default currency", choices=CURRENCY_CHOICES)

