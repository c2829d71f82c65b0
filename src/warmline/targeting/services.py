"""Writes of targeting: ideal customer profiles, the workspace's ask templates, and lists built from a profile."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from warmline.core.choices import Channel, Role
from warmline.core.models import Membership
from warmline.network.choices import Seniority
from warmline.referrals.services import StaleVersion
from warmline.targeting import fit, queries, scripts
from warmline.targeting.models import AskTemplate, IdealCustomerProfile

LIST_FIELDS = ("industries", "countries", "regions", "cities", "functions", "seniorities", "trait_tags",
               "need_keywords")
TEXT_FIELDS = {"name": 80, "who": 120, "summary": 300, "traits": 5000, "need": 200}
PROFILE_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, "size_min", "size_max", "weights", "threshold", "archived")
MAX_LIST_ITEMS = 100
MAX_ITEM_CHARS = 100
MAX_SIZE = 10_000_000


def require_admin(actor: Membership, what: str) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(f"Only an admin can change {what}.")


def _clean_list(name: str, value) -> list[str]:
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValidationError({name: "A list of words or phrases."})
    cleaned, seen = [], set()
    for item in value:
        item = " ".join(item.split())
        if not item:
            continue
        if len(item) > MAX_ITEM_CHARS:
            raise ValidationError({name: f"'{item[:40]}…' is longer than {MAX_ITEM_CHARS} characters."})
        if item.casefold() not in seen:
            seen.add(item.casefold())
            cleaned.append(item)
    if len(cleaned) > MAX_LIST_ITEMS:
        raise ValidationError({name: f"At most {MAX_LIST_ITEMS} entries; this has {len(cleaned)}."})
    return cleaned


def _clean_size(name: str, value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIZE:
        raise ValidationError({name: f"A number of employees from 1 to {MAX_SIZE:,}, not {value!r}."})
    return value


def _clean_weights(value) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValidationError({"weights": "Weights are a mapping of dimension to a whole number."})
    unknown = set(value) - set(fit.DIMENSIONS)
    if unknown:
        raise ValidationError({"weights": f"Unknown dimension {sorted(unknown)[0]!r}; the dimensions are "
                                          f"{', '.join(fit.DIMENSIONS)}."})
    cleaned = {}
    for dimension, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= fit.MAX_WEIGHT:
            raise ValidationError({"weights": f"The weight of {dimension} must be a whole number from 0 to "
                                              f"{fit.MAX_WEIGHT}, not {weight!r}."})
        cleaned[dimension] = weight
    return cleaned


def unsaved_profile(**fields) -> IdealCustomerProfile:
    """A profile as these fields would save it, cleaned the same way, but not saved: what previews show."""
    profile = IdealCustomerProfile()
    _apply(profile, fields)
    return profile


def _apply(profile: IdealCustomerProfile, fields: dict) -> None:
    """Clean each field onto the profile; a ValidationError names every bad one."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    errors: dict[str, str] = {}
    for name, value in fields.items():
        try:
            if name in TEXT_FIELDS:
                if not isinstance(value, str):
                    raise ValidationError({name: "Text."})
                value = " ".join(value.split()) if name != "traits" else value.strip()
                if "\x00" in value:
                    raise ValidationError({name: "Text must not contain NUL characters."})
                if len(value) > TEXT_FIELDS[name]:
                    raise ValidationError({name: f"At most {TEXT_FIELDS[name]} characters; this has {len(value)}."})
            elif name in LIST_FIELDS:
                value = _clean_list(name, value)
            elif name in ("size_min", "size_max"):
                value = _clean_size(name, value)
            elif name == "weights":
                # Weights not given keep theirs.
                value = {**profile.weights, **_clean_weights(value)}
            elif name == "threshold":
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                    raise ValidationError({name: f"A score from 0 to 100, not {value!r}."})
            elif name == "archived" and not isinstance(value, bool):
                raise ValidationError({name: "True or false."})
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
            continue
        setattr(profile, name, value)
    bad = [s for s in profile.seniorities if s not in Seniority.values]
    if bad and "seniorities" not in errors:
        errors["seniorities"] = f"'{bad[0]}' is not a seniority; use {', '.join(Seniority.values)}."
    if (profile.size_min is not None and profile.size_max is not None and profile.size_min > profile.size_max
            and "size_max" not in errors):
        errors["size_max"] = f"The largest size ({profile.size_max:,}) is below the smallest ({profile.size_min:,})."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_profile(actor: Membership, profile: IdealCustomerProfile | None, *, version: int | None = None,
                 channel=Channel.UI, **fields) -> IdealCustomerProfile:
    """Create (profile=None) or change a profile; only the fields given change. Admins only."""
    require_admin(actor, "ideal customer profiles")
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    if profile is None:
        profile = IdealCustomerProfile(workspace_id=actor.workspace_id, created_by=actor.user, created_via=channel)
    else:
        if profile.workspace_id != actor.workspace_id:
            raise PermissionDenied("Not in your workspace.")
        profile = IdealCustomerProfile.objects.select_for_update().get(pk=profile.pk)
        if version is not None and version != profile.version:
            raise StaleVersion("profile", profile.version)
    try:
        _apply(profile, fields)
        errors: dict[str, str] = {}
    except ValidationError as error:
        errors = {k: v[0] for k, v in error.message_dict.items()}
    if not profile.name and "name" not in errors:
        errors["name"] = "Give the profile a name."
    clash = IdealCustomerProfile.objects.filter(workspace_id=actor.workspace_id, name__iexact=profile.name)
    if profile.name and clash.exclude(pk=profile.pk).exists() and "name" not in errors:
        errors["name"] = f"Another profile is already called '{profile.name}'."
    if errors:
        raise ValidationError(errors)
    profile.version += 0 if profile.pk is None else 1
    profile.updated_at = timezone.now()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise ValidationError({"name": f"Another profile is already called '{profile.name}'."}) from None
    return profile


