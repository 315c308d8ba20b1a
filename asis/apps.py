from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class AsisConfig(AppConfig):
    name = "asis"
    verbose_name = "ASIS"

    def ready(self):
        from asis import checks, kept  # noqa: F401  (registers the deployment checks; kept watches every connection's writes)


class StaticFilesConfig(BaseStaticFilesConfig):
    """collectstatic leaves out the Bootstrap builds the portal never loads (it loads bootstrap.min.css and
    bootstrap.bundle.min.js, with their source maps): right-to-left, ES module, grid/reboot/utilities-only and
    unminified builds. They were 7 of Bootstrap's 8 Mio, and compressing them (gzip and Brotli, WhiteNoise) took
    most of a minute of every `make serve`."""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        # paths inside node_modules/bootstrap/dist (STATICFILES_DIRS' "vendor/bootstrap" prefix is not part of them)
        "*.rtl.*",
        "*.esm.*",
        "css/bootstrap-*",
        "css/bootstrap.css*",
        "js/bootstrap.js*",
        "js/bootstrap.min.js*",
        "js/bootstrap.bundle.js*",
    ]
