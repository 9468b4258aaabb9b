"""``ssot-lint schema``: the JSON Schema of the config or of rule files, for editors."""

from __future__ import annotations

import click


@click.command("schema")
@click.argument("which", type=click.Choice(["config", "rules"]))
@click.option("--path", "show_path", is_flag=True, help="Print the path of the schema file shipped in the installed package (built-in kinds only).")
def schema_command(which: str, show_path: bool) -> None:
    """Print the JSON Schema of the config (ssot-lint.toml, [tool.ssot-lint]) or of rule files.

    It covers the rule kinds installed, plugins included. Save it beside your rule files and put
    `#:schema ./FILE` on their first line for completion and checking in Taplo / Even Better TOML."""
    from ssot_lint.config.schema import schema_text, shipped
    from ssot_lint.kinds import available_kinds

    if show_path:
        click.echo(str(shipped(which)))
        return
    click.echo(schema_text(which, available_kinds().values()), nl=False)
