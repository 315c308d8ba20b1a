from django.apps import AppConfig


class AsisConfig(AppConfig):
    name = "asis"
    verbose_name = "ASIS"

    def ready(self):
        from asis import checks, kept  # noqa: F401  (registers the deployment checks; kept watches every connection's writes)
