"""A learner's portfolio projects, and how many are done toward each education step."""

from typing import NamedTuple

from mltrack.queries.reader import Reader


class ProjectRow(NamedTuple):
    slug: str
    name: str
    dataset: str
    repo_url: str | None
    added_on: str
    done_on: str | None
    step_title: str
    areas: list[str]


class StepProjects(NamedTuple):
    slug: str
    title: str
    done: int
    total: int


PROJECTS_SQL = """
    SELECT p.id, p.slug, p.name, p.dataset, p.repo_url, p.added_on, p.done_on,
           s.title AS step_title
    FROM project p JOIN step s ON s.id = p.step_id
    WHERE p.learner_id = :learner_id
    ORDER BY CASE WHEN p.done_on IS NULL THEN 0 ELSE 1 END, p.added_on, p.slug
"""

PROJECT_AREAS_SQL = """
    SELECT pa.project_id, a.slug
    FROM project p
    JOIN project_area pa ON pa.project_id = p.id
    JOIN area a ON a.id = pa.area_id
    WHERE p.learner_id = :learner_id
    ORDER BY a.position
"""

PER_STEP_SQL = """
    SELECT s.slug, s.title,
           SUM(CASE WHEN p.done_on IS NULL THEN 0 ELSE 1 END) AS done, COUNT(*) AS total
    FROM project p JOIN step s ON s.id = p.step_id
    WHERE p.learner_id = :learner_id
    GROUP BY s.id, s.slug, s.title, s.position
    ORDER BY s.position
"""


def project_list(reader: Reader, learner_id: int) -> list[ProjectRow]:
    """The learner's projects, open ones first, each with the study areas it exercises."""
    areas: dict[int, list[str]] = {}
    for row in reader.rows(PROJECT_AREAS_SQL, learner_id=learner_id):
        areas.setdefault(row["project_id"], []).append(row["slug"])
    return [
        ProjectRow(
            row["slug"], row["name"], row["dataset"], row["repo_url"], str(row["added_on"]),
            None if row["done_on"] is None else str(row["done_on"]), row["step_title"],
            areas.get(row["id"], []),
        )
        for row in reader.rows(PROJECTS_SQL, learner_id=learner_id)
    ]  # fmt: skip


def projects_per_step(reader: Reader, learner_id: int) -> list[StepProjects]:
    """Projects done (and in all) per education step they count toward."""
    return [StepProjects(**row) for row in reader.rows(PER_STEP_SQL, learner_id=learner_id)]
