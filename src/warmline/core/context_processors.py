"""Puts what every page's shell needs into the template context."""

from warmline.core import queries
from warmline.core.navigation import areas_for


def shell(request):
    membership = getattr(request, "membership", None)
    if not membership or request.path.startswith("/api/"):
        return {}
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "nav_areas": areas_for(request.path, membership),
        "other_workspaces": lambda: [
            m.workspace for m in queries.memberships_of(request.user) if m.workspace_id != membership.workspace_id
        ],
    }
