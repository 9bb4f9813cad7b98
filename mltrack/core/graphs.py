"""Prerequisite graphs: finding a loop, for the seed check and for a learner's own orderings."""


def find_cycle(after: dict[str, list[str]]) -> list[str] | None:
    """A prerequisite loop in ``after`` (node -> nodes it comes after) as a path, or None."""
    done: set[str] = set()
    for start in after:
        path: list[str] = []
        on_path: set[str] = set()
        stack = [(start, iter(after.get(start, [])))]
        if start in done:
            continue
        path.append(start)
        on_path.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
            elif child in on_path:
                return [*path[path.index(child) :], child]
            elif child not in done:
                stack.append((child, iter(after.get(child, []))))
                path.append(child)
                on_path.add(child)
    return None
