"""When output gets colour: --color, MLTRACK_COLOR, NO_COLOR, TERM=dumb and whether stdout is a
terminal. "On a terminal" runs mltrack in a subprocess whose stdout is a pseudo-terminal."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")  # POSIX only

ESCAPE = "\x1b["


def environment(**changes: str | None) -> dict[str, str]:
    """This test's environment (MLTRACK_DB set, NO_COLOR and MLTRACK_COLOR unset) on a colour
    terminal, with ``changes`` applied (None removes a variable)."""
    env = {**os.environ, "TERM": "xterm-256color"}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def on_a_terminal(*args: str, **env: str | None) -> str:
    """Run ``mltrack ARGS...`` with stdout on a pseudo-terminal; what it printed there."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mltrack", *args],
        stdout=terminal,
        stderr=subprocess.PIPE,
        env=environment(**env),
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the process has exited and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    _, stderr = process.communicate()
    assert process.returncode == 0, stderr.decode()
    return b"".join(chunks).decode()


def piped(*args: str, **env: str | None) -> str:
    """Run ``mltrack ARGS...`` with stdout on a pipe; what it printed there."""
    done = subprocess.run(
        [sys.executable, "-m", "mltrack", *args],
        capture_output=True,
        text=True,
        env=environment(**env),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_terminal_gets_colour_and_block_bars_by_default(seeded_db: Path) -> None:
    output = on_a_terminal("progress")
    assert ESCAPE in output and "░" in output


@pytest.mark.parametrize(
    "args, env",
    [
        ([], {"NO_COLOR": "1"}),
        ([], {"NO_COLOR": "0"}),  # any non-empty value, as no-color.org says
        ([], {"TERM": "dumb"}),
        ([], {"MLTRACK_COLOR": "never"}),
        (["--color", "never"], {}),
        (["--color=never"], {"MLTRACK_COLOR": "always"}),  # the option beats the variable
    ],
)
def test_a_terminal_gets_plain_text_when_colour_is_turned_off(
    seeded_db: Path, args: list[str], env: dict[str, str]
) -> None:
    output = on_a_terminal(*args, "progress", **env)
    assert ESCAPE not in output
    assert output.isascii() and "[" in output  # ASCII bars instead of blocks


def test_an_empty_no_color_does_not_turn_colour_off(seeded_db: Path) -> None:
    assert ESCAPE in on_a_terminal("progress", NO_COLOR="")


@pytest.mark.parametrize(
    "args, env",
    [
        (["--color", "always"], {}),
        (["--color=always"], {"NO_COLOR": "1", "TERM": "dumb"}),  # always beats both, as in git
        ([], {"MLTRACK_COLOR": "always", "NO_COLOR": "1"}),
    ],
)
def test_always_colours_even_a_pipe(seeded_db: Path, args: list[str], env: dict[str, str]) -> None:
    output = piped(*args, "progress", **env)
    assert ESCAPE in output and "░" in output


@pytest.mark.parametrize(
    "args",
    [
        ["progress"],
        ["progress", "--by", "kind", "--all"],
        ["pathway"],
        ["show", "python"],
        ["next"],
        ["history"],
        ["stats"],
        ["cert", "list"],
        ["doctor"],
    ],
)
def test_piped_output_never_has_escape_codes(seeded_db: Path, ok, args: list[str]) -> None:
    ok("done", "python")  # some history, some progress to draw
    ok("start", "probability")
    output = piped(*args)
    assert ESCAPE not in output
    assert output.isascii()


def test_doctor_colours_its_verdicts_when_asked(seeded_db: Path, ok) -> None:
    output = ok("--color=always", "doctor").stdout
    assert "\x1b[32m[ok]" in output


@pytest.mark.parametrize(
    "args, env",
    [(["--color", "blue", "progress"], {}), (["progress"], {"MLTRACK_COLOR": "blue"})],
)
def test_a_bad_colour_choice_is_a_usage_error(
    seeded_db: Path, args: list[str], env: dict[str, str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mltrack", *args],
        capture_output=True,
        text=True,
        env=environment(**env),
    )
    assert done.returncode == 2
    assert "'blue' is not one of 'auto', 'always', 'never'" in done.stderr
    assert "Traceback" not in done.stderr
