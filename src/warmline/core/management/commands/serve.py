import os
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from warmline import env
from warmline.checks import assert_safe_to_serve


def _stop_with_parent(parent_pid: int) -> None:
    """Ask this gunicorn to stop when the process that started it is gone (the demo, killed without a chance
    to stop its server). A thread that only sleeps and reads the parent's pid: safe across gunicorn's forks."""

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_gunicorn(host: str, port: int, workers: int, threads: int, parent_pid: int | None = None) -> None:
    """Serves the WSGI app with gunicorn in this process (static files via whitenoise)."""
    from gunicorn.app.base import BaseApplication

    def when_ready(server):
        if parent_pid:
            _stop_with_parent(parent_pid)

    class WarmlineServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 20)
            # gunicorn's control socket defaults to one path per user
            # (~/.gunicorn), which two instances would fight over.
            self.cfg.set("control_socket_disable", True)
            # Only the proxy in front of us may set X-Forwarded-* headers.
            self.cfg.set("forwarded_allow_ips", env.string("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"))
            self.cfg.set("when_ready", when_ready)

        def load(self):
            from warmline.wsgi import application

            return application

    WarmlineServer().run()


class Command(BaseCommand):
    help = "Serve Warmline with gunicorn (static files by whitenoise). Put a reverse proxy in front for TLS."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env.string("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=None, help="Default: $PORT or 8000.")
        parser.add_argument("--workers", type=int, default=None, help="Default: $WEB_CONCURRENCY or 2.")
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument("--migrate", action="store_true", help="Apply migrations first.")
        parser.add_argument("--parent-pid", type=int, help="Stop when this process exits (used by `warmline demo`).")

    def handle(self, *args, host, port, workers, threads, no_collectstatic, migrate, parent_pid, **options):
        assert_safe_to_serve()
        port = port or env.integer("PORT", 8000, minimum=1)
        workers = workers or env.integer("WEB_CONCURRENCY", 2, minimum=1)
        if not (0 < port < 65536):
            raise CommandError(f"--port: {port} is not a TCP port.")
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Serving Warmline on http://{host}:{port} ({workers} workers × {threads} threads)")
        run_gunicorn(host, port, workers, threads, parent_pid=parent_pid)
