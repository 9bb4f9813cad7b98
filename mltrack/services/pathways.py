"""Following a pathway (a journal entry, plan ``pathway``: ``undo`` reverts it, the export
carries it) and marking what pathway updates changed as seen. Daily writes: no ORM."""

from datetime import date

from mltrack.core.errors import MltrackError, NotFoundError
from mltrack.core.journal import PresentState
from mltrack.core.vocabulary import JournalKind, PlanAction
from mltrack.queries.lookup import learner_id
from mltrack.queries.reader import SqliteWriter
from mltrack.services import journal

SUBJECT = "pathway"
SEEN = journal.SEEN


def use_pathway(store: SqliteWriter, learner_name: str, slug: str, today: date) -> str | None:
    """Follow the pathway ``slug`` from now on; return the one followed before (None: the
    shipped one, never chosen)."""
    learner = learner_id(store, learner_name)
    rows = store.rows("SELECT slug FROM pathway WHERE NOT retired ORDER BY slug")
    known = [row["slug"] for row in rows]
    if slug not in known:
        raise NotFoundError("pathway", slug, [], hint="installed: " + ", ".join(known))
    state = journal.current_state(store, learner, JournalKind.PLAN, SUBJECT)
    before = state.values["slug"] if isinstance(state, PresentState) else None
    if before == slug:
        raise MltrackError(f"you already follow {slug}")
    change = journal.Change(JournalKind.PLAN, PlanAction.SET, SUBJECT, today,
                            data={"slug": slug})  # fmt: skip
    journal.record(store, learner, change)
    return before


def mark_seen(store: SqliteWriter, learner_name: str, newest: str, today: date) -> None:
    """Record that the learner has seen the pathway changes made up to ``newest`` (the
    ``changed_at`` of the newest shown): a journal entry, exported with the rest."""
    learner = learner_id(store, learner_name)
    change = journal.Change(JournalKind.PLAN, PlanAction.SET, SEEN, today,
                            data={"seen": newest})  # fmt: skip
    journal.record(store, learner, change)
