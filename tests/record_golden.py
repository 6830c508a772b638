"""Write tests/data/live_golden.json from the reference: ``python tests/record_golden.py``.

Needs the oracle (prefect==3.9.1). Run it after ``tests/live/record.py`` records new
server payloads, or when the reference's output changes (the oracle-marked test in
``test_live_corpus.py`` fails while the file is stale). See ``tests/golden.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for ``tests.*``

from tests.golden import GOLDEN_PATH, record, render
from tests.oracle import HAS_ORACLE, NEEDS_ORACLE


def main() -> int:
    if not HAS_ORACLE:
        print(f"record_golden: {NEEDS_ORACLE}", file=sys.stderr)
        return 1
    golden = record()
    GOLDEN_PATH.write_text(render(golden))
    count = sum(len(entries) for entries in golden["models"].values())
    print(f"wrote {count} entries for {len(golden['models'])} models to {GOLDEN_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
