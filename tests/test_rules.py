"""Rules both sides share, kept once in ``mltrack.core.rules``: the read side and the write side
must agree at every boundary, so each rule is tested once here and once through the CLI."""

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from mltrack.core.rules import goal_status
from mltrack.core.vocabulary import EXPIRED, CertStatus

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    "stored, expires_on, seen",
    [
        (CertStatus.PASSED, TODAY - timedelta(days=1), EXPIRED),
        (CertStatus.PASSED, TODAY, CertStatus.PASSED),  # valid through its expiry date
        (CertStatus.PASSED, None, CertStatus.PASSED),
        (CertStatus.ENROLLED, TODAY - timedelta(days=1), CertStatus.ENROLLED),
        (None, None, None),
    ],
)
def test_goal_status(stored: str | None, expires_on: date | None, seen: str | None) -> None:
    assert goal_status(stored, expires_on, TODAY) == seen


def test_a_pass_expiring_today_is_valid_on_both_sides(seeded_db: Path, ok, run) -> None:
    """Read side: listed as passed. Write side: a new goal is refused as for any valid pass."""
    today = date.today()
    ok("cert", "pass", "stanford", "--on", (today - timedelta(days=9)).isoformat(),
       "--expires", today.isoformat())  # fmt: skip
    listed = {c["slug"]: c for c in json.loads(ok("cert", "list", "--json").stdout)["certs"]}
    assert listed["stanford-ml"]["status"] == "passed"
    refused = run("cert", "goal", "stanford", "--by", (today + timedelta(days=9)).isoformat())
    assert refused.exit_code == 1 and "already passed" in refused.stderr


def _retire_step(path: Path, step: str) -> None:
    """What a seed update that drops a step does to it (the step is retired, never deleted)."""
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE step SET retired = 1 WHERE slug = ?", (step,))


def test_items_of_a_retired_step_are_hidden_everywhere(seeded_db: Path, ok, run) -> None:
    """One "visible item" rule for every read and write: an own item in a step the seed has
    dropped is neither listed, counted, offered next, nor found by a write."""
    ok("add", "Kaggle house prices", "--kind", "project", "--step", "ml-experience")
    before = json.loads(ok("progress", "--json").stdout)
    _retire_step(seeded_db, "ml-experience")

    pathway = json.loads(ok("pathway", "--json").stdout)["items"]
    assert pathway and not any(item["step_slug"] == "ml-experience" for item in pathway)
    after = json.loads(ok("progress", "--json").stdout)
    assert after["overall"]["required"]["total"] < before["overall"]["required"]["total"]
    assert "my.kaggle-house-prices" not in ok("next", "-n", "100").stdout
    refused = run("done", "my.kaggle-house-prices")
    assert refused.exit_code == 2 and "not found" in refused.stderr
