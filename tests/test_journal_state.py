"""The record never contradicts itself: random sequences of write commands, with back-dates,
undo and amend, for two learners, checked after every step.

Hypothesis drives the services the way the CLI does (one BEGIN IMMEDIATE transaction per
command, refusals rolled back) and, after each step, replays the journal and compares every
projection with it, checks that no ordering loops, and that the read views agree on every
item's status.
"""

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from mltrack.cli import cli
from mltrack.core.errors import MltrackError
from mltrack.core.vocabulary import CertAction, EventAction, ReadingKind
from mltrack.queries.certs import cert_overview
from mltrack.queries.health import OK
from mltrack.queries.history import history
from mltrack.queries.lookup import learner_id
from mltrack.queries.pathway import item_detail, pathway_items
from mltrack.queries.progress import progress_report
from mltrack.queries.reader import SqliteReader
from mltrack.services import certs, planning, study, undo
from mltrack.services.doctor import journal_checks
from mltrack.services.learners import add_learner
from mltrack.services.progress import change_status
from mltrack.services.startup import prepare_database
from mltrack.store.db import connect
from tests.conftest import writing

TODAY = date(2026, 11, 29)
LEARNERS = ("me", "alex")
ITEMS = ("python", "estimation", "bias", "variance", "deep-learning")
CERTS = ("stanford-ml", "ibm-ml-data-science")
days_ago = st.integers(min_value=0, max_value=40)


