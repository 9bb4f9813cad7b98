"""Installing and removing pathways of one's own (the ORM side, as seeding is).

Installing writes the pathway as the shipped seed is written (``services.seeding``), in one
transaction, after the file has passed every rule of ``seed --check``; a file that breaks
one changes nothing. Following one is ``services.pathways`` (a daily write, no ORM).
"""

import hashlib
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mltrack.core.errors import InputError, MltrackError, NotFoundError
from mltrack.formats.seed_format import SeedError, load_seed_files
from mltrack.models import Item, Pathway, PathwayItem, Step
from mltrack.services.seeding import SeedSummary, apply_seed, leave

MAX_FILE_BYTES = 1_000_000  # a pathway of thousands of items fits in far less
MULTILINE = ("quote", "summary")
LENGTHS = {"slug": 64, "title": 200, "source": 200, "provider": 200, "url": 500}


class Installed(NamedTuple):
    slug: str
    title: str
    updated: bool  # it was installed before: this is an update
    summary: SeedSummary


class Removed(NamedTuple):
    slug: str
    title: str
    items: int  # items that left with it
    kept: int  # of them, retired and kept (the learner has progress or history on them)


def read_pathway_file(path: Path) -> tuple[dict, bytes]:  # type: ignore[type-arg]
    """The file's bytes, refused in one line if it is not a regular file of sensible size."""
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path} is larger than {MAX_FILE_BYTES:,} bytes; not a pathway file")
    return {}, path.read_bytes()


def install_pathway(session: Session, path: Path) -> Installed:
    """Install or update the pathway in ``path`` (the seed format, every rule of ``seed
    --check``). The shipped pathway cannot be replaced, nor its career facts added to."""
    _, content = read_pathway_file(path)
    try:
        seed = load_seed_files([path])
    except SeedError as error:  # one line, as every refusal: the first problem, and a count
        more = len(error.problems) - 1
        raise SeedError([error.problems[0] + (f" (and {more} more)" if more else "")]) from None
    problems = [f"{e.where}: [{e.table}] belongs to the shipped pathway only"
                for table in ("career", "source") for e in seed[table]]  # fmt: skip
    if problems:
        raise SeedError(problems[:1])
    _check_texts(seed)
    values = seed["pathway"][0].values
    existing = session.scalar(select(Pathway).where(Pathway.slug == values["slug"]))
    if existing is not None and existing.shipped:
        raise MltrackError(f"{values['slug']} is the shipped pathway; mltrack updates it itself")
    digest = "sha256:" + hashlib.sha256(content).hexdigest()
    updated = existing is not None and not existing.retired
    summary = apply_seed(session, seed, shipped=False, digest=digest)
    return Installed(values["slug"], values["title"], updated, summary)


def _check_texts(seed) -> None:  # type: ignore[no-untyped-def]
    """Every text of the file as any text the learner types (no control characters, bidi
    overrides, or runaway lengths): a file from elsewhere is input like any other."""
    from mltrack.core.limits import MAX_TEXT, check_text

    for table in seed.entries.values():
        for entry in table:
            for key, value in entry.values.items():
                if isinstance(value, str):
                    try:
                        check_text(value, f"{entry.where}: {key}", multiline=key in MULTILINE,
                                   max_length=LENGTHS.get(key, MAX_TEXT))  # fmt: skip
                    except InputError as error:
                        raise SeedError([str(error)]) from None


def remove_pathway(session: Session, slug: str) -> Removed:
    """Remove an installed pathway: its items leave it; those no other pathway has are
    retired, never deleted, so progress and history on them are kept. Never the shipped one."""
    pathway = session.scalar(select(Pathway).where(Pathway.slug == slug, ~Pathway.retired))
    if pathway is None:
        known = list(session.scalars(select(Pathway.slug).where(~Pathway.retired)))
        raise NotFoundError("pathway", slug, [], hint="installed: " + ", ".join(known))
    if pathway.shipped:
        raise MltrackError(f"{slug} is the shipped pathway and cannot be removed")
    members = session.scalars(select(PathwayItem).where(PathwayItem.pathway_id == pathway.id))
    count = kept = 0
    for member in list(members):
        item = session.get_one(Item, member.item_id)
        session.delete(member)
        session.flush()
        leave(session, item, pathway.id)
        count += 1
        kept += item.retired and _has_history(session, item.id)
    for step in session.scalars(select(Step).where(Step.pathway_id == pathway.id)):
        step.retired = True
    pathway.retired = True
    session.flush()
    return Removed(pathway.slug, pathway.title, count, kept)


def _has_history(session: Session, item_id: int) -> bool:
    from mltrack.models import Journal

    return bool(session.scalar(select(func.count()).where(Journal.item_id == item_id)))
