"""Loads the demo workspace: the core company first, then each app's data on top."""

from __future__ import annotations

from warmline.core import demo as core_demo
from warmline.core.models import Workspace


def load_demo(password: str) -> tuple[Workspace, bool]:
    """Returns the demo workspace and whether it was created now (False: reused)."""
    existing = Workspace.objects.filter(slug=core_demo.DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    demo = core_demo.populate(password)
    return demo.workspace, True
