"""Where the emulator's data files are, installed or in a source checkout.

The wheel carries the top-level ``schemas/`` and ``fixtures/`` folders inside
the package (``winsms_emulator/schemas``, ``winsms_emulator/fixtures``); in a
checkout they sit beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def schemas_dir() -> Path:
    """The ``schemas/`` folder: the XSDs and the OpenAPI documents."""
    return _folder("schemas")


def readme_text() -> str | None:
    """The README: the checkout's file, or the installed package's long description."""
    beside = _PACKAGE.parent / "README.md"
    if beside.is_file():
        return beside.read_text(encoding="utf-8")
    from importlib import metadata

    try:
        found = metadata.metadata("winsms-emulator")
    except metadata.PackageNotFoundError:
        return None
    payload = found.get_payload()  # type: ignore[attr-defined]
    text = payload if isinstance(payload, str) and payload.strip() else found["Description"]
    return text or None
