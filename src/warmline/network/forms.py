"""Forms of the network pages. Every field has a label so pages can be driven by label."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from warmline.core.choices import Sharing
from warmline.network.choices import (
    CompanyRelation,
    Health,
    ImportFormat,
    InteractionKind,
    RelationshipKind,
    Seniority,
    SizeBand,
)
from warmline.network.importers.contacts import FIELDS as MAPPABLE_FIELDS
from warmline.network.importers.contacts import parse_mapping
from warmline.network.importers.records import MappingError


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    company = forms.ChoiceField(label="Company", required=False)
    seniority = forms.ChoiceField(label="Seniority", required=False, choices=[("", "Any seniority"), *Seniority.choices])
    known_by = forms.ChoiceField(label="Known by", required=False)
    country = forms.ChoiceField(label="Country", required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [("", "Any company"), *choices["companies"]]
        self.fields["known_by"].choices = [
            ("", "Anyone"), *((pid, name or email) for pid, name, email in choices["employees"])
        ]
        self.fields["country"].choices = [("", "Any country"), *((c, c) for c in choices["countries"])]

    def filters(self) -> dict[str, str]:
        """The filters for search_people; an invalid choice (a stale link) is dropped rather than refused."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    industry = forms.ChoiceField(label="Industry", required=False)
    size_band = forms.ChoiceField(label="Size", required=False, choices=[("", "Any size"), *SizeBand.choices])
    country = forms.ChoiceField(label="Country", required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", "Any industry"), *((i, i) for i in choices["industries"])]
        self.fields["country"].choices = [("", "Any country"), *((c, c) for c in choices["countries"])]

    def filters(self) -> dict[str, str]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class PersonForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    title = forms.CharField(label="Title", max_length=200, required=False)
    company = forms.CharField(label="Company", max_length=200, required=False,
                              help_text="Found by name, or created if new.")
    seniority = forms.ChoiceField(label="Seniority", required=False,
                                  choices=[("", "Work it out from the title"), *Seniority.choices])
    function = forms.CharField(label="Function or business unit", max_length=120, required=False)
    emails = forms.CharField(label="Email addresses", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="One per line.")
    phone = forms.CharField(label="Phone", max_length=60, required=False)
    linkedin_url = forms.CharField(label="LinkedIn profile", max_length=400, required=False,
                                   widget=forms.URLInput(attrs={"placeholder": "https://www.linkedin.com/in/…"}))
    city = forms.CharField(label="City", max_length=100, required=False)
    region = forms.CharField(label="Region or state", max_length=100, required=False)
    country = forms.CharField(label="Country", max_length=100, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tags = forms.CharField(label="Traits", required=False,
                           help_text="Comma-separated, e.g. early adopter, board member: matched against the "
                                     "type of person of your ideal customer profiles.")
    do_not_ask = forms.BooleanField(label="Asked not to be asked for introductions", required=False,
                                    help_text="Keeps them off every call list.")

    def clean(self):
        data = super().clean()
        if not (data.get("first_name") or data.get("last_name")):
            self.add_error("first_name", "A person needs a name.")
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["emails"] = _lines(data["emails"])
        data["tags"] = _lines(data["tags"])
        if not data["seniority"]:
            del data["seniority"]  # save_person works it out from the title
        return data


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=InteractionKind.choices)
    occurred_on = forms.DateField(label="Date", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label="Summary", max_length=500, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "What you talked about"}))


class TieForm(forms.Form):
    """The other person is picked from suggestions (radio buttons), or typed and resolved on submit."""

    other_name = forms.CharField(label="Who do they know?", max_length=200, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Start typing a name"}))
    other = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Relationship", choices=RelationshipKind.choices)
    how_they_know = forms.CharField(label="How they know each other", max_length=300, required=False,
                                    widget=forms.TextInput(attrs={"placeholder": "e.g. former colleagues at Initech"}))

    def clean(self):
        data = super().clean()
        if not data.get("other") and not data.get("other_name", "").strip():
            self.add_error("other_name", "Type a name and pick the person.")
        return data


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating", coerce=int, empty_value=None, required=False,
        choices=[("", "No rating: use the evidence"), *((n, f"{n} of 5") for n in range(1, 6))],
    )


