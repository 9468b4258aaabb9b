"""Whether a warning's text, or its category class's name and docstring, speak of a deprecation.

``FutureWarning`` is no deprecation category by definition (Python: "deprecated features when
those warnings are intended for end users", but projects also use it for behaviour that will
change, and IPython for a *provisional* API), so a declaration with a ``FutureWarning`` category
counts only when its words say deprecated, removed, renamed or moved, or "use X instead", and
never when they say provisional or experimental. ``DeprecationWarning`` /
``PendingDeprecationWarning`` categories say it themselves: their text is not read.
"""

from __future__ import annotations

import re

DEPRECATION, PROVISIONAL = "deprecation", "provisional"
_PROVISIONAL = re.compile(r"(?i)provisional|experimental")
_DEPRECATION = re.compile(r"(?i)deprecat|\bremov(?:ed|al)\b|will be removed|\brenamed\b|\bmoved\b|\buse\b.*\binstead\b")
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def says(text: str) -> str:
    """``provisional`` when the text says provisional or experimental (that wins), ``deprecation``
    when it says deprecated / removed / renamed / moved / use X instead, else ``""``."""
    if _PROVISIONAL.search(text):
        return PROVISIONAL
    return DEPRECATION if _DEPRECATION.search(text) else ""


def class_says(name: str, docstring: str | None) -> str:
    """``says`` of a class's name, its CamelCase read as words (``RemovedInV3Warning``), and its
    docstring."""
    return says(f"{_HUMP.sub(' ', name)}. {docstring or ''}")


def strongest(*said: str) -> str:
    """Provisional anywhere wins over a deprecation anywhere."""
    return PROVISIONAL if PROVISIONAL in said else DEPRECATION if DEPRECATION in said else ""
