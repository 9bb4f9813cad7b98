"""Pathways of one's own, through the CLI on real SQLite files: install, use, list, update
(whatsnew), remove with progress kept; shared items count once; reseeding the shipped
pathway never retires another pathway's items; hostile files change nothing."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltrack.services.migrate import reseed_database

SAMPLE = Path(__file__).parent / "data" / "pathways" / "mlops.toml"


@pytest.fixture
def own(tmp_path: Path) -> Path:
    """A copy of the sample pathway the test may edit."""
    path = tmp_path / "mlops.toml"
    path.write_text(SAMPLE.read_text())
    return path


def slugs(output: str) -> set[str]:
    """The item slugs a ``pathway --json`` output lists."""
    return {item["slug"] for item in json.loads(output)["items"]}


def listed(ok) -> dict[str, dict]:
    return {p["slug"]: p for p in json.loads(ok("pathway", "list", "--json").output)["pathways"]}


def test_install_use_update_whatsnew_remove(db_url: str, ok, rows, own: Path) -> None:
    shipped = ok("pathway", "--json").output
    assert "installed pathway mlops" in ok("pathway", "install", str(own)).output
    # Installing changes nothing for a learner who does not follow it.
    assert ok("pathway", "--json").output == shipped
    assert listed(ok)["mlops"]["items"] == 3 and listed(ok)["ml-engineer"]["in_use"]

    ok("done", "python")  # a shared item, recorded while following the shipped pathway
    assert "following pathway mlops" in ok("pathway", "use", "mlops").output
    assert slugs(ok("pathway", "--json").output) == {"python", "docker-basics", "model-serving"}
    assert "(1 of 3)" in ok("progress").output
    assert "docker-basics" in ok("next").output
    pathways = listed(ok)
    assert pathways["mlops"]["in_use"] and pathways["mlops"]["done"] == 1
    assert pathways["ml-engineer"]["done"] == 1  # the same item: counted once, shown in both
    assert rows(db_url, "SELECT COUNT(*) FROM item WHERE slug = 'python'") == [(1,)]
    assert rows(db_url, "SELECT COUNT(*) FROM progress") == [(1,)]

    # Update: retitle one item, retire one, add one.
    text = own.read_text().replace('title = "Docker basics"', 'title = "Containers with Docker"')
    text = text.replace('slug = "model-serving"', 'slug = "monitoring"')
    text = text.replace('after = ["docker-basics"]\n', "")
    text = text.replace(', after = "needs containers"', "")
    own.write_text(text)
    ok("done", "model-serving")
    out = ok("pathway", "install", str(own)).output
    assert "1 added, 1 retitled, 1 retired" in out
    news = json.loads(ok("whatsnew", "--json").output)["changes"]
    assert {(c["change"], c["slug"]) for c in news} == {
        ("retitled", "docker-basics"), ("added", "monitoring"), ("retired", "model-serving"),
    }  # fmt: skip
    retitled = next(c for c in news if c["change"] == "retitled")
    assert (retitled["old_title"], retitled["title"]) == ("Docker basics", "Containers with Docker")
    assert "Nothing new" in ok("whatsnew").output  # looking marked them seen
    assert ok("-L", "me", "whatsnew").output.startswith("Nothing new")

    # Remove: the learner follows the shipped pathway again; progress is kept.
    ok("start", "monitoring")
    out = ok("pathway", "remove", "mlops").output
    assert "removed pathway mlops" in out and "1 with your history kept" in out
    assert set(listed(ok)) == {"ml-engineer"}
    assert rows(db_url, "SELECT retired FROM item WHERE slug = 'model-serving'") == [(1,)]
    assert rows(db_url, "SELECT status FROM progress p JOIN item i ON i.id = p.item_id "
                           "WHERE i.slug = 'model-serving'") == [("done",)]  # fmt: skip
    assert rows(db_url, "SELECT retired FROM item WHERE slug = 'monitoring'") == [(1,)]
    assert rows(db_url, "SELECT COUNT(*) FROM progress") == [(3,)]  # every row kept
    assert rows(db_url, "SELECT retired FROM item WHERE slug = 'python'") == [(0,)]
    assert "python" in slugs(ok("pathway", "--json").output)


def test_use_is_a_journal_entry_undone_by_undo(seeded_db: Path, ok, rows) -> None:
    ok("pathway", "install", str(SAMPLE))
    ok("pathway", "use", "mlops")
    assert "pathway mlops" in ok("history").output
    ok("undo")
    assert listed(ok)["ml-engineer"]["in_use"]
    assert "stanford" in ok("pathway").output
    ok("pathway", "use", "mlops")
    ok("doctor", "--repair")  # the projection is rebuilt from the journal
    assert listed(ok)["mlops"]["in_use"]
    assert rows(seeded_db, "SELECT pathway_id IS NOT NULL FROM learner") == [(1,)]


def test_each_learner_follows_their_own(db_url: str, ok) -> None:
    ok("pathway", "install", str(SAMPLE))
    ok("learner", "add", "alex")
    ok("pathway", "use", "mlops", "-L", "alex") if False else ok(
        "-L", "alex", "pathway", "use", "mlops"
    )
    assert listed(ok)["ml-engineer"]["in_use"]
    assert "model-serving" in ok("-L", "alex", "pathway").output
    assert "model-serving" not in ok("pathway").output


def test_reseeding_the_shipped_pathway_keeps_the_own_pathways_items(
    seeded_db: Path, ok, rows
) -> None:
    ok("pathway", "install", str(SAMPLE))
    ok("pathway", "use", "mlops")
    summary = reseed_database(seeded_db)
    assert summary.retired == 0
    assert rows(seeded_db, "SELECT COUNT(*) FROM item WHERE retired AND slug IN "
                           "('docker-basics', 'model-serving', 'python')") == [(0,)]  # fmt: skip
    assert {"docker-basics", "model-serving"} <= slugs(ok("pathway", "--json").output)


def test_the_shipped_pathway_cannot_be_removed_or_replaced(
    seeded_db: Path, run, dump, tmp_path: Path
) -> None:
    before = dump(seeded_db)
    result = run("pathway", "remove", "ml-engineer")
    assert result.exit_code == 1 and "cannot be removed" in result.output
    fake = tmp_path / "fake.toml"
    fake.write_text(SAMPLE.read_text().replace('slug = "mlops"', 'slug = "ml-engineer"'))
    result = run("pathway", "install", str(fake))
    assert result.exit_code == 1 and "shipped pathway" in result.output
    assert run("pathway", "use", "nope").exit_code == 2
    assert dump(seeded_db) == before


HOSTILE = {
    "not toml": "[[item\nslug = ",
    "no provenance": SAMPLE.read_text()
    .replace('suggested = { required = "models drift", step = "production work" }', "")
    .replace(
        'suggested = { required = "models ship in containers", step = "before production '
        'work", hours = "a short course" }',
        "",
    ),
    "no pathway table": SAMPLE.read_text().split("[[step]]", 1)[1].join(["[[step]]", ""]),
    "a bidi override": SAMPLE.read_text().replace("Docker basics", "Docker \u202ebasics"),
    "a career fact": SAMPLE.read_text() + '\n[[career]]\nslug = "pay"\nlabel = "x"\n'
    'value = "1"\nsource = "s"\nquote = "q"\n',
    "another pathway's step": SAMPLE.read_text().replace('"mlops-basics"', '"bachelors"'),
    "a cycle": SAMPLE.read_text().replace(
        'step = "mlops-basics"\nhours_estimate = 10',
        'step = "mlops-basics"\nafter = ["model-serving"]\nhours_estimate = 10',
    ),
    "deep nesting": "x = " + "[" * 5000 + "]" * 5000,
    "not utf-8": b"\xff\xfe[pathway]",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_are_refused_in_one_line(
    seeded_db: Path, run, dump, tmp_path: Path, name: str
) -> None:
    before = dump(seeded_db)
    path = tmp_path / "hostile.toml"
    content = HOSTILE[name]
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run("pathway", "install", str(path))
    assert result.exit_code in (1, 2), result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert dump(seeded_db) == before


def test_a_missing_file_is_a_usage_error(seeded_db: Path, run, tmp_path: Path) -> None:
    result = run("pathway", "install", str(tmp_path / "nope.toml"))
    assert result.exit_code in (1, 2) and "Error" in result.output


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_or_change_data(
    seeded_db: Path, run, dump, tmp_path: Path, content: bytes
) -> None:
    before = dump(seeded_db)
    path = tmp_path / "any.toml"
    path.write_bytes(content)
    result = run("pathway", "install", str(path))
    assert result.exit_code in (1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert dump(seeded_db) == before


def test_looking_at_whatsnew_is_recorded_but_never_undone(
    db_url: str, ok, own: Path, tmp_path: Path
) -> None:
    ok("pathway", "install", str(own))
    own.write_text(own.read_text().replace("Docker basics", "Docker"))
    ok("pathway", "install", str(own))
    ok("done", "python")
    assert "docker-basics" in ok("whatsnew").output
    assert "python" in ok("undo").output  # the last change, not the look at whatsnew
    assert "pathway changes seen" in ok("history").output
    exported = tmp_path / "export.json"
    exported.write_text(ok("export").output)
    ok("import", str(exported), "--replace")
    assert "Nothing new" in ok("whatsnew").output  # the mark travels with the journal


def test_doctor_finds_nothing_wrong_with_an_installed_pathway(seeded_db: Path, ok) -> None:
    ok("pathway", "install", str(SAMPLE))
    ok("pathway", "use", "mlops")
    ok("done", "docker-basics")
    assert "[fail]" not in ok("doctor").output
