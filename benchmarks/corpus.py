"""Deterministic benchmark corpus: a Python monorepo shaped like the seeds' backend, with
violations of every rule in rules/websocket-ssot.toml planted at known counts.

    python benchmarks/corpus.py OUT --files 4200 --seed 1

writes OUT/netra_backend/... (packages with __init__.py), OUT/ssot-lint.toml with a copy of the
rules, OUT/ruff.toml (banned-api for the same deprecated paths) and OUT/expected.json (planted
findings per rule, WS001's family size and alias count, files, lines, bytes). The same seed and
file count always give the same bytes.

Most files are ordinary business code; about one in eight also touches the WebSocket layer the
canonical way (uses the manager, emits canonical event dicts, or both), and one in twenty has a
docstring or comment naming the deprecated paths. Event emitters and those decoys pass the text
prefilters and are parsed, yet yield nothing: together with the planted violations, about one
file in eight is parsed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = "netra_backend.app.websocket_core"
AREAS = ("services", "routes", "agents", "models", "schemas", "db", "core", "tools", "llm", "monitoring")
WORDS = (
    "account",
    "billing",
    "cache",
    "cluster",
    "config",
    "cost",
    "dataset",
    "event",
    "export",
    "gateway",
    "health",
    "invoice",
    "job",
    "ledger",
    "metric",
    "model",
    "optimizer",
    "order",
    "payload",
    "pipeline",
    "quota",
    "report",
    "request",
    "schedule",
    "session",
    "storage",
    "supply",
    "task",
    "tenant",
    "thread",
    "token",
    "trace",
    "usage",
    "user",
    "vector",
    "worker",
    "audit",
    "budget",
    "profile",
    "policy",
)
EVENTS = ("agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed")
DUPLICATE_MANAGERS = ("Isolated", "Agent", "Legacy", "Tenant", "Scoped", "Resilient", "Pooled", "Bridge")
MOCK_NAMES = ("MockWebSocketManager", "MockWebSocketConnection", "MockWebsocketBridge")


def camel(*words: str) -> str:
    return "".join(w.capitalize() for w in words)


class Module:
    def __init__(self, path: str, area: str) -> None:
        self.path = path  # relative, with '/'
        self.area = area
        self.parts: list[str] = []

    @property
    def module(self) -> str:
        return self.path[:-3].replace("/", ".").removesuffix(".__init__")

    @property
    def depth_to_app(self) -> int:
        """Leading dots that make a relative import reach netra_backend.app."""
        return self.module.count(".") - 1


def filler(rng: random.Random, mod: Module, others: list[Module]) -> str:
    """An ordinary module: docstring, imports (absolute, relative, multi-line, aliased),
    constants, dataclasses, a service class with methods, helper functions."""
    a, b = rng.sample(WORDS, 2)
    out = [
        f'"""{camel(a, b)} {rng.choice(["service", "helpers", "models", "routes"])}.\n\nHandles {a} {b} records for the {mod.area} layer.\n"""\n',
        "from __future__ import annotations\n",
        "import logging",
        "import time",
        "from dataclasses import dataclass, field",
        "from typing import Any, Dict, List, Optional\n",
    ]
    for other in rng.sample(others, min(2, len(others))):
        out.append(f"from {other.module} import {camel(rng.choice(WORDS))}Record as {camel(rng.choice(WORDS))}Alias")
    out.append(f"from .{rng.choice(WORDS)}_utils import (\n    normalise_{a},\n    validate_{b},\n)\n")
    out.append("logger = logging.getLogger(__name__)\n")
    out.append(f"DEFAULT_{a.upper()} = {{\n" + "".join(f'    "{w}": {rng.randint(0, 999)},\n' for w in rng.sample(WORDS, 5)) + "}\n")
    for _ in range(rng.randint(2, 6)):
        name = camel(rng.choice(WORDS), rng.choice(WORDS))
        fields = rng.sample(WORDS, rng.randint(3, 7))
        out.append(
            f'\n@dataclass\nclass {name}Record:\n    """A {name.lower()} row."""\n\n'
            + "".join(f"    {f}_id: int = {rng.randint(0, 9)}\n" for f in fields)
            + "    tags: List[str] = field(default_factory=list)\n"
        )
        out.append(
            f'\nclass {name}Service:\n    """Business logic for {name}."""\n\n'
            f"    def __init__(self, store: Any, limit: int = {rng.randint(10, 99)}) -> None:\n"
            "        self.store = store\n        self.limit = limit\n        self._seen: Dict[str, int] = {}\n"
        )
        for method in rng.sample(WORDS, rng.randint(2, 5)):
            out.append(
                f"    async def {method}_{rng.choice(WORDS)}(self, key: str, count: int = 1) -> Dict[str, Any]:\n"
                f'        """Fetch {method} data and summarise it."""\n'
                "        started = time.time()\n"
                f"        rows = await self.store.fetch(key, limit=self.limit)\n"
                "        total = 0\n        for row in rows:\n"
                f'            if row.get("{method}") and count > {rng.randint(0, 5)}:\n'
                '                total += row.get("value", 0) * count\n'
                "            else:\n                self._seen[key] = self._seen.get(key, 0) + 1\n"
                f'        logger.debug("{method} took %.3f", time.time() - started)\n'
                f'        return {{"status": "ok", "key": key, "{method}": total, "rows": len(rows)}}\n'
            )
    for _ in range(rng.randint(2, 5)):
        f1, f2 = rng.sample(WORDS, 2)
        out.append(
            f"\ndef {f1}_{f2}(values: List[int], scale: float = 1.0) -> Optional[float]:\n"
            f'    """Scale and sum {f1} values."""\n    if not values:\n        return None\n'
            "    result = sum(v * scale for v in values)\n"
            f"    return result / {rng.randint(1, 9)} if result else 0.0\n"
        )
    return "\n".join(out) + "\n"


def websocket_clean(rng: random.Random, mod: Module) -> str:
    """Canonical use of the WebSocket layer (the manager, canonical event dicts, or both): no
    findings, but the files that emit events pass the event prefilter and are parsed."""
    event = rng.choice(EVENTS)
    name = rng.choice(WORDS)
    manager = (
        f"\nfrom {CORE}.websocket_manager import WebSocketManager\n\n\n"
        f"def attach_{name}(manager: WebSocketManager, user_id: str) -> None:\n"
        "    websocket_manager = manager\n    websocket_manager.send(user_id, None)\n"
    )
    events = (
        f"\n\ndef emit_{name}(send, user_id: str, thread_id: str) -> None:\n"
        f'    send({{\n        "event_type": "{event}",\n        "timestamp": time.time(),\n'
        '        "user_id": user_id,\n        "thread_id": thread_id,\n        "data": {"step": 1},\n    })\n'
    )
    roll = rng.random()
    return manager if roll < 0.4 else events if roll < 0.75 else manager + events


DECOYS = (
    f'\n_MIGRATION = """Never import {CORE}.unified_manager or {CORE}.websocket_manager_factory again;\n'
    'class LegacyWebSocketManager lived there. {"type": "agent_started"} was the old shape."""\n',
    f"\n# from {CORE}.websocket_manager_factory import create_websocket_manager  (removed)\n"
    "# class MockWebSocketManager: kept in the shared test framework now\n",
)

