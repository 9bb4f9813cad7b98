"""The journals of format 1 (revisions 0001-0005): progress events, certification events and
their undos, and the tables that had no journal, turned into entries of the one journal.

One conversion for both ways old data arrives: migration 0007 reads the old tables into the
sections of an export file of format 1 (``legacy_sections``), and ``import`` reads them from
such a file; ``journal_records`` turns those sections into journal records as export format 2
writes them (learner by name, item by slug, target and group by uid). Nothing is checked
against today's rules here: the caller rebuilds the projections, which flags the entries that
break them.

What the old journals did not keep is recovered where it can be:

- a status change's evidence URL (only the progress row held it): from the ``prior`` snapshot
  of the item's next event (the row as that change left it), else from the progress row;
- a goal's target date and a pass's expiry and credential (only the goal held them): from the
  ``prior`` of the certification's next event, else from the ``cert_goal`` row. A step undone
  before any later step of its certification left no trace of them: its entry keeps only its
  cost (and a goal its previous target).

Standard library only.
"""

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from mltrack.core.errors import InputError
from mltrack.core.ids import uuid7
from mltrack.core.vocabulary import (
    ItemKind,
    JournalKind,
    MetaAction,
    PlanAction,
    ProjectAction,
    sql_value,
)

Record = dict[str, Any]
Sections = Mapping[str, Sequence[Mapping[str, Any]]]

# The sections of format 1 that hold learner data, as an export of format 1 lists them.
FORMAT1_SECTIONS = (
    "learners", "items", "learner_prerequisites", "progress", "cert_goals", "cert_events",
    "cert_undos", "progress_events", "study_sessions", "projects", "project_areas", "reading",
)  # fmt: skip
# Old changes recorded in the same microsecond keep the order of their tables.
_RANK = {"plan": 0, "project": 1, "cert_events": 2, "cert_undos": 3, "progress_events": 4,
         "study_sessions": 5, "reading": 6}  # fmt: skip


class BadLegacyValue(InputError):
    """A value of a format-1 file that cannot be converted; the message starts with its path."""


@dataclass
class _Pending:
    """A journal record before its id order is known."""

    moment: datetime
    rank: int
    position: int
    record: Record


def journal_records(sections: Sections, portfolio_item: str | None) -> list[Record]:
    """The journal of the format-1 ``sections``, in recording order (format-2 records).

    ``portfolio_item`` is the seeded item a project counts toward (projects of format 1 named
    none)."""
    pending: list[_Pending] = []
    learners = {row["name"]: row for row in _section(sections, "learners")}
    try:
        pending += _plans(sections, learners)
        pending += _projects(sections, portfolio_item)
        cert_uids = [
            uuid7(_millis(_moment(e["occurred_at"]))) for e in sections.get("cert_events", [])
        ]
        undo_uids = [
            uuid7(_millis(_moment(u["occurred_at"]))) for u in sections.get("cert_undos", [])
        ]
        pending += _cert_events(sections, cert_uids, undo_uids)
        progress_uids = [uuid7(_millis(_moment(e["occurred_at"])))
                         for e in sections.get("progress_events", [])]  # fmt: skip
        pending += _progress_events(sections, progress_uids, cert_uids, undo_uids)
        pending += _logs(sections)
    except BadLegacyValue:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise BadLegacyValue(f"format 1: {error!r}") from None
    pending.sort(key=lambda p: (p.moment, p.rank, p.position))
    return [p.record for p in pending]


def _section(sections: Sections, name: str) -> Sequence[Mapping[str, Any]]:
    rows = sections.get(name, [])
    if not isinstance(rows, list):
        raise BadLegacyValue(f"{name}: expected a list of records")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise BadLegacyValue(f"{name}[{index}]: expected an object")
    return rows


def _moment(text: Any, at: str = "") -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise BadLegacyValue(f"{at}: {text!r} is not an ISO 8601 timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _midnight(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _record(
    learner: str, kind: str, action: str, subject: str, item: str | None, on_date: str,
    recorded_at: str, data: Mapping[str, Any], uid: str | None = None,
    target: str | None = None, group: str | None = None,
) -> Record:  # fmt: skip
    moment = _moment(recorded_at)
    return {
        "uid": uid or uuid7(_millis(moment)), "learner": learner, "kind": kind,
        "action": action, "subject": subject, "item": item, "on_date": on_date,
        "recorded_at": recorded_at, "data": dict(data), "target": target, "group": group,
        "superseded_by": None, "flag": None,
    }  # fmt: skip


