"""Every command through CliRunner against a real database file, re-read to check the writes."""

import json
from datetime import date
from pathlib import Path

import pytest

from mltrack.cli import COMMANDS, cli
from mltrack.store.paths import is_database_url
from tests.conftest import writing


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines; fitting them to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


PROGRESS_KEYS = {
    "schema", "learner", "overall", "steps", "areas", "in_progress", "target", "projects",
    "cert_warnings", "on_the_job",
}  # fmt: skip
COMPLETION_KEYS = {"required", "optional", "hours", "all"}


def test_first_use_creates_the_database_and_says_so(new_db_url: str, ok) -> None:
    result = ok("progress")
    assert "created a new database at " in result.stderr
    if not is_database_url(new_db_url):
        assert Path(new_db_url).exists()
        assert f"created a new database at {new_db_url}" in result.stderr
    assert result.stdout.startswith("Progress for me: 0.0% of required items")
    for title in ("Get a bachelor's degree in software engineering", "Keep learning",
                  "Statistics", "Programming languages"):  # fmt: skip
        assert title in result.stdout
    assert "created" not in ok("progress").stderr


def test_default_database_lives_in_the_user_data_directory(tmp_path: Path, ok) -> None:
    ok("progress")
    assert list((tmp_path / "home").rglob("mltrack.db"))


def test_db_option_beats_the_environment(seeded_db: Path, tmp_path: Path, ok, rows) -> None:
    other = tmp_path / "other.db"
    ok("--db", str(other), "done", "python")
    done = "SELECT COUNT(*) FROM progress WHERE status = 'done'"
    assert (rows(other, done), rows(seeded_db, done)) == ([(1,)], [(0,)])


def test_done_moves_progress_and_json_shape_is_stable(db_url: str, ok, rows) -> None:
    before = json.loads(ok("progress", "--json").stdout)
    # An optional certification: its item is done by a pass (done on it points to cert pass).
    assert ok("cert", "pass", "stanford-ml", "--on", "yesterday").stdout == (
        "pass: stanford-ml (no goal -> passed), attempt 1; item stanford-ml: planned -> done\n"
    )
    result = ok("done", "python", "--note", "Andrew Ng's course")
    assert result.stdout == "done: python (planned -> done)\n"
    after = json.loads(ok("progress", "--format", "json").stdout)
    assert set(after) == PROGRESS_KEYS
    assert set(after["overall"]) == COMPLETION_KEYS
    assert set(after["steps"][0]) == {"slug", "title"} | COMPLETION_KEYS
    assert after["schema"] == "mltrack.progress/1"
    assert after["overall"]["required"]["done"] == before["overall"]["required"]["done"] + 1
    assert after["overall"]["optional"]["done"] == before["overall"]["optional"]["done"] + 1
    assert after["overall"]["hours"]["done"] == 60.0
    assert rows(db_url, "SELECT note FROM progress WHERE note IS NOT NULL") == [
        ("Andrew Ng's course",)
    ]


def test_text_output_when_piped_is_plain_ascii(seeded_db: Path, ok) -> None:
    ok("done", "python")
    output = ok("progress").stdout
    assert output.isascii()
    assert "\x1b[" not in output
    assert "Programming languages" in output and "[###############]" in output


def test_start_skip_reset_undo_round_trip(db_url: str, ok, rows) -> None:
    ok("start", "deep-learning")
    ok("skip", "mooc-edx", "--note", "not needed")
    ok("reset", "deep-learning")
    today = date.today().isoformat()
    assert ok("undo").stdout == (
        f"undo: deep-learning (planned -> in_progress); status reset of {today} (#3)\n"
    )
    assert (
        ok("undo").stdout == f"undo: mooc-edx (skipped -> planned); status skip of {today} (#2)\n"
    )
    status = rows(db_url, "SELECT i.slug, p.status FROM progress p JOIN item i ON i.id = p.item_id")
    assert status == [("deep-learning", "in_progress")]


def test_pathway_tree_and_filters(db_url: str, ok) -> None:
    ok("done", "probability")
    tree = ok("pathway").stdout
    assert tree.index("Get a bachelor's degree") < tree.index("Statistics [statistics]")
    assert "    [x] probability  Probability" in tree
    planned = ok("pathway", "--area", "statistics", "--status", "planned").stdout
    assert "probability" not in planned and "random-variables" in planned
    certs = json.loads(ok("pathway", "--kind", "certification", "--json").stdout)["items"]
    assert len(certs) == 6 and {c["kind"] for c in certs} == {"certification"}


