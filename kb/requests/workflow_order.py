"""The order of a value stream's tasks: each after everything it depends on.

Tasks keep the order of the file where their dependencies allow: of the tasks
whose dependencies are all placed, the one listed first comes next. A file of
thousands of tasks in one chain (each depending on the one after it) was
ordered in time quadratic in the tasks, looking for the next one from the
start each time: 8,000 of them (540 KB, within the limit for the file) took
23 s, in `kb validate` and in the web app reading the file again. Here each
task is placed once, the next one taken from a heap of file positions, with
the same order as before; a cycle is followed once around, each key looked
up in a mapping.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def dependency_order(tasks: Sequence[tuple[str, Sequence[str]]]) -> tuple[list[int], list[str]]:
    """The positions of `tasks` ((key, keys it depends on), keys unique, every
    dependency a key of them) in dependency order, and, when some cannot be
    placed, one cycle among those as keys (`[a, b, a]`; empty when none)."""
    position = {key: i for i, (key, _) in enumerate(tasks)}
    waiting = [len(set(depends)) for _, depends in tasks]
    dependants: list[list[int]] = [[] for _ in tasks]
    for i, (_, depends) in enumerate(tasks):
        for key in set(depends):
            dependants[position[key]].append(i)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in dependants[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    if len(order) == len(tasks):
        return order, []
    placed = set(order)
    return order, _cycle([tasks[i] for i in range(len(tasks)) if i not in placed])


def _cycle(pending: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """From the first task that cannot be placed, its first dependency that cannot
    be placed either, and so on, until a key comes round again."""
    depends = dict(pending)
    path: list[str] = []
    seen: dict[str, int] = {}
    key = pending[0][0]
    while key not in seen:
        seen[key] = len(path)
        path.append(key)
        key = next(d for d in depends[key] if d in depends)
    return [*path[seen[key] :], key]
