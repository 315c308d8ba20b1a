"""asis.figures_cache: a figure is built once per version and scope, with LocMem (each process) and with Redis (shared
by every process and server, REDIS_URL); after a write, one request builds the new version while the others serve the
previous one or wait for it: never eight builds at once."""

import os
import threading
import time

import pytest

from asis import figures_cache
from demo.redis_server import RedisServerMissing, redis_server

BACKENDS = ["locmem", "redis"]


@pytest.fixture(scope="session")
def redis_url():
    """A redis-server of the tests' own (demo.redis_server). Skipped without it or without the redis package, unless
    REQUIRE_REDIS=1 (CI)."""
    try:
        import redis  # noqa: F401  (Django's Redis backend needs it)

        with redis_server() as url:
            yield url
    except (ImportError, RedisServerMissing) as missing:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {missing}")
        pytest.skip(f"{missing} (REQUIRE_REDIS=1 makes it an error)")


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    if request.param == "redis":
        settings.CACHES = {
            **settings.CACHES,
            "figures": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": request.getfixturevalue("redis_url"),
                "KEY_PREFIX": f"test-{os.getpid()}",
            },
        }
    figures_cache.clear()
    yield request.param
    figures_cache.clear()


class Builds:
    """A build that counts its runs and takes `seconds`."""

    def __init__(self, value, seconds=0.0):
        self.value, self.seconds, self.runs = value, seconds, 0
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            self.runs += 1
        time.sleep(self.seconds)
        return self.value


def test_a_figure_is_built_once_per_version_and_scope(backend):
    first = Builds({"committed": "1250.50", "themes": [("Emploi", 3)]})
    assert figures_cache.cached("home", 1, (7, "coordination"), first) == first.value
    assert figures_cache.cached("home", 1, (7, "coordination"), first) == first.value
    assert first.runs == 1
    other_scope = Builds({"committed": "0.00"})
    assert figures_cache.cached("home", 1, (8, "coordination"), other_scope) == other_scope.value
    after_write = Builds({"committed": "2500.00"})
    assert figures_cache.cached("home", 2, (7, "coordination"), after_write) == after_write.value
    assert (first.runs, other_scope.runs, after_write.runs) == (1, 1, 1)


def test_without_a_version_the_figure_is_built_each_time_and_not_cached(backend):
    build = Builds("frais")
    figures_cache.cached("bilan", None, (1,), build)
    figures_cache.cached("bilan", None, (1,), build)
    assert build.runs == 2


def test_a_reader_gets_its_own_copy(backend):
    """No reader shares an object with another (the old in-process cache handed out the same instances)."""
    build = Builds({"rows": [1, 2]})
    mine = figures_cache.cached("envelope", 1, (1,), build)
    mine["rows"].append(3)
    assert figures_cache.cached("envelope", 1, (1,), build) == {"rows": [1, 2]}


def _ask(readers: int, version, build) -> list:
    results, threads = [None] * readers, []

    def read(i):
        results[i] = figures_cache.cached("bilan", version, (3, "2014-2015"), build)

    for i in range(readers):
        threads.append(threading.Thread(target=read, args=(i,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_eight_readers_of_a_missing_figure_wait_for_one_build(backend):
    build = Builds("bilan v1", seconds=0.5)
    assert _ask(8, 1, build) == ["bilan v1"] * 8
    assert build.runs == 1


def test_after_a_write_the_others_serve_the_previous_version_while_one_builds(backend):
    figures_cache.cached("bilan", 1, (3, "2014-2015"), Builds("bilan v1"))
    build = Builds("bilan v2", seconds=1.0)
    started = time.monotonic()
    results = _ask(8, 2, build)
    assert build.runs == 1
    assert results.count("bilan v2") == 1 and results.count("bilan v1") == 7
    assert time.monotonic() - started < 5
    assert figures_cache.cached("bilan", 2, (3, "2014-2015"), Builds("jamais")) == "bilan v2"


def test_a_reader_waits_for_a_builder_only_briefly(backend, monkeypatch):
    """A builder that died holds its lock until it expires: a reader with nothing to serve builds after a few
    seconds instead of hanging."""
    monkeypatch.setattr(figures_cache, "WAIT_SECONDS", 0.3)
    scope = figures_cache._scope("bilan", (4,))
    figures_cache._cache().add(f"{scope}:1:lock", 1, timeout=60)
    build = Builds("construit quand même")
    assert figures_cache.cached("bilan", 1, (4,), build) == "construit quand même"
    assert build.runs == 1


def test_whoever_has_just_written_never_gets_the_previous_version(backend):
    """The others serve the previous version while one request builds; the person who wrote waits for the build
    (their page shows their write), and the version they read is the new one."""
    figures_cache.cached("bilan", 1, (3, "2014-2015"), Builds("bilan v1"))
    build = Builds("bilan v2", seconds=0.5)
    builder = threading.Thread(target=lambda: figures_cache.cached("bilan", 2, (3, "2014-2015"), build))
    builder.start()
    time.sleep(0.1)  # the builder holds the lock
    assert figures_cache.cached("bilan", 2, (3, "2014-2015"), Builds("jamais")) == "bilan v1"  # someone else
    with figures_cache.request_scope(current_only=True):
        assert figures_cache.cached("bilan", 2, (3, "2014-2015"), Builds("jamais")) == "bilan v2"  # the writer
    builder.join(timeout=10)
    assert build.runs == 1
