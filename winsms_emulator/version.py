"""The emulator's version, in a module of its own so that every module may read it."""

from __future__ import annotations

__version__ = "0.2.0"
