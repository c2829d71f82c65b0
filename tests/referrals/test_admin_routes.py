"""The pipeline's settings and stages are the admins': every other role is refused, and nothing changes."""

import pytest

from warmline.referrals.models import Stage

PIPELINE_ADMIN_ONLY = [
    ("get", "/settings/pipeline/", {}),
    ("post", "/settings/pipeline/save/", {"contact_within_hours": 1, "attribution_policy": "shared",
                                          "referral_edit_scope": "own", "currency": "EUR"}),
    ("post", "/settings/pipeline/stages/", {"name": "Rogue", "kind": "open", "probability": 5}),
    ("post", "/settings/pipeline/stages/{stage}/", {"{stage}-name": "Renamed", "{stage}-kind": "open",
                                                    "{stage}-probability": 5}),
    *(("post", f"/settings/pipeline/stages/{{stage}}/{action}/", {})
      for action in ("left", "right", "archive", "restore", "delete")),
    ("post", "/api/v1/stages", {"name": "Rogue"}),
    ("patch", "/api/v1/stages/{stage}", {"name": "Renamed"}),
    ("delete", "/api/v1/stages/{stage}", {}),
    ("put", "/api/v1/pipeline/settings", {"contact_within_hours": 1, "attribution_policy": "shared",
                                          "referral_edit_scope": "own", "currency": "EUR"}),
]


def _snapshot(workspace):
    stages = list(Stage.objects.filter(workspace=workspace).order_by("pk").values_list(
        "name", "kind", "position", "probability", "archived"))
    workspace.refresh_from_db()
    return stages, (workspace.contact_within_hours, workspace.attribution_policy, workspace.referral_edit_scope,
                    workspace.currency)


@pytest.mark.parametrize("who", ["bob", "carol"])
@pytest.mark.parametrize("method,path,data", PIPELINE_ADMIN_ONLY, ids=[f"{m} {p}" for m, p, _ in PIPELINE_ADMIN_ONLY])
def test_it_refuses_pipeline_admin_routes_to_other_roles(world, who, method, path, data):
    stage = Stage.objects.filter(workspace=world.acme, name="Proposal").get()
    before = _snapshot(world.acme)
    url = path.format(stage=stage.public_id)
    body = {key.format(stage=stage.public_id): value for key, value in data.items()}
    client = world.client_for(getattr(world, who))
    kwargs = {"content_type": "application/json"} if url.startswith("/api/") else {}
    response = getattr(client, method)(url, body, **kwargs)
    assert response.status_code == 403, response.content
    assert _snapshot(world.acme) == before
