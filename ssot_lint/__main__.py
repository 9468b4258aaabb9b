from ssot_lint.entry import script

script()
