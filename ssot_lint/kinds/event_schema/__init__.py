"""event-schema: the check (``check``) and its fix (``fix``)."""

from ssot_lint.kinds.event_schema.check import EventSchema

__all__ = ["EventSchema"]
