"""``python -m generator.docs_diff``."""

import sys

from .cli import main

sys.exit(main())
