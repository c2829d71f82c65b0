"""Forms of targeting: the profile editor, building a list from a profile, the ask templates."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from warmline.network.choices import Seniority
from warmline.targeting import fit, services
from warmline.targeting.models import IdealCustomerProfile


def _words(label: str, help_text: str, placeholder: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.TextInput(attrs={"placeholder": placeholder}))


def split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


WEIGHT_CHOICES = [(n, "Ignore" if n == 0 else str(n)) for n in range(0, fit.MAX_WEIGHT + 1)]


class ProfileForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Name", max_length=80,
                           widget=forms.TextInput(attrs={"placeholder": "e.g. Logistics finance"}))
    who = forms.CharField(label="Whom, in a few words", max_length=120, required=False,
                          widget=forms.TextInput(attrs={"placeholder": "e.g. CFOs"}))
    industries = _words("Industries", "Comma-separated.", "Logistics, Freight")
    cities = _words("Cities", "Comma-separated.", "Chicago, Detroit")
    regions = _words("Regions or states", "Comma-separated.", "Illinois, Ohio")
    countries = _words("Countries", "Comma-separated; 'USA' and 'United States' are the same.", "United States")
    size_min = forms.IntegerField(label="From", min_value=1, required=False,
                                  widget=forms.NumberInput(attrs={"placeholder": "200"}))
    size_max = forms.IntegerField(label="To", min_value=1, required=False,
                                  widget=forms.NumberInput(attrs={"placeholder": "2000"}))
    functions = _words("Functions or business units", "Comma-separated: finance, sales, HR…", "Finance")
    seniorities = forms.MultipleChoiceField(label="Seniority", required=False, choices=Seniority.choices,
                                            widget=forms.CheckboxSelectMultiple)
    traits = forms.CharField(label="Type of person", required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2, "placeholder": "e.g. data-driven, open to new "
                                                                                      "vendors"}))
    trait_tags = _words("Trait tags", "Matched against people's traits and notes.", "early adopter")
    need = forms.CharField(label="Situation or need", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "e.g. rising freight costs"}))
    need_keywords = _words("Need keywords", "Matched against notes and tags.", "freight costs, fuel")
    summary = forms.CharField(label="The profile in one sentence", max_length=300, required=False,
                              help_text="Leave empty to have it written from the criteria.")
    threshold = forms.IntegerField(label="Good fit from", min_value=0, max_value=100, initial=60,
                                   help_text="Score out of 100.")

    LISTS = ("industries", "cities", "regions", "countries", "functions", "trait_tags", "need_keywords")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension in fit.DIMENSIONS:
            self.fields[f"weight_{dimension}"] = forms.TypedChoiceField(
                label=f"{fit.LABELS[dimension]} weight", choices=WEIGHT_CHOICES, coerce=int,
                initial=fit.DEFAULT_WEIGHTS[dimension])

    @classmethod
    def initial_for(cls, profile: IdealCustomerProfile) -> dict:
        initial = {name: ", ".join(getattr(profile, name)) for name in cls.LISTS}
        initial.update({name: getattr(profile, name) for name in ("name", "who", "summary", "size_min", "size_max",
                                                                  "traits", "need", "threshold", "version",
                                                                  "seniorities")})
        initial.update({f"weight_{d}": profile.weight(d) for d in fit.DIMENSIONS})
        return initial

    def weight_fields(self):
        return [self[f"weight_{d}"] for d in fit.DIMENSIONS]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: split(data.get(name) or "") for name in self.LISTS}
        fields.update({name: data.get(name) or "" for name in ("name", "who", "summary", "traits", "need")})
        fields.update(size_min=data.get("size_min"), size_max=data.get("size_max"),
                      seniorities=list(data.get("seniorities") or []),
                      threshold=data["threshold"] if data.get("threshold") is not None else 60,
                      weights={d: data[f"weight_{d}"] for d in fit.DIMENSIONS if f"weight_{d}" in data})
        return fields

    def unsaved_profile(self) -> IdealCustomerProfile:
        """The profile as typed so far, for the live preview: fields with errors are left out."""
        fields = self.service_fields() if hasattr(self, "cleaned_data") else {}
        try:
            return services.unsaved_profile(**fields)
        except ValidationError as error:
            return services.unsaved_profile(**{k: v for k, v in fields.items() if k not in error.message_dict})


class BuildListForm(forms.Form):
    name = forms.CharField(label="List name", max_length=120, required=False)
    threshold = forms.IntegerField(label="Companies fitting at least", min_value=0, max_value=100)


class TemplateForm(forms.Form):
    body = forms.CharField(label="Template", required=False, widget=forms.Textarea(attrs={"rows": 14,
                                                                                          "spellcheck": "false"}))
