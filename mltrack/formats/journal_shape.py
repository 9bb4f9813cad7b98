"""What a journal entry of an export file may hold, checked before anything replays it.

``core.journal`` decides whether the entries of a subject follow one another; this module
decides whether one entry is an entry mltrack could have written at all: an action of its
kind, a subject of the form its kind uses, the values its data holds (types included), a
target only on undo and amend, a date no later than the day it was recorded. Each problem is
a ``BadEntry`` naming the field, so import can report ``journal[3].data: ...``.

Standard library only.
"""

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from mltrack.core.errors import InputError
from mltrack.core.limits import (
    LAST_YEAR,
    MAX_COST_CENTS,
    MAX_HOURS,
    MAX_SESSION_MINUTES,
    MULTILINE_COLUMNS,
    check_text,
    check_web_url,
)
from mltrack.core.vocabulary import (
    CertAction,
    EventAction,
    ItemKind,
    JournalKind,
    MetaAction,
    PlanAction,
    ProjectAction,
    ReadingKind,
    ReviewAction,
    ReviewRating,
    Vocabulary,
)


class BadEntry(ValueError):
    """One field of an entry that mltrack could not have written."""

    def __init__(self, field: str, why: str):
        super().__init__(why)
        self.field = field


ACTIONS: dict[JournalKind, frozenset[str]] = {
    JournalKind.STATUS: frozenset(EventAction),
    JournalKind.CERT: frozenset(CertAction),
    JournalKind.PROJECT: frozenset(ProjectAction),
    JournalKind.PLAN: frozenset((PlanAction.SET, PlanAction.CLEAR)),
    JournalKind.STUDY: frozenset((PlanAction.LOG,)),
    JournalKind.READING: frozenset((PlanAction.LOG,)),
    JournalKind.REVIEW: frozenset((*ReviewAction, *ReviewRating)),
    JournalKind.NOTE: frozenset((PlanAction.LOG, PlanAction.CLEAR)),
    JournalKind.LINK: frozenset((PlanAction.LOG, PlanAction.CLEAR)),
}
# A day of slack between the day an entry happened and the UTC day it was recorded: the
# learner's local date may be ahead of UTC.
_SLACK = timedelta(days=1)


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _whole(low: int, high: int) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return type(value) is int and low <= value <= high

    check.expected = f"a whole number from {low:,} to {high:,}"  # type: ignore[attr-defined]
    return check


def _iso_date(value: Any) -> bool:
    return parse_date(value) is not None


