"""Strongly connected components and elementary cycles of a small directed graph.

Hand-written rather than taken from networkx because the result must be deterministic under a
bound: when the enumeration stops early, the cycles found must be the same on every run (networkx
iterates sets of nodes, whose order changes with the hash seed). Both functions are iterative, so
deep graphs cannot hit the recursion limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping


def strongly_connected_components(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm. Each component sorted; components in order of their smallest node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph.get(succ, ())))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return sorted(components)


def elementary_cycles(graph: Mapping[str, set[str]], limit: int) -> tuple[list[list[str]], bool]:
    """Johnson's algorithm: every elementary cycle once, as a node list starting at its smallest
    node (the closing edge goes from the last node back to the first). Stops after ``limit``
    cycles; the flag says whether the enumeration was complete. Self-loops are ignored.

    Each search starts at the smallest node of a strongly connected component and stays inside
    it; the node is then removed and the rest of the component split again, so every search finds
    a cycle: time is O((V + E) * (C + 1)) for C cycles found, and the limit bounds the work.
    """
    cycles: list[list[str]] = []
    pending = [c for c in strongly_connected_components(graph) if len(c) > 1]
    pending.reverse()  # a stack: components in order of their smallest node
    while pending:
        component = pending.pop()
        start, rest = component[0], set(component[1:])
        members = rest | {start}
        successors = {node: sorted(s for s in graph.get(node, ()) if s in members and s != node) for node in component}
        if not _circuits(start, successors, limit, cycles):
            return cycles, False
        remaining = {node: {s for s in graph.get(node, ()) if s in rest} for node in rest}
        pending.extend(reversed([c for c in strongly_connected_components(remaining) if len(c) > 1]))
    return cycles, True


def _circuits(start: str, successors: dict[str, list[str]], limit: int, out: list[list[str]]) -> bool:
    blocked = {start}
    blockers: dict[str, set[str]] = defaultdict(set)
    path = [start]
    frames = [(start, iter(successors[start]))]
    closed = [False]  # per frame: some cycle was found through this node
    while frames:
        node, pending = frames[-1]
        descended = False
        for succ in pending:
            if succ == start:
                out.append(list(path))
                closed[-1] = True
                if len(out) >= limit:
                    return False
            elif succ not in blocked:
                blocked.add(succ)
                path.append(succ)
                frames.append((succ, iter(successors[succ])))
                closed.append(False)
                descended = True
                break
        if descended:
            continue
        frames.pop()
        path.pop()
        found = closed.pop()
        if found:
            _unblock(node, blocked, blockers)
        else:
            for succ in successors[node]:
                blockers[succ].add(node)
        if closed:
            closed[-1] = closed[-1] or found
    return True


def _unblock(node: str, blocked: set[str], blockers: dict[str, set[str]]) -> None:
    pending = {node}
    while pending:
        current = pending.pop()
        if current in blocked:
            blocked.discard(current)
            pending.update(blockers[current])
            blockers[current].clear()
