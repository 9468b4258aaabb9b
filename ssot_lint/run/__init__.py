"""A run over files: discovery, the worker pool, the result cache, progress, and the engine tying them together."""
