"""deploy/asis.env.example names every variable asis/settings.py reads, so an operator who fills it in misses
nothing (docs/operations.md starts from it)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""(?:env_bool|env_list|environ\.get|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")


def test_the_environment_template_names_every_variable_the_settings_read():
    read = set(READ.findall((ROOT / "asis" / "settings.py").read_text()))
    template = (ROOT / "deploy" / "asis.env.example").read_text()
    named = set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", template, flags=re.M))
    assert len(read) > 30, "the pattern no longer finds what the settings read"
    assert sorted(read - named) == []
