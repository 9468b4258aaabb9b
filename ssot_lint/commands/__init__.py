"""The ``ssot-lint`` subcommands, one module per command group; ``common`` holds what they share."""