def _day(recorded_at: str) -> str:
    return _moment(recorded_at).date().isoformat()


# Plans and projects: no timestamps of their own ----------------------------------------


def _plans(sections: Sections, learners: Mapping[str, Mapping[str, Any]]) -> Iterator[_Pending]:
    """The target date, own orderings and own items. None of them kept when it was set, so
    each is dated when its learner was created (the earliest it can have been)."""

    def plan(learner: str, action: str, subject: str, item: str | None, data: Record,
             position: int) -> _Pending:  # fmt: skip
        created = learners[learner]["created_at"]
        record = _record(learner, JournalKind.PLAN, action, subject, item, _day(created),
                         created, data)  # fmt: skip
        return _Pending(_moment(created), _RANK["plan"], position, record)

    position = 0
    for name, learner in learners.items():
        if learner.get("target_date") is not None:
            yield plan(name, PlanAction.SET, "target", None,
                       {"target_date": learner["target_date"]}, position)  # fmt: skip
            position += 1
    for row in _section(sections, "items"):
        if row.get("learner") is None:
            continue
        data = {"title": row["title"], "kind": row["kind"], "step": row["step"],
                "area": row.get("area"), "hours": row.get("hours_estimate"),
                "provider": row.get("provider"),
                "required": bool(row.get("required", True))}  # fmt: skip
        subject = f"item:{row['slug']}"
        yield plan(row["learner"], PlanAction.SET, subject, row["slug"], data, position)
        if row.get("retired"):
            yield plan(row["learner"], PlanAction.CLEAR, subject, row["slug"], {}, position + 1)
        position += 2
    for row in _section(sections, "learner_prerequisites"):
        subject = f"after:{row['item']}:{row['requires']}"
        yield plan(row["learner"], PlanAction.SET, subject, row["item"], {}, position)
        position += 1


def _projects(sections: Sections, portfolio_item: str | None) -> Iterator[_Pending]:
    """Projects kept only their dates: added at the start of the day they were added, done
    at the start of the day they were done."""
    areas: dict[int, list[str]] = {}
    for row in _section(sections, "project_areas"):
        areas.setdefault(row["project"], []).append(row["area"])
    for position, row in enumerate(_section(sections, "projects")):
        added = _midnight(row["added_on"])
        data = {"name": row["name"], "dataset": row["dataset"], "repo_url": row.get("repo_url"),
                "areas": areas.get(position, []),
                "items": [portfolio_item] if portfolio_item else [],
                "step": row["step"]}  # fmt: skip
        at = added.isoformat(timespec="microseconds")
        record = _record(row["learner"], JournalKind.PROJECT, ProjectAction.ADD, row["slug"],
                         None, row["added_on"], at, data)  # fmt: skip
        yield _Pending(added, _RANK["project"], 2 * position, record)
        if row.get("done_on") is not None:
            done = _midnight(row["done_on"])
            record = _record(row["learner"], JournalKind.PROJECT, ProjectAction.DONE,
                             row["slug"], None, row["done_on"],
                             done.isoformat(timespec="microseconds"), {})  # fmt: skip
            yield _Pending(done, _RANK["project"], 2 * position + 1, record)


# Certification events and their undos ----------------------------------------------------


