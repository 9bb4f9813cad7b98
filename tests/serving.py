"""A running ``mltrack serve`` in a subprocess, on a free port, against a test's database."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ADDRESS = re.compile(r"at (http://\S+?/)(\?token=\S+)? ")


class Served:
    def __init__(self, url: str, process: subprocess.Popen) -> None:
        self.url = url  # ends with /
        self.process = process
        self.port = int(url.rsplit(":", 1)[1].strip("/"))


@contextmanager
def served(db: Path, *args: str, learner: str | None = None) -> Iterator[Served]:
    """``mltrack serve --port 0`` on ``db`` until the block ends; its address from stdout."""
    environment = {**os.environ, "MLTRACK_DB": str(db), "PYTHONUNBUFFERED": "1"}
    if learner:
        environment["MLTRACK_LEARNER"] = learner
    process = subprocess.Popen(
        [sys.executable, "-m", "mltrack", "serve", "--port", "0", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        line = ""
        while time.monotonic() < deadline:
            line = process.stdout.readline()  # type: ignore[union-attr]
            if "serving" in line or not line:
                break
        found = ADDRESS.search(line)
        assert found, f"no address printed: {line!r} {process.stderr.read() if not line else ''}"  # type: ignore[union-attr]
        yield Served(found.group(1), process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
