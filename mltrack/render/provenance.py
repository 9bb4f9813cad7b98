"""How the provenance of a seeded fact is worded: the article's, or mltrack's suggestion."""

from collections.abc import Mapping

OWN = "added by you"
SUGGESTED = "mltrack's suggestion"
NOT_ESTIMATED = "not estimated"
# The facts of an item that carry a provenance, in the order `show` lists them.
FACT_LABELS = {
    "required": "required",
    "step": "step",
    "hours": "estimate",
    "after": "prerequisites",
    "name": "name",
}


def basis_text(fact: Mapping[str, str] | None) -> str:
    """One fact's provenance in words: 'article, "Section"' or 'mltrack's suggestion: why'."""
    if not fact:
        return OWN
    if fact.get("basis") == "article":
        return f'article, "{fact.get("section", "")}"'
    return f"{SUGGESTED}: {fact.get('reason', '')}"


def basis_word(fact: Mapping[str, str] | None) -> str:
    """A one-word column value: article, mltrack, or yours (the learner's own item)."""
    if not fact:
        return "yours"
    return "article" if fact.get("basis") == "article" else "mltrack"