class JournalMachine(RuleBasedStateMachine):
    """Two learners typing commands in any order with any back-dates."""

    @initialize()
    def database(self) -> None:
        import tempfile

        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "mltrack.db"
        prepare_database(self.path)
        with writing(self.path) as store:
            add_learner(store, "alex")
        self.recorded: list[int] = []

    def teardown(self) -> None:
        """Export, import into a new database, export again: the same file."""
        if hasattr(self, "path"):
            runner = CliRunner()
            first = runner.invoke(cli, ["--db", str(self.path), "export"], catch_exceptions=False)
            assert first.exit_code == 0, first.output
            copy = Path(self.folder.name) / "copy.db"
            exported = Path(self.folder.name) / "export.json"
            exported.write_text(first.stdout)
            imported = runner.invoke(cli, ["--db", str(copy), "import", str(exported)],
                                     catch_exceptions=False)  # fmt: skip
            assert imported.exit_code == 0, imported.output
            again = runner.invoke(cli, ["--db", str(copy), "export"], catch_exceptions=False)
            assert again.stdout == first.stdout
        self.folder.cleanup()

    def _try(self, write) -> None:  # type: ignore[no-untyped-def]
        """Run one command; a refusal must leave the file exactly as it was."""
        before = self._dump()
        try:
            with writing(self.path) as store:
                write(store)
        except MltrackError:
            assert self._dump() == before
        else:
            with sqlite3.connect(self.path) as connection:
                newest = connection.execute("SELECT MAX(id) FROM journal").fetchone()[0]
            self.recorded.append(newest)

    def _dump(self) -> list[str]:
        connection = sqlite3.connect(self.path)
        try:
            return list(connection.iterdump())
        finally:
            connection.close()

    @rule(learner=st.sampled_from(LEARNERS), item=st.sampled_from(ITEMS),
          action=st.sampled_from(list(EventAction)), ago=days_ago,
          note=st.none() | st.text(max_size=8))  # fmt: skip
    def mark(self, learner: str, item: str, action: EventAction, ago: int, note) -> None:  # type: ignore[no-untyped-def]
        on = TODAY - timedelta(days=ago)
        self._try(lambda s: change_status(s, learner, item, action, TODAY, on, note))

    @rule(learner=st.sampled_from(LEARNERS), cert=st.sampled_from(CERTS),
          action=st.sampled_from(list(CertAction)), ago=days_ago,
          expires=st.none() | st.integers(min_value=-30, max_value=400))  # fmt: skip
    def cert(self, learner: str, cert: str, action: CertAction, ago: int, expires) -> None:  # type: ignore[no-untyped-def]
        on = TODAY - timedelta(days=ago)
        if action is CertAction.GOAL:
            step = lambda s: certs.set_goal(s, learner, cert, TODAY + timedelta(days=ago), TODAY)  # noqa: E731
        elif action is CertAction.ENROLL:
            step = lambda s: certs.enroll(s, learner, cert, on, None, TODAY)  # noqa: E731
        elif action is CertAction.PASS:
            until = None if expires is None else on + timedelta(days=expires)
            step = lambda s: certs.pass_cert(s, learner, cert, TODAY, on, expires=until)  # noqa: E731
        elif action is CertAction.FAIL:
            step = lambda s: certs.fail(s, learner, cert, on, None, TODAY)  # noqa: E731
        else:
            step = lambda s: certs.drop(s, learner, cert, TODAY)  # noqa: E731
        self._try(step)

    @rule(learner=st.sampled_from(LEARNERS), minutes=st.integers(1, 300), ago=days_ago,
          item=st.none() | st.sampled_from(ITEMS))  # fmt: skip
    def log(self, learner: str, minutes: int, ago: int, item) -> None:  # type: ignore[no-untyped-def]
        on = TODAY - timedelta(days=ago)
        self._try(lambda s: study.log_session(s, learner, minutes, TODAY, item, on))

    @rule(learner=st.sampled_from(LEARNERS), kind=st.sampled_from(list(ReadingKind)),
          ago=days_ago)  # fmt: skip
    def read(self, learner: str, kind: ReadingKind, ago: int) -> None:
        on = TODAY - timedelta(days=ago)
        self._try(lambda s: study.log_reading(s, learner, "a title", kind, TODAY, on=on))

    @rule(learner=st.sampled_from(LEARNERS), item=st.sampled_from(ITEMS),
          after=st.sampled_from(ITEMS), remove=st.booleans())  # fmt: skip
    def require(self, learner: str, item: str, after: str, remove: bool) -> None:
        change = planning.remove_prerequisite if remove else planning.add_prerequisite
        self._try(lambda s: change(s, learner, item, after, TODAY))

    @rule(learner=st.sampled_from(LEARNERS), ahead=st.integers(0, 300), clear=st.booleans())
    def target(self, learner: str, ahead: int, clear: bool) -> None:
        if clear:
            self._try(lambda s: planning.clear_target(s, learner, TODAY))
        else:
            when = TODAY + timedelta(days=ahead)
            self._try(lambda s: planning.set_target(s, learner, when, TODAY))

    @rule(learner=st.sampled_from(LEARNERS))
    def undo(self, learner: str) -> None:
        self._try(lambda s: undo.undo_last(s, learner, TODAY))

    @precondition(lambda self: self.recorded)
    @rule(learner=st.sampled_from(LEARNERS), data=st.data(), ago=days_ago)
    def amend(self, learner: str, data, ago: int) -> None:  # type: ignore[no-untyped-def]
        entry = data.draw(st.sampled_from(self.recorded))
        on = TODAY - timedelta(days=ago)
        self._try(lambda s: undo.amend(s, learner, entry, TODAY, on=on))

    @invariant()
    def projections_are_the_replay_of_the_journal(self) -> None:
        if not hasattr(self, "path"):
            return
        connection = sqlite3.connect(self.path)
        try:
            problems = [c for c in journal_checks(connection) if c.status != OK]
        finally:
            connection.close()
        assert problems == []  # every projection is the replay; no loop; nothing flagged

    @invariant()
    def read_views_agree_on_every_status(self) -> None:
        if not hasattr(self, "path"):
            return
        reader = SqliteReader(connect(self.path))
        try:
            for name in LEARNERS:
                me = learner_id(reader, name)
                listed = {item.slug: item.status for item in pathway_items(reader, me)}
                stored = dict(reader.rows(
                    "SELECT i.slug, p.status FROM progress p JOIN item i ON i.id = p.item_id "
                    "WHERE p.learner_id = :l", l=me,
                ))  # fmt: skip
                assert all(listed[slug] == status for slug, status in stored.items())
                report = progress_report(reader, name, me)
                done = sum(1 for status in stored.values() if status == "done")
                assert report.overall.required_done + report.overall.optional_done >= 0
                finished = dict(reader.rows(
                    "SELECT i.slug, p.finished_on FROM progress p JOIN item i ON i.id = p.item_id"
                    " WHERE p.learner_id = :l AND p.status = 'done'", l=me,
                ))  # fmt: skip
                assert len(finished) == done
                for slug in ITEMS:  # show: the same status and finish date as the record
                    detail = item_detail(reader, me, slug)
                    assert detail is not None
                    assert detail.status == stored.get(slug, "planned")
                    assert detail.finished_on == finished.get(slug)
                goals = dict(reader.rows(
                    "SELECT i.slug, g.status FROM cert_goal g JOIN item i ON i.id = g.item_id"
                    " WHERE g.learner_id = :l", l=me,
                ))  # fmt: skip
                listed = {c.slug: c.status for c in cert_overview(reader, me, TODAY).certs}
                for slug, status in goals.items():  # cert list: every goal, expiry derived
                    assert listed[slug] in (status, "expired")
                # history: every entry of the journal, each once, newest first
                entries = history(reader, name, me).entries
                count = reader.rows("SELECT COUNT(*) AS n FROM journal WHERE learner_id = :l", l=me)
                assert len(entries) == count[0]["n"]
                assert len({entry.id for entry in entries}) == len(entries)
        finally:
            reader.connection.close()


JournalMachine.TestCase.settings = settings(
    max_examples=10, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
test_the_record_never_contradicts_itself = JournalMachine.TestCase
