from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "warmline.insights"
    label = "insights"
    verbose_name = "Insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from warmline.insights import receivers  # noqa: F401 - marks the rollups of what changed
