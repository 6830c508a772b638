"""``python -m lightschema``: the command line (see ``lightschema._cli``)."""

import sys

from lightschema._cli import main

if __name__ == "__main__":
    sys.exit(main())
