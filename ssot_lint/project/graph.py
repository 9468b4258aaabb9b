"""Strongly connected components, cycle counting and the imports to break in a directed graph.

Hand-written rather than taken from networkx because results must be deterministic (networkx
iterates sets of nodes, whose order changes with the hash seed) and bounded by a budget of search steps, and
because what is needed is not the list of cycles but how many cycles each edge is on. Every
function is iterative, so deep graphs cannot hit the recursion limit; nodes are sorted strings.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Edge = tuple[str, str]


def strongly_connected_components(graph: Mapping[str, set[str]] | Mapping[str, Sequence[str]]) -> list[list[str]]:
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


class Budget:
    """Search steps the cycle searches may take, all together; None: no limit.

    Counted in steps, not seconds, so the same graph gets the same report on every machine and
    at any load (a wall-clock budget made a group near it counted on one run and not the next,
    which a cache, a baseline or a trend cannot live with)."""

    def __init__(self, steps: int | None) -> None:
        self.left = steps

    def spend(self, steps: int) -> None:
        if self.left is not None:
            self.left -= steps
            if self.left < 0:
                raise OutOfTime


class OutOfTime(Exception):
    """A search used up its budget of steps."""


class CycleCounter:
    """Elementary cycles among ``nodes`` of ``graph`` (self-loops ignored), counted per edge.

    Johnson's algorithm, counting instead of listing: a cycle found while an edge is on the
    search path goes through that edge, so each frame adds the cycles found below it to the edge
    leading into it when it is left. That is O(1) per cycle on top of the search, O((V + E) *
    (C + 1)) in all. Searches raise ``OutOfTime`` once the budget's steps are spent.
    """

    def __init__(self, nodes: Sequence[str], graph: Mapping[str, set[str]], budget: Budget) -> None:
        self.names = sorted(nodes)
        ids = {node: i for i, node in enumerate(self.names)}
        self.ids = ids
        self.successors = [sorted(ids[s] for s in graph.get(name, ()) if s in ids and s != name) for name in self.names]
        self.removed: set[tuple[int, int]] = set()
        self.budget = budget

    def remove(self, edge: Edge) -> None:
        self.removed.add((self.ids[edge[0]], self.ids[edge[1]]))

    def _live(self, members: Sequence[int] | set[int]) -> dict[int, list[int]]:
        inside = set(members)
        return {u: [v for v in self.successors[u] if v in inside and (u, v) not in self.removed] for u in members}

    def count(self) -> tuple[int, dict[Edge, int]]:
        """All cycles, and how many go through each edge. Each search starts at the smallest node
        of a strongly connected component and stays inside it; the node is then removed and the
        rest of the component split again."""
        counts: dict[tuple[int, int], int] = defaultdict(int)
        total = 0
        live = self._live(range(len(self.names)))
        pending = [c for c in _components(live) if len(c) > 1]
        pending.reverse()
        while pending:
            component = pending.pop()
            local = self._live(component)
            total += _circuits(component[0], local, counts, self.budget)
            rest = self._live(component[1:])
            pending.extend(reversed([c for c in _components(rest) if len(c) > 1]))
        return total, self._named(counts)

    def count_through(self, edge: Edge) -> tuple[int, dict[Edge, int]]:
        """The cycles through ``edge`` (Johnson's search from its tail, whose only way out is the
        edge), and how many of them go through each edge."""
        u, v = self.ids[edge[0]], self.ids[edge[1]]
        counts: dict[tuple[int, int], int] = defaultdict(int)
        if (u, v) in self.removed or v not in self.successors[u]:
            return 0, {}
        component = next(c for c in _components(self._live(range(len(self.names)))) if u in c)
        if v not in component:
            return 0, {}
        local = self._live(component)
        local[u] = [v]
        return _circuits(u, local, counts, self.budget), self._named(counts)

    def _named(self, counts: Mapping[tuple[int, int], int]) -> dict[Edge, int]:
        return {(self.names[u], self.names[v]): n for (u, v), n in counts.items() if n}


def cycles_per_edge(nodes: Sequence[str], graph: Mapping[str, set[str]], removed: set[Edge], budget: Budget) -> tuple[int, dict[Edge, int]]:
    """The number of elementary cycles among ``nodes`` (edges in ``removed`` left out) and how
    many go through each edge (see ``CycleCounter``)."""
    counter = CycleCounter(nodes, graph, budget)
    for edge in removed:
        counter.remove(edge)
    return counter.count()


def _components(successors: Mapping[int, list[int]]) -> list[list[int]]:
    return strongly_connected_components(successors)  # type: ignore[arg-type, return-value]


def _circuits(start: int, successors: Mapping[int, list[int]], counts: dict[tuple[int, int], int], budget: Budget) -> int:
    """The cycles through ``start`` (Johnson's CIRCUIT), adding each edge's share to ``counts``.

    A node with an edge back to ``start`` closes one cycle each time the search enters it, so
    that edge is taken out of the successor lists and counted when the node is left. Nodes are
    small integers: flags and blocker sets live in lists indexed by them."""
    size = max(successors) + 1
    closes = bytearray(size)
    onward: list[list[int]] = [[] for _ in range(size)]
    for node, nexts in successors.items():
        closes[node] = start in nexts
        onward[node] = [s for s in nexts if s != start] if closes[node] else nexts
    blocked = bytearray(size)
    blocked[start] = 1
    blockers: list[set[int] | None] = [None] * size
    path = [start]
    frames = [iter(onward[start])]
    found = [0]  # per frame: cycles found through it
    steps = 0
    while path:
        steps += 1
        if not steps & 0x3FFF:
            budget.spend(0x4000)
        for succ in frames[-1]:
            if not blocked[succ]:
                blocked[succ] = 1
                path.append(succ)
                frames.append(iter(onward[succ]))
                found.append(closes[succ])
                break
        else:
            node = path.pop()
            frames.pop()
            below = found.pop()
            if closes[node]:
                counts[(node, start)] += 1
            if below:  # unblock node, and every node waiting for it
                pending = [node]
                while pending:
                    current = pending.pop()
                    if blocked[current]:
                        blocked[current] = 0
                        waiting = blockers[current]
                        if waiting:
                            pending.extend(waiting)
                            blockers[current] = None
            else:
                for succ in onward[node]:
                    waiting = blockers[succ]
                    if waiting is None:
                        blockers[succ] = {node}
                    else:
                        waiting.add(node)
            if not path:
                return below
            if below:
                counts[(path[-1], node)] += below
                found[-1] += below
    return 0


def _tree(graph: Mapping[str, set[str]], source: str, members: set[str]) -> dict[str, str | None]:
    """Breadth first from ``source`` inside ``members``, successors in sorted order (the same
    paths on every run): each node reached -> the node it was reached from."""
    parent: dict[str, str | None] = {source: None}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for succ in sorted(graph.get(node, ())):
            if succ in members and succ not in parent:
                parent[succ] = node
                queue.append(succ)
    return parent


def _path(parent: Mapping[str, str | None], target: str) -> list[str] | None:
    if target not in parent:
        return None
    path = [target]
    while (previous := parent[path[-1]]) is not None:
        path.append(previous)
    return path[::-1]


def shortest_path(graph: Mapping[str, set[str]], source: str, target: str, members: set[str]) -> list[str] | None:
    """A shortest path ``source`` ... ``target`` inside ``members``."""
    return _path(_tree(graph, source, members), target)


def shortest_cycle(graph: Mapping[str, set[str]], edge: Edge, members: set[str]) -> list[str]:
    """A shortest cycle through ``edge`` (u, v), as ``v ... u``: the edge closes it."""
    path = shortest_path(graph, edge[1], edge[0], members)
    assert path is not None, edge  # members is a strongly connected component holding the edge
    return path


@dataclass(frozen=True)
class Breaks:
    """What to break in one strongly connected component.

    ``edges``: the edges to remove, most shared first, each with the cycles it removes that the
    ones before it did not. ``cycles``: elementary cycles in the component; ``removed``: how many
    of them the edges remove. With ``exact`` false the search ran out of time: cycles were not
    counted, and the edges are chosen among the shortest cycle through each edge instead (the
    counts are then of those cycles).
    """

    edges: tuple[tuple[Edge, int], ...]
    cycles: int
    removed: int
    exact: bool


def breaks(component: Sequence[str], graph: Mapping[str, set[str]], limit: int, budget: Budget) -> Breaks:
    """Up to ``limit`` edges whose removal breaks the most cycles of ``component``, chosen
    greedily: the edge on the most cycles, then the edge on the most cycles that remain, ..."""
    try:
        return _exact_breaks(component, graph, limit, budget)
    except OutOfTime:
        return _witness_breaks(component, graph, limit)


def _exact_breaks(component: Sequence[str], graph: Mapping[str, set[str]], limit: int, budget: Budget) -> Breaks:
    """Counts once, then per chosen edge only the cycles through it, subtracted: the counts left
    are those of the graph without the chosen edges. O(cycles + cycles removed)."""
    counter = CycleCounter(component, graph, budget)
    total, counts = counter.count()
    remaining = total
    chosen: list[tuple[Edge, int]] = []
    while remaining and len(chosen) < limit:
        edge = _most_shared(counts)
        through, shares = counter.count_through(edge)
        for other, n in shares.items():
            counts[other] -= n
            if not counts[other]:
                del counts[other]
        counter.remove(edge)
        chosen.append((edge, through))
        remaining -= through
    return Breaks(tuple(chosen), total, total - remaining, True)


def _most_shared(counts: Mapping[Edge, int]) -> Edge:
    """The edge on the most cycles; among equals, the one into the smallest node (then from the
    smallest): a single cycle is then reported where it closes back to its smallest node."""
    return min(counts, key=lambda e: (-counts[e], e[1], e[0]))


def _witness_breaks(component: Sequence[str], graph: Mapping[str, set[str]], limit: int) -> Breaks:
    """Greedy cover of the shortest cycle through each edge: polynomial, and as deterministic."""
    members = set(component)
    witnesses: set[tuple[str, ...]] = set()
    into: dict[str, list[str]] = defaultdict(list)  # v -> the u with an edge u -> v
    for u in sorted(members):
        for v in graph.get(u, ()):
            if v in members and v != u:
                into[v].append(u)
    for v in sorted(into):  # one search per node, not per edge: O(V * (V + E))
        tree = _tree(graph, v, members)
        for u in into[v]:
            cycle = _path(tree, u)
            assert cycle is not None  # members is strongly connected
            first = cycle.index(min(cycle))  # one cycle, whichever of its edges found it
            witnesses.add(tuple(cycle[first:] + cycle[:first]))
    cycles = [{(ring[i], ring[(i + 1) % len(ring)]) for i in range(len(ring))} for ring in sorted(witnesses)]
    chosen: list[tuple[Edge, int]] = []
    alive = list(range(len(cycles)))
    while alive and len(chosen) < limit:
        counts: dict[Edge, int] = defaultdict(int)
        for i in alive:
            for edge in cycles[i]:
                counts[edge] += 1
        edge = _most_shared(counts)
        chosen.append((edge, counts[edge]))
        alive = [i for i in alive if edge not in cycles[i]]
    return Breaks(tuple(chosen), len(cycles), len(cycles) - len(alive), False)
