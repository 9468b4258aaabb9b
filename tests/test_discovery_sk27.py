"""sk27: a deprecation decorator passed its message through a module constant. scikit-learn
1.6.1's ``sklearn/utils/__init__.py`` writes ``msg = "deprecated in 1.5 ..."`` and then
``@deprecated(msg)``: the declaration said "(no message)", as if none were given, where
``warnings.warn(msg)`` is followed to the constant (review27b). The decorator's arguments are now
followed as a warning's are, and one that cannot be followed says "(no literal message)"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULES = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\ndecorators = ["pkg.deprecation.deprecated"]\n'
DECORATOR = "class deprecated:\n    def __init__(self, extra=''):\n        self.extra = extra\n\n    def __call__(self, obj):\n        return obj\n"


@pytest.mark.parametrize(
    ("module", "said"),
    [
        (
            'from .deprecation import deprecated\n\nmsg = "deprecated in 1.5. Use pkg.new.Backend instead."\n\n\n@deprecated(msg)\nclass Backend: ...\n',
            '(pkg/__init__.py:7: "deprecated in 1.5. Use pkg.new.Backend instead.")',
        ),
        (
            "from .deprecation import deprecated\nfrom .texts import MSG\n\n\n@deprecated(MSG)\nclass Backend: ...\n",
            '(pkg/__init__.py:6: "(no literal message)")',
        ),
        ("from .deprecation import deprecated\n\n\n@deprecated()\nclass Backend: ...\n", '(pkg/__init__.py:5: "(no message)")'),
    ],
)
def test_a_decorators_message_is_followed_to_a_module_constant(module: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": module,
        "pkg/deprecation.py": DECORATOR,
        "pkg/texts.py": 'MSG = "moved"\n',
        "pkg/new.py": "class Backend: ...\n",
        "app.py": "from pkg import Backend\n",
    }
    root = write_project(tmp_path, files, RULES)
    result = run_cli(["check", "--no-cache", "app.py"], root, monkeypatch)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert f"app.py:1:17: DD1 error: class pkg:Backend is deprecated {said}" in result.stdout
