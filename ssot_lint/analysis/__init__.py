"""Per-file analysis: decode, prefilter, parse only what rules need (CPython's ``ast``), run the rules."""