def _cert_events(sections: Sections, uids: list[str], undo_uids: list[str]) -> Iterator[_Pending]:
    events = _section(sections, "cert_events")
    undos = _section(sections, "cert_undos")
    undone_at = {row["cert_event"]: row["occurred_at"] for row in undos}
    goals = {(row["learner"], row["item"]): row for row in _section(sections, "cert_goals")}
    by_goal: dict[tuple[str, str], list[int]] = {}
    for index, event in enumerate(events):
        by_goal.setdefault((event["learner"], event["item"]), []).append(index)
    after: dict[int, Mapping[str, Any] | None] = {}
    for key, indexes in by_goal.items():
        indexes.sort(key=lambda i: (_moment(events[i]["occurred_at"]), i))
        for this, following in zip(indexes, [*indexes[1:], None], strict=True):
            undo = undone_at.get(this)
            if following is not None:
                later = events[following]
                if undo is None or _moment(undo) > _moment(later["occurred_at"]):
                    after[this] = later["prior"]
            elif undo is None:
                after[this] = goals.get(key)
    for index, event in enumerate(events):
        at = f"cert_events[{index}]"
        state = after.get(index)
        data: Record = {}
        if event["action"] == "goal":
            known = state if state is not None else event.get("prior") or {}
            data["target_date"] = known.get("target_date")
        elif event["action"] == "pass" and state is not None:
            for name in ("expires_on", "credential_id", "credential_url"):
                if state.get(name) is not None:
                    data[name] = state[name]
        if event.get("cost_cents") is not None:
            data["cost_cents"], data["currency"] = event["cost_cents"], event["currency"]
        moment = _moment(event["occurred_at"], f"{at}.occurred_at")
        record = _record(event["learner"], JournalKind.CERT, event["action"], event["item"],
                         event["item"], event["on_date"], event["occurred_at"], data,
                         uid=uids[index])  # fmt: skip
        yield _Pending(moment, _RANK["cert_events"], index, record)
    for index, undo in enumerate(undos):
        event = events[undo["cert_event"]]
        moment = _moment(undo["occurred_at"], f"cert_undos[{index}].occurred_at")
        record = _record(undo["learner"], JournalKind.CERT, MetaAction.UNDO, event["item"],
                         event["item"], _day(undo["occurred_at"]), undo["occurred_at"], {},
                         uid=undo_uids[index], target=uids[undo["cert_event"]])  # fmt: skip
        yield _Pending(moment, _RANK["cert_undos"], index, record)


# Progress events -------------------------------------------------------------------------


def _progress_events(
    sections: Sections, uids: list[str], cert_uids: list[str], undo_uids: list[str]
) -> Iterator[_Pending]:
    events = _section(sections, "progress_events")
    rows = {(row["learner"], row["item"]): row for row in _section(sections, "progress")}
    cert_undo_of = {row["cert_event"]: undo_uids[i]
                    for i, row in enumerate(_section(sections, "cert_undos"))}  # fmt: skip
    by_item: dict[tuple[str, str], list[int]] = {}
    for index, event in enumerate(events):
        by_item.setdefault((event["learner"], event["item"]), []).append(index)
    after: dict[int, Mapping[str, Any] | None] = {}
    for key, indexes in by_item.items():
        indexes.sort(key=lambda i: (_moment(events[i]["occurred_at"]), i))
        for this, following in zip(indexes, [*indexes[1:], None], strict=True):
            after[this] = events[following]["prior"] if following is not None else rows.get(key)
    for index, event in enumerate(events):
        at = f"progress_events[{index}]"
        moment = _moment(event["occurred_at"], f"{at}.occurred_at")
        common = (event["learner"], JournalKind.STATUS)
        if event["action"] == MetaAction.UNDO:
            undone = event["undoes"]
            if undone is None:
                raise BadLegacyValue(f"{at}.undoes: an undo names the event it undid")
            linked = events[undone].get("cert_event")
            group = cert_undo_of.get(linked) if linked is not None else None
            record = _record(
                *common, MetaAction.UNDO, event["item"], event["item"], event["on_date"],
                event["occurred_at"], {}, uid=uids[index], target=uids[undone],
                group=group,
            )  # fmt: skip
        else:
            data: Record = {}
            if event.get("note") is not None:
                data["note"] = event["note"]
            before = event.get("prior") or {}
            state = after.get(index) or {}
            evidence = state.get("evidence_url")
            if evidence is not None and evidence != before.get("evidence_url"):
                data["evidence_url"] = evidence
            cert = event.get("cert_event")
            record = _record(
                *common, event["action"], event["item"], event["item"], event["on_date"],
                event["occurred_at"], data, uid=uids[index],
                group=cert_uids[cert] if cert is not None else None,
            )  # fmt: skip
        yield _Pending(moment, _RANK["progress_events"], index, record)


# Study sessions and reading: each its own subject ----------------------------------------