def test_show_item(db_url: str, ok) -> None:
    ok("start", "deep-learning")
    text = ok("show", "deep").stdout
    assert text.startswith("Deep learning [deep-learning]")
    assert "80 h (mltrack's estimate)" in text and 'article, "Courses needed"' in text
    assert "[ ] programming  Programming" in text
    assert "#1  status  start   deep-learning  planned -> in progress" in text
    detail = json.loads(ok("show", "deep-learning", "--json").stdout)
    assert detail["status"] == "in_progress" and len(detail["history"]) == 1


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["done", "pyhton"], 2, "item 'pyhton' not found; did you mean: python"),
        (
            ["done", "mooc"],
            2,
            "item 'mooc' is ambiguous; matches: mooc-coursera, mooc-edx, mooc-udacity",
        ),
        (["done", "python", "--on", "01/02/2026"], 2, "expected YYYY-MM-DD"),
        (["done", "python", "--on", "2999-01-01"], 2, "is in the future"),
        (
            ["pathway", "--area", "statistcs"],
            2,
            "area 'statistcs' not found; did you mean: statistics",
        ),
        (["--learner", "nobody", "progress"], 2, "learner 'nobody' not found; did you mean: me"),
        (["undo"], 1, "nothing to undo"),
        (["reset", "python"], 1, "python is already planned"),
        (
            ["done", "stanford-ml"],
            2,
            "stanford-ml is a certification: record it with mltrack cert pass stanford-ml",
        ),
        (
            ["start", "stanford"],
            2,
            "stanford-ml is a certification: record it with mltrack cert enroll stanford-ml",
        ),
        (["frobnicate"], 2, "No such command 'frobnicate'"),
    ],
)
def test_errors_are_one_line_with_the_right_exit_code(
    seeded_db: Path, run, rows, args: list[str], code: int, message: str
) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert rows(seeded_db, "SELECT COUNT(*) FROM journal") == [(0,)]


def test_a_foreign_file_is_refused_and_left_alone(db_path: Path, run) -> None:
    db_path.write_text("my shopping list\n")
    result = run("progress")
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: {db_path} is not an SQLite database, so not an mltrack database\n"
    )
    assert db_path.read_text() == "my shopping list\n"


def test_learner_profiles_keep_progress_apart(db_url: str, ok) -> None:
    ok("learner", "add", "alex")
    ok("--learner", "alex", "done", "python")
    assert ok("learner", "list").stdout.splitlines() == [
        "  alex  1 done, 0 in progress (since "
        + ok("learner", "list").stdout.split("since ")[1][:10]
        + ")",
        "* me  0 done, 0 in progress (since "
        + ok("learner", "list").stdout.split("since ")[2][:10]
        + ")",
    ]
    me = json.loads(ok("progress", "--json").stdout)
    alex = json.loads(ok("-L", "alex", "progress", "--json").stdout)
    assert (me["overall"]["required"]["done"], alex["overall"]["required"]["done"]) == (0, 1)


def test_learner_env_var_and_duplicate_names(seeded_db: Path, ok, run, monkeypatch) -> None:
    ok("learner", "add", "sam")
    assert run("learner", "add", "sam").exit_code == 1
    assert run("learner", "add", "bad\x07name").exit_code == 2
    monkeypatch.setenv("MLTRACK_LEARNER", "sam")
    ok("done", "bias")
    assert json.loads(ok("progress", "--json").stdout)["learner"] == "sam"


def test_career_facts_carry_their_sources(seeded_db: Path, ok) -> None:
    text = ok("career").stdout
    assert (
        "Average salary, Machine Learning Engineer: $110,000 per year\n  source: PayScale" in text
    )
    assert "about $118,000 per year" in text


def test_seed_check(seeded_db: Path, ok, run, tmp_path: Path) -> None:
    assert ok("seed", "--check").stdout.startswith("seed ok: 4 steps, 7 areas,")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.toml").write_text('[[item]]\nslug = "Bad Slug"\n')
    result = run("seed", "--check", str(tmp_path / "bad"))
    assert result.exit_code == 1
    assert "x.toml:1: slug 'Bad Slug' must be lower-case words joined by -" in result.stderr
    assert ok("seed").stdout == "seeded: 51 pathway items, 0 new, 0 retired\n"


def test_slug_completion_reads_the_database(seeded_db: Path, run, monkeypatch) -> None:
    monkeypatch.setenv("_MLTRACK_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "mltrack done sta")
    monkeypatch.setenv("COMP_CWORD", "2")
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, [], prog_name="mltrack")
    assert result.stdout.splitlines() == ["plain,stanford-ml", "plain,statistical-analysis",
                                          "plain,statistical-learning"]  # fmt: skip


