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


def mark_seen(store: SqliteWriter, learner_name: str, changes: list[tuple[str, int]]) -> None:
    """Record that the learner has seen each pathway's changes up to the given id."""
    learner = learner_id(store, learner_name)
    newest: dict[str, int] = {}
    for pathway, change_id in changes:
        newest[pathway] = max(change_id, newest.get(pathway, 0))
    for pathway, change_id in newest.items():
        store.execute(
            """INSERT INTO pathway_seen (learner_id, pathway_id, change_id)
               SELECT :l, id, :c FROM pathway WHERE slug = :p
               ON CONFLICT (learner_id, pathway_id) DO UPDATE SET change_id = excluded.change_id""",
            l=learner, c=change_id, p=pathway,
        )  # fmt: skip
