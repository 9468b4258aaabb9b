from ssot_lint.cli import main

main()
