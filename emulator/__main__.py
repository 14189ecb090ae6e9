"""``python -m emulator``: run the audit emulator until Ctrl-C or SIGTERM."""

import sys

from emulator.cli import main

sys.exit(main())
