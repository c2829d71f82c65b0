"""Keeping the rollups up to date outside a request: the worker applies queued changes; `warmline insights_rebuild`
recreates them from the pipeline."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.referrals.builders import T0, build_pipeline, refer
from warmline.insights import metrics
from warmline.insights.metrics import Period, Scope
from warmline.insights.models import DailyStat, ReferralFact, RollupQueue
from warmline.worker import Worker


def test_the_worker_applies_the_queued_changes(world):
    p = build_pipeline(world)
    refer(world.carol, p.dana, p.bob_smith, value=1_000_00)
    assert RollupQueue.objects.filter(workspace=world.acme).exists()
    Worker(periodic=False).run_once()
    assert not RollupQueue.objects.exists()
    assert ReferralFact.objects.filter(workspace=world.acme).count() == 1
    assert DailyStat.objects.get(membership=world.carol, day=T0.date()).introductions == 1


def test_the_rebuild_command_recreates_the_same_figures(world):
    p = build_pipeline(world)
    refer(world.carol, p.dana, p.bob_smith, value=1_000_00)
    month = Period.month(T0.date())
    before = metrics.totals(Scope.of_workspace(world.acme.pk), month)
    DailyStat.objects.filter(workspace=world.acme).update(introductions=99)  # a hand edit gone wrong
    out = io.StringIO()
    call_command("insights_rebuild", workspace=world.acme.slug, stdout=out)
    assert "Acme (acme): 1 referral counted" in out.getvalue()
    assert metrics.totals(Scope.of_workspace(world.acme.pk), month) == before
    with pytest.raises(CommandError, match="no workspace with slug 'nope'"):
        call_command("insights_rebuild", workspace="nope")
