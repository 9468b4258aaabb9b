"""Strongly connected components and elementary cycles of a small directed graph.

Hand-written rather than taken from networkx because the result must be deterministic under a
bound: when the enumeration stops early, the cycles found must be the same on every run (networkx
iterates sets of nodes, whose order changes with the hash seed). Both functions are iterative, so
deep graphs cannot hit the recursion limit.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Mapping, Set


def strongly_connected_components(graph: Mapping[str, Set[str]]) -> list[list[str]]:
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


def elementary_cycles(graph: Mapping[str, Set[str]], limit: int) -> tuple[list[list[str]], bool]:
    """Johnson's algorithm: every elementary cycle once, as a node list starting at its smallest
    node (the closing edge goes from the last node back to the first). Stops after ``limit``
    cycles; the flag says whether the enumeration was complete. Self-loops are ignored.

    Time is O((V + E) * (C + 1)) per component for C cycles found, so the limit bounds the work.
    """
    cycles: list[list[str]] = []
    for component in strongly_connected_components(graph):
        if len(component) < 2:
            continue
        members = set(component)
        rank = {node: i for i, node in enumerate(component)}
        successors = {node: sorted(s for s in graph.get(node, ()) if s in members and s != node) for node in component}
        for start in component:
            # Only nodes ranked at or after `start`: every cycle is found from its smallest node.
            if not _circuits(start, successors, rank, limit, cycles):
                return cycles, False
    return cycles, True


def _circuits(start: str, successors: dict[str, list[str]], rank: dict[str, int], limit: int, out: list[list[str]]) -> bool:
    floor = rank[start]

    def nexts(node: str) -> list[str]:
        return [s for s in successors[node] if rank[s] >= floor]

    blocked = {start}
    blockers: dict[str, set[str]] = defaultdict(set)
    path = [start]
    frames = [(start, iter(nexts(start)))]
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
                frames.append((succ, iter(nexts(succ))))
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
            for succ in nexts(node):
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