def test_completion_never_creates_a_database(db_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("_MLTRACK_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "mltrack done p")
    monkeypatch.setenv("COMP_CWORD", "2")
    from click.testing import CliRunner

    assert CliRunner().invoke(cli, [], prog_name="mltrack").stdout.strip() == ""
    assert not db_path.exists()


def test_every_command_has_help_with_examples_and_matching_short_help(run) -> None:
    for name, (_, short) in COMMANDS.items():
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command.get_short_help_str(limit=200) == short, name
        for path in command_paths(name, command):
            result = run(*path, "--help")
            assert result.exit_code == 0
            assert "Example" in result.stdout, f"mltrack {' '.join(path)} --help shows no example"


def command_paths(name: str, command) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """``[name]`` and, for a group, ``[name, sub]`` for each of its subcommands."""
    subcommands = getattr(command, "commands", {})
    return [[name]] + [[name, sub] for sub in subcommands]


def test_progress_shows_portfolio_projects_and_certification_dates(seeded_db: Path, ok) -> None:
    quiet = ok("progress").stdout
    assert "Portfolio projects" not in quiet and "certification" not in quiet
    ok("project", "add", "Churn model", "--dataset", "Telco churn (Kaggle)")
    ok("project", "add", "Bike demand", "--dataset", "city bike trips")
    ok("project", "done", "churn")
    ok("cert", "goal", "stanford-ml", "--by", "2999-01-01")
    ok("cert", "goal", "jhu-data-science", "--by", "today")
    text = ok("progress").stdout
    assert (
        "Portfolio projects done toward Get experience in machine learning engineering: 1 of 2"
        in text
    )
    assert (
        "certification target: jhu-data-science (Data Science Specialization, Johns Hopkins "
        "University (Coursera)) by" in text
    )
    assert "stanford-ml" not in text  # its target is far away
    document = json.loads(ok("progress", "--json").stdout)
    assert document["projects"] == [
        {"slug": "ml-experience", "title": "Get experience in machine learning engineering",
         "done": 1, "total": 2}
    ]  # fmt: skip
    [warning] = document["cert_warnings"]
    assert (warning["slug"], warning["what"], warning["days_left"]) == (
        "jhu-data-science",
        "target",
        0,
    )


def test_a_date_past_the_calendar_is_a_usage_error(seeded_db: Path, run) -> None:
    result = run("cert", "goal", "stanford", "--by", "9999-12-31")
    assert result.exit_code == 2
    assert "dates go up to 2999-12-31" in result.stderr


def test_an_exact_slug_of_another_kind_is_not_read_as_title_words(seeded_db: Path, run) -> None:
    # "python" is also a word of the Udemy certification's title: the slug must win.
    result = run("cert", "enroll", "python")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: python is a topic, not a certification\n",
    )


def test_learner_list_shows_the_local_date_it_was_created(seeded_db: Path, ok, rows) -> None:
    from mltrack.core.dates import local_date

    [(created_at,)] = rows(seeded_db, "SELECT created_at FROM learner")
    assert f"(since {local_date(created_at).isoformat()})" in ok("learner", "list").stdout


def test_output_cut_short_by_a_closed_pipe_ends_quietly(seeded_db: Path) -> None:
    import os
    import subprocess
    import sys
    from datetime import timedelta

    from mltrack.services.study import log_session

    today = date.today()
    with writing(seeded_db) as store:  # an export far larger than a pipe's buffer
        for day in range(1, 2000):
            log_session(store, "me", 60, today, None, today - timedelta(days=day), "x" * 50)
    reader = subprocess.Popen(
        [sys.executable, "-m", "mltrack", "export"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.read(5)
    reader.stdout.close()  # like `| head -c 5`
    stderr = reader.stderr.read().decode()
    assert reader.wait() == 1
    assert stderr == ""


def test_pathway_area_takes_a_prefix_or_title_words_like_items(seeded_db: Path, ok) -> None:
    by_prefix = ok("pathway", "--area", "stat").stdout
    assert by_prefix == ok("pathway", "--area", "Statistics").stdout
    assert "Statistics [statistics]" in by_prefix and "Machine learning [" not in by_prefix


def test_unknown_names_say_how_to_go_on(seeded_db: Path, run) -> None:
    learner = run("--learner", "bob", "progress")
    assert learner.exit_code == 2
    assert learner.stderr == (
        "Error: learner 'bob' not found; did you mean: me; add it with: mltrack learner add bob\n"
    )
    command = run("progres")
    assert command.exit_code == 2
    assert "No such command 'progres'. Did you mean: progress?" in command.stderr


def test_skip_and_reset_take_the_date_they_happened(db_url: str, ok, rows) -> None:
    ok("skip", "mooc-edx", "--on", "2026-01-05")
    ok("reset", "mooc-edx", "--on", "2026-01-06")
    dates = rows(db_url, "SELECT kind, action, on_date FROM journal ORDER BY id")
    assert dates == [("status", "skip", "2026-01-05"), ("status", "reset", "2026-01-06")]
    assert rows(db_url, "SELECT status, started_on, finished_on FROM progress") == [
        ("planned", None, None)
    ]


def test_a_back_dated_enrolment_is_kept_when_its_item_was_done_that_day(
    seeded_db: Path, ok, rows
) -> None:
    # Fixed like reading and projects: the linked start is left out where it cannot stand.
    ok("cert", "pass", "stanford-ml", "--on", "2026-01-10", "--expires", "2026-01-12")
    ok("reset", "stanford-ml", "--on", "2026-02-01")
    enrolled = ok("cert", "enroll", "stanford-ml", "--on", "2026-01-15")  # after the expiry
    assert enrolled.stdout == "enroll: stanford-ml (expired -> enrolled)\n"
    assert rows(seeded_db, "SELECT status FROM progress") == [("planned",)]
