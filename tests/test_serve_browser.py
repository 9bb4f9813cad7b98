"""``mltrack serve`` in headless Chromium: the flows a learner goes through, by mouse and by
keyboard, checked against ``mltrack progress`` run in a subprocess on the same database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serving import Served, served

PYTHON_BOX = "svg a.box[data-slug='python']"


def progress(db: Path) -> dict:
    """``mltrack progress --json`` in its own process, as the learner would run it."""
    done = subprocess.run(
        [sys.executable, "-m", "mltrack", "progress", "--json"],
        env={**os.environ, "MLTRACK_DB": str(db)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)["overall"]["required"]


def summary_for(figures: dict) -> str:
    percent = "n/a" if figures["percent"] is None else f"{round(figures['percent']):g}%"
    counted = figures["total"] - figures["skipped"]
    return f"{figures['done']} of {counted} required items done ({percent})"


@pytest.fixture
def server(seeded_db: Path):
    with served(seeded_db) as running:
        yield running


def test_click_an_item_mark_it_done_and_undo_from_the_page(
    page, server: Served, seeded_db: Path
) -> None:
    page.goto(server.url)
    box = page.locator(PYTHON_BOX)
    assert box.get_attribute("role") == "button"
    assert box.get_attribute("aria-label").startswith("Python, planned")
    box.click()
    assert page.locator("#panel-title").inner_text() == "Python"
    page.get_by_role("button", name="Done: Python").click()
    box = page.locator(PYTHON_BOX)
    assert "done" in box.get_attribute("class").split()
    assert box.get_attribute("aria-label").startswith("Python, done")
    assert box.locator("text.symbol").text_content() == "✓"
    assert page.get_by_role("status").inner_text() == "done: python (planned -> done)"
    figures = progress(seeded_db)
    assert figures["done"] == 1
    assert page.locator("#summary").inner_text() == summary_for(figures)

    page.get_by_role("button", name="Undo last change").click()
    box = page.locator(PYTHON_BOX)
    assert "planned" in box.get_attribute("class").split()
    assert box.locator("text.symbol").text_content() == "○"
    assert "undone" in page.get_by_role("status").inner_text()
    figures = progress(seeded_db)
    assert figures["done"] == 0
    assert page.locator("#summary").inner_text() == summary_for(figures)


def test_the_same_flow_by_keyboard_only(page, server: Served, seeded_db: Path) -> None:
    page.goto(server.url)
    for _ in range(120):  # Tab along the page to the Python box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.slug") == "python":
            break
    else:
        pytest.fail("Tab never reached the Python box")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?item=python")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "panel-title"  # the panel's heading takes the focus
    for _ in range(20):  # on to the Done button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Done: Python":
            break
    else:
        pytest.fail("Tab never reached the Done button")
    page.keyboard.press("Space")
    page.wait_for_url("**msg=*")
    assert "done" in page.locator(PYTHON_BOX).get_attribute("class").split()
    assert progress(seeded_db)["done"] == 1
    # Space opens a box too, as it presses any button.
    page.locator("svg a.box[data-slug='probability']").focus()
    page.keyboard.press("Space")
    page.wait_for_url("**/?item=probability")
    assert page.locator("#panel-title").inner_text() == "Probability"


def test_changes_made_in_the_terminal_show_on_reload(
    page, server: Served, seeded_db: Path, ok
) -> None:
    page.goto(server.url)
    assert "planned" in page.locator(PYTHON_BOX).get_attribute("class").split()
    ok("start", "python")
    ok("log", "2h", "python")
    page.reload()
    box = page.locator(PYTHON_BOX)
    assert "in_progress" in box.get_attribute("class").split()
    assert box.locator("text.meta").first.text_content() == "in progress · 2h / 60h"


def test_a_certification_box_shows_its_goal(page, server: Served, ok) -> None:
    ok("cert", "goal", "stanford-ml", "--by", "2999-01-01")
    page.goto(server.url)
    label = page.locator("svg a.box[data-slug='stanford-ml']").get_attribute("aria-label")
    assert label.endswith("goal: planned by 2999-01-01")


def test_a_note_added_on_the_page_is_the_note_the_cli_shows(
    page, server: Served, seeded_db: Path, ok
) -> None:
    ok("note", "python", "from the terminal")
    page.goto(server.url + "?item=python")
    assert "from the terminal" in page.locator("section[aria-labelledby=notes-title]").inner_text()
    page.get_by_label("New note").fill("from the page")
    page.get_by_role("button", name="Add note").click()
    notes = page.locator("section[aria-labelledby=notes-title]").inner_text()
    assert "from the terminal" in notes and "from the page" in notes
    assert "from the page" in ok("note", "python").output
