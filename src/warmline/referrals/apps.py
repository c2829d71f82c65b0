from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "warmline.referrals"
    label = "referrals"
    verbose_name = "Referral pipeline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from warmline.referrals import signals  # noqa: F401 - connects the receivers
