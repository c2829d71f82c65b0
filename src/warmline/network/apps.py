from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "warmline.network"
    label = "network"
    verbose_name = "Relationship network"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from warmline.network import signals  # noqa: F401 - connects the receivers
