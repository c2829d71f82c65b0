"""Imports through the API: a multipart upload is queued (202), the worker runs it, GET tells how it went."""

import io
import json

from warmline.network.models import ImportRun, Person, Relationship
from warmline.worker import Worker

CONNECTIONS = (
    b"Notes:\n"
    b'"When exporting your connection data, you may notice that some of the email addresses are missing."\n'
    b"\n"
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Jane,Doe,https://www.linkedin.com/in/janedoe,jane@globex.test,Globex,VP Sales,26 Dec 2025\n"
    b"Sam,Roe,https://www.linkedin.com/in/samroe,,Initech,CTO,01 Jan 2024\n"
    b",,,,,,01 Jan 2024\n"
)
VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEMAIL:jane@globex.test\r\nEND:VCARD\r\n"
SUMMARY_KEYS = {
    "rows_read", "people_created", "people_matched", "companies_created", "relationships_created",
    "relationships_updated", "rows_skipped", "skipped", "merged_automatically", "sent_to_review",
}


def _upload(client, data=CONNECTIONS, name="Connections.csv", **fields):
    """POSTs a multipart form: the file (unless data is None) and the other fields."""
    form = {"format": "linkedin", **fields}
    if data is not None:
        upload = io.BytesIO(data)
        upload.name = name
        form["file"] = upload
    return client.post("/api/v1/imports", form)


def _fields(response):
    assert response.status_code == 422, response.content
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def test_it_queues_an_upload_and_reports_the_summary_once_the_worker_ran_it(world):
    client = world.client_for(world.carol)
    response = _upload(client, owner="carol@acme.test")
    assert response.status_code == 202, response.content
    run = response.json()
    assert (run["status"], run["format"], run["filename"], run["size"]) == (
        "queued", "linkedin", "Connections.csv", len(CONNECTIONS)
    )
    assert run["owner_id"] == world.carol.public_id and run["summary"] is None
    assert run["links"]["self"].endswith(f"/api/v1/imports/{run['id']}")
    assert response["Location"] == run["links"]["self"]
    assert ImportRun.objects.get(public_id=run["id"]).created_via == "api"

    assert Worker(periodic=False).run_once() == 1
    done = client.get(f"/api/v1/imports/{run['id']}").json()
    assert (done["status"], done["stage"], done["rows_read"], done["error"], done["error_line"]) == (
        "done", "", 3, "", None
    )
    summary = done["summary"]
    assert set(summary) == SUMMARY_KEYS
    assert (summary["rows_read"], summary["people_created"], summary["relationships_created"]) == (3, 2, 2)
    assert summary["rows_skipped"] == 1 and summary["skipped"] == [{"line": 7, "reason": "blank row: no name"}]
    assert done["finished_at"] and done["started_at"]
    names = {p["full_name"] for p in client.get("/api/v1/people").json()["items"]}
    assert {"Jane Doe", "Sam Roe"} <= names


def test_it_fails_a_file_that_is_not_the_declared_format_and_says_where(world):
    client = world.client_for(world.carol)
    run = _upload(client, data=VCARD, name="contacts.vcf", owner=world.carol.public_id).json()
    Worker(periodic=False).run_once()
    failed = client.get(f"/api/v1/imports/{run['id']}").json()
    assert failed["status"] == "failed" and failed["summary"] is None
    assert failed["error"] and failed["error_line"] == 1
    assert not Person.objects.exclude(membership__isnull=False).exists()


def test_it_creates_nothing_when_the_same_file_is_uploaded_again(world):
    client = world.client_for(world.carol)
    _upload(client, owner="carol@acme.test")
    Worker(periodic=False).run_once()
    people, ties = Person.objects.count(), Relationship.objects.count()
    again = _upload(client, owner="carol@acme.test").json()
    Worker(periodic=False).run_once()
    summary = client.get(f"/api/v1/imports/{again['id']}").json()["summary"]
    assert (summary["people_created"], summary["companies_created"], summary["relationships_created"]) == (0, 0, 0)
    assert summary["people_matched"] == 2
    assert (Person.objects.count(), Relationship.objects.count()) == (people, ties)


