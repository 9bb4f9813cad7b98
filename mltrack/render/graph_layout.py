"""Where each box and arrow of the pathway map goes: a layered (Sugiyama) layout by grandalf.

Layers run left to right: each prerequisite puts its item in a later column, and the
education steps become bands of columns, kept in order by an invisible gate vertex between
one step's items and the next's (every item of step k -> gate k -> every item of step k+1).
Grandalf ranks the vertices, orders each layer to reduce crossings and routes a long edge
through dummy vertices of its own, so that an arrow runs between boxes, never across one.
A pure function of its input: the same pathway always gets the same picture.
"""

from itertools import pairwise
from typing import NamedTuple

from mltrack.core.figures import rounded

BOX_WIDTH, BOX_HEIGHT = 196, 58
GATE_SIZE = 2
LAYER_GAP, ROW_GAP = 64, 14  # between columns (where arrows run) and between boxes
MARGIN = 24
HEADER = 40  # room above the boxes for the step titles


class Node(NamedTuple):
    slug: str
    step: int  # the step's position on the pathway, from 0


class Band(NamedTuple):
    step: int
    left: float
    right: float


class Layout(NamedTuple):
    boxes: dict[str, tuple[float, float]]  # slug -> the box's top-left corner
    arrows: dict[tuple[str, str], list[tuple[float, float]]]  # (before, after) -> polyline
    bands: list[Band]  # each step's columns, left to right
    width: float
    height: float


class _View:
    """The size grandalf reads and the centre it writes (its vertex-view protocol), turned:
    grandalf stacks layers top to bottom, we want them left to right."""

    def __init__(self, width: float, height: float) -> None:
        self.w, self.h = height, width  # transposed: grandalf's y is our x
        self.xy = (0.0, 0.0)


class _EdgeView:
    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list[tuple[float, float]]) -> None:
        self.points = points


def layered_layout(nodes: list[Node], edges: list[tuple[str, str]]) -> Layout:
    """Boxes, arrows and step bands for ``nodes`` linked by ``edges`` (before, after).

    Edges whose ends are not among ``nodes`` are left out; a cycle (which the journal's
    rules do not allow) would be broken by grandalf reversing an edge, not by failing."""
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    if not nodes:
        return Layout({}, {}, [], 2 * MARGIN, 2 * MARGIN + HEADER)
    vertices = {node.slug: Vertex(node.slug) for node in nodes}
    for vertex in vertices.values():
        vertex.view = _View(BOX_WIDTH, BOX_HEIGHT)
    steps = sorted({node.step for node in nodes})
    by_step = {step: [node.slug for node in nodes if node.step == step] for step in steps}
    links: list[Edge] = []
    shown: list[tuple[Edge, tuple[str, str]]] = []
    for before, after in edges:
        if before in vertices and after in vertices and before != after:
            edge = Edge(vertices[before], vertices[after])
            edge.view = _EdgeView()
            links.append(edge)
            shown.append((edge, (before, after)))
    for earlier, later in pairwise(steps):
        gate = Vertex(("gate", earlier))
        gate.view = _View(GATE_SIZE, GATE_SIZE)
        vertices[f"\0gate{earlier}"] = gate
        for slug in by_step[earlier]:
            links.append(_hidden(Edge(vertices[slug], gate)))
        for slug in by_step[later]:
            links.append(_hidden(Edge(gate, vertices[slug])))
    graph = Graph(list(vertices.values()), links)
    for component in graph.C:
        sugiyama = SugiyamaLayout(component)
        sugiyama.xspace, sugiyama.yspace = ROW_GAP, LAYER_GAP
        sugiyama.route_edge = _keep_centres
        sugiyama.init_all()
        sugiyama.draw(3)
    return _placed(nodes, vertices, shown, steps)


def _keep_centres(edge: "object", points: list) -> None:
    """Grandalf's router hook: keep the centres the edge passes (its ends and dummy
    vertices); ``_route`` turns them into a path that runs between the boxes."""
    edge.view.setpath([tuple(point) for point in points])  # type: ignore[attr-defined]


def _hidden(edge: "object") -> "object":
    edge.view = _EdgeView()  # type: ignore[attr-defined]
    return edge


def _placed(nodes: list[Node], vertices: dict, shown: list, steps: list[int]) -> Layout:
    """Grandalf's centres (y down the layers) turned into top-left corners, left to right,
    shifted so that the drawing starts at the margin."""
    centres = {slug: (v.view.xy[1], v.view.xy[0]) for slug, v in vertices.items()}
    xs = [x for slug, (x, _) in centres.items() if not slug.startswith("\0")]
    ys = [y for slug, (_, y) in centres.items() if not slug.startswith("\0")]
    dx = MARGIN + BOX_WIDTH / 2 - min(xs)
    dy = MARGIN + HEADER + BOX_HEIGHT / 2 - min(ys)
    boxes = {
        node.slug: (centres[node.slug][0] + dx - BOX_WIDTH / 2,
                    centres[node.slug][1] + dy - BOX_HEIGHT / 2)
        for node in nodes
    }  # fmt: skip
    columns = {rounded(x + BOX_WIDTH / 2) for x, _ in boxes.values()}
    arrows = {
        key: _route([(y + dx, x + dy) for x, y in edge.view.points], columns) for edge, key in shown
    }
    bands = []
    for step in steps:
        lefts = [boxes[n.slug][0] for n in nodes if n.step == step]
        bands.append(Band(step, min(lefts), max(lefts) + BOX_WIDTH))
    bends = [point for path in arrows.values() for point in path]
    width = max([x + BOX_WIDTH for x, _ in boxes.values()] + [x for x, _ in bends]) + MARGIN
    height = max([y + BOX_HEIGHT for _, y in boxes.values()] + [y for _, y in bends]) + MARGIN
    return Layout(boxes, arrows, bands, width, height)


def _route(centres: list[tuple[float, float]], columns: set[float]) -> list[tuple[float, float]]:
    """An arrow from the right side of its first box to the left side of its last, crossing
    each layer in between straight through its dummy vertex's slot (where grandalf left no
    box): the slanted parts run only in the gaps between layers."""
    (x0, y0), (x1, y1) = centres[0], centres[-1]
    path = [(x0 + BOX_WIDTH / 2, y0)]
    for x, y in centres[1:-1]:
        half = BOX_WIDTH / 2 if rounded(x) in columns else GATE_SIZE / 2
        path += [(x - half, y), (x + half, y)]
    path.append((x1 - BOX_WIDTH / 2, y1))
    return path
