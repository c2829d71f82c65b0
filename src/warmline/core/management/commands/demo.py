import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from warmline import env
from warmline.core import queries
from warmline.core.demo import DEMO_ADMIN_EMAIL
from warmline.core.management.commands.serve import run_gunicorn
from warmline.demo import load_demo


class Command(BaseCommand):
    help = "Migrate, load the demo workspace (once) and serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env.string("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=None, help="Default: $PORT or 8000.")
        parser.add_argument("--no-serve", action="store_true", help="Prepare the data and stop.")

    def handle(self, *args, host, port, no_serve, **options):
        port = port or env.integer("PORT", 8000, minimum=1)
        password = env.string("WARMLINE_DEMO_PASSWORD", "warmline-demo")
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        workspace, created = load_demo(password)
        if created:
            self.stdout.write(f"Loaded the demo workspace {workspace.name!r}.")
        else:
            self.stdout.write(f"Reusing the demo workspace {workspace.name!r} already in the database.")
        call_command("collectstatic", interactive=False, verbosity=0)
        if no_serve:
            return
        admin = queries.user_by_email(DEMO_ADMIN_EMAIL)
        if admin is not None and admin.check_password(password):
            login = f"Sign in as {DEMO_ADMIN_EMAIL} with password {password}"
        else:
            login = (
                f"Sign in as {DEMO_ADMIN_EMAIL}: its password is no longer {password!r} "
                "(changed since the demo was loaded; `warmline changepassword admin@example.com` resets it)"
            )
        banner = (
            "\n"
            f"  Warmline demo: http://{host}:{port}/\n"
            f"  {login}\n"
            "  (every demo user, e.g. dana.lee@example.com, has the same password)\n"
            "  Press Ctrl+C to stop.\n"
        )
        # Imports queued from the UI run in a worker beside the server; it stops with the server.
        worker = subprocess.Popen(
            [sys.executable, "-c", "from warmline.cli import main; main()", "worker", "--parent-pid", str(os.getpid())],
        )
        try:
            run_gunicorn(host, port, workers=2, threads=4, on_ready=lambda: self.stdout.write(banner))
        finally:
            worker.terminate()
            worker.wait(timeout=30)
