import sys

from ssot_lint.entry import main

sys.exit(main())
