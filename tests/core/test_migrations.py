"""Migrations are complete and run both ways on the database under test
(the suite runs on SQLite and on PostgreSQL)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from warmline.core.models import WorkspaceScoped

TENANCY_TABLES = {"core_user", "core_workspace"}
# Parts of another record, written in bulk by imports, and the graph change log: they carry the workspace
# but no public id, since nothing outside refers to them on their own.
SUB_RECORDS = {
    "network_personemail", "network_externalid", "network_evidence", "network_graphchange",
    # A member's team history, and the insights rollups: derived rows the application rebuilds, never named
    # from outside.
    "core_teamspell", "insights_referralfact", "insights_dailystat", "insights_dailyrevenue",
    "insights_rollupqueue",
}


def test_it_has_a_migration_for_every_model_change(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_migrates_to_zero_and_back():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("core", None)])
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    executor = MigrationExecutor(connection)
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())


def test_it_gives_every_domain_row_a_workspace():
    ours = [config for config in apps.get_app_configs() if config.name.startswith("warmline.")]
    assert ours
    for model in (m for config in ours for m in config.get_models()):
        if model._meta.db_table in TENANCY_TABLES:
            continue
        if model._meta.db_table in SUB_RECORDS:
            assert not model._meta.get_field("workspace").null, f"{model.__name__} must belong to a workspace"
            continue
        assert issubclass(model, WorkspaceScoped), f"{model.__name__} must derive from WorkspaceScoped"
