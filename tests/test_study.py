"""Study time and continuing education: durations, sessions, hours per week/area, reading."""

from datetime import date, timedelta

import pytest

from mltrack.core.dates import format_minutes, parse_duration, week_start
from mltrack.queries.lookup import learner_id
from mltrack.queries.study import hours_per_area, hours_per_week, reading_per_month
from mltrack.services.engines import open_reader

TODAY = date.today()


@pytest.mark.parametrize(
    "text, minutes",
    [("90m", 90), ("1h30", 90), ("2h", 120), ("1h30m", 90), ("24h", 1440), ("1H05", 65),
     (" 45m ", 45)],
)  # fmt: skip
def test_durations_parse(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes
    assert parse_duration(format_minutes(minutes)) == minutes


@pytest.mark.parametrize(
    "text", ["-5m", "abc", "0m", "0h", "25h", "24h01", "1441m", "1h60", "90", "1.5h", "", "2h m"]
)
def test_bad_durations_are_refused_naming_the_formats(text: str) -> None:
    with pytest.raises(ValueError, match=r"90m, 2h, 1h30 or 1h30m|0 to 59"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["-5m", "abc", "25h", "0m"])
def test_log_refuses_bad_durations_with_exit_2(db_url: str, run, rows, text: str) -> None:
    result = run("log", text, "python")
    assert result.exit_code == 2
    assert "expected minutes or hours such as 90m, 2h, 1h30 or 1h30m, at most 24h" in result.stderr
    assert rows(db_url, "SELECT COUNT(*) FROM study_session") == [(0,)]


def test_log_records_sessions_and_show_compares_with_the_estimate(db_url: str, ok, rows) -> None:
    assert ok("log", "1h30", "deep-learning", "--note", "chapter 6").stdout == (
        f"logged 1h30 on {TODAY.isoformat()} for deep-learning (1h30 so far of the 80 h estimate)\n"
    )
    ok("log", "2h30m", "deep", "--on", "yesterday")
    ok("log", "45m")
    stored = rows(db_url, "SELECT minutes, note, item_id IS NULL FROM study_session ORDER BY id")
    assert stored == [(90, "chapter 6", 0), (150, None, 0), (45, None, 1)]
    assert "logged:   4h in 2 sessions, 5.0% of the 80 h estimate" in ok("show", "deep").stdout
    assert ok("show", "deep-learning", "--json").stdout.count('"minutes_logged": 240') == 1
    assert "logged:" not in ok("show", "python").stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["log"], "give a DURATION such as 90m or 1h30 (or --list)"),
        (["log", "--list", "1h"], "--list takes only --since"),
        (["log", "1h", "--since", "yesterday"], "--since goes with --list"),
        (["log", "1h", "pyhton"], "item 'pyhton' not found; did you mean: python"),
    ],
)
def test_log_usage_errors(db_url: str, run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_log_in_the_future_is_refused(db_url: str, run) -> None:
    result = run("log", "1h", "--on", (TODAY + timedelta(days=1)).isoformat())
    assert result.exit_code == 2 and "is in the future" in result.stderr


def test_log_list_shows_sessions_and_hours_per_week_and_area(db_url: str, ok) -> None:
    monday = week_start(TODAY)
    ok("log", "1h", "probability", "--on", monday.isoformat())
    ok("log", "30m", "deep-learning", "--on", monday.isoformat())
    ok("log", "2h", "probability", "--on", (monday - timedelta(days=1)).isoformat())
    ok("log", "3h", "python", "--on", (TODAY - timedelta(days=100)).isoformat())  # too old
    text = ok("log", "--list").stdout
    assert f"  {monday.isoformat()}      1h  probability" in text
    assert "python" not in text  # older than the default eight weeks
    assert f"week of {(monday - timedelta(days=7)).isoformat()}      2h  (1 session)" in text
    assert f"week of {monday.isoformat()}    1h30  (2 sessions)" in text
    by_area = text.split("Hours per study area\n")[1].splitlines()
    assert by_area == [
        "  Machine learning     30m  (1 session)",
        "  Statistics            3h  (2 sessions)",
    ]
    all_time = ok("log", "--list", "--since", (TODAY - timedelta(days=365)).isoformat()).stdout
    assert "3h  python" in all_time and "Programming languages      3h  (1 session)" in all_time


def test_log_list_when_empty_and_time_on_no_area(db_url: str, ok) -> None:
    assert ok("log", "--list").stdout.startswith("No study sessions since ")
    ok("log", "20m")
    ok("log", "10m", "bsc-software-engineering")  # an item without a study area
    assert ok("log", "--list").stdout.endswith("  (no study area)     30m  (2 sessions)\n")


def test_hours_queries_group_in_sql_and_keep_learners_apart(db_url: str, ok) -> None:
    ok("learner", "add", "decoy")
    ok("-L", "decoy", "log", "5h", "probability")
    ok("log", "1h", "probability", "--on", "2026-01-05")  # a Monday
    ok("log", "1h", "random-variables", "--on", "2026-01-11")  # the Sunday of that week
    ok("log", "1h", "python", "--on", "2026-01-12")
    reader = open_reader(db_url)
    me = learner_id(reader, "me")
    weeks = [(w.key, w.minutes, w.sessions) for w in hours_per_week(reader, me)]
    assert weeks == [("2026-01-05", 120, 2), ("2026-01-12", 60, 1)]
    areas = [(a.key, a.minutes) for a in hours_per_area(reader, me, since=date(2026, 1, 1))]
    assert areas == [("statistics", 120), ("programming-languages", 60)]


def test_read_logs_continuing_education_counted_per_month(db_url: str, ok, run, rows):
    assert ok("read", "Attention is all you need", "--kind", "paper", "--item", "deep",
              "--on", "2026-03-02").stdout == (
        "logged paper 'Attention is all you need' about deep-learning on 2026-03-02; "
        "started deep-learning\n"
    )  # fmt: skip
    # Without --item, a podcast keeps up follow-ml-podcasts: the first one starts it.
    assert ok("read", "Practical AI 250", "--kind", "podcast", "--on", "2026-03-20",
              "--url", "https://example.org/250").stdout == (
        "logged podcast 'Practical AI 250' on 2026-03-20; started follow-ml-podcasts\n"
    )  # fmt: skip
    assert ok("read", "Another episode", "--kind", "podcast", "--on", "2026-03-27").stdout == (
        "logged podcast 'Another episode' on 2026-03-27\n"  # already in progress
    )
    assert ok("read", "Scaling laws talk", "--kind", "talk", "--on", "2026-04-01").stdout == (
        "logged talk 'Scaling laws talk' on 2026-04-01\n"  # no item keeps talks up
    )
    started = "SELECT i.slug, p.status, p.started_on FROM progress p JOIN item i ON i.id = item_id"
    assert sorted(rows(db_url, started)) == [
        ("deep-learning", "in_progress", "2026-03-02"),
        ("follow-ml-podcasts", "in_progress", "2026-03-20"),
    ]
    assert rows(
        db_url, "SELECT kind, action, COUNT(*) FROM journal GROUP BY kind, action ORDER BY kind"
    ) == [("reading", "log", 4), ("status", "start", 2)]
    assert run("read", "x", "--kind", "tweet").exit_code == 2
    assert run("read", "  ", "--kind", "blog").exit_code == 2
    assert rows(db_url, "SELECT COUNT(*) FROM reading_entry WHERE url IS NOT NULL") == [(1,)]
    reader = open_reader(db_url)
    months = reading_per_month(reader, learner_id(reader, "me"))
    assert [(m.month, m.total, m.by_kind) for m in months] == [
        ("2026-03", 3, {"paper": 1, "podcast": 2}),
        ("2026-04", 1, {"talk": 1}),
    ]
    from mltrack.render.terminal import reading_months_text

    assert "  2026-03    3  1 paper, 2 podcast" in reading_months_text(months)


def test_undo_removes_the_newest_study_session_or_reading_entry(db_url: str, ok, rows) -> None:
    ok("done", "python")
    ok("log", "90m", "deep-learning", "--on", "yesterday")
    assert ok("read", "The Gradient", "--kind", "blog").stdout.endswith(
        "; started follow-ml-blogs\n"
    )
    # The blog entry and the start of follow-ml-blogs it made are one change: undone together.
    assert ok("undo").stdout == (
        f"undo: follow-ml-blogs (in_progress -> planned); status start of {TODAY} (#4)\n"
        f"undo: - (logged -> removed); blog 'The Gradient' of {TODAY} (#3)\n"
    )
    assert rows(db_url, "SELECT COUNT(*) FROM reading_entry") == [(0,)]
    assert rows(
        db_url,
        "SELECT COUNT(*) FROM progress p JOIN item i ON i.id = p.item_id "
        "WHERE i.slug = 'follow-ml-blogs'",
    ) == [(0,)]
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert ok("undo").stdout == (
        f"undo: deep-learning (logged -> removed); study session of 1h30 on {yesterday} (#2)\n"
    )
    assert rows(db_url, "SELECT COUNT(*) FROM study_session") == [(0,)]
    assert ok("undo").stdout == (  # then the item change
        f"undo: python (done -> planned); status done of {TODAY} (#1)\n"
    )
    assert rows(db_url, "SELECT COUNT(*) FROM progress") == [(0,)]
    assert rows(db_url, "SELECT action, COUNT(*) FROM journal GROUP BY action ORDER BY action") == [
        ("done", 1), ("log", 2), ("start", 1), ("undo", 4)
    ]  # fmt: skip


def test_reading_starts_only_a_planned_item_and_never_a_certification(
    db_url: str, ok, rows
) -> None:
    from mltrack.formats.seed_format import load_seed
    from mltrack.services.study import READING_ITEMS

    seeded = {entry.slug for entry in load_seed()["item"]}
    assert set(READING_ITEMS.values()) <= seeded  # each kind keeps up an item of the seed
    ok("done", "read-state-of-the-art", "--on", "2026-01-10")
    assert ok("read", "A paper", "--kind", "paper", "--on", "2026-02-01").stdout == (
        "logged paper 'A paper' on 2026-02-01\n"  # done already: left as it is
    )
    assert ok("read", "Course notes", "--kind", "course", "--item", "stanford-ml").stdout == (
        f"logged course 'Course notes' about stanford-ml on {TODAY.isoformat()}\n"
    )  # a certification moves with its goal (cert enroll), not with reading
    status = "SELECT i.slug, p.status FROM progress p JOIN item i ON i.id = p.item_id"
    assert rows(db_url, status) == [("read-state-of-the-art", "done")]
    assert rows(db_url, "SELECT COUNT(*) FROM journal WHERE kind = 'status'") == [(1,)]


def test_a_back_dated_reading_is_kept_when_its_item_was_done_that_day(
    db_url: str, ok, rows
) -> None:
    # Fixed: the linked start was decided on today's status (planned, after a reset) and then
    # refused where the entry lands (the item was done then), refusing the reading with it.
    ok("done", "follow-ml-blogs", "--on", "2026-01-10")
    ok("reset", "follow-ml-blogs", "--on", "2026-02-01")
    assert ok("read", "Post", "--kind", "blog", "--on", "2026-01-15").stdout == (
        "logged blog 'Post' on 2026-01-15\n"  # kept, without a start that cannot stand there
    )
    assert rows(db_url, "SELECT COUNT(*) FROM reading_entry") == [(1,)]
    assert rows(db_url, "SELECT action FROM journal WHERE kind = 'status' ORDER BY id") == [
        ("done",), ("reset",)
    ]  # fmt: skip
    assert ok("read", "Later", "--kind", "blog", "--on", "2026-02-05").stdout.endswith(
        "; started follow-ml-blogs\n"  # where a start fits, it is made
    )
