"""The request journal's bound in bytes is a setting: an ``EmulatorConfig`` field, a
``Gateway`` argument, and ``serve --journal-max-bytes`` (``WINSMS_EMULATOR_JOURNAL_MAX_BYTES``)."""

from __future__ import annotations

import pytest

from winsms_emulator import EmulatorConfig, Gateway, create_app
from winsms_emulator.cli import build_parser
from winsms_emulator.cli_settings import UsageError, parse_size
from winsms_emulator.cli_settings import _settings as settings_of
from winsms_emulator.journal import DEFAULT_JOURNAL_BYTES
from winsms_emulator.web.context import EXTENSION


def _journal_bytes(app: object) -> int:
    found: int = app.extensions[EXTENSION].gateway.journal.max_bytes  # type: ignore[attr-defined]
    return found


def test_the_journal_keeps_64_mb_by_default() -> None:
    assert _journal_bytes(create_app()) == DEFAULT_JOURNAL_BYTES == 64 * 1024 * 1024


def test_the_config_sets_the_journals_bound() -> None:
    app = create_app(config=EmulatorConfig(journal_max_bytes=1024 * 1024))

    assert _journal_bytes(app) == 1024 * 1024


def test_a_config_that_contradicts_the_gateways_journal_is_refused() -> None:
    gateway = Gateway(journal_max_bytes=2048)

    assert _journal_bytes(create_app(gateway, EmulatorConfig(journal_max_bytes=2048))) == 2048
    with pytest.raises(ValueError, match="journal"):
        create_app(gateway, EmulatorConfig(journal_max_bytes=4096))


@pytest.mark.parametrize(
    ("text", "size"),
    [("67108864", 64 * 1024**2), ("64MB", 64 * 1024**2), ("512kb", 512 * 1024), ("1GB", 1024**3)],
)
def test_serve_reads_a_size_with_or_without_a_unit(text: str, size: int) -> None:
    assert parse_size(text, "journal max bytes") == size


@pytest.mark.parametrize("text", ["", "MB", "-1MB", "64 XB", "1.5MB", "12"])
def test_serve_refuses_a_size_it_cannot_read_or_below_1kb(text: str) -> None:
    with pytest.raises(UsageError, match="journal max bytes"):
        parse_size(text, "journal max bytes")


def test_the_option_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WINSMS_EMULATOR_JOURNAL_MAX_BYTES", "2MB")
    parser = build_parser()

    from_env = settings_of(parser.parse_args(["serve"]))
    from_option = settings_of(parser.parse_args(["serve", "--journal-max-bytes", "3MB"]))

    assert from_env["journal_max_bytes"] == 2 * 1024**2
    assert from_option["journal_max_bytes"] == 3 * 1024**2