def _one_of(enum: type[Vocabulary]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and value in enum.members_by_value


def _number(value: Any) -> bool:
    return type(value) in (int, float) and 0 <= value <= MAX_HOURS


def _slugs(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(slug, str) for slug in value)


def _flag(value: Any) -> bool:
    return type(value) is bool


def _web_url(value: Any) -> bool:
    try:
        return isinstance(value, str) and check_web_url(value) == value
    except InputError:
        return False


_COST = {"cost_cents": _whole(0, MAX_COST_CENTS), "currency": _text}
_EXPECTED = {
    _text: "text", _iso_date: "a YYYY-MM-DD date", _number: "a number", _slugs: "a list of slugs",
    _flag: "true or false", _web_url: "an http(s) URL",
}  # fmt: skip
# (kind, action) -> field -> (check, required, may be null). Undo and amend: below.
_STATUS = {"note": (_text, False, False), "evidence_url": (_text, False, False)}
_DATA: dict[tuple[str, str], dict[str, tuple[Callable[[Any], bool], bool, bool]]] = {
    **{(JournalKind.STATUS, action): _STATUS for action in EventAction},
    (JournalKind.CERT, CertAction.GOAL): {"target_date": (_iso_date, True, True)},
    (JournalKind.CERT, CertAction.ENROLL): {k: (c, False, False) for k, c in _COST.items()},
    (JournalKind.CERT, CertAction.FAIL): {k: (c, False, False) for k, c in _COST.items()},
    (JournalKind.CERT, CertAction.PASS): {
        "expires_on": (_iso_date, False, True), "credential_id": (_text, False, True),
        "credential_url": (_text, False, True),
        **{k: (c, False, False) for k, c in _COST.items()},
    },
    (JournalKind.CERT, CertAction.DROP): {},
    (JournalKind.STUDY, PlanAction.LOG): {
        "minutes": (_whole(1, MAX_SESSION_MINUTES), True, False), "note": (_text, False, True),
    },
    (JournalKind.READING, PlanAction.LOG): {
        "title": (_text, True, False), "kind": (_one_of(ReadingKind), True, False),
        "url": (_text, False, True),
    },
    (JournalKind.PROJECT, ProjectAction.ADD): {
        "name": (_text, True, False), "dataset": (_text, True, False),
        "repo_url": (_text, False, True), "areas": (_slugs, True, False),
        "items": (_slugs, True, False), "step": (_text, True, False),
    },
    (JournalKind.PROJECT, ProjectAction.DONE): {},
    (JournalKind.PLAN, PlanAction.CLEAR): {},
    **{(JournalKind.REVIEW, action): {} for action in (*ReviewAction, *ReviewRating)},
    (JournalKind.NOTE, PlanAction.LOG): {"note": (_text, True, False)},
    (JournalKind.NOTE, PlanAction.CLEAR): {},
    (JournalKind.LINK, PlanAction.LOG): {"url": (_web_url, True, False),
                                         "title": (_text, False, True)},
    (JournalKind.LINK, PlanAction.CLEAR): {},
}  # fmt: skip
_PLAN_TARGET = {"target_date": (_iso_date, True, False)}
_PLAN_PATHWAY = {"slug": (_text, True, False)}  # the pathway the learner follows
_PLAN_SEEN = {"seen": (_text, True, False)}  # when the newest pathway change seen was made
_PLAN_WEEK_GOAL = {"minutes": (_whole(1, 7 * 24 * 60), True, False)}
_PLAN_ITEM = {
    "title": (_text, True, False), "kind": (_one_of(ItemKind), True, False),
    "step": (_text, True, False), "area": (_text, False, True),
    "hours": (_number, False, True), "provider": (_text, False, True),
    "required": (_flag, True, False),
}  # fmt: skip
_META_DATA = {
    MetaAction.UNDO: {},
    MetaAction.AMEND: {"on": (_iso_date, False, False), "note": (_text, False, True)},
}


def parse_date(value: Any) -> date | None:
    """A YYYY-MM-DD date up to the last year mltrack takes; None for anything else."""
    if not isinstance(value, str):
        return None
    return _parse_iso_date(value)


@lru_cache(maxsize=256)
def _parse_iso_date(value: str) -> date | None:
    """``parse_date`` of text, remembered: an import meets the same day in entry after entry
    (a file's entries go in date order, mostly). A small cache: a larger one would hold more
    of a long file's days, and its memory grow with the file."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    if parsed.isoformat() != value or parsed.year > LAST_YEAR:
        return None
    return parsed


# A UUID's canonical text form (either case), as ``str(uuid.UUID(...))`` writes it: a pattern
# is several times faster than parsing, and import checks every entry's uid.
_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def check_uid(value: str) -> None:
    """A uid is a UUID in its canonical text form."""
    if not value.isascii() or _UID.fullmatch(value) is None:
        raise BadEntry("uid", f"{value[:40]!r} is not a UUID")


def check_entry(
    record: Mapping[str, Any], target: Mapping[str, Any] | None, now: datetime | None = None
) -> None:
    """``record`` (kind, action, learner, on_date and recorded_at already well-typed) is an
    entry mltrack could have written by ``now``; ``target`` is the entry its target uid
    names."""
    # The member's lookup without the enum call (import checks every entry through here).
    kind = JournalKind.members_by_value.get(record["kind"]) or JournalKind(record["kind"])
    action = record["action"]
    meta = action in _META_DATA
    if not meta and action not in ACTIONS[kind]:
        raise BadEntry(
            "action", f"{action!r} is not an action of {kind} entries; expected one of "
            f"{', '.join(sorted(ACTIONS[kind] | set(MetaAction)))}",
        )  # fmt: skip
    _check_target(record, target, meta)
    _check_subject(record, kind, meta)
    _check_data(record, kind, action, meta)
    _check_day(record, now or datetime.now(UTC))


def _check_target(record: Mapping[str, Any], target: Mapping[str, Any] | None, meta: bool) -> None:
    if not meta:
        if record["target"] is not None:
            raise BadEntry(
                "target", f"only an undo or amend names a target, not {record['action']}"
            )
        return
    if record["target"] is None:
        raise BadEntry("target", f"an {record['action']} names the entry it acts on")
    assert target is not None
    if (target["kind"], target["subject"]) != (record["kind"], record["subject"]):
        raise BadEntry(
            "target", f"{record['target']} is an entry about {target['kind']} "
            f"{target['subject']}, not {record['kind']} {record['subject']}",
        )  # fmt: skip
    # An undo may revert an amendment (``mltrack undo`` after ``mltrack amend``); nothing
    # acts on an undo, and an amendment corrects a change, never another amendment.
    allowed = (MetaAction.AMEND,) if record["action"] == MetaAction.UNDO else ()
    if target["action"] in _META_DATA and target["action"] not in allowed:
        raise BadEntry("target", f"{record['target']} is an {target['action']} itself")


def _check_subject(record: Mapping[str, Any], kind: JournalKind, meta: bool) -> None:
    subject, item = record["subject"], record["item"]
    if kind in (JournalKind.STATUS, JournalKind.CERT):
        if subject != item:
            raise BadEntry(
                "subject", f"a {kind} entry is about its item ({item!r}), not {subject!r}"
            )
    elif kind in (JournalKind.STUDY, JournalKind.READING):
        if not meta and subject != record["uid"]:
            raise BadEntry("subject", f"a {kind} entry is its own subject (its uid)")
    elif kind is JournalKind.REVIEW:
        if subject.startswith("area:"):
            if item is not None or subject == "area:":
                raise BadEntry("subject", "an area's review setting is about no item")
            if record["action"] in ReviewRating.members_by_value:
                raise BadEntry("action", "a review rates an item, not a study area")
        elif subject != item:
            raise BadEntry("subject", f"a review entry is about its item ({item!r}) or "
                           f"area:<slug>, not {subject!r}")  # fmt: skip
    elif kind in (JournalKind.NOTE, JournalKind.LINK):
        if item is None:
            raise BadEntry("item", f"a {kind} is about an item")
        if not meta and record["action"] == PlanAction.LOG and subject != record["uid"]:
            raise BadEntry("subject", f"a {kind} entry is its own subject (its uid)")
        if not subject:
            raise BadEntry("subject", f"a {kind} removal names the uid of the {kind}")
    elif kind is JournalKind.PROJECT:
        if item is not None or not subject:
            raise BadEntry("subject", "a project entry names its project's slug and no item")
    elif subject in ("target", "pathway", "whatsnew", "week_goal"):
        if item is not None:
            raise BadEntry("item", f"the {subject.replace('_', ' ')} chosen is about no item")
    elif subject.startswith("after:"):
        parts = subject.split(":")
        if len(parts) != 3 or parts[1] != item or not parts[2]:
            raise BadEntry("subject", f"{subject!r} is not after:<item>:<requires> of its item")
        if parts[1] == parts[2]:
            raise BadEntry("subject", f"{item} cannot come after itself")
    elif not (subject.startswith("item:") and subject[5:] == item):
        raise BadEntry(
            "subject",
            f"{subject!r} is not target, pathway, whatsnew, week_goal, after:..."
            " or item:<its item>",
        )


def _check_data(record: Mapping[str, Any], kind: JournalKind, action: str, meta: bool) -> None:
    data = record["data"]
    if meta:
        schema = _META_DATA[MetaAction(action)]
    elif kind is JournalKind.PLAN and action == PlanAction.SET:
        subject = record["subject"]
        named = {
            "target": _PLAN_TARGET, "pathway": _PLAN_PATHWAY, "whatsnew": _PLAN_SEEN,
            "week_goal": _PLAN_WEEK_GOAL,
        }  # fmt: skip
        schema = _PLAN_ITEM if subject.startswith("item:") else named.get(subject, {})
    else:
        schema = _DATA[kind, action]
    for key in data:
        if key not in schema:
            expected = ", ".join(schema) or "no values"
            raise BadEntry(
                "data", f"{key!r} is not a value of {kind} {action}; expected {expected}"
            )
    for key, (check, required, nullable) in schema.items():
        if key not in data:
            if required:
                raise BadEntry("data", f"{key}: missing")
            continue
        value = data[key]
        if value is None and nullable:
            continue
        if isinstance(value, str):
            try:
                check_text(value, key, multiline=key in MULTILINE_COLUMNS)
            except InputError as error:
                raise BadEntry("data", str(error)) from None
        if not check(value):
            what = _EXPECTED.get(check) or getattr(check, "expected", "another value")
            if check is _iso_date and isinstance(value, str):
                what = f"a YYYY-MM-DD date up to {LAST_YEAR}"
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            raise BadEntry("data", f"{key}: expected {what}, got {shown}")


def _check_day(record: Mapping[str, Any], now: datetime) -> None:
    """Nothing happens after the day it was recorded (``--on`` refuses the future), and
    nothing was recorded after ``now``."""
    recorded = datetime.fromisoformat(record["recorded_at"])
    if recorded > now + _SLACK:
        raise BadEntry("recorded_at", f"{record['recorded_at']} is in the future")
    day = date.fromisoformat(record["on_date"])
    latest = (recorded + _SLACK).date()
    if day > latest:
        raise BadEntry(
            "on_date", f"{day.isoformat()} is after the entry was recorded "
            f"({record['recorded_at'][:10]}): in the future",
        )  # fmt: skip
    corrected = (
        parse_date(record["data"].get("on")) if record["action"] == MetaAction.AMEND else None
    )
    if corrected is not None and corrected > latest:
        raise BadEntry("data", f"on: {corrected.isoformat()} is in the future")
