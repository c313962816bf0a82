"""The backends the end-to-end scenarios run on."""
from __future__ import annotations

from tests.e2e.harness import EMBEDDED, Backend

BACKENDS: list[Backend] = [EMBEDDED]
