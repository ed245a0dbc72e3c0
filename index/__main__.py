"""``python -m index``: see ``index.cli``."""

import sys

from index.cli import main

sys.exit(main())
