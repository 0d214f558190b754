"""``python -m negotiation_course.demo``: see :mod:`negotiation_course.demo.run`."""

import sys

from .run import main

sys.exit(main())