def archive_profile(actor: Membership, profile: IdealCustomerProfile, archived: bool = True) -> IdealCustomerProfile:
    """Archived profiles stop scoring anyone; their settings are kept to restore."""
    return save_profile(actor, profile, archived=archived)


@transaction.atomic
def save_template(actor: Membership, kind: str, body: str, channel=Channel.UI) -> AskTemplate | None:
    """Keep the workspace's own wording of an ask draft, checked in the sandbox first; '' goes back to the default."""
    require_admin(actor, "ask templates")
    if kind not in scripts.KINDS:
        raise ValidationError({"kind": f"'{kind}' is not one of {', '.join(scripts.KINDS)}."})
    body = body.replace("\r\n", "\n")
    if "\x00" in body:
        raise ValidationError({"body": "Text must not contain NUL characters."})
    if not body.strip() or body.strip() == scripts.DEFAULTS[kind].strip():
        AskTemplate.objects.filter(workspace_id=actor.workspace_id, kind=kind).delete()
        return None
    try:
        scripts.check(body)
    except scripts.TemplateError as error:
        raise ValidationError({"body": str(error)}) from None
    template, _ = AskTemplate.objects.update_or_create(
        workspace_id=actor.workspace_id, kind=kind,
        defaults={"body": body, "updated_at": timezone.now()},
        create_defaults={"body": body, "created_by": actor.user, "created_via": channel},
    )
    return template


def build_account_list(actor: Membership, profile: IdealCustomerProfile, *, threshold: int | None = None,
                       name: str = "", channel=Channel.UI):
    """A target-account list of the workspace's companies that fit the profile at or above the threshold."""
    from warmline.paths.services import save_account_list

    if profile.workspace_id != actor.workspace_id:
        raise PermissionDenied("Not in your workspace.")
    threshold = profile.threshold if threshold is None else threshold
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 0 <= threshold <= 100:
        raise ValidationError({"threshold": f"A score from 0 to 100, not {threshold!r}."})
    found = queries.companies_fitting(actor.workspace_id, profile, threshold)
    if not found:
        raise ValidationError({"threshold": f"No company fits {profile.name} at {threshold} or more; "
                                            "lower the threshold or add company details."})
    return save_account_list(
        actor, name or f"{profile.name}: fit {threshold}+", accounts=[(row["name"], row["domain"]) for row, _ in found],
        channel=channel, description=f"Built from the profile {profile.name}: {len(found):,} "
                                     f"compan{'y' if len(found) == 1 else 'ies'} fitting "
                                     f"{threshold} or more on {timezone.localdate():%-d %b %Y}",
    )
