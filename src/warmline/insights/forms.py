"""Forms of the insights pages: they parse; the services decide."""

from __future__ import annotations

from django import forms

from warmline.insights.choices import GoalMetric
from warmline.insights.planning import WINDOWS


class GoalForm(forms.Form):
    scope = forms.ChoiceField(label="For")
    metric = forms.ChoiceField(label="Goal", choices=GoalMetric.choices)
    target = forms.IntegerField(label="Target", min_value=0, max_value=10**13,
                                help_text="A count, or for revenue an amount in whole units of the currency.")
    currency = forms.CharField(label="Currency", max_length=3, required=False,
                               help_text="For revenue goals; the workspace's currency when left empty.")
    starts_on = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                help_text="Applies from the week (or quarter, for new clients and revenue) that "
                                          "contains this day, until a newer goal. Today when left empty.")

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = list(scopes)


class PlanForm(forms.Form):
    clients = forms.IntegerField(label="New clients wanted", min_value=1, max_value=10_000, initial=10)
    weeks = forms.IntegerField(label="Over how many weeks", min_value=1, max_value=52, initial=13,
                               help_text="13 weeks is a quarter.")
    window = forms.TypedChoiceField(label="Rates measured over", coerce=int, initial=180,
                                    choices=[(d, f"the last {d} days") for d in WINDOWS])


class DealImportForm(forms.Form):
    file = forms.FileField(label="CRM deals export (CSV)",
                           help_text="Salesforce opportunities, HubSpot deals, or any CSV with id, lead_source and "
                                     "status columns.")
    referral_sources = forms.CharField(
        label="Lead sources that are referrals", required=False, max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Customer Referral\nPartner Introduction"}),
        help_text="One per line. Leave empty to count every lead source that mentions a referral, an introduction "
                  "or word of mouth.")
    date_order = forms.ChoiceField(
        label="Dates like 03/04/2026 are", required=False, initial="",
        choices=[("", "Decided by the file (month first when it cannot tell)"), ("month", "Month first (US)"),
                 ("day", "Day first (Europe)")])

    def referral_source_list(self) -> list[str] | None:
        lines = [line.strip() for line in self.cleaned_data["referral_sources"].splitlines()]
        return [line for line in lines if line] or None

    def day_first(self) -> bool | None:
        return {"month": False, "day": True}.get(self.cleaned_data["date_order"])
