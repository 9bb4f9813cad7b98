"""The shape of the code, checked exactly: layers, import cycles, one home for each word.

Imports are read from the source (imports inside functions included, which hide cycles from a
plain ``import`` test), so these tests fail on the commit that breaks a rule, not later.
"""

import ast
import re
from pathlib import Path

import pytest

import mltrack.core.vocabulary as vocabulary

PACKAGE = Path(vocabulary.__file__).resolve().parent.parent
# Lower layers never import higher ones. Equal ranks may import each other, except where
# FORBIDDEN says otherwise.
RANKS: dict[str, float] = {
    "mltrack.core": 0,
    "mltrack.formats": 1,
    "mltrack.store": 1,
    "mltrack.models": 2,
    "mltrack.queries": 3,
    "mltrack.services": 3.5,  # the write side may read (lookups inside its transaction)
    "mltrack.render": 4,
    "mltrack.cli": 5,
    "mltrack.web": 5,  # the pages of `mltrack serve`: handlers beside the commands
    "mltrack.__main__": 6,
}
FORBIDDEN = {
    "mltrack.queries": ("mltrack.services", "mltrack.models"),  # the read side: SQL, no ORM
    "mltrack.render": ("mltrack.services", "mltrack.models", "mltrack.store"),
    "mltrack.core": ("sqlalchemy", "alembic", "click"),
    "mltrack.cli": ("starlette", "uvicorn"),  # the web stack loads with mltrack.web only
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and "seed" not in path.relative_to(PACKAGE).parts
    }


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {m for m in imports_of(path) if m in known} - {name} for name, path in known.items()
    }


def layer_of(module: str) -> str | None:
    return next(
        (layer for layer in RANKS if module == layer or module.startswith(layer + ".")), None
    )


def test_no_import_cycles() -> None:
    graph = import_graph()
    # A package's __init__ is imported by its modules implicitly; leave that edge out.
    cycle = _find_cycle(graph)
    assert cycle is None, " -> ".join(cycle or [])


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for after in sorted(graph.get(node, ())):
            if state.get(after) == 1:
                return [*stack[stack.index(after) :], after]
            if after not in state and (found := visit(after)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_hidden_cycle() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for name, path in modules().items():
        layer = layer_of(name)
        if layer is None:
            continue
        for imported in imports_of(path):
            target = layer_of(imported)
            if target is not None and RANKS[target] > RANKS[layer]:
                wrong.append(f"{name} imports {imported} (a higher layer)")
            if imported.startswith(FORBIDDEN.get(layer, ())):
                wrong.append(f"{name} imports {imported}")
    assert wrong == []


def test_every_module_belongs_to_a_layer() -> None:
    strays = [name for name in modules() if layer_of(name) is None and name != "mltrack"]
    assert strays == []


def _enums() -> list[type[vocabulary.Vocabulary]]:
    return [
        value
        for value in vars(vocabulary).values()
        if isinstance(value, type)
        and issubclass(value, vocabulary.Vocabulary)
        and value is not vocabulary.Vocabulary
    ]


ENUM_BASES = ("Vocabulary", "StrEnum", "Enum")


def test_each_enum_is_defined_once_in_the_vocabulary() -> None:
    defined = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "id", None) in ENUM_BASES for base in node.bases
            ):
                defined.setdefault(node.name, []).append(name)
    for enum in _enums():
        assert defined.pop(enum.__name__) == ["mltrack.core.vocabulary"]
    # What is left are enums of one module's own (e.g. how a file looks), not shared words.
    assert all(len(places) == 1 for places in defined.values())


def test_no_module_spells_out_an_enum_as_a_tuple_of_its_values() -> None:
    """A hand copy such as ``("planned", "in_progress", "done", "skipped")``."""
    copies = []
    for enum in _enums():
        values = {member.value for member in enum}
        for name, path in modules().items():
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Tuple | ast.List | ast.Set):
                    words = {e.value for e in node.elts if isinstance(e, ast.Constant)}
                    if len(words & values) >= min(3, len(values)):
                        copies.append(f"{name}:{node.lineno} copies {enum.__name__}")
    assert copies == []


SQL = re.compile(r"\b(SELECT|UPDATE|INSERT|DELETE|WHERE|CASE|JOIN)\b")


def bare_enum_literals(source: str) -> list[str]:
    """Quoted enum values inside SQL text (string constants, and f-strings read whole)."""
    words = {member.value for enum in _enums() for member in enum} | {vocabulary.EXPIRED}
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            text = "".join(str(part) for part in parts)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if SQL.search(text):
            found.update(
                (node.lineno, word) for word in re.findall(r"'([a-z_]+)'", text) if word in words
            )
    return [f"line {line}: '{word}'" for line, word in sorted(found)]


def test_the_literal_finder_finds_one() -> None:
    assert bare_enum_literals("SQL = \"SELECT 1 FROM p WHERE p.status = 'done'\"") == [
        "line 1: 'done'"
    ]
    assert bare_enum_literals('SQL = f"SELECT 1 WHERE s = {sql_value(DONE)}"') == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_sql_takes_enum_values_from_the_vocabulary(name: str) -> None:
    assert bare_enum_literals(modules()[name].read_text()) == []
