from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "warmline.core"
    label = "core"
    verbose_name = "Workspaces and people who use Warmline"
