"""A rule-kind plugin that dies in native code, installed for a subprocess through PYTHONPATH:
what the worker pool's crash isolation is tested against."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import REPO

CRASH_PLUGIN = """
import ctypes

from ssot_lint.kinds.base import Rule


class NativeCrash(Rule):
    kind = "native-crash"
    summary = "test plugin: dies in native code (a segfault) on files that say CRASH_HERE"
    default_message = "never reported"

    def needs_parse(self, text, ref):
        return "CRASH_HERE" in text

    def check(self, ctx):
        ctypes.string_at(0)  # reads address 0: SIGSEGV, as a native parser's stack overflow would
        return [], None
"""


def crash_plugin(directory: Path) -> dict[str, str]:
    """An installed rule-kind plugin (a module and its dist-info on PYTHONPATH); the environment
    that makes a subprocess load it."""
    directory.mkdir()
    (directory / "ssot_crash_plugin.py").write_text(CRASH_PLUGIN)
    info = directory / "ssot_crash_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ssot-crash-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[ssot_lint.kinds]\nnative-crash = ssot_crash_plugin:NativeCrash\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(directory), str(REPO)])}
