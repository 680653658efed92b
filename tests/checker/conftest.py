from pathlib import Path

import pytest

SHARED = Path("/work/shared")
SEEDS = SHARED / "seeds"
PINGTAN = SHARED / "corpus" / "pingtan"

needs_seeds = pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not present")
needs_pingtan = pytest.mark.skipif(not PINGTAN.exists(), reason="pingtan corpus not present")
