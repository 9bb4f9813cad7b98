"""Study time and continuing education: each session or reading entry is a journal entry
whose subject is itself, so that undo removes it and amend moves it to another day."""

from datetime import date

from mltrack.core.changes import LoggedReading, LoggedSession
from mltrack.core.dates import format_minutes
from mltrack.core.errors import InputError, MltrackError, NotFoundError
from mltrack.core.ids import uuid7
from mltrack.core.limits import MAX_DAY_MINUTES, MAX_SESSION_MINUTES, check_text
from mltrack.core.rules import past_or_today
from mltrack.core.vocabulary import (
    EventAction,
    ItemKind,
    ItemStatus,
    JournalKind,
    PlanAction,
    ReadingKind,
)
from mltrack.queries.lookup import ItemRef, find_item, learner_id
from mltrack.queries.reader import SqliteWriter
from mltrack.services import journal
from mltrack.services.progress import mark_if_it_fits, status_of

MAX_TITLE_LENGTH = 300
# The continuing-education item of the seed that each kind of reading keeps up, when the
# entry names no item of its own (a test keeps these slugs in the seed).
READING_ITEMS = {
    ReadingKind.BLOG: "follow-ml-blogs",
    ReadingKind.PODCAST: "follow-ml-podcasts",
    ReadingKind.PAPER: "read-state-of-the-art",
}
_ITEM_MINUTES_SQL = """
    SELECT COALESCE(SUM(minutes), 0) AS minutes FROM study_session
    WHERE learner_id = :learner_id AND item_id = :item_id
"""


def log_session(
    store: SqliteWriter,
    learner_name: str,
    minutes: int,
    today: date,
    item_text: str | None = None,
    on: date | None = None,
    note: str | None = None,
) -> LoggedSession:
    """Record ``minutes`` of study on ``on`` (today by default), against an item if given.

    A day holds at most 24 hours of study in total: a session that would take the day past
    that is refused, naming what is already logged."""
    if not 0 < minutes <= MAX_SESSION_MINUTES:
        raise InputError(f"a session lasts more than 0 and at most {MAX_SESSION_MINUTES} minutes")
    if note is not None:
        check_text(note, "a note", multiline=True)
    learner = learner_id(store, learner_name)
    item = find_item(store, learner, item_text) if item_text else None
    on = past_or_today(on, today)
    check_day_total(store, learner, on, minutes)
    data: dict[str, object] = {"minutes": minutes} | ({"note": note} if note is not None else {})
    uid = uuid7()
    change = journal.Change(JournalKind.STUDY, PlanAction.LOG, uid, on,
                            item.id if item else None, data, uid=uid)  # fmt: skip
    journal.record(store, learner, change)
    if item is None:
        return LoggedSession(minutes, on, None, None, None)
    total = store.rows(_ITEM_MINUTES_SQL, learner_id=learner, item_id=item.id)[0]["minutes"]
    return LoggedSession(minutes, on, item.slug, total, item.hours_estimate)


_DAY_SQL = """
    SELECT COUNT(*) AS sessions, COALESCE(SUM(minutes), 0) AS minutes FROM study_session
    WHERE learner_id = :learner_id AND on_date = :on AND COALESCE(journal_id, 0) <> :moving
"""


def check_day_total(
    store: SqliteWriter, learner: int, on: date, minutes: int, moving: int = 0
) -> None:
    """A day holds at most 24 hours of study: refuse ``minutes`` more on ``on`` (a session
    being moved there, ``moving``, is not counted twice), naming what is logged already."""
    logged = store.rows(_DAY_SQL, learner_id=learner, on=on.isoformat(), moving=moving)[0]
    sessions, total = logged["sessions"], logged["minutes"]
    if total + minutes > MAX_DAY_MINUTES:
        left = max(MAX_DAY_MINUTES - total, 0)
        room = f"at most {format_minutes(left)} more fits" if left else "nothing more fits"
        raise MltrackError(
            f"{on.isoformat()} already has {format_minutes(total)} of study logged "
            f"({sessions} session{'s' if sessions != 1 else ''}); a day holds at most "
            f"{format_minutes(MAX_DAY_MINUTES)}, so {room}"
        )


def log_reading(
    store: SqliteWriter,
    learner_name: str,
    title: str,
    kind: ReadingKind,
    today: date,
    url: str | None = None,
    item_text: str | None = None,
    on: date | None = None,
) -> LoggedReading:
    """Record a blog post, podcast, paper, talk or course taken in, optionally about an item.
    The item it is about (or, without one, the continuing-education item its kind keeps up)
    starts when it is still planned, as a linked change that undo reverts with the entry."""
    title = title.strip()
    if not title or len(title) > MAX_TITLE_LENGTH:
        raise InputError(f"a title needs 1 to {MAX_TITLE_LENGTH} characters")
    check_text(title, "a title")
    if url is not None:
        check_text(url, "a URL")
    learner = learner_id(store, learner_name)
    item = find_item(store, learner, item_text) if item_text else None
    on = past_or_today(on, today)
    data = {"title": title, "kind": str(kind)} | ({"url": url} if url else {})
    uid = uuid7()
    change = journal.Change(JournalKind.READING, PlanAction.LOG, uid, on,
                            item.id if item else None, data, uid=uid)  # fmt: skip
    recorded = journal.record(store, learner, change)
    kept_up = item or _kept_up(store, learner, kind)
    started = None
    if kept_up is not None and kept_up.kind != ItemKind.CERTIFICATION:
        current = journal.current_state(store, learner, JournalKind.STATUS, kept_up.slug)
        if status_of(current) == ItemStatus.PLANNED:
            started = mark_if_it_fits(store, learner, kept_up, EventAction.START, on, recorded.id)
    return LoggedReading(
        title, kind, on, item.slug if item else None, started.slug if started else None
    )


def _kept_up(store: SqliteWriter, learner: int, kind: ReadingKind) -> ItemRef | None:
    slug = READING_ITEMS.get(kind)
    if slug is None:
        return None
    try:
        return find_item(store, learner, slug)
    except NotFoundError:  # a seed without it: nothing to keep up
        return None
