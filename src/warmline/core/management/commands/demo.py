import os
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from warmline import env
from warmline.core import queries
from warmline.core.demo import DEMO_ADMIN_EMAIL
from warmline.demo import load_demo
from warmline.worker import Worker


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
            "  Background jobs (imports, follow-up rules, digests, emails) run in this process.\n"
            "  Press Ctrl+C to stop.\n"
        )
        # The web server runs as a child process; the background worker (imports, follow-up rules, digests,
        # emails, insights) runs here, in this process. Ctrl+C stops both; so does either one stopping.
        worker = Worker()
        worker.handle_signals()
        server = subprocess.Popen([
            sys.executable, "-c", "from warmline.cli import main; main()", "serve", "--no-collectstatic",
            "--host", host, "--port", str(port), "--workers", "2", "--threads", "4", "--parent-pid", str(os.getpid()),
        ])
        try:
            if _wait_until_serving(server, host, port, worker.stop):
                self.stdout.write(banner)
                self.stdout.flush()
                worker.run_forever(alive=lambda: server.poll() is None)
        finally:
            if server.poll() is None:
                server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if not worker.stop.is_set():
            raise CommandError(f"The web server stopped (exit code {server.returncode}); see its messages above.")


def _wait_until_serving(server: subprocess.Popen, host: str, port: int, stop, timeout: float = 120) -> bool:
    """Wait for the web server to accept connections; False when it exited first or we were asked to stop."""
    address = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop.is_set() and server.poll() is None:
        try:
            with socket.create_connection((address, port), timeout=1):
                return True
        except OSError:
            stop.wait(0.2)
    if server.poll() is None and not stop.is_set():
        raise CommandError(f"The web server did not start listening on {host}:{port} within {timeout:.0f} s.")
    return False