def _logs(sections: Sections) -> Iterator[_Pending]:
    for index, row in enumerate(_section(sections, "study_sessions")):
        moment = _moment(row["created_at"], f"study_sessions[{index}].created_at")
        uid = uuid7(_millis(moment))
        data: Record = {"minutes": row["minutes"]}
        if row.get("note") is not None:
            data["note"] = row["note"]
        record = _record(row["learner"], JournalKind.STUDY, PlanAction.LOG, uid, row.get("item"),
                         row["on_date"], row["created_at"], data, uid=uid)  # fmt: skip
        yield _Pending(moment, _RANK["study_sessions"], index, record)
    for index, row in enumerate(_section(sections, "reading")):
        moment = _moment(row["created_at"], f"reading[{index}].created_at")
        uid = uuid7(_millis(moment))
        data = {"title": row["title"], "kind": row["kind"]}
        if row.get("url") is not None:
            data["url"] = row["url"]
        record = _record(row["learner"], JournalKind.READING, PlanAction.LOG, uid,
                         row.get("item"), row["on_date"], row["created_at"], data,
                         uid=uid)  # fmt: skip
        yield _Pending(moment, _RANK["reading"], index, record)


# The old tables of a database, as the sections of a format-1 file -------------------------

_LEGACY_SQL = {
    "learners": "SELECT id, name, created_at, target_date FROM learner ORDER BY name",
    "items": """
        SELECT i.id, i.slug, l.name AS learner, i.title, i.kind, s.slug AS step,
               a.slug AS area, i.hours_estimate, i.provider, i.required, i.retired
        FROM item i JOIN learner l ON l.id = i.learner_id JOIN step s ON s.id = i.step_id
        LEFT JOIN area a ON a.id = i.area_id ORDER BY i.slug""",
    "learner_prerequisites": """
        SELECT l.name AS learner, i.slug AS item, r.slug AS requires
        FROM learner_prerequisite p JOIN learner l ON l.id = p.learner_id
        JOIN item i ON i.id = p.item_id JOIN item r ON r.id = p.requires_id
        ORDER BY l.name, i.slug, r.slug""",
    "progress": """
        SELECT l.name AS learner, i.slug AS item, p.status, p.started_on, p.finished_on,
               p.note, p.evidence_url
        FROM progress p JOIN learner l ON l.id = p.learner_id JOIN item i ON i.id = p.item_id""",
    "cert_goals": """
        SELECT l.name AS learner, i.slug AS item, g.status, g.target_date, g.enrolled_on,
               g.passed_on, g.expires_on, g.credential_id, g.credential_url, g.attempts
        FROM cert_goal g JOIN learner l ON l.id = g.learner_id JOIN item i ON i.id = g.item_id""",
    "cert_events": """
        SELECT e.id, l.name AS learner, i.slug AS item, e.occurred_at, e.on_date, e.action,
               e.cost_cents, e.currency, e.prior
        FROM cert_event e JOIN learner l ON l.id = e.learner_id JOIN item i ON i.id = e.item_id
        ORDER BY e.id""",
    "cert_undos": """
        SELECT u.id, l.name AS learner, u.cert_event_id AS cert_event, u.occurred_at
        FROM cert_undo u JOIN learner l ON l.id = u.learner_id ORDER BY u.id""",
    "progress_events": """
        SELECT e.id, l.name AS learner, i.slug AS item, e.occurred_at, e.on_date, e.action,
               e.note, e.prior, e.undoes_id AS undoes, e.cert_event_id AS cert_event
        FROM progress_event e JOIN learner l ON l.id = e.learner_id
        JOIN item i ON i.id = e.item_id ORDER BY e.id""",
    "study_sessions": """
        SELECT s.id, l.name AS learner, i.slug AS item, s.on_date, s.minutes, s.note,
               s.created_at
        FROM study_session s JOIN learner l ON l.id = s.learner_id
        LEFT JOIN item i ON i.id = s.item_id ORDER BY s.id""",
    "projects": """
        SELECT p.id, l.name AS learner, p.slug, s.slug AS step, p.name, p.dataset, p.repo_url,
               p.added_on, p.done_on
        FROM project p JOIN learner l ON l.id = p.learner_id JOIN step s ON s.id = p.step_id
        ORDER BY p.id""",
    "project_areas": """
        SELECT pa.project_id AS project, a.slug AS area FROM project_area pa
        JOIN area a ON a.id = pa.area_id ORDER BY pa.project_id, a.slug""",
    "reading": """
        SELECT r.id, l.name AS learner, r.title, r.kind, r.url, i.slug AS item, r.on_date,
               r.created_at
        FROM reading_entry r JOIN learner l ON l.id = r.learner_id
        LEFT JOIN item i ON i.id = r.item_id ORDER BY r.id""",
}
# Row references of the old tables: (section, field) -> the section whose ids it holds.
_ROW_REFS = {
    ("cert_undos", "cert_event"): "cert_events",
    ("progress_events", "undoes"): "progress_events",
    ("progress_events", "cert_event"): "cert_events",
    ("project_areas", "project"): "projects",
}
PORTFOLIO_ITEM_SQL = f"""
    SELECT i.slug FROM item i JOIN step s ON s.id = i.step_id
    WHERE i.kind = {sql_value(ItemKind.PROJECT)} AND i.learner_id IS NULL AND NOT i.retired
      AND NOT s.retired
    ORDER BY s.position, i.position LIMIT 1
"""


