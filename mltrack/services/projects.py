"""Portfolio projects: hands-on work on real data, linked to the study areas it exercises."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mltrack.core.changes import ProjectChange
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.limits import check_text
from mltrack.core.matching import match_slug, slugify
from mltrack.core.vocabulary import ItemKind
from mltrack.models import Area, Item, Project, ProjectArea, Step
from mltrack.services.lookup import get_learner, past_or_today

MAX_NAME_LENGTH = 200


def add_project(
    session: Session,
    learner_name: str,
    name: str,
    dataset: str,
    repo_url: str | None = None,
    area_texts: tuple[str, ...] = (),
) -> ProjectChange:
    """Start a portfolio project on ``dataset``; it counts toward the step where the pathway
    puts its own portfolio projects once done."""
    name, dataset = name.strip(), dataset.strip()
    slug = slugify(name)
    if not slug or len(name) > MAX_NAME_LENGTH:
        raise InputError(f"a project name needs a letter or digit and at most {MAX_NAME_LENGTH} "
                         "characters")  # fmt: skip
    if not dataset:
        raise InputError("name the real data the project uses with --dataset")
    check_text(name, "a project name", max_length=MAX_NAME_LENGTH)
    check_text(dataset, "a dataset")
    if repo_url is not None:
        check_text(repo_url, "a repository URL")
    learner = get_learner(session, learner_name)
    if session.scalar(select(Project.id).where(Project.learner_id == learner.id,
                                               Project.slug == slug)) is not None:  # fmt: skip
        raise MltrackError(f"you already have a project {slug!r}")
    step = _experience_step(session)
    areas = [find_area(session, text) for text in dict.fromkeys(area_texts)]
    project = Project(
        learner_id=learner.id, step_id=step.id, slug=slug, name=name, dataset=dataset,
        repo_url=repo_url, added_on=date.today(),
    )  # fmt: skip
    session.add(project)
    session.flush()
    session.add_all(ProjectArea(project_id=project.id, area_id=area.id) for area in areas)
    return ProjectChange(slug, name, step.title, [a.slug for a in areas], project.added_on)


def finish_project(
    session: Session, learner_name: str, text: str, on: date | None = None
) -> ProjectChange:
    """Mark the learner's project ``text`` (slug, prefix or name words) done on ``on``."""
    learner = get_learner(session, learner_name)
    projects = session.scalars(select(Project).where(Project.learner_id == learner.id)).all()
    slug = match_slug(text, [(p.slug, p.name) for p in projects], what="project")
    project = next(p for p in projects if p.slug == slug)
    if project.done_on is not None:
        raise MltrackError(f"project {slug} is already done (on {project.done_on.isoformat()})")
    project.done_on = past_or_today(on)
    step = session.get_one(Step, project.step_id)
    return ProjectChange(slug, project.name, step.title, [], project.done_on)


def find_area(session: Session, text: str) -> Area:
    """The current study area ``text`` names (slug, prefix or title words)."""
    areas = session.scalars(select(Area).where(Area.retired.is_(False))).all()
    slug = match_slug(text, [(a.slug, a.title) for a in areas], what="area")
    return next(a for a in areas if a.slug == slug)


def _experience_step(session: Session) -> Step:
    """The step where the seeded pathway puts its portfolio projects (the experience step)."""
    step = session.scalars(
        select(Step)
        .join(Item, Item.step_id == Step.id)
        .where(Item.kind == ItemKind.PROJECT, Item.learner_id.is_(None), Step.retired.is_(False))
        .order_by(Step.position)
        .limit(1)
    ).first()
    if step is None:
        raise MltrackError("the pathway has no step with portfolio projects; run: mltrack seed")
    return step
