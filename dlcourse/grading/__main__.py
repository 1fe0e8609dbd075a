"""``python -m dlcourse.grading autograde ...``: see :mod:`dlcourse.grading.run`."""

import sys

from .run import main

sys.exit(main())