# Each plant: (code for a module, expected findings per rule, WS001 members added, aliases added).
Plant = tuple[str, Counter, int, int]


def plant_ws002(kind: int, mod: Module) -> Plant:
    dots = "." * mod.depth_to_app
    codes = [
        (f"\nfrom {CORE}.unified_manager import UnifiedWebSocketManager\n", 1),
        (f"\nimport {CORE}.websocket_manager_factory as wmf\n\n\ndef build_manager():\n    return wmf.create_websocket_manager()\n", 2),
        (f"\nfrom {CORE} import (\n    WebSocketManager,\n)\n", 1),
        (f"\nfrom {dots}websocket_core.unified_manager import (\n    UnifiedWebSocketManager as LegacyManager,\n)\n", 1),
        (
            f"\nfrom {CORE}.websocket_manager_factory import create_websocket_manager as make_manager\n\n\n"
            "def two_managers():\n    return make_manager(), make_manager()\n",
            3,
        ),
        (f"\nfrom {CORE} import *\n", 1),
        (
            f"\n\ndef lazy_manager():\n    try:\n        from {dots}websocket_core import websocket_manager_factory\n"
            "    except ImportError:\n        return None\n    return websocket_manager_factory\n",
            1,
        ),
    ]
    code, n = codes[kind % len(codes)]
    return code, Counter(WS002=n), 0, 0


