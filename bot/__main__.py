"""`python -m bot` runs the conflictbot command line."""

import sys

from bot.cli import main

sys.exit(main())
