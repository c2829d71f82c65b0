"""Queued imports are claimed and run by `warmline worker`; two workers never run the same one."""

from django.core.management import call_command

from warmline.network import services
from warmline.network.models import ImportRun, Person
from warmline.worker import Worker

from .builders import contact, linkedin_csv


def _queue(world, data=None):
    return services.queue_import(world.bob, fmt="linkedin", data=data or linkedin_csv([contact(1), contact(2)]),
                                 filename="Connections.csv", owner=world.bob)


def test_it_runs_a_queued_import_and_keeps_its_summary(world):
    run = _queue(world)
    assert run.status == "queued"

    assert Worker(periodic=False).run_once() == 1

    run.refresh_from_db()
    assert run.status == "done"
    assert run.summary["people_created"] == 2
    assert bytes(run.payload) == b""  # the upload is not kept once imported
    assert Person.objects.filter(membership__isnull=True).count() == 2


def test_it_records_a_bad_file_as_a_failed_run_with_its_line(world):
    run = _queue(world, data=b"Name,Mail\nA,b\n")
    call_command("worker", "--once", stdout=open("/dev/null", "w"))
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error_line == 1
    assert "LinkedIn" in run.error


def test_it_claims_each_run_once(world):
    first, second = _queue(world), _queue(world)
    claimed = [services.claim_next_import(), services.claim_next_import(), services.claim_next_import()]
    assert [c.pk if c else None for c in claimed] == [first.pk, second.pk, None]
    assert set(ImportRun.objects.values_list("status", flat=True)) == {"running"}


def test_it_stops_between_jobs_when_asked(world):
    _queue(world)
    _queue(world)
    worker = Worker()
    worker.stop.set()
    assert worker.run_once() == 0
