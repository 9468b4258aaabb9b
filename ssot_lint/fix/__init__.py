"""Fixes: the engine that applies rule kinds' libcst rewrites safely, and the edit helpers they share."""
