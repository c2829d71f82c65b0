from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "warmline.targeting"
    label = "targeting"
    verbose_name = "Targeting"
    default_auto_field = "django.db.models.BigAutoField"