def test_it_refuses_a_file_over_the_limit_naming_the_limit(world, settings):
    settings.WARMLINE_IMPORT_MAX_BYTES = 100
    response = _upload(world.client_for(world.carol), owner="carol@acme.test")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large" and "the limit is 100 bytes" in error["message"]
    assert "WARMLINE_IMPORT_MAX_BYTES" in error["message"]
    assert not ImportRun.objects.exists()


def test_it_names_a_bad_mapping(world):
    client = world.client_for(world.alice)
    csv = b"Name,E-mail\nJane Doe,jane@globex.test\n"
    for mapping in (["Name=nickname"], ["Name"], ['{"Name": "nickname"}'], ["{not json"], ['["Name"]'],
                    ['{"Name": 1}']):
        fields = _fields(_upload(client, data=csv, name="people.csv", format="generic", mapping=mapping))
        assert set(fields) == {"mapping"}, mapping
    assert "needs a column mapping" in _fields(_upload(client, data=csv, name="people.csv", format="generic"))[
        "mapping"
    ]
    assert not ImportRun.objects.exists()


def test_it_takes_a_mapping_as_repeated_fields_or_as_json(world):
    client = world.client_for(world.alice)
    csv = b"Name,E-mail\nJane Doe,jane@globex.test\n"
    pairs = _upload(client, data=csv, name="a.csv", format="generic", mapping=["Name=full_name", "E-mail=email"])
    as_json = _upload(client, data=csv, name="b.csv", format="generic",
                      mapping=json.dumps({"Name": "full_name", "E-mail": "email"}))
    for response in (pairs, as_json):
        assert response.status_code == 202, response.content
        assert response.json()["mapping"] == {"Name": "full_name", "E-mail": "email"}
    assert Worker(periodic=False).run_once() == 2
    first = client.get(f"/api/v1/imports/{pairs.json()['id']}").json()["summary"]
    second = client.get(f"/api/v1/imports/{as_json.json()['id']}").json()["summary"]
    assert (first["people_created"], second["people_created"], second["people_matched"]) == (1, 0, 1)


def test_it_names_the_fields_of_a_bad_upload(world):
    client = world.client_for(world.alice)
    assert set(_fields(client.post("/api/v1/imports", {"format": "excel"}))) == {"file", "format"}
    assert _fields(_upload(client, data=b"", owner="alice@acme.test")) == {"file": "The file is empty."}
    assert set(_fields(_upload(client))) == {"owner"}
    assert set(_fields(_upload(client, owner="nobody@acme.test"))) == {"owner"}
    assert set(_fields(_upload(client, owner="charlie@bravo.test"))) == {"owner"}
    assert set(_fields(_upload(client, owner=world.charlie.public_id))) == {"owner"}


def test_it_lets_only_admins_import_someone_elses_network(world):
    assert _upload(world.client_for(world.carol), owner="bob@acme.test").status_code == 403
    response = _upload(world.client_for(world.alice), owner="bob@acme.test")
    assert response.status_code == 202 and response.json()["owner_id"] == world.bob.public_id


def test_it_lists_your_imports_and_all_of_them_for_admins(world):
    _upload(world.client_for(world.carol), owner="carol@acme.test")
    _upload(world.client_for(world.bob), owner="bob@acme.test")
    carols = world.client_for(world.carol).get("/api/v1/imports").json()
    assert carols["count"] == 1 and carols["items"][0]["owner_id"] == world.carol.public_id
    assert world.client_for(world.alice).get("/api/v1/imports").json()["count"] == 2
    bobs = world.client_for(world.bob).get("/api/v1/imports").json()["items"][0]["id"]
    assert world.client_for(world.carol).get(f"/api/v1/imports/{bobs}").status_code == 404
