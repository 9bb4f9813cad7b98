"""iCalendar view of certification dates: one all-day event per target and per expiry date.

Only ``mltrack cert ics`` imports this module, and so the ``icalendar`` library.
"""

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from mltrack.core.matching import slugify
from mltrack.queries.certs import CertWarning

PRODID = "-//mltrack//certification dates//EN"


def cert_calendar_ics(dates: list[CertWarning], learner: str, stamp: datetime) -> bytes:
    """A VCALENDAR whose events keep their UID from one export to the next, so that a
    calendar program importing a newer file updates them instead of adding copies."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"mltrack certifications ({learner})")
    for entry in dates:
        day = date.fromisoformat(entry.on_date)
        event = Event()
        event.add("uid", f"{entry.what}-{entry.slug}-{slugify(learner) or 'learner'}@mltrack")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", _summary(entry))
        event.add("description", f"{_named(entry)} [{entry.slug}], from mltrack")
        calendar.add_component(event)
    return calendar.to_ical()


def _summary(entry: CertWarning) -> str:
    if entry.what == "target":
        return f"Target: pass {_named(entry)}"
    return f"{_named(entry)} certification expires"


def _named(entry: CertWarning) -> str:
    """The title with its provider: certification titles alone can be near-identical."""
    return f"{entry.title} ({entry.provider})" if entry.provider else entry.title
