"""Loads the demo workspace: the core company first, then each app's data on top."""

from __future__ import annotations

from django.db import transaction

from warmline.core import demo as core_demo
from warmline.core.models import Workspace
from warmline.followups import demo as followups_demo
from warmline.insights import demo as insights_demo
from warmline.network import demo as network_demo
from warmline.paths import demo as paths_demo
from warmline.referrals import demo as referrals_demo
from warmline.targeting import demo as targeting_demo


def load_demo(password: str, *, pipeline: bool = True) -> tuple[Workspace, bool]:
    """Returns the demo workspace and whether it was created now (False: reused).

    pipeline=False leaves out the year of asks and referrals (tests of the network alone load faster).
    """
    existing = Workspace.objects.filter(slug=core_demo.DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    # One transaction: a load that fails half-way leaves nothing to be "reused".
    with transaction.atomic():
        demo = core_demo.populate(password)
        network_demo.populate(demo)
        paths_demo.populate(demo)
        if pipeline:
            referrals_demo.populate(demo)
        targeting_demo.populate(demo)
        followups_demo.populate(demo)
        if pipeline:
            insights_demo.populate(demo)
    return demo.workspace, True
