"""Where the emulator's data files are, installed or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(package: str, top_level: str) -> Path:
    try:
        found = resources.files(package)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / top_level
    return Path(str(found))


def schemas_dir() -> Path:
    """The ``schemas/`` folder: inside the installed wheel, or at the top of a checkout."""
    return _folder("winsms_emulator.schemas", "schemas")


def fixtures_dir() -> Path:
    """The ``fixtures/`` folder of example scenarios."""
    return _folder("winsms_emulator.fixtures", "fixtures")
