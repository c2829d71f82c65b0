from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "warmline.followups"
    label = "followups"
    verbose_name = "Follow-ups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from warmline.followups import receivers  # noqa: F401 - connects the pipeline's events to the rules
