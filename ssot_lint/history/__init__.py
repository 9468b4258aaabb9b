"""Violation history: snapshots of per-rule and per-file counts over git commits (``walk``),
kept in SQLite (``store``), and turned into trend reports (``trend``, ``formats``, ``html``)."""
