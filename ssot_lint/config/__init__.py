"""Configuration: the project config file, rule files, TOML with line numbers, gitignore-style globs."""
