from django.apps import AppConfig


class AsisConfig(AppConfig):
    name = "asis"
    verbose_name = "ASIS"

    def ready(self):
        from asis import checks  # noqa: F401  (registers the deployment checks)
