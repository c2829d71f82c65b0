import pytest

from tests.personas import build_world

# A real SMTP server on loopback: the smtp_server fixture.
pytest_plugins = ["tests.smtp"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is slow on purpose; tests need only that hashing happens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # The manifest exists only after collectstatic; tests find files directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_path_indexes():
    # Each test's database starts over (ids are reused): so must the process's warm-path indexes.
    from warmline.paths.index import forget

    forget()
    yield
    forget()


@pytest.fixture
def world(db):
    return build_world()
