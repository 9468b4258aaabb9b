"""``ssot-lint server``: the language server for editors (LSP over stdin/stdout)."""

from __future__ import annotations

import importlib.util

import click

from ssot_lint.cli.common import observer
from ssot_lint.errors import ConfigError


@click.command("server")
def server_command() -> None:
    """Run the language server: LSP over stdin/stdout, for editors (needs the 'server' extra).

    Diagnostics as you type, project-wide rules on save, fixes and suppressions as code actions,
    rule explanations on hover. See docs/editors.md for VS Code, Neovim and Helix."""
    if importlib.util.find_spec("pygls") is None or importlib.util.find_spec("lsprotocol") is None:
        raise ConfigError("ssot-lint server needs pygls and lsprotocol: pip install 'ssot-lint[server]'")
    from ssot_lint.server.handlers import serve

    observer().refuse()  # a session with an editor is never replayed
    serve()
