"""The career facts the article gives, with their sources, country and period."""

from dataclasses import dataclass

from mltrack.queries.reader import Reader


@dataclass(frozen=True)
class CareerFact:
    label: str
    value: str
    source: str
    quote: str = ""
    country: str | None = None  # where the figure holds (None: the article does not say)
    period: str | None = None  # when it holds


@dataclass(frozen=True)
class CareerSource:
    """A source the article lists at its end."""

    name: str
    url: str


def career_facts(reader: Reader) -> list[CareerFact]:
    """The current career facts in seed order."""
    sql = """SELECT label, value, source, quote, country, period FROM career_fact
             WHERE NOT retired ORDER BY position"""
    return [CareerFact(**row) for row in reader.rows(sql)]


def career_sources(reader: Reader) -> list[CareerSource]:
    """The article's sources with their links, as it lists them."""
    sql = "SELECT name, url FROM career_source WHERE NOT retired ORDER BY position"
    return [CareerSource(**row) for row in reader.rows(sql)]