class EmploymentForm(forms.Form):
    company = forms.CharField(label="Company", max_length=200)
    title = forms.CharField(label="Title", max_length=200, required=False)
    started_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ended_on = forms.DateField(label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="Empty if current.")

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "A position cannot end before it starts.")
        return data


class CompanyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    domain = forms.CharField(label="Domain", max_length=253, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "acme.com"}))
    industry = forms.CharField(label="Industry", max_length=120, required=False)
    employee_count = forms.IntegerField(label="Employees", min_value=1, required=False)
    size_band = forms.ChoiceField(label="Size band", required=False,
                                  choices=[("", "Work it out from the employees"), *SizeBand.choices])
    city = forms.CharField(label="City", max_length=100, required=False)
    region = forms.CharField(label="Region or state", max_length=100, required=False)
    country = forms.CharField(label="Country", max_length=100, required=False)
    tags = forms.CharField(label="Tags", required=False, help_text="Comma-separated, e.g. target account, fintech.")
    relation = forms.ChoiceField(label="What they are to us", required=False, choices=CompanyRelation.choices)
    nps = forms.IntegerField(label="NPS answer", min_value=0, max_value=10, required=False,
                             help_text="Their latest answer to 'would you recommend us?', 0–10.")
    health = forms.ChoiceField(label="Account health", required=False, choices=Health.choices)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = _lines(data["tags"])
        if not data["size_band"]:
            del data["size_band"]
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="File")
    format = forms.ChoiceField(label="Format", choices=ImportFormat.choices, initial=ImportFormat.LINKEDIN)
    owner = forms.ChoiceField(label="Whose network is it?", required=False)
    mapping = forms.CharField(
        label="Column mapping", required=False, widget=forms.Textarea(attrs={"rows": 4, "placeholder": "E-mail=email\nOrganisation=company"}),
        help_text="One <code>column=field</code> per line. Needed for “Other CSV”; optional for the others. "
                  "Fields: " + ", ".join(MAPPABLE_FIELDS) + ".",
    )

    def __init__(self, *args, owners: list, max_bytes: int, company_data: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {m.public_id: m for m in owners}
        self.fields["owner"].choices = [(m.public_id, m.user.display_name) for m in owners]
        self.company_data = company_data
        if company_data:  # only admins: company data is visible to everyone
            self.fields["owner"].choices.append(("", "Nobody: company data (CRM export)"))
        self.max_bytes = max_bytes
        self.fields["file"].help_text = f"Up to {_size(max_bytes)}."

    def clean_owner(self):
        owner = self.owners.get(self.cleaned_data["owner"])
        if owner is None and not self.company_data:
            raise forms.ValidationError("Only admins import company data: choose your own network.")
        return owner

    def clean_mapping(self):
        lines = [line for line in self.cleaned_data["mapping"].splitlines() if line.strip()]
        try:
            return parse_mapping(lines)
        except MappingError as error:
            raise ValidationError(str(error)) from error

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(f"The file is {_size(upload.size)}; the limit is {_size(self.max_bytes)}.")
        return upload


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


class SharingForm(forms.Form):
    network_sharing = forms.ChoiceField(label="Your imported network", required=False, widget=forms.RadioSelect)

    def __init__(self, *args, workspace_default: str, **kwargs):
        super().__init__(*args, **kwargs)
        default_label = Sharing(workspace_default).label.split(":")[0].lower()
        self.fields["network_sharing"].choices = [
            ("", f"Workspace default (currently: {default_label})"), *Sharing.choices,
        ]


class WorkspaceSharingForm(forms.Form):
    network_sharing = forms.ChoiceField(label="Workspace default", choices=Sharing.choices, widget=forms.RadioSelect)
