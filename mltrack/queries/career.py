"""The career facts the article gives, with their sources."""

from dataclasses import dataclass

from mltrack.queries.reader import Reader


@dataclass(frozen=True)
class CareerFact:
    label: str
    value: str
    source: str


def career_facts(reader: Reader) -> list[CareerFact]:
    sql = "SELECT label, value, source FROM career_fact WHERE NOT retired ORDER BY position"
    return [CareerFact(**row) for row in reader.rows(sql)]
