"""Imports from the web: upload, queue, the worker runs it, the page follows progress and shows the outcome."""

from django.core.files.uploadedfile import SimpleUploadedFile

from warmline.network import services
from warmline.network.models import ImportRun, Person
from warmline.worker import Worker

CONNECTIONS = (
    b"Notes:\n"
    b'"When exporting your connection data, you may notice that some of the email addresses are missing."\n'
    b"\n"
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Jane,Doe,https://www.linkedin.com/in/janedoe,jane@initech.example,Initech,VP Finance,26 Dec 2023\n"
    b",,https://www.linkedin.com/in/nameless,,Globex,,01 Jan 2024\n"
    b"Rita,Moreau,https://www.linkedin.com/in/rita-moreau,,Globex,CTO,01 Jan 2024\n"
)


def upload(client, data=CONNECTIONS, name="Connections.csv", **fields):
    form = {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "format": "linkedin", **fields}
    return client.post("/network/imports/", form)


def progress(client, run):
    return client.get(f"/network/imports/{run.public_id}/progress/").content.decode()


def test_it_queues_an_upload_and_shows_the_summary_once_the_worker_ran_it(world):
    client = world.client_for(world.carol)
    response = upload(client, owner=world.carol.public_id)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/network/imports/{run.public_id}/"
    assert (run.status, run.owner, run.filename, run.created_by) == ("queued", world.carol, "Connections.csv",
                                                                       world.carol.user)

    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in waiting
    assert f'hx-get="/network/imports/{run.public_id}/progress/" hx-trigger="every 1s"' in waiting

    assert Worker(periodic=False).run_once() == 1

    done = progress(client, run)
    assert "hx-trigger" not in done  # finished: the page stops polling
    summary = done.split('aria-label="Import summary"')[1].split("</table>")[0]
    for label, value in (("Rows read", 3), ("People created", 2), ("People matched to someone already here", 0),
                         ("Companies created", 2), ("Relationships created", 2), ("Rows skipped", 1)):
        assert f'<th scope="row">{label}</th><td class="num">{value}</td>' in summary
    skipped = done.split('id="skipped-heading"')[1]
    assert '<td class="num">6</td><td>no first or last name (URL https://www.linkedin.com/in/nameless)</td>' in skipped
    assert set(Person.objects.filter(membership=None).values_list("full_name", flat=True)) == {"Jane Doe", "Rita Moreau"}


