"""The sample client speaks the current REST shape, so the emulator answers in it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def winsms_emulator_rest_dialect() -> str:
    return "current"
