"""The shipped seed files: valid, traceable to the article, and checked with file and line."""

import re
import unicodedata
from pathlib import Path

import pytest

from mltrack.core.graphs import find_cycle
from mltrack.formats.seed_files import seed_dir
from mltrack.formats.seed_format import SeedError, load_seed

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seed-article.txt"
ARTICLE_SECTIONS = (
    "How to Become",
    "Courses needed",
    "Day in the Life",
    "Licensure, Certifications and Continuing Education",
    "Certifications Matter",
    "Career Outlook",
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u201c", '"')
    return re.sub(r"\s+", " ", text.replace("™", "")).strip().lower()


def test_shipped_seed_is_valid_and_complete() -> None:
    seed = load_seed()
    slugs = {entry.slug for entry in seed["item"]}
    assert [entry.slug for entry in seed["step"]][:3] == [
        "bachelors",
        "ml-training",
        "ml-experience",
    ]
    assert len(seed["area"]) == 7
    certifications = [e for e in seed["item"] if e.values["kind"] == "certification"]
    assert len(certifications) == 6
    assert all(e.values.get("provider") for e in certifications)
    # The alternative entry routes the article names.
    assert {"high-school-math-route", "mooc-edx", "mooc-udacity", "mooc-coursera",
            "udacity-ml-engineer-nanodegree", "masters-degree"} <= slugs  # fmt: skip
    assert {"median-pay-2018", "average-salary"} <= {e.slug for e in seed["career"]}


def test_every_entry_names_an_article_section_and_invents_no_urls() -> None:
    seed = load_seed()
    for table in ("step", "area", "item"):
        for entry in seed[table]:
            assert entry.values["source"].startswith(ARTICLE_SECTIONS), entry.where
    assert not [e.where for e in seed["item"] if e.values.get("url")]


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is in ../shared beside the repo")
def test_every_quote_is_in_the_article() -> None:
    article = normalise(ARTICLE.read_text(encoding="utf-8"))
    for entry in load_seed()["item"]:
        for fragment in entry.values.get("quote", "").split("..."):
            assert normalise(fragment) in article, f"{entry.where}: {fragment!r}"


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    for path in seed_dir().glob("*.toml"):
        write(tmp_path, path.name, path.read_text(encoding="utf-8"))
    return tmp_path


def problems_in(directory: Path) -> list[str]:
    with pytest.raises(SeedError) as caught:
        load_seed(directory)
    return caught.value.problems


def test_unknown_key_is_reported_with_file_and_line(seed_copy: Path) -> None:
    write(seed_copy, "50-extra.toml", '\n[[item]]\nslug = "x"\ntitel = "X"\nkind = "topic"\n'
          'step = "ml-training"\nsource = "Courses needed"\n')  # fmt: skip
    problems = problems_in(seed_copy)
    assert "50-extra.toml:2: unknown key 'titel' in item 'x'" in problems
    assert "50-extra.toml:2: missing key 'title' in item 'x'" in problems


def test_duplicate_slug_names_both_places(seed_copy: Path) -> None:
    write(seed_copy, "50-extra.toml", '[[item]]\nslug = "python"\ntitle = "Python again"\n'
          'kind = "topic"\nstep = "ml-training"\nsource = "Courses needed"\n'
          'quote = "Q"\n')  # fmt: skip
    [problem] = problems_in(seed_copy)
    assert problem.startswith(
        "50-extra.toml:1: duplicate item slug 'python' (first at 20-study-areas.toml:"
    )


def test_prerequisite_pointing_nowhere(seed_copy: Path) -> None:
    write(seed_copy, "50-extra.toml", '[[item]]\nslug = "x"\ntitle = "X"\nkind = "topic"\n'
          'step = "ml-training"\nsource = "Courses needed"\nafter = ["nowhere"]\n'
          'quote = "Q"\n')  # fmt: skip
    assert problems_in(seed_copy) == [
        "50-extra.toml:1: item 'x' comes after unknown item 'nowhere'"
    ]


def test_prerequisite_cycle_is_named(seed_copy: Path) -> None:
    text = (seed_copy / "20-study-areas.toml").read_text(encoding="utf-8")
    # random-variables comes first in statistics; make it depend on bias, which needs it.
    text = text.replace(
        'slug = "random-variables"\n',
        'slug = "random-variables"\nafter = ["bias"]\nsuggested = { after = "a test" }\n',
    )
    write(seed_copy, "20-study-areas.toml", text)
    [problem] = problems_in(seed_copy)
    assert problem.endswith(
        ": prerequisites form a cycle: random-variables -> bias -> estimation -> random-variables"
    )
    assert problem.startswith("20-study-areas.toml:")


def test_bad_toml_names_the_file(seed_copy: Path) -> None:
    write(seed_copy, "50-broken.toml", "[[item]\nslug = \n")
    [problem] = problems_in(seed_copy)
    assert problem.startswith("50-broken.toml: ")


def test_find_cycle() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["a"]}) == ["a", "a"]
