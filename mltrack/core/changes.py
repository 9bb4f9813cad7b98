"""What the write side did, for the renderers to put into words.

NamedTuples rather than dataclasses: a daily write imports these, and building a dataclass
costs start-up time that the journal's write-speed target cannot spare.

The result types of the services live here, below every layer, so that ``render`` can take
them without importing a service (which would pull in the ORM).
"""

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from mltrack.core.vocabulary import CertAction, CertStatus, ReadingKind

if TYPE_CHECKING:  # a name only: pathlib (urllib, ipaddress) would cost every write ~3 ms
    from pathlib import Path


class Change(NamedTuple):
    """What a command changed, for the CLI to report."""

    slug: str
    title: str
    action: str  # an EventAction, or undo
    from_status: str  # an ItemStatus; a certification goal's status when undoing one
    to_status: str
    on_date: date
    also: str | None = None  # what else the change did, e.g. to a certification goal
    entry_id: int | None = None  # the journal entry that records it


class CertChange(NamedTuple):
    """What a cert command changed, for the CLI to report."""

    slug: str
    action: CertAction
    from_status: str  # "none" when the learner had no goal for it
    to_status: CertStatus
    on_date: date
    attempts: int
    event_id: int
    item_change: Change | None = None  # the certification's item, marked done by a pass


class Removal(NamedTuple):
    """What ``remove`` did: deleted the item, or retired it to keep the history naming it."""

    slug: str
    deleted: bool
    kept: dict[str, int] | None = None  # history rows kept, by (singular) kind
    orderings: int = 0  # the learner's "after" orderings naming the item, removed


class Ordering(NamedTuple):
    """``item`` comes after ``after`` (both slugs)."""

    item: str
    after: str


class ProjectChange(NamedTuple):
    slug: str
    name: str
    step_title: str
    areas: list[str]
    on_date: date
    items: tuple[str, ...] = ()  # pathway items it moved (linked changes)


class LoggedSession(NamedTuple):
    minutes: int
    on_date: date
    slug: str | None
    item_minutes: int | None  # everything logged on the item so far, this session included
    hours_estimate: float | None


class LoggedReading(NamedTuple):
    title: str
    kind: ReadingKind
    on_date: date
    slug: str | None
    started: str | None = None  # the item it started (planned -> in progress), if any


class ImportSummary(NamedTuple):
    counts: tuple[tuple[str, int], ...]  # rows per section, in file order
    replaced: tuple[str, ...]  # learners whose data the file replaced


class Repair(NamedTuple):
    """What ``doctor --repair`` did."""

    backup: "Path"
    changes: tuple[str, ...] = ()  # projection rows rewritten, in words
    flagged: tuple[str, ...] = ()  # entries newly set aside, with why


class ReviewChange(NamedTuple):
    """What a review command changed: an opt-in or opt-out (of an item or a study area), or a
    review with the schedule it leads to."""

    subject: str  # an item's slug, or "study area <slug>"
    action: str  # a ReviewAction or ReviewRating
    on_date: date
    entry_id: int
    due_on: date | None = None  # a review: the next one's date (FSRS)
    stability: float | None = None  # a review: days until recall falls to 90%
    reviews: int = 0  # a review: how many the item has had, this one included


class Annotated(NamedTuple):
    """A note or link added to an item, or one removed (``removed``)."""

    kind: str  # a NoteKind
    entry_id: int  # the journal entry that added it (its id for --remove and amend)
    slug: str
    on_date: date
    text: str | None  # the note, or the link's title
    url: str | None = None
    removed: bool = False
