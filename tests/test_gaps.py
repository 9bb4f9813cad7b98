"""``mltrack gaps`` (issue 14, item 6): neglected areas and steps, unready goals, stalls."""

import json
from datetime import date, timedelta
from pathlib import Path

TODAY = date.today()


def _gaps(ok) -> list[dict]:
    return json.loads(ok("gaps", "--json").output)["gaps"]


def test_gaps_name_each_neglect_with_a_command(seeded_db: Path, ok) -> None:
    before = {(g["kind"], g["subject"]) for g in _gaps(ok)}
    assert ("area", "statistics") in before and ("step", "bachelors") in before
    assert not {g for g in before if g[0] in ("certification", "stalled")}
    # Started work takes an area off the list; a targeted certification covers its area too.
    ok("start", "random-variables", "--on", (TODAY - timedelta(days=40)).isoformat())
    after = _gaps(ok)
    assert ("area", "statistics") not in {(g["kind"], g["subject"]) for g in after}
    stalled = [g for g in after if g["kind"] == "stalled"]
    assert [g["subject"] for g in stalled] == ["random-variables"]
    assert stalled[0]["command"] == "mltrack log 1h random-variables"
    assert "mltrack skip random-variables" in stalled[0]["says"]
    assert all(len(line) <= 80 for line in ok("gaps").output.splitlines())
    ok("log", "30m", "random-variables", "--on", (TODAY - timedelta(days=2)).isoformat())
    assert not [g for g in _gaps(ok) if g["kind"] == "stalled"]
    # An old session does not count: 4 weeks without study is a stall again.
    ok("undo")
    ok("log", "30m", "random-variables", "--on", (TODAY - timedelta(days=29)).isoformat())
    assert [g["subject"] for g in _gaps(ok) if g["kind"] == "stalled"] == ["random-variables"]


def test_certification_target_with_unstarted_prerequisites(seeded_db: Path, ok, rows) -> None:
    found = rows(
        seeded_db,
        """SELECT c.slug, r.slug FROM item_prerequisite p
                   JOIN item c ON c.id = p.item_id JOIN item r ON r.id = p.requires_id
                   WHERE c.kind = 'certification' ORDER BY c.slug, r.position LIMIT 1""",
    )
    cert, requires = found[0]
    ok("cert", "goal", cert, "--by", (TODAY + timedelta(days=90)).isoformat())
    gap = next(g for g in _gaps(ok) if g["kind"] == "certification")
    assert gap["subject"] == cert and requires in gap["says"]
    assert gap["command"] == f"mltrack start {requires}"
    text = ok("gaps").output
    assert "Certification goals whose prerequisites have not started: 1" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    ok("start", requires)
    assert not [g for g in _gaps(ok) if g["kind"] == "certification" and requires in g["says"]]


def test_on_day_one_gaps_say_so_in_one_line(seeded_db: Path, ok) -> None:
    """Before anything is begun every area and step is a gap: one line and `mltrack next`, not a
    list of eleven; the JSON keeps the whole list and says the learner has not begun."""
    first = ok("gaps").output.splitlines()
    assert first[0].startswith("Nothing is done or started yet, so every study area (")
    assert first[-1].strip().startswith("-> mltrack next")
    assert len(first) <= 3
    data = json.loads(ok("gaps", "--json").output)
    assert data["begun"] is False and len(data["gaps"]) > 5
    ok("start", "python")
    begun = json.loads(ok("gaps", "--json").output)
    assert begun["begun"] is True
    assert ok("gaps").output.startswith("Study areas not begun:")
