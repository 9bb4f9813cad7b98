"""The vocabulary's sets of words behave as the StrEnums they replaced: members are their
values' str, one object each, found by value, listed in definition order."""

import copy
import json
import pickle
import sqlite3

import pytest

from mltrack.core.vocabulary import (
    JOURNAL_ACTIONS,
    ItemStatus,
    Vocabulary,
    sql_in,
    sql_value,
)


def test_a_member_is_the_str_of_its_value() -> None:
    done = ItemStatus.DONE
    assert isinstance(done, str) and isinstance(done, ItemStatus)
    assert done == "done" and hash(done) == hash("done")
    assert (done.name, done.value, str(done), f"{done}") == ("DONE", "done", "done", "done")
    assert type(done.value) is str and type(str(done)) is str
    assert repr(done) == "<ItemStatus.DONE: 'done'>"


def test_members_are_found_by_value_and_are_singletons() -> None:
    assert ItemStatus("done") is ItemStatus.DONE
    assert ItemStatus(ItemStatus.DONE) is ItemStatus.DONE
    for wrong in ("Done", "", None, 3, ["done"]):
        with pytest.raises(ValueError, match="is not a valid ItemStatus"):
            ItemStatus(wrong)
    assert copy.copy(ItemStatus.DONE) is ItemStatus.DONE
    assert copy.deepcopy([ItemStatus.DONE])[0] is ItemStatus.DONE
    assert pickle.loads(pickle.dumps(ItemStatus.DONE)) is ItemStatus.DONE


def test_a_set_lists_its_members_in_definition_order() -> None:
    assert list(ItemStatus) == ["planned", "in_progress", "done", "skipped"]
    assert [member.name for member in ItemStatus] == ["PLANNED", "IN_PROGRESS", "DONE", "SKIPPED"]
    assert len(ItemStatus) == 4 and list(ItemStatus.members_by_value) == list(ItemStatus)
    assert "done" in ItemStatus and "Done" not in ItemStatus and 3 not in ItemStatus
    assert all(issubclass(kind, Vocabulary) for kind in JOURNAL_ACTIONS)


def test_members_leave_mltrack_as_plain_text() -> None:
    assert json.dumps({ItemStatus.DONE: [ItemStatus.SKIPPED]}) == '{"done": ["skipped"]}'
    with sqlite3.connect(":memory:") as connection:
        found = connection.execute("SELECT ?, typeof(?)", (ItemStatus.DONE, ItemStatus.DONE))
        assert found.fetchone() == ("done", "text")
    assert sql_value(ItemStatus.DONE) == "'done'"
    assert sql_in(ItemStatus.DONE, ItemStatus.SKIPPED) == "('done', 'skipped')"


def test_only_upper_case_text_attributes_become_members() -> None:
    class Colour(Vocabulary):
        """Not a member: the docstring."""

        RED = "red"
        GREEN = "green"
        shade = "dark"  # lower case: a plain attribute

    assert list(Colour) == ["red", "green"] and Colour.shade == "dark"
    assert Colour("green") is Colour.GREEN and Colour.GREEN is not None
