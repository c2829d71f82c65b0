"""`warmline import …`: summaries, exit codes and what is (not) written."""

import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from warmline.network.models import Company, ImportRun, Person, Relationship

from .builders import contact, csv_bytes, linkedin_csv

SUMMARY_KEYS = {"rows_read", "people_created", "people_matched", "companies_created", "relationships_created",
                "relationships_updated", "rows_skipped", "skipped"}


def _run(*args):
    import io

    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_one_json_summary_with_line_numbers_of_skipped_rows(world, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin_csv([contact(1), ("", "", "", "", "", "", "06 Sep 2025"), contact(2)]))
    out, err = _run("linkedin", str(path), "--owner", "bob@acme.test", "--workspace", "acme", "--json")
    summary = json.loads(out)
    assert SUMMARY_KEYS <= set(summary)
    assert summary["rows_read"] == 3
    assert summary["people_created"] == 2
    assert summary["skipped"] == [{"line": 6, "reason": "blank row: no name"}]
    assert "Reading rows" in err


def test_it_says_so_when_a_reimport_creates_nothing(world, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin_csv([contact(1)]))
    _run("linkedin", str(path), "--owner", "bob@acme.test", "--workspace", "acme", "--quiet")
    out, _ = _run("linkedin", str(path), "--owner", "bob@acme.test", "--workspace", "acme", "--quiet")
    assert out.startswith("Nothing new")


def test_it_stops_with_exit_code_2_naming_the_line_when_the_file_is_not_the_declared_format(world, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(csv_bytes(["Record ID", "First Name", "Last Name", "Email"], [["1", "A", "B", "a@b.co"]]))
    with pytest.raises(CommandError) as raised:
        _run("linkedin", str(path), "--owner", "bob@acme.test", "--workspace", "acme")
    assert raised.value.returncode == 2
    assert "line 1" in str(raised.value)
    assert (Person.objects.count(), Company.objects.count(), Relationship.objects.count()) == (0, 0, 0)
    assert ImportRun.objects.get().status == "failed"


def test_it_exits_2_from_the_real_command_line(tmp_path):
    env = {"DATABASE_URL": "sqlite:///" + str(tmp_path / "cli.sqlite3"), "PATH": "/usr/bin:/bin",
           "SECRET_KEY": "x" * 50}

    def warmline(*args):
        return subprocess.run([sys.executable, "-c", "from warmline.cli import main; main()", *args],
                              capture_output=True, text=True, env=env)

    warmline("migrate", "-v0")
    warmline("createadmin", "--email", "ops@x.test", "--workspace", "X", "--password", "a-long-password-1")
    path = tmp_path / "cards.vcf"
    path.write_bytes(b"\n\nnot a vcard\n")
    done = warmline("import", "vcard", str(path), "--owner", "ops@x.test")
    assert done.returncode == 2, done.stderr
    assert "line 3" in done.stderr
    assert "Nothing was imported" in done.stderr


def test_it_refuses_a_file_over_the_size_limit(world, tmp_path, settings):
    settings.WARMLINE_IMPORT_MAX_BYTES = 2048
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin_csv([contact(i) for i in range(100)]))
    with pytest.raises(CommandError) as raised:
        _run("linkedin", str(path), "--owner", "bob@acme.test", "--workspace", "acme")
    assert raised.value.returncode == 2
    assert "WARMLINE_IMPORT_MAX_BYTES" in str(raised.value)
    assert Person.objects.count() == 0


def test_it_names_a_bad_column_mapping(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes(["Who", "Mail"], [["Ann Lee", "ann@x.co"]]))
    with pytest.raises(CommandError) as raised:
        _run("contacts", str(path), "--format", "generic", "--map", "Who=fullname", "--workspace", "acme")
    assert raised.value.returncode == 2
    assert "fullname" in str(raised.value)


def test_it_imports_a_generic_csv_with_a_mapping(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes(["Who", "Mail", "Org"], [["Ann Lee", "ann@x.co", "Xco"]]))
    out, _ = _run("contacts", str(path), "--format", "generic", "--map", "Who=full_name", "--map", "Mail=email",
                  "--map", "Org=company", "--owner", "carol@acme.test", "--workspace", "acme", "--json")
    assert json.loads(out)["relationships_created"] == 1
    ann = Person.objects.get(full_name="Ann Lee")
    assert ann.company.name == "Xco"


def test_it_needs_the_workspace_when_there_are_several(world, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin_csv([contact(1)]))
    with pytest.raises(CommandError, match="--workspace"):
        _run("linkedin", str(path), "--owner", "bob@acme.test")


def test_it_refuses_an_owner_from_another_workspace(world, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin_csv([contact(1)]))
    with pytest.raises(CommandError, match="not a member of acme"):
        _run("linkedin", str(path), "--owner", "charlie@bravo.test", "--workspace", "acme")