def plant_ws003(kind: int, mod: Module) -> Plant:
    codes = [
        ('\n\ndef legacy_started(user):\n    return {"type": "agent_started", "time": "2023-10-01", "user": user, "agent_name": "x"}\n', 1),
        ('\n\ndef partial_tool(user_id, thread_id):\n    return dict(event_type="tool_executing", timestamp=1.5, user_id=user_id, thread_id=thread_id)\n', 1),
        ('\n\ndef spread_thinking(base):\n    return {"event_type": "agent_thinking", **base}\n', 1),
        (
            '\n\ndef completed(user_id, thread_id):\n    return {\n        "event_type": "agent_completed",\n        "timestamp": "now",\n'
            '        "user_id": user_id,\n        "thread_id": thread_id,\n        "data": [],\n    }\n',
            1,
        ),
        ('\n\ndef heartbeat():\n    return {"type": "heartbeat", "time": "2023"}\n', 0),
        ('\n\ndef done_ok(u, t):\n    return {"event_type": "tool_completed", "timestamp": 2, "user_id": u, "thread_id": t, "data": {}}\n', 0),
    ]
    code, n = codes[kind % len(codes)]
    return code, Counter(WS003=n), 0, 0


def plant_ws001(kind: int, mod: Module) -> Plant:
    name = DUPLICATE_MANAGERS[kind % len(DUPLICATE_MANAGERS)]
    codes = [
        (f'\n\nclass {name}WebSocketManager:\n    """Another manager."""\n\n    def send(self, user_id, event):\n        return None\n', 1, 0),
        (f"\n\ndef make_{name.lower()}():\n    class Local{name}WebsocketManager:\n        pass\n\n    return Local{name}WebsocketManager\n", 1, 0),
        ("\n\nclass WebSocketManagerFactory:\n    pass\n\n\nclass TestWebSocketManager:\n    pass\n", 0, 0),
        (f"\nfrom {CORE}.websocket_manager import WebSocketManager as _Canonical\n\nWebSocketConnectionManager = _Canonical\n", 0, 1),
    ]
    code, members, aliases = codes[kind % len(codes)]
    return code, Counter(), members, aliases


