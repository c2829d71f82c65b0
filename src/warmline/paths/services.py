"""Writes of the paths area: saving and deleting target-account lists."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from warmline.core.choices import Channel
from warmline.core.models import Membership
from warmline.paths import queries
from warmline.paths.models import AccountList


@transaction.atomic
def save_account_list(actor: Membership, name: str, data: bytes | None = None, *, accounts=None,
                      channel=Channel.UI, description: str = "") -> AccountList:
    """A list from an uploaded CSV (`data`) or from (name, domain) pairs (`accounts`)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the list a name."})
    if len(name) > 120:
        raise ValidationError({"name": "A list name is at most 120 characters."})
    if data is not None:
        try:
            parsed = queries.parse_account_list(data)
        except queries.AccountListError as error:
            raise ValidationError({"file": str(error)}) from None
    else:
        parsed = queries.clean_accounts(accounts or [])
    return AccountList.objects.create(
        workspace_id=actor.workspace_id, name=name, created_by=actor.user, created_via=channel,
        description=description[:200],
        accounts=[{"line": line, "name": n, "domain": d} for line, n, d in parsed],
    )


@transaction.atomic
def delete_account_list(actor: Membership, account_list: AccountList) -> None:
    if account_list.workspace_id != actor.workspace_id:
        raise PermissionDenied("Not in your workspace.")
    if account_list.created_by_id != actor.user_id and not actor.is_admin:
        raise PermissionDenied("Only whoever saved the list, or an admin, can delete it.")
    account_list.delete()