def test_it_downloads_the_skipped_rows_as_csv(world):
    client = world.client_for(world.carol)
    upload(client, owner=world.carol.public_id)
    Worker(periodic=False).run_once()
    run = ImportRun.objects.get()
    response = client.get(f"/network/imports/{run.public_id}/skipped.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "line,reason", "6,no first or last name (URL https://www.linkedin.com/in/nameless)"
    ]


def test_it_shows_a_file_of_the_wrong_format_as_failed_with_its_line(world):
    client = world.client_for(world.carol)
    upload(client, data=b"BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nEND:VCARD\n", name="jane.vcf",
           owner=world.carol.public_id)
    Worker(periodic=False).run_once()
    run = ImportRun.objects.get()
    assert run.status == "failed" and run.error_line
    html = progress(client, run)
    assert "Nothing was imported." in html and run.error in html
    assert f"The problem is on <strong>line {run.error_line}</strong>" in html
    assert not Person.objects.filter(membership=None).exists()
    listing = client.get("/network/imports/").content.decode()
    assert '<span class="badge failed">Failed</span>' in listing


def test_it_refuses_a_file_over_the_size_limit(world, settings):
    settings.WARMLINE_IMPORT_MAX_BYTES = 1024
    client = world.client_for(world.carol)
    page = client.get("/network/imports/").content.decode()
    assert "Up to 1 KB." in page
    html = upload(client, data=CONNECTIONS * 10, owner=world.carol.public_id).content.decode()
    file_field = html.split('for="id_file"')[1].split("</div>")[0]
    assert "the limit is 1 KB" in file_field
    assert not ImportRun.objects.exists()


def test_it_lets_only_admins_import_company_data(world):
    client = world.client_for(world.carol)
    html = upload(client, data=b"Name\nJane Doe\n", name="c.csv", format="generic", owner="",
                  mapping="Name=full_name").content.decode()
    assert "Only admins import company data" in html.split('for="id_owner"')[1].split("</div>")[0]
    assert not ImportRun.objects.exists()


def test_it_needs_a_mapping_for_a_generic_csv(world):
    client = world.client_for(world.alice)
    data = b"Name,E-mail\nJane Doe,jane@initech.example\n"
    html = upload(client, data=data, name="contacts.csv", format="generic", owner="").content.decode()
    assert "A generic CSV needs a column mapping" in html.split('for="id_mapping"')[1].split("</div>")[0]
    html = upload(client, data=data, name="contacts.csv", format="generic", owner="",
                  mapping="Name=full_name\nE-mail=e-mail").content.decode()
    assert "names an unknown field &#x27;e-mail&#x27;" in html.split('for="id_mapping"')[1].split("</div>")[0]
    assert not ImportRun.objects.exists()

    upload(client, data=data, name="contacts.csv", format="generic", owner="", mapping="Name=full_name\nE-mail=email\n")
    run = ImportRun.objects.get()
    assert run.mapping == {"Name": "full_name", "E-mail": "email"} and run.owner is None
    Worker(periodic=False).run_once()
    run.refresh_from_db()
    assert run.status == "done" and Person.objects.get(full_name="Jane Doe").listed


def test_it_asks_whose_network_a_linkedin_file_is(world):
    html = upload(world.client_for(world.alice), owner="").content.decode()
    assert "belongs to an employee: say whose it is" in html.split('for="id_owner"')[1].split("</div>")[0]


def test_it_lets_admins_import_anyones_network_and_others_only_their_own(world):
    carol = world.client_for(world.carol)
    page = carol.get("/network/imports/").content.decode()
    owner_select = page.split('name="owner"')[1].split("</select>")[0]
    assert "Carol Rep" in owner_select and "Bob Manager" not in owner_select
    html = upload(carol, owner=world.bob.public_id).content.decode()
    assert "Select a valid choice" in html
    assert not ImportRun.objects.exists()

    alice = world.client_for(world.alice)
    owner_select = alice.get("/network/imports/").content.decode().split('name="owner"')[1].split("</select>")[0]
    assert f'<option value="{world.alice.public_id}" selected>' in owner_select and "Bob Manager" in owner_select
    assert upload(alice, owner=world.bob.public_id).status_code == 302
    assert ImportRun.objects.get().owner == world.bob


def test_it_shows_each_member_only_the_imports_that_concern_them(world):
    services.queue_import(world.bob, fmt="linkedin", data=CONNECTIONS, filename="bob.csv", owner=world.bob)
    services.queue_import(world.alice, fmt="linkedin", data=CONNECTIONS, filename="for-carol.csv", owner=world.carol)
    carol = world.client_for(world.carol).get("/network/imports/").content.decode()
    assert "for-carol.csv" in carol and "bob.csv" not in carol
    alice = world.client_for(world.alice).get("/network/imports/").content.decode()
    assert "for-carol.csv" in alice and "bob.csv" in alice


def _grow(world, n):
    for i in range(n):
        run = services.queue_import(world.alice, fmt="linkedin", data=CONNECTIONS, filename=f"file-{i}.csv",
                                    owner=[world.alice, world.bob, world.carol][i % 3])
        if i % 2:
            ImportRun.objects.filter(pk=run.pk).update(status="done", summary={"rows_read": 3, "people_created": 2})


def test_it_lists_imports_in_constant_queries(world, django_assert_num_queries):
    client = world.client_for(world.alice)
    _grow(world, 2)
    with django_assert_num_queries(9):
        assert client.get("/network/imports/").status_code == 200
    _grow(world, 18)
    with django_assert_num_queries(9):
        assert client.get("/network/imports/").content.decode().count("file-") >= 20
