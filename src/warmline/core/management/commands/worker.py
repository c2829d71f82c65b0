import math

from django.core.management.base import BaseCommand, CommandError

from warmline.worker import Worker


class Command(BaseCommand):
    help = (
        "Run background jobs until stopped: imports queued from the web UI and the API, the time-based follow-up "
        "rules, digests and weekly reports, and the emails of the outbox. SIGTERM or SIGINT finishes the current "
        "import or email, then exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit (for cron, tests).")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between looks for new jobs.")
        parser.add_argument("--parent-pid", type=int, help="Stop when this process (the demo server) exits.")

    def handle(self, *args, once: bool, poll: float, parent_pid: int | None, **options):
        if not (math.isfinite(poll) and 0.1 <= poll <= 3600):
            raise CommandError(f"--poll must be a number of seconds from 0.1 to 3600, not {poll}.")
        worker = Worker(poll_seconds=poll, parent_pid=parent_pid)
        if once:
            done = worker.run_once()
            self.stdout.write(f"Ran {done} job(s).")
            return
        worker.handle_signals()
        self.stdout.write("Worker started; SIGTERM finishes the current job and stops.")
        worker.run_forever()
