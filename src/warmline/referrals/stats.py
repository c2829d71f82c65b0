"""The pipeline's figures for `warmline stats`: asks by outcome and channel, referrals by stage."""

from __future__ import annotations

from django.db.models import Count

from warmline.core.models import Workspace
from warmline.referrals.choices import DIGITAL_CHANNELS
from warmline.referrals.models import Ask, Referral, Stage


def workspace_stats(workspace: Workspace) -> dict:
    asks = Ask.objects.filter(workspace=workspace)
    by_outcome = dict(asks.values_list("outcome").annotate(n=Count("id")).order_by())
    digital = asks.filter(channel__in=list(DIGITAL_CHANNELS)).count()
    in_stage = dict(Referral.objects.filter(workspace=workspace).values_list("stage_id").annotate(
        n=Count("id")).order_by())
    stages = Stage.objects.filter(workspace=workspace).order_by("position", "id")
    return {
        "asks": {"total": sum(by_outcome.values()), "digital": digital, "by_outcome": by_outcome},
        "referrals_by_stage": {stage.name: in_stage.get(stage.pk, 0) for stage in stages},
    }
