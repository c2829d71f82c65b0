from django.apps import AppConfig


class PathsConfig(AppConfig):
    name = "warmline.paths"
    label = "paths"
    verbose_name = "Warm paths"
    default_auto_field = "django.db.models.BigAutoField"
