"""single-implementation: what its message says with and without a canonical implementation."""

from __future__ import annotations

from ssot_lint.kinds.single_implementation import SingleImplementation
from tests.integrity_helpers import build, findings

FAMILY = {"a.py": "class CodePrinter: ...\n", "b.py": "class CCodePrinter: ...\n", "c.py": "class FCodePrinter: ...\n"}


def test_without_canonical_the_message_says_every_member_counts_and_none_is_kept() -> None:
    # SymPy's starter-like rule with no canonical read "... duplicates one implementation (54 implementations, max 5)".
    rule = build(SingleImplementation, name="CodePrinter$", max=2)
    assert findings(rule, FAMILY) == [
        ("a.py", 1, 7, "CodePrinter is one of 3 implementations (max 2); none is canonical: name the one to keep in `canonical`"),
        ("b.py", 1, 7, "CCodePrinter is one of 3 implementations (max 2); none is canonical: name the one to keep in `canonical`"),
        ("c.py", 1, 7, "FCodePrinter is one of 3 implementations (max 2); none is canonical: name the one to keep in `canonical`"),
    ]


def test_with_canonical_or_a_message_of_its_own_the_message_is_unchanged() -> None:
    rule = build(SingleImplementation, name="CodePrinter$", canonical=["a:CodePrinter"], max=2)
    assert [m for _, _, _, m in findings(rule, FAMILY)] == [
        "CCodePrinter duplicates a:CodePrinter (3 implementations, max 2)",
        "FCodePrinter duplicates a:CodePrinter (3 implementations, max 2)",
    ]
    own = build(SingleImplementation, name="CodePrinter$", max=2)
    own.message = "{name}: {count} > {max} ({canonical})"  # a rule file's own message
    assert [m for _, _, _, m in findings(own, FAMILY)][0] == "CodePrinter: 3 > 2 (one implementation)"
