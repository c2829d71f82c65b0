import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warmline.settings")
application = get_wsgi_application()

from warmline.checks import assert_safe_to_serve  # noqa: E402  (needs settings loaded)

assert_safe_to_serve()