def legacy_sections(connection: Any) -> dict[str, list[Record]]:
    """The learner data of a database at revision 0005 (or older, upgraded to it) as the
    sections of a format-1 export: row references turned from ids into positions."""
    sections: dict[str, list[Record]] = {}
    for name, sql in _LEGACY_SQL.items():
        cursor = connection.execute(sql)
        columns = [d[0] for d in cursor.description]
        sections[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for name in ("cert_events", "progress_events"):
        for row in sections[name]:
            if row["prior"] is not None:
                row["prior"] = json.loads(row["prior"])
    positions = {name: {row["id"]: index for index, row in enumerate(rows) if "id" in row}
                 for name, rows in sections.items()}  # fmt: skip
    for (name, field), target in _ROW_REFS.items():
        for row in sections[name]:
            if row[field] is not None:
                row[field] = positions[target][row[field]]
    for row in sections["items"]:
        row["required"], row["retired"] = bool(row["required"]), bool(row["retired"])
    for row in sections["learners"]:
        row["target_date"] = _iso(row["target_date"])
    return sections


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def portfolio_item(connection: Any) -> str | None:
    """The seeded item a project of format 1 counts toward (the first portfolio item)."""
    found = connection.execute(PORTFOLIO_ITEM_SQL).fetchone()
    return found[0] if found else None


def journal_from_legacy_tables(connection: Any) -> list[int]:
    """Convert the old journals of a database into ``journal`` entries (migration 0007, on
    its SQLAlchemy connection, inside its transaction); return the learners' ids, whose
    projections the migration then rebuilds."""
    from mltrack.store.journal_rows import write_journal

    raw = connection.connection.driver_connection
    sections = legacy_sections(raw)
    write_journal(raw, journal_records(sections, portfolio_item(raw)))
    return [row["id"] for row in sections["learners"]]


# Back to the old journals (the downgrade of migration 0007) -------------------------------

_PROGRESS_FIELDS = ("status", "started_on", "finished_on", "note", "evidence_url")
_GOAL_FIELDS = ("status", "target_date", "enrolled_on", "passed_on", "expires_on",
                "credential_id", "credential_url", "attempts")  # fmt: skip
_JOURNAL_SQL = """
    SELECT id, learner_id, kind, action, subject, item_id, on_date, recorded_at, data,
           target_id, group_id, flag
    FROM journal WHERE kind IN (:status, :cert) ORDER BY learner_id, kind, subject, id
"""


@dataclass
class LegacyTables:
    """The rows of ``progress_event``, ``cert_event`` and ``cert_undo``, ids included."""

    progress_events: list[Record]
    cert_events: list[Record]
    cert_undos: list[Record]


def legacy_tables_from_journal(connection: Any) -> LegacyTables:
    """The old journals of a database's status and certification entries: each subject
    replayed in recording order (``from``/``to`` statuses and ``prior`` snapshots as the
    entries left them); flagged entries as they were recorded, leaving the state alone.
    Amendments have no old form: the entries they amend keep their first date."""
    from mltrack.core.journal import Entry

    cursor = connection.execute(_JOURNAL_SQL, {"status": JournalKind.STATUS,
                                               "cert": JournalKind.CERT})  # fmt: skip
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    kinds = {row["id"]: (row["kind"], row["action"]) for row in rows}
    made: dict[str, list[tuple[int, Record]]] = {"progress": [], "cert": [], "undo": []}
    subject: tuple[Any, ...] | None = None
    entries: list[Entry] = []
    for row in rows:
        key = (row["learner_id"], row["kind"], row["subject"])
        if key != subject:
            subject, entries = key, []
        entry = _entry(row)
        before = _state(entries)
        if row["flag"] is None:
            entries.append(entry)
        if row["action"] == MetaAction.AMEND:
            continue
        after = _state(entries) if row["flag"] is None else _flagged_state(before, entry)
        common = {"learner_id": row["learner_id"], "item_id": row["item_id"],
                  "occurred_at": row["recorded_at"], "on_date": row["on_date"]}  # fmt: skip
        if row["kind"] == JournalKind.STATUS:
            made["progress"].append((row["id"], {
                **common, "action": row["action"], "from_status": _status(before),
                "to_status": _status(after), "note": entry.data.get("note")
                if row["action"] != MetaAction.UNDO else None,
                "prior": _snapshot(before, _PROGRESS_FIELDS, text=True),
                "undoes_id": row["target_id"],
                "cert_event_id": row["group_id"]
                if kinds.get(row["group_id"], ("", ""))[0] == JournalKind.CERT
                and kinds[row["group_id"]][1] != MetaAction.UNDO else None,
            }))  # fmt: skip
        elif row["action"] == MetaAction.UNDO:
            made["undo"].append((row["id"], {"learner_id": row["learner_id"],
                                             "cert_event_id": row["target_id"],
                                             "occurred_at": row["recorded_at"]}))  # fmt: skip
        else:
            made["cert"].append((row["id"], {
                **common, "action": row["action"], "cost_cents": entry.data.get("cost_cents"),
                "currency": entry.data.get("currency"),
                "prior": _snapshot(before, _GOAL_FIELDS, text=False),
            }))  # fmt: skip
    ids: dict[str, dict[int, int]] = {}
    ordered: dict[str, list[Record]] = {}
    for name, found in made.items():
        found.sort(key=lambda pair: pair[0])
        ids[name] = {journal_id: index + 1 for index, (journal_id, _) in enumerate(found)}
        ordered[name] = [{"id": index + 1, **record} for index, (_, record) in enumerate(found)]
    for record in ordered["progress"]:
        if record["undoes_id"] is not None:
            record["undoes_id"] = ids["progress"][record["undoes_id"]]
        if record["cert_event_id"] is not None:
            record["cert_event_id"] = ids["cert"].get(record["cert_event_id"])
    for record in ordered["undo"]:
        record["cert_event_id"] = ids["cert"][record["cert_event_id"]]
    return LegacyTables(ordered["progress"], ordered["cert"], ordered["undo"])


def _entry(row: Mapping[str, Any]) -> Any:
    from mltrack.core.journal import Entry

    data = json.loads(row["data"])
    if row["action"] == MetaAction.UNDO:
        data = {"undoes": row["target_id"]}
    elif row["action"] == MetaAction.AMEND:
        data = {**data, "amends": row["target_id"]}
    return Entry(row["id"], JournalKind(row["kind"]), row["action"], row["subject"],
                 date.fromisoformat(str(row["on_date"])), row["recorded_at"], data)  # fmt: skip


def _state(entries: list[Any]) -> Any:
    from mltrack.core.journal import Refusal, replay

    try:
        return replay(entries)
    except Refusal:  # not possible for entries that were checked one by one; kept safe
        return replay(entries[:-1]) if entries else None


def _flagged_state(before: Any, entry: Any) -> Any:
    """What a flagged entry asserted (its status), though it changed nothing."""
    from mltrack.core.journal import ItemState

    if entry.kind == JournalKind.STATUS and entry.action in _TARGET_STATUS:
        return ItemState(_TARGET_STATUS[entry.action])
    return before


_TARGET_STATUS = {"start": "in_progress", "done": "done", "skip": "skipped", "reset": "planned"}


def _status(state: Any) -> str:
    return str(state.status) if state is not None else "planned"


def _snapshot(state: Any, fields: tuple[str, ...], text: bool) -> str | None:
    """A state as the old journals kept it in ``prior`` (JSON; dates as ISO text, and for
    progress every value as text)."""
    if state is None:
        return None
    values = {name: getattr(state, name) for name in fields}
    for name, value in values.items():
        if isinstance(value, date):
            values[name] = value.isoformat()
        elif text and value is not None:
            values[name] = str(value)
    return json.dumps(values)
