"""What an imported name becomes when an import is rewritten (no libcst here: ``check`` uses it
too, to record what a rewrite will need verified)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FromDest:
    """The name becomes ``from module import name [as asname]``."""

    module: str
    name: str
    asname: str | None

    @property
    def signature(self) -> tuple[str, ...]:
        # `B as B` is an explicit re-export (mypy --no-implicit-reexport, pyright): not `B`'s duplicate
        return ("from", self.module, self.name, self.asname or self.name, "as" if self.asname == self.name else "")


@dataclass(frozen=True)
class ModDest:
    """The name becomes ``import module [as asname]``."""

    module: str
    asname: str | None

    @property
    def signature(self) -> tuple[str, ...]:
        return ("import", self.module, self.asname or "")


STAY, DROP = "stay", "drop"  # the name stays as written / goes (an identical import precedes it)
Decision = FromDest | ModDest | str
