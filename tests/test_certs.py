"""Certification goals through the CLI: life-cycle, illegal moves, costs, expiry, undo, ICS."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from mltrack.queries.certs import cert_overview, cert_warnings
from mltrack.queries.lookup import learner_id
from mltrack.queries.reader import SqliteReader
from mltrack.store.db import connect

TODAY = date.today()


def days(n: int) -> str:
    """The ISO date ``n`` days from today (negative: ago)."""
    return (TODAY + timedelta(days=n)).isoformat()


def goal_row(path: Path, rows, slug: str = "stanford-ml") -> tuple | None:
    found = rows(
        path,
        "SELECT g.status, g.target_date, g.enrolled_on, g.passed_on, g.expires_on, g.attempts "
        "FROM cert_goal g JOIN item i ON i.id = g.item_id "
        "JOIN learner l ON l.id = g.learner_id WHERE i.slug = ? AND l.name = 'me'",
        slug,
    )
    return found[0] if found else None


def item_status(path: Path, rows, slug: str = "stanford-ml") -> str | None:
    found = rows(
        path,
        "SELECT p.status FROM progress p JOIN item i ON i.id = p.item_id WHERE i.slug = ?",
        slug,
    )
    return found[0][0] if found else None


def certs_json(ok) -> dict[str, dict]:
    return {c["slug"]: c for c in json.loads(ok("cert", "list", "--json").stdout)["certs"]}


def test_cert_list_shows_every_certification_with_no_goal(seeded_db: Path, ok) -> None:
    ok("add", "AWS ML Specialty", "--kind", "certification", "--step", "ml-training",
       "--provider", "AWS")  # fmt: skip
    text = ok("cert", "list").stdout
    assert "no goal   stanford-ml                 Machine Learning Certification\n" in text
    assert "\n            by Stanford University (Coursera)\n" in text
    assert "no goal   my.aws-ml-specialty         AWS ML Specialty [yours]\n" in text
    assert "python" not in text  # certifications only
    assert text.rstrip().endswith("Spent: nothing recorded")
    listed = certs_json(ok)
    assert len(listed) == 7 and listed["my.aws-ml-specialty"]["own"] is True


def test_life_cycle_with_a_failed_attempt_and_costs(seeded_db: Path, ok, rows) -> None:
    assert ok("cert", "goal", "stanford", "--by", days(90)).stdout == (
        "goal: stanford-ml (no goal -> planned)\n"
    )
    ok("cert", "enroll", "stanford", "--on", days(-40), "--cost", "49", "--currency", "usd")
    assert ok("cert", "fail", "stanford", "--on", days(-30), "--cost", "20", "--currency", "USD"
              ).stdout == "fail: stanford-ml (enrolled -> failed), attempt 1\n"  # fmt: skip
    ok("cert", "enroll", "stanford", "--on", days(-20))
    credential = ["--credential-id", "ABC-1", "--url", "https://example.org/c/1"]
    cost = ["--cost", "15.50", "--currency", "EUR"]
    result = ok("cert", "pass", "stanford", "--on", days(-10), *credential, *cost)
    assert result.stdout == (
        "pass: stanford-ml (enrolled -> passed), attempt 2; item stanford-ml: in_progress -> done\n"
    )
    assert goal_row(seeded_db, rows) == ("passed", days(90), days(-20), days(-10), None, 2)
    assert item_status(seeded_db, rows) == "done"
    listed = certs_json(ok)["stanford-ml"]
    assert (listed["status"], listed["credential_id"]) == ("passed", "ABC-1")
    assert "Spent: 15.50 EUR, 69.00 USD" in ok("cert", "list").stdout
    journal = rows(seeded_db, "SELECT action, data FROM journal WHERE kind = 'cert' ORDER BY id")
    costs = [(action, json.loads(data).get("cost_cents"), json.loads(data).get("currency"))
             for action, data in journal]  # fmt: skip
    assert costs == [("goal", None, None), ("enroll", 4900, "USD"), ("fail", 2000, "USD"),
                     ("enroll", None, None), ("pass", 1550, "EUR")]  # fmt: skip


def test_passing_without_enrolment_records_it_on_the_same_day(seeded_db: Path, ok, rows) -> None:
    ok("cert", "pass", "ibm", "--on", days(-3))
    assert goal_row(seeded_db, rows, "ibm-ml-data-science") == (
        "passed", None, days(-3), days(-3), None, 1,
    )  # fmt: skip


def test_passing_marks_the_item_done_as_one_event_that_undo_reverts(
    seeded_db: Path, ok, rows
) -> None:
    ok("cert", "enroll", "stanford", "--on", days(-5))
    before = goal_row(seeded_db, rows)
    ok("cert", "pass", "stanford", "--cost", "30", "--currency", "USD")
    linked = rows(
        seeded_db,
        "SELECT e.kind, e.action, g.kind, g.action FROM journal e "
        "JOIN journal g ON g.id = e.group_id",
    )
    assert linked == [("status", "start", "cert", "enroll"), ("status", "done", "cert", "pass")]
    undone = ok("undo").stdout.splitlines()
    assert [line.split(";")[0] for line in undone] == [
        "undo: stanford-ml (done -> in_progress)", "undo: stanford-ml (passed -> enrolled)",
    ]  # fmt: skip
    assert goal_row(seeded_db, rows) == before
    assert item_status(seeded_db, rows) == "in_progress"  # as the enrolment left it
    assert "Spent: nothing recorded" in ok("cert", "list").stdout  # the undone pass cost nothing
    ok("cert", "pass", "stanford")  # and the pass can be made again
    assert goal_row(seeded_db, rows)[0] == "passed"


def test_undoing_a_pass_made_without_a_goal_removes_the_goal(seeded_db: Path, ok, rows) -> None:
    ok("cert", "pass", "jhu")
    assert (
        ok("undo")
        .stdout.splitlines()[-1]
        .startswith("undo: jhu-data-science (passed -> no goal); cert pass of")
    )
    assert goal_row(seeded_db, rows, "jhu-data-science") is None


def test_done_on_a_certification_points_to_cert_pass(seeded_db: Path, run, ok, rows) -> None:
    """Regression: ``done jhu-data-science`` left ``cert list`` at "no goal". A pass is recorded
    once, with its goal; the item moves with it."""
    for action, pointer in (("done", "cert pass"), ("start", "cert enroll")):
        refused = run(action, "jhu-data-science")
        assert refused.exit_code == 2
        assert f"record it with mltrack {pointer} jhu-data-science" in refused.stderr
    assert rows(seeded_db, "SELECT COUNT(*) FROM journal") == [(0,)]
    ok("cert", "pass", "jhu")
    assert certs_json(ok)["jhu-data-science"]["status"] == "passed"
    assert item_status(seeded_db, rows, "jhu-data-science") == "done"


def test_expiry_is_derived_at_read_time(seeded_db: Path, ok, rows) -> None:
    ok("cert", "pass", "stanford", "--on", days(-100), "--expires", days(-1))
    ok("cert", "pass", "ibm", "--on", days(-100), "--expires", days(200))
    listed = certs_json(ok)
    assert listed["stanford-ml"]["status"] == "expired"
    assert listed["ibm-ml-data-science"]["status"] == "passed"
    assert goal_row(seeded_db, rows)[0] == "passed"  # never stored as expired
    reader = SqliteReader(connect(seeded_db))
    me = learner_id(reader, "me")
    expiry = TODAY + timedelta(days=200)
    on_the_day = cert_overview(reader, me, today=expiry).certs
    day_after = cert_overview(reader, me, today=expiry + timedelta(days=1)).certs
    status = {c.slug: c.status for c in on_the_day}, {c.slug: c.status for c in day_after}
    assert (status[0]["ibm-ml-data-science"], status[1]["ibm-ml-data-science"]) == (
        "passed", "expired",
    )  # fmt: skip


def test_an_expired_certification_can_be_renewed(seeded_db: Path, ok, rows) -> None:
    ok("cert", "pass", "stanford", "--on", days(-400), "--expires", days(-30))
    assert ok("cert", "goal", "stanford", "--by", days(60)).stdout == (
        "goal: stanford-ml (expired -> planned)\n"
    )
    ok("cert", "enroll", "stanford", "--on", days(-1))
    ok("cert", "pass", "stanford", "--expires", days(700))
    assert goal_row(seeded_db, rows)[0::3] == ("passed", TODAY.isoformat())
    assert goal_row(seeded_db, rows)[5] == 2


@pytest.mark.parametrize(
    "setup, args, code, message",
    [
        ([], ["fail", "stanford"], 1,
         "you are not enrolled in stanford-ml (none); an attempt needs an enrolment first"),
        ([["goal", "stanford", "--by", days(30)]], ["fail", "stanford"], 1,
         "not enrolled in stanford-ml (planned)"),
        ([["enroll", "stanford"], ["fail", "stanford"]], ["fail", "stanford"], 1,
         "not enrolled in stanford-ml (its last attempt failed)"),
        ([["pass", "stanford"]], ["enroll", "stanford"], 1,
         "stanford-ml is already passed (on " + days(0) + ", no expiry date); "
         "you can enroll again once it has expired"),
        ([["pass", "stanford", "--expires", days(10)]], ["pass", "stanford"], 1,
         "already passed (on " + days(0) + ", valid until " + days(10) + ")"),
        ([["enroll", "stanford", "--on", days(-5)]], ["pass", "stanford", "--on", days(-6)], 1,
         f"would make the later enroll of stanford-ml on {days(-5)} (#1) invalid"),
        ([["enroll", "stanford", "--on", days(-5)]], ["fail", "stanford", "--on", days(-6)], 1,
         f"not enrolled in stanford-ml (none); an attempt needs an enrolment first: mltrack "
         f"cert enroll stanford-ml on {days(-6)} (before the later enroll"),
        ([["enroll", "stanford"]], ["enroll", "stanford"], 1, "already enrolled in stanford-ml"),
        ([], ["enroll", "stanford", "--on", days(3)], 2, "is in the future"),
        ([], ["goal", "stanford", "--by", days(-1)], 2, "is in the past"),
        ([], ["pass", "stanford", "--on", days(-5), "--expires", days(-5)], 2,
         "must come after the pass"),
        ([], ["drop", "stanford"], 1, "you have no goal for stanford-ml"),
        ([["pass", "stanford"]], ["drop", "stanford"], 1, "already passed; nothing to drop"),
        ([["goal", "stanford", "--by", days(9)], ["drop", "stanford"]], ["drop", "stanford"], 1,
         "already dropped"),
        ([], ["enroll", "stanford", "--cost", "49"], 2, "give a cost with its currency"),
        ([], ["enroll", "stanford", "--currency", "USD"], 2, "give a cost with its currency"),
        ([], ["enroll", "stanford", "--cost", "-3", "--currency", "USD"], 2, "is not a cost"),
        ([], ["enroll", "stanford", "--cost", "3", "--currency", "dollars"], 2,
         "is not a currency"),
        ([], ["enroll", "deep-learning"], 2, "deep-learning is a topic, not a certification"),
        ([], ["enroll", "machine"], 2, "certification 'machine' is ambiguous"),
        ([], ["due", "--within", "soon"], 2, "is not a number of days"),
    ],
)  # fmt: skip
def test_illegal_moves_are_clear_errors_and_change_nothing(
    seeded_db: Path, ok, run, rows, setup: list[list[str]], args: list[str], code: int,
    message: str,
) -> None:  # fmt: skip
    for step in setup:
        ok("cert", *step)
    before = rows(seeded_db, "SELECT * FROM cert_goal"), rows(seeded_db, "SELECT * FROM journal")
    result = run("cert", *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    after = rows(seeded_db, "SELECT * FROM cert_goal"), rows(seeded_db, "SELECT * FROM journal")
    assert after == before


def test_drop_and_revive(seeded_db: Path, ok, rows) -> None:
    ok("cert", "goal", "harvard", "--by", days(30))
    assert (
        ok("cert", "drop", "harvard").stdout
        == "drop: harvard-ml-data-science (planned -> dropped)\n"
    )
    ok("cert", "goal", "harvard", "--by", days(40))
    assert goal_row(seeded_db, rows, "harvard-ml-data-science")[:2] == ("planned", days(40))


def test_due_lists_near_and_past_dates_and_not_far_or_dropped_ones(seeded_db: Path, ok) -> None:
    ok("cert", "goal", "stanford", "--by", days(10))
    ok("cert", "goal", "jhu", "--by", days(45))
    ok("cert", "goal", "harvard", "--by", days(5))
    ok("cert", "drop", "harvard")
    ok("cert", "pass", "ibm", "--on", days(-60), "--expires", days(-3))
    ok("cert", "pass", "google", "--on", days(-60), "--expires", days(0))
    # Each certification named with its provider; a line longer than 80 columns folds.
    assert ok("cert", "due").stdout.splitlines() == [
        "certification expired: ibm-ml-data-science (Machine Learning - Data Science",
        f"  Certification, IBM) on {days(-3)}, 3 days ago",
        "certification expires: google-cloud-ml-tensorflow (Machine Learning with",
        f"  TensorFlow, Google Cloud Platform) on {days(0)}, today",
        "certification target: stanford-ml (Machine Learning Certification, Stanford",
        f"  University (Coursera)) by {days(10)}, in 10 days",
    ]
    assert "jhu-data-science" in ok("cert", "due", "--within", "7w").stdout
    ok("learner", "add", "alex")
    assert ok("-L", "alex", "cert", "due").stdout == "Nothing due within 30 days.\n"


def test_warnings_for_progress_come_from_the_same_query(seeded_db: Path, ok) -> None:
    ok("cert", "goal", "stanford", "--by", days(1))
    reader = SqliteReader(connect(seeded_db))
    warnings = cert_warnings(reader, learner_id(reader, "me"), within_days=30, today=TODAY)
    assert [(w.slug, w.what, w.days_left) for w in warnings] == [("stanford-ml", "target", 1)]
    overdue = cert_warnings(reader, learner_id(reader, "me"), today=TODAY + timedelta(days=4))
    assert overdue[0].days_left == -3


def test_ics_export_parses_back_with_icalendar(seeded_db: Path, ok, tmp_path: Path) -> None:
    ok("cert", "goal", "stanford", "--by", days(20))
    ok("cert", "pass", "ibm", "--expires", days(365))
    ok("cert", "goal", "jhu", "--by", days(30))
    ok("cert", "drop", "jhu")  # a dropped goal has no date to keep
    target = tmp_path / "certs.ics"
    result = ok("cert", "ics", "-o", str(target))
    assert "wrote 2 events" in result.stderr
    calendar = Calendar.from_ical(target.read_bytes())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"target-stanford-ml-me@mltrack", "expiry-ibm-ml-data-science-me@mltrack"}
    target_event = events["target-stanford-ml-me@mltrack"]
    assert target_event.decoded("dtstart") == TODAY + timedelta(days=20)
    assert str(target_event["summary"]) == (
        "Target: pass Machine Learning Certification (Stanford University (Coursera))"
    )
    assert events["expiry-ibm-ml-data-science-me@mltrack"].decoded("dtstart") == (
        TODAY + timedelta(days=365)
    )
    stdout = ok("cert", "ics").stdout_bytes
    assert Calendar.from_ical(stdout).walk("VEVENT")[0]["uid"] in events


def test_undo_walks_back_newest_first_with_linked_changes(seeded_db: Path, ok, rows):
    ok("cert", "pass", "stanford", "--on", days(-400), "--expires", days(-30))
    ok("cert", "goal", "stanford", "--by", days(60))  # renewal: the goal changed after the pass
    assert goal_row(seeded_db, rows)[0] == "planned"
    # The newest change, the renewal goal, goes first; then the pass with its item.
    assert ok("undo").stdout.startswith("undo: stanford-ml (planned -> passed)")
    assert goal_row(seeded_db, rows)[0] == "passed"
    assert item_status(seeded_db, rows) == "done"
    assert [line.split(";")[0] for line in ok("undo").stdout.splitlines()] == [
        "undo: stanford-ml (done -> planned)", "undo: stanford-ml (passed -> no goal)",
    ]  # fmt: skip
    assert goal_row(seeded_db, rows) is None and item_status(seeded_db, rows) is None


def test_enrolling_starts_the_item_and_undo_reverts_both(seeded_db: Path, ok, rows):
    """Regression: ``cert enroll ibm`` left its item planned."""
    ok("done", "python")
    ok("cert", "enroll", "stanford", "--cost", "49", "--currency", "USD")
    assert item_status(seeded_db, rows) == "in_progress"
    assert ok("undo").stdout == (
        f"undo: stanford-ml (in_progress -> planned); status start of {TODAY.isoformat()} (#3)\n"
        f"undo: stanford-ml (enrolled -> no goal); cert enroll of {TODAY.isoformat()} (#2)\n"
    )
    assert goal_row(seeded_db, rows) is None
    assert "Spent: nothing recorded" in ok("cert", "list").stdout  # an undone step costs nothing
    assert rows(seeded_db, "SELECT status FROM progress") == [("done",)]  # python untouched
    ok("undo")
    assert rows(seeded_db, "SELECT status FROM progress") == []
