from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional demo data, generated volume and what `make bench` measures: development, tests and benchmarks.

    Installed everywhere so the commands answer the same way in every environment: load_demo refuses
    when DEBUG is off, and no other app imports this one (import contracts in pyproject.toml).
    """

    name = "demo"
