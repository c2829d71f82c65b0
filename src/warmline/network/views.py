"""Pages of the relationship network: people, companies, imports, the review queue and network sharing."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warmline.core import queries as core_queries
from warmline.core.choices import Sharing
from warmline.core.views import _apply_errors
from warmline.network import forms, importing, queries, services
from warmline.network.models import Person
from warmline.referrals import queries as referral_queries
from warmline.targeting import queries as targeting_queries

PAGE_SIZE = 50
SKIPPED_SHOWN = 200
SUMMARY_LABELS = [
    ("rows_read", "Rows read"),
    ("people_created", "People created"),
    ("people_matched", "People matched to someone already here"),
    ("companies_created", "Companies created"),
    ("relationships_created", "Relationships created"),
    ("relationships_updated", "Relationships updated"),
    ("merged_automatically", "Duplicates merged automatically"),
    ("sent_to_review", "Possible duplicates sent to review"),
    ("rows_skipped", "Rows skipped"),
]
HIGHLIGHTS = [
    ("people_created", "new people"),
    ("people_matched", "already known"),
    ("relationships_created", "new relationships"),
    ("rows_skipped", "rows skipped"),
]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- people ----------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The people list: search, filters, who on our team knows each person."""
    m = request.membership
    choices = queries.people_filter_choices(m, company=request.GET.get("company", ""))
    form = forms.PeopleFilterForm(request.GET, choices=choices)
    filters = form.filters()
    page = Paginator(queries.search_people(m, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    known = queries.known_by_employees(m, [p.pk for p in page])
    rows = [
        {"person": p, "known_by": known.get(p.pk, []), "best": next((t for t in known.get(p.pk, []) if t.full), None)}
        for p in page
    ]
    context = {
        "form": form, "page": page, "rows": rows, "counts": queries.network_counts(m),
        "filtered": any(filters.values()),
    }
    return render(request, "network/people.html", context)


@require_GET
def person_suggestions(request: HttpRequest) -> HttpResponse:
    """People matching what was typed, as choices for the 'who do they know' form."""
    # Read as typed, not through a form: drop NULs, which PostgreSQL refuses in a query.
    q = request.GET.get("other_name", "").replace("\x00", "").strip()
    exclude = request.GET.get("exclude", "").replace("\x00", "")
    people = []
    if len(q) >= 2:
        people = queries.search_people(request.membership, q=q).exclude(public_id=exclude)[:8]
    return render(request, "network/_suggestions.html", {"people": people, "q": q})


@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    form = forms.PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.save_person(request.membership, None, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Added {person.full_name}.")
            return redirect("network:person", person_id=person.public_id)
    return render(request, "network/person_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: str) -> HttpResponse:
    person = queries.access_person(request.membership, person_id)
    if not person.details_visible:
        raise PermissionDenied(f"{person.full_name}'s details are private to a colleague's network.")
    initial = {
        "first_name": person.first_name, "last_name": person.last_name, "title": person.title,
        "company": person.company.name if person.company else "", "seniority": person.seniority,
        "function": person.function, "emails": "\n".join(e.email for e in person.emails.all()),
        "phone": person.phone, "linkedin_url": person.linkedin_url, "city": person.city, "region": person.region,
        "country": person.country, "notes": person.notes, "tags": ", ".join(person.tags),
        "do_not_ask": person.do_not_ask,
    }
    form = forms.PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if person.company and fields["company"] == person.company.name:
            fields["company"] = person.company  # unchanged: keep this very company, not a namesake
        try:
            services.save_person(request.membership, person, **fields)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Saved {person.full_name}.")
            return redirect("network:person", person_id=person.public_id)
    return render(request, "network/person_form.html", {"form": form, "person": person})


def _person_page(request: HttpRequest, person: Person, status: int = 200, **forms_in_use) -> HttpResponse:
    m = request.membership
    network = queries.network_of(m, person)
    against = targeting_queries.profiles(m.workspace_id)
    private_to = sorted({
        t.other.membership.user.display_name for t in network.known_by if t.disclosure == queries.EXISTENCE
    })
    context = {
        "person": person,
        "network": network,
        "private_to": private_to,
        "timeline": referral_queries.timeline_for_person(m, person),
        "source_record": referral_queries.source_record(m, person),
        "fits": targeting_queries.fits_of(targeting_queries.subject_of(person), against),
        "prospect_fits": targeting_queries.prospect_fit_record(m.workspace_id, person, against),
        "employments": queries.employments_of(person),
        "interaction_form": forms_in_use.get("interaction_form") or forms.InteractionForm(prefix="interaction"),
        "tie_form": forms_in_use.get("tie_form") or forms.TieForm(),
        "employment_form": forms_in_use.get("employment_form") or forms.EmploymentForm(prefix="position"),
        "suggestions": forms_in_use.get("suggestions"),
        "rating_choices": range(1, 6),
    }
    return render(request, "network/person.html", context, status=status)


@require_GET
def person(request: HttpRequest, person_id: str) -> HttpResponse:
    return _person_page(request, queries.access_person(request.membership, person_id))


@require_POST
def person_interaction(request: HttpRequest, person_id: str) -> HttpResponse:
    person = queries.access_person(request.membership, person_id)
    form = forms.InteractionForm(request.POST, prefix="interaction")
    if form.is_valid():
        try:
            services.log_interaction(request.membership, person, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Logged your {form.cleaned_data['kind']} with {person.full_name}.")
            return redirect("network:person", person_id=person.public_id)
    return _person_page(request, person, interaction_form=form)


@require_POST
def person_tie(request: HttpRequest, person_id: str) -> HttpResponse:
    """Records that the person knows someone, picked from suggestions or typed and resolved here."""
    m = request.membership
    person = queries.access_person(m, person_id)
    form = forms.TieForm(request.POST)
    suggestions = None
    if form.is_valid():
        other = None
        if form.cleaned_data["other"]:
            try:
                other = queries.access_person(m, form.cleaned_data["other"])
            except Http404:
                form.add_error("other_name", "That person is no longer in the network. Pick someone else.")
        else:
            name = form.cleaned_data["other_name"].strip()
            suggestions = list(queries.search_people(m, q=name).exclude(pk=person.pk)[:8])
            if len(suggestions) == 1:
                other = suggestions[0]
            elif suggestions:
                form.add_error("other_name", f"{len(suggestions)} people match “{name}”: pick one.")
            else:
                form.add_error("other_name", f"Nobody called “{name}” is in the network yet. Add them first.")
        if other is not None:
            try:
                services.record_tie(
                    m, person, other, kind=form.cleaned_data["kind"], how_they_know=form.cleaned_data["how_they_know"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"Recorded that {person.full_name} knows {other.full_name}.")
                return redirect("network:person", person_id=person.public_id)
    return _person_page(request, person, tie_form=form, suggestions=suggestions)


@require_POST
def person_employment(request: HttpRequest, person_id: str) -> HttpResponse:
    m = request.membership
    person = queries.access_person(m, person_id)
    form = forms.EmploymentForm(request.POST, prefix="position")
    if form.is_valid():
        data = form.cleaned_data
        try:
            employment = services.record_employment(
                m, person, data["company"], started_on=data["started_on"], ended_on=data["ended_on"],
                title=data["title"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Added {person.full_name}'s position at {employment.company.name}.")
            return redirect("network:person", person_id=person.public_id)
    return _person_page(request, person, employment_form=form)


@require_POST
def relationship_rate(request: HttpRequest, relationship_id: str) -> HttpResponse:
    m = request.membership
    relationship = queries.access_relationship(m, relationship_id)
    back = request.POST.get("from")
    pair = {relationship.person_a.public_id, relationship.person_b.public_id}
    back = back if back in pair else relationship.person_b.public_id
    form = forms.RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["rating"]))
        return redirect("network:person", person_id=back)
    try:
        services.rate_relationship(m, relationship, form.cleaned_data["rating"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        rating = form.cleaned_data["rating"]
        messages.success(request, f"Rated {rating} of 5." if rating else "Rating removed: the evidence decides.")
    return redirect("network:person", person_id=back)


# --- companies -------------------------------------------------------------------------------


@require_GET
def companies(request: HttpRequest) -> HttpResponse:
    m = request.membership
    form = forms.CompanyFilterForm(request.GET, choices=queries.company_filter_choices(m))
    filters = form.filters()
    page = Paginator(queries.companies_for(m, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/companies.html", {"form": form, "page": page, "filtered": any(filters.values())})


@require_GET
def company(request: HttpRequest, company_id: str) -> HttpResponse:
    m = request.membership
    found = queries.access_company(m, company_id)
    against = targeting_queries.profiles(m.workspace_id)
    company_map = queries.company_map(m, found)
    for c in company_map.people:
        c.fit = targeting_queries.best_fit(targeting_queries.subject_of(c.person, found), against)
    return render(request, "network/company.html", {
        "company": found, "map": company_map,
        "fits": targeting_queries.fits_of(targeting_queries.company_subject(found), against),
        "timeline": referral_queries.timeline_for_company(m, found),
        "open_referrals": referral_queries.referrals_for(m, referral_queries.ReferralFilters(company=found)).filter(
            status="open")[:20],
    })


def _company_form_page(request: HttpRequest, found) -> HttpResponse:
    initial = {}
    if found is not None:
        initial = {name: getattr(found, name) for name in forms.CompanyForm.base_fields if name != "tags"}
        initial["tags"] = ", ".join(found.tags)
    form = forms.CompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_company(request.membership, found, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("network:company", company_id=saved.public_id)
    return render(request, "network/company_form.html", {"form": form, "company": found})


@require_http_methods(["GET", "POST"])
def company_new(request: HttpRequest) -> HttpResponse:
    return _company_form_page(request, None)


@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, company_id: str) -> HttpResponse:
    return _company_form_page(request, queries.access_company(request.membership, company_id))


# --- imports ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    m = request.membership
    # Admins import anyone's network (say, for a colleague who sent their export); others only their own.
    owners = list(core_queries.members_for(m).filter(is_active=True)) if m.is_admin else [m]
    form = forms.ImportForm(
        request.POST or None, request.FILES or None, owners=owners, max_bytes=importing.max_import_bytes(),
        company_data=m.is_admin,
        initial={"owner": m.public_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.queue_import(
                m, fmt=data["format"], data=data["file"].read(), filename=data["file"].name, owner=data["owner"],
                mapping=data["mapping"] or None,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("network:import", import_id=run.public_id)
    page = Paginator(queries.imports_for(m), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/imports.html", {"form": form, "page": page})


def _import_context(run) -> dict:
    summary = run.summary or {}
    skipped = summary.get("skipped", [])
    return {
        "run": run,
        "summary_rows": [(label, summary[key]) for key, label in SUMMARY_LABELS if key in summary],
        "highlights": [(label, summary[key]) for key, label in HIGHLIGHTS if key in summary],
        "skipped": skipped[:SKIPPED_SHOWN],
        "skipped_total": len(skipped),
        "waiting": not run.is_finished,
    }


@require_GET
def import_detail(request: HttpRequest, import_id: str) -> HttpResponse:
    run = queries.access_import(request.membership, import_id)
    return render(request, "network/import.html", _import_context(run))


@require_GET
def import_progress(request: HttpRequest, import_id: str) -> HttpResponse:
    """The progress block alone, polled while the run is queued or running."""
    run = queries.access_import(request.membership, import_id)
    return render(request, "network/_import_progress.html", _import_context(run))


@require_GET
def import_skipped_csv(request: HttpRequest, import_id: str) -> HttpResponse:
    """Every skipped row of a run, for fixing the file and importing it again."""
    run = queries.access_import(request.membership, import_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="skipped-rows-{run.public_id}.csv"'
    writer = csv.writer(response)
    writer.writerow(["line", "reason"])
    for row in (run.summary or {}).get("skipped", []):
        writer.writerow([row["line"], row["reason"]])
    return response


# --- review queue and merges -----------------------------------------------------------------


@require_GET
def review(request: HttpRequest) -> HttpResponse:
    m = request.membership
    queue = queries.review_queue(m)
    context = {
        "pairs": queries.with_details_visible(m, queue)[:PAGE_SIZE], "open_count": queue.count(),
        "merges": queries.merges_for(m)[:20],
    }
    return render(request, "network/review.html", context)


def _decided(request: HttpRequest, candidate, *, merge=None, kept_apart=False, error: str = "") -> HttpResponse:
    if _is_htmx(request):
        context = {"pair": candidate, "merge": merge, "kept_apart": kept_apart, "error": error}
        return render(request, "network/_review_decided.html", context)
    if error:
        messages.error(request, error)
    elif merge is not None:
        messages.success(request, f"Merged {merge.merged.full_name} into {merge.kept.full_name}.")
    else:
        messages.success(request, f"Kept {candidate.person_a.full_name} and {candidate.person_b.full_name} apart.")
    return redirect("network:review")


@require_POST
def review_merge(request: HttpRequest, candidate_id: str) -> HttpResponse:
    candidate = queries.access_candidate(request.membership, candidate_id)
    keep = {candidate.person_a.public_id: candidate.person_a, candidate.person_b.public_id: candidate.person_b}.get(
        request.POST.get("keep", "")
    )
    if keep is None:
        return _decided(request, candidate, error="Say which of the two records to keep.")
    try:
        merge = services.merge_candidate(request.membership, candidate, keep=keep)
    except ValidationError as exc:
        return _decided(request, candidate, error=" ".join(exc.messages))
    return _decided(request, candidate, merge=merge)


@require_POST
def review_keep_apart(request: HttpRequest, candidate_id: str) -> HttpResponse:
    candidate = queries.access_candidate(request.membership, candidate_id)
    try:
        services.keep_apart(request.membership, candidate)
    except ValidationError as exc:
        return _decided(request, candidate, error=" ".join(exc.messages))
    return _decided(request, candidate, kept_apart=True)


@require_POST
def merge_undo(request: HttpRequest, merge_id: str) -> HttpResponse:
    merge = queries.access_merge(request.membership, merge_id)
    error = ""
    try:
        services.undo_merge(request.membership, merge)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if _is_htmx(request):
        return render(request, "network/_merge_row.html", {"merge": merge, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Undid the merge: {merge.merged.full_name} is a separate person again.")
    return redirect("network:review")


# --- sharing ---------------------------------------------------------------------------------


def _sharing_page(request: HttpRequest, form=None, workspace_form=None) -> HttpResponse:
    m = request.membership
    default = m.workspace.network_sharing
    context = {
        "form": form or forms.SharingForm(initial={"network_sharing": m.network_sharing}, workspace_default=default),
        "workspace_form": workspace_form or forms.WorkspaceSharingForm(initial={"network_sharing": default}),
        "members": [
            (member, Sharing(member.network_sharing).label.split(":")[0] if member.network_sharing else "")
            for member in core_queries.members_for(m).filter(is_active=True)
        ] if m.is_admin else None,
    }
    return render(request, "network/sharing.html", context)


@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest) -> HttpResponse:
    """Each member decides what colleagues see of their imported network."""
    m = request.membership
    if request.method == "GET":
        return _sharing_page(request)
    form = forms.SharingForm(request.POST, workspace_default=m.workspace.network_sharing)
    if form.is_valid():
        try:
            services.set_network_sharing(m, form.cleaned_data["network_sharing"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Saved how your network is shared.")
            return redirect("network:sharing")
    return _sharing_page(request, form=form)


@require_POST
def workspace_sharing(request: HttpRequest) -> HttpResponse:
    m = request.membership
    core_queries.require_admin(m)
    form = forms.WorkspaceSharingForm(request.POST)
    if form.is_valid():
        try:
            services.set_workspace_sharing(m, form.cleaned_data["network_sharing"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Saved the workspace default.")
            return redirect("network:sharing")
    return _sharing_page(request, workspace_form=form)
