"""Project-wide analysis: per-module summaries, the module index built from them, the import graph."""
