"""A cohort on PostgreSQL: the roles and grants under migration 0014's row-level security.

``init_cohort`` (run by the database's owner) makes two group roles, ``mltrack_learner`` and
``mentor``, and grants them: both read every table (the policies then hide other learners'
rows), learners also write the tables under row-level security (the policies keep them to
their own rows), and nobody but the owner writes the shipped pathway. ``add_learner`` makes a
login role called like the learner, a member of ``mltrack_learner``, and the learner row the
policies map it to; ``add_mentor`` makes a login role in ``mentor``. Passwords are the owner's
to set (``ALTER ROLE name PASSWORD ...``) or left to the server's authentication rules.
"""

from typing import Any

from mltrack.core.errors import InputError, MltrackError
from mltrack.services.learners import add_learner as add_learner_row
from mltrack.services.learners import check_learner_name

LEARNERS_ROLE = "mltrack_learner"
MENTOR_ROLE = "mentor"

# The tables migration 0014 put under row-level security, from the server's catalogue.
_SECURED_SQL = """
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relrowsecurity
    ORDER BY c.relname
"""
_ROLE_SQL = "SELECT rolname FROM pg_roles WHERE rolname = :name"


def _server(store: Any) -> Any:
    if getattr(store, "dialect", "sqlite") != "postgresql":
        raise InputError(
            "a cohort lives on PostgreSQL: pass --db postgresql+psycopg://OWNER@HOST/DATABASE"
        )
    return store.connection.dialect.identifier_preparer


def _has_role(store: Any, name: str) -> bool:
    return bool(store.rows(_ROLE_SQL, name=name))


def init_cohort(store: Any) -> list[str]:
    """Make the group roles (if missing) and grant them; returns what was done, one line each."""
    quote = _server(store).quote_identifier
    secured = [row["name"] for row in store.rows(_SECURED_SQL)]
    if not secured:
        raise MltrackError("no table has row-level security: the database is not migrated")
    done = []
    for role in (LEARNERS_ROLE, MENTOR_ROLE):
        if not _has_role(store, role):
            store.execute(f"CREATE ROLE {quote(role)} NOLOGIN")
            done.append(f"created role {role}")
    both = f"{quote(LEARNERS_ROLE)}, {quote(MENTOR_ROLE)}"
    database = store.rows("SELECT current_database() AS name")[0]["name"]
    schema = store.rows("SELECT current_schema() AS name")[0]["name"]
    store.execute(f"GRANT CONNECT ON DATABASE {quote(database)} TO {both}")
    store.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {both}")
    store.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {quote(schema)} TO {both}")
    tables = ", ".join(quote(name) for name in secured)
    store.execute(f"GRANT INSERT, UPDATE, DELETE ON {tables} TO {quote(LEARNERS_ROLE)}")
    store.execute(
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(LEARNERS_ROLE)}"
    )
    done.append(f"granted {MENTOR_ROLE} reading of every table")
    done.append(
        f"granted {LEARNERS_ROLE} reading of every table and writing of their own rows in "
        f"{len(secured)} tables under row-level security: {', '.join(secured)}"
    )
    return done


def add_learner(store: Any, name: str) -> list[str]:
    """A login role ``name`` in the learners' group, and the learner row it maps to."""
    return _add_member(store, name, LEARNERS_ROLE, learner=True)


def add_mentor(store: Any, name: str) -> list[str]:
    """A login role ``name`` in the ``mentor`` group: reads every learner, writes nothing."""
    return _add_member(store, name, MENTOR_ROLE, learner=False)


def _add_member(store: Any, name: str, group: str, learner: bool) -> list[str]:
    quote = _server(store).quote_identifier
    check_learner_name(name)
    if not _has_role(store, group):
        raise MltrackError(f"role {group} does not exist: run mltrack cohort init first")
    if name in (LEARNERS_ROLE, MENTOR_ROLE):
        raise InputError(f"{name!r} is the name of a group role; choose another name")
    done = []
    if _has_role(store, name):
        done.append(f"role {name} exists; made it a member of {group}")
    else:
        store.execute(f"CREATE ROLE {quote(name)} LOGIN")
        done.append(f"created login role {name} in {group}")
    store.execute(f"GRANT {quote(group)} TO {quote(name)}")
    if learner:
        exists = store.rows("SELECT id FROM learner WHERE name = :name", name=name)
        if not exists:
            add_learner_row(store, name)
            done.append(f"added learner {name}, mapped to role {name}")
    return done
