"""Study time and continuing education: sessions logged against items, and what was read."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mltrack.core.changes import LoggedReading, LoggedSession
from mltrack.core.dates import format_minutes, utc_now_iso, week_start
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.limits import MAX_DAY_MINUTES, MAX_SESSION_MINUTES, check_text
from mltrack.core.vocabulary import ReadingKind
from mltrack.models import Item, ReadingEntry, StudySession
from mltrack.services.lookup import get_item, get_learner, past_or_today

MAX_TITLE_LENGTH = 300


def log_session(
    session: Session,
    learner_name: str,
    minutes: int,
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
    learner = get_learner(session, learner_name)
    item = get_item(session, learner, item_text) if item_text else None
    on = past_or_today(on)
    _check_day_total(session, learner.id, on, minutes)
    session.add(
        StudySession(
            learner_id=learner.id, item_id=item.id if item else None, on_date=on,
            week_start=week_start(on), minutes=minutes, note=note, created_at=utc_now_iso(),
        )
    )  # fmt: skip
    if item is None:
        return LoggedSession(minutes, on, None, None, None)
    session.flush()
    total = session.scalar(
        select(func.sum(StudySession.minutes)).where(
            StudySession.learner_id == learner.id, StudySession.item_id == item.id
        )
    )
    return LoggedSession(minutes, on, item.slug, total, item.hours_estimate)


def _check_day_total(session: Session, learner_id: int, on: date, minutes: int) -> None:
    logged = session.execute(
        select(func.count(), func.coalesce(func.sum(StudySession.minutes), 0)).where(
            StudySession.learner_id == learner_id, StudySession.on_date == on
        )
    ).one()
    sessions, total = logged
    if total + minutes > MAX_DAY_MINUTES:
        left = max(MAX_DAY_MINUTES - total, 0)
        room = f"at most {format_minutes(left)} more fits" if left else "nothing more fits"
        raise MltrackError(
            f"{on.isoformat()} already has {format_minutes(total)} of study logged "
            f"({sessions} session{'s' if sessions != 1 else ''}); a day holds at most "
            f"{format_minutes(MAX_DAY_MINUTES)}, so {room}"
        )


def last_entry(session: Session, learner_id: int) -> StudySession | ReadingEntry | None:
    """The learner's newest study session or reading entry, by when it was logged."""
    found = [
        session.scalars(
            select(model).where(model.learner_id == learner_id).order_by(model.id.desc()).limit(1)
        ).first()
        for model in (StudySession, ReadingEntry)
    ]
    return max((entry for entry in found if entry), key=lambda e: e.created_at, default=None)


def remove_entry(session: Session, entry: StudySession | ReadingEntry) -> str:
    """Delete a study session or reading entry (``mltrack undo``) and say what it was."""
    session.delete(entry)
    if isinstance(entry, StudySession):
        return f"study session of {format_minutes(entry.minutes)} on {entry.on_date.isoformat()}"
    return f"{entry.kind} {entry.title!r} of {entry.on_date.isoformat()}"


def log_reading(
    session: Session,
    learner_name: str,
    title: str,
    kind: ReadingKind,
    url: str | None = None,
    item_text: str | None = None,
    on: date | None = None,
) -> LoggedReading:
    """Record a blog post, podcast, paper, talk or course taken in, optionally about an item."""
    title = title.strip()
    if not title or len(title) > MAX_TITLE_LENGTH:
        raise InputError(f"a title needs 1 to {MAX_TITLE_LENGTH} characters")
    check_text(title, "a title")
    if url is not None:
        check_text(url, "a URL")
    learner = get_learner(session, learner_name)
    item: Item | None = get_item(session, learner, item_text) if item_text else None
    on = past_or_today(on)
    session.add(
        ReadingEntry(
            learner_id=learner.id, title=title, kind=kind, url=url,
            item_id=item.id if item else None, on_date=on, created_at=utc_now_iso(),
        )
    )  # fmt: skip
    return LoggedReading(title, kind, on, item.slug if item else None)
