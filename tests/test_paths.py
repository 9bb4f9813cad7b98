"""Where the database is found: the default path is platformdirs' user data path, computed
without importing platformdirs on XDG systems (see ``store.paths.default_db_file``)."""

import sys

import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mltrack.store.paths import DB_FILENAME, default_db_file, default_db_path, resolve_db_file

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the XDG rule is computed by mltrack on Linux"
)


def platformdirs_says() -> str:
    return str(platformdirs.user_data_path("mltrack", appauthor=False) / DB_FILENAME)


@pytest.mark.parametrize(
    ("home", "xdg_data_home"),
    [
        ("/home/ada", None),  # unset: ~/.local/share
        ("/home/ada", ""),  # empty: as unset
        ("/home/ada", "/data/xdg"),
        ("/home/ada", "/data/xdg/"),  # a trailing slash
        ("/home/ada", "/data//xdg/./share"),  # doubled slash and a dot part
        ("/home/ada", "relative/xdg"),  # relative: the XDG rule ignores it
        ("/home/ada/", None),  # HOME with a trailing slash
        ("/", None),
        ("/home/with space/é", "/x y/ü"),
    ],
)
def test_the_default_path_is_the_one_platformdirs_gives(
    monkeypatch: pytest.MonkeyPatch, home: str, xdg_data_home: str | None
) -> None:
    monkeypatch.setenv("HOME", home)
    if xdg_data_home is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg_data_home)
    assert default_db_file() == platformdirs_says()
    assert str(default_db_path()) == platformdirs_says()
    assert resolve_db_file(None) == platformdirs_says()


# Printable path parts without NUL (which no environment variable can hold) or separators.
PART = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/"),
               min_size=1, max_size=8)  # fmt: skip
PATH = st.lists(st.one_of(PART, st.just("."), st.just("")), min_size=1, max_size=4).map("/".join)


@given(home=PATH, xdg=st.one_of(st.none(), PATH, PATH.map(lambda path: "/" + path)))
def test_any_home_and_xdg_data_home_give_platformdirs_path(home: str, xdg: str | None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", "/" + home)
        if xdg is None:
            patch.delenv("XDG_DATA_HOME", raising=False)
        else:
            patch.setenv("XDG_DATA_HOME", xdg)
        assert default_db_file() == platformdirs_says()


def test_a_home_that_is_not_absolute_is_left_to_platformdirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """platformdirs then asks the password database; mltrack takes its answer."""
    monkeypatch.setenv("HOME", "not/absolute")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert default_db_file() == platformdirs_says()
