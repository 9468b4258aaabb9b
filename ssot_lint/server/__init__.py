"""The language server (``ssot-lint server``): a thin shell over ``ssot_lint.api`` speaking LSP
through pygls (the ``server`` extra). ``handlers`` holds the protocol handlers, ``app`` the
server's state and what it publishes, ``projects`` which project a document belongs to,
``positions`` and ``edits`` the conversions between findings and LSP positions, ``project_job``
the child process that checks a whole project, ``wide`` the project-wide findings it gives,
``disk`` the Python files changed on disk, ``newest`` which buffer checks run (the newest version
only), ``notes`` why an unsafe fix is unsafe, ``digests`` the buffer texts a result was worked out
from, ``prepared`` what is read once a project-wide check
publishes, ``hover`` a finding's explanation."""