def build(out: Path, files: int, seed: int) -> dict:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    modules: list[Module] = []
    areas = [a for a in AREAS][: max(2, min(len(AREAS), files // 40))]
    while len(modules) < max(files, 30) - 6:  # 6 fixed files below
        area = rng.choice(areas + ["tests"]) if modules else areas[0]  # at least one app package
        pkg = f"{rng.choice(WORDS)}_{len(modules) // 25}"
        base = "netra_backend/tests" if area == "tests" else f"netra_backend/app/{area}"
        names = {f"{'test_' if area == 'tests' else ''}{w}" for w in rng.sample(WORDS, 6)}
        modules.append(Module(f"{base}/{pkg}/__init__.py", area))
        modules.extend(Module(f"{base}/{pkg}/{name}.py", area) for name in sorted(names))
    modules = modules[: max(files, 30) - 6]
    body = [m for m in modules if not m.path.endswith("__init__.py")]
    app = [m for m in body if m.area != "tests"]
    tests = [m for m in body if m.area == "tests"] or app
    expected: Counter = Counter(WS001=0, WS002=0, WS003=0, WS004=0)
    members, aliases = 1, 0  # the canonical WebSocketManager
    plants: dict[str, list[str]] = {m.path: [] for m in body}

    def place(pool: list[Module], count: int, planter: Callable[[int, Module], Plant]) -> None:
        nonlocal members, aliases
        for kind in range(count):
            mod = rng.choice(pool)
            code, counts, added, aliased = planter(kind, mod)
            plants[mod.path].append(code)
            expected.update(counts)
            members += added
            aliases += aliased

    place(app, max(7, files // 30), plant_ws002)
    place(app, max(6, files // 40), plant_ws003)
    place(app + tests, max(4, files // 150), plant_ws001)
    mock_homes: dict[str, set[str]] = {}
    for i in range(max(5, files // 120)):
        name = MOCK_NAMES[i % len(MOCK_NAMES)]
        mod = rng.choice(tests)
        if mod.path in mock_homes.setdefault(name, set()):
            continue  # a second definition in the same module is not a second module
        mock_homes[name].add(mod.path)
        plants[mod.path].append(f'\n\nclass {name}:\n    """Test double."""\n\n    def __init__(self):\n        self.sent = []\n')
    expected["WS004"] = sum(len(homes) - 1 for homes in mock_homes.values() if len(homes) > 1)
    nested_mock = rng.choice(tests)  # a mock inside a function is not a top-level definition
    plants[nested_mock.path].append("\n\ndef make_double():\n    class MockWebSocketManager:\n        pass\n\n    return MockWebSocketManager\n")

    texts: dict[str, str] = {
        "netra_backend/__init__.py": "",
        "netra_backend/app/__init__.py": '"""The application package."""\n',
        "netra_backend/app/websocket_core/__init__.py": '"""WebSocket core: the one canonical manager."""\n\nfrom .websocket_manager import WebSocketManager\n',
        "netra_backend/app/websocket_core/websocket_manager.py": (
            '"""The canonical WebSocket manager."""\n\n\nclass WebSocketManager:\n    def send(self, user_id, event):\n        return None\n'
        ),
        "netra_backend/app/websocket_core/websocket_manager_factory.py": (
            '"""Deprecated factory."""\n\nfrom .websocket_manager import WebSocketManager\n\n\ndef create_websocket_manager():\n    return WebSocketManager()\n'
        ),
        "netra_backend/app/websocket_core/unified_manager.py": (
            '"""Deprecated duplicate."""\n\n\nclass UnifiedWebSocketManager:\n    def send(self, user_id, event):\n        return None\n'
        ),
    }
    members += 1  # UnifiedWebSocketManager
    for mod in modules:
        if mod.path.endswith("__init__.py"):
            texts[mod.path] = f'"""{mod.module.rsplit(".", 1)[-1]} package."""\n'
            continue
        text = filler(rng, mod, app)
        if rng.random() < 0.12:
            text += websocket_clean(rng, mod)
        if rng.random() < 0.05:
            text += rng.choice(DECOYS)
        texts[mod.path] = text + "".join(plants[mod.path])
    directories = {str(parent) for p in list(texts) for parent in Path(p).parents if str(parent) != "."}
    for directory in sorted(directories):  # every directory is a package
        texts.setdefault(f"{directory}/__init__.py", "")
    for rel, text in texts.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "rules" / "websocket-ssot.toml", out / "websocket-ssot.toml")
    (out / "ssot-lint.toml").write_text('rule-files = ["websocket-ssot.toml"]\n')
    (out / "ruff.toml").write_text(RUFF_TOML)
    # WS001 has max = 1: every member but the canonical class is a finding once there are two.
    expected["WS001"] = members - 1 if members > 1 else 0
    summary = {
        "seed": seed,
        "files": len(texts),
        "lines": sum(t.count("\n") for t in texts.values()),
        "bytes": sum(len(t.encode()) for t in texts.values()),
        "findings": dict(sorted(expected.items())),
        "ws001_family": members,
        "ws001_aliases": aliases,
    }
    (out / "expected.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


RUFF_TOML = f"""# banned-api for the deprecated paths of rules/websocket-ssot.toml (WS002)
[lint]
select = ["TID251"]

[lint.flake8-tidy-imports.banned-api]
"{CORE}.websocket_manager_factory".msg = "use {CORE}.websocket_manager"
"{CORE}.unified_manager".msg = "use {CORE}.websocket_manager"
"{CORE}.WebSocketManager".msg = "import it from {CORE}.websocket_manager"
"{CORE}.websocket_manager_factory.create_websocket_manager".msg = "use WebSocketManager"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=4200, help="number of .py files (default: 4200, about 1M lines)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(build(args.out, args.files, args.seed), indent=2))


if __name__ == "__main__":
    main()
