"""What a run tells whoever watches its inputs (the replay recorder, an editor's file watcher).

A run calls ``note(path)`` before it looks at a path (a file read, a directory listed, a place
probed and found empty) and ``refuse()`` when its output depends on something a path cannot
show (a plugin, a crashed worker, a progress bar's redraws). The default observer ignores both;
the command line passes the replay's recorder instead. Passed in, never global, so a library
caller and a concurrent run cannot see each other's inputs.
"""

from __future__ import annotations

import os


class Observer:
    def note(self, path: str | os.PathLike[str]) -> None:
        """The output depends on what is at ``path``."""

    def refuse(self) -> None:
        """The output depends on something ``note`` cannot describe."""


NULL_OBSERVER = Observer()
