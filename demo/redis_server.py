"""A redis-server of one's own for the tests and `make bench` (Debian's `redis-server`): on a free port of loopback,
saving nothing to disk, stopped when the block ends. What the figures cache uses in production (REDIS_URL), without
touching a Redis the machine may already run."""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager


class RedisServerMissing(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server(start_seconds: float = 10):
    """Yields the REDIS_URL (redis://127.0.0.1:PORT/0) of a server started for the block; RedisServerMissing when
    Debian's redis-server is not installed."""
    found = shutil.which("redis-server")
    if found is None:
        raise RedisServerMissing("redis-server is missing (Debian: apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen(
        [found, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not answer on port {port} within {start_seconds} s") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
