"""Pages of warm paths: find a target, the ranked paths to a person, an account map, target-account lists."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warmline.core.views import _apply_errors
from warmline.network.importing import max_import_bytes
from warmline.paths import queries, services
from warmline.referrals import queries as referral_queries
from warmline.targeting import queries as targeting_queries

LIMIT = 20
ACCOUNT_PAGE = 100


class AccountListForm(forms.Form):
    name = forms.CharField(max_length=120, label="List name")
    file = forms.FileField(label="CSV file", help_text="One account per row: a column named 'account' (or "
                           "'company'), a 'domain' column, or both. A single column without a header works too.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_import_bytes():
            raise ValidationError(f"The file is {upload.size:,} bytes; the limit is {max_import_bytes():,}.")
        return upload


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Search for a target: a person (name, email, LinkedIn URL) or a company (name, domain)."""
    m = request.membership
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    people, companies = queries.find_targets(m.workspace, m, q) if q else ([], [])
    against = targeting_queries.profiles(m.workspace_id) if people else []
    for p in people:
        p.fit = targeting_queries.best_fit(targeting_queries.subject_of(p), against)
    if q and len(people) == 1 and not companies:
        return redirect("paths:person", person_id=people[0].public_id)
    context = {"q": q, "people": people, "companies": companies,
               "lists": queries.account_lists(m.workspace)[:10]}
    return render(request, "paths/home.html", context)


@require_GET
def person(request: HttpRequest, person_id: str) -> HttpResponse:
    m = request.membership
    target = queries.access_target(m.workspace, m, person_id)
    paths = queries.person_paths(m.workspace, m, target, limit=LIMIT,
                                 statuses=referral_queries.path_statuses(m.workspace_id, target))
    target_fit = targeting_queries.best_fit(targeting_queries.subject_of(target),
                                            targeting_queries.profiles(m.workspace_id))
    return render(request, "paths/person.html", {"target": target, "paths": paths, "limit": LIMIT,
                                                 "target_fit": target_fit})


@require_GET
def account(request: HttpRequest, company_id: str) -> HttpResponse:
    m = request.membership
    company = queries.access_account(m.workspace, m, company_id)
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    mapped = queries.account_map(m.workspace, m, company, offset=(number - 1) * ACCOUNT_PAGE, limit=ACCOUNT_PAGE)
    against = targeting_queries.profiles(m.workspace_id)
    for row in mapped.people:
        row.fit = targeting_queries.best_fit(targeting_queries.subject_of(row.person, company), against)
    pages = max(1, -(-mapped.total // ACCOUNT_PAGE))
    if number > pages:
        return redirect(f"{request.path}?page={pages}")
    return render(request, "paths/account.html", {"map": mapped, "number": number, "pages": pages,
                                                  "first": mapped.offset + 1,
                                                  "last": mapped.offset + len(mapped.people)})


@require_http_methods(["GET", "POST"])
def lists(request: HttpRequest) -> HttpResponse:
    m = request.membership
    form = AccountListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_account_list(m, form.cleaned_data["name"], form.cleaned_data["file"].read())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Saved {saved.name}: {len(saved.accounts):,} "
                                      f"account{'s' if len(saved.accounts) != 1 else ''}.")
            return redirect("paths:list", list_id=saved.public_id)
    return render(request, "paths/lists.html", {"form": form, "lists": queries.account_lists(m.workspace)},
                  status=400 if request.method == "POST" else 200)


@require_GET
def account_list(request: HttpRequest, list_id: str) -> HttpResponse:
    m = request.membership
    found = queries.access_account_list(m.workspace, list_id)
    rows = queries.account_table(m.workspace, m, found.entries())
    reached = sum(1 for r in rows if r.best)
    return render(request, "paths/list.html", {"list": found, "rows": rows, "reached": reached})


@require_POST
def account_list_delete(request: HttpRequest, list_id: str) -> HttpResponse:
    m = request.membership
    found = queries.access_account_list(m.workspace, list_id)
    try:
        services.delete_account_list(m, found)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("paths:list", list_id=found.public_id)
    messages.success(request, f"Deleted {found.name}.")
    return redirect("paths:lists")
