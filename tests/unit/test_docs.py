"""The README's promises about how to start are kept by CI."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "README.md must open with a sh code block"
    assert readme.index(block.group(0)) < readme.index("## "), "the commands come first"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_an_install_and_serve_and_an_install_and_test_command() -> None:
    serve, test = _readme_commands()
    assert "pip install" in serve and "winsms-emulator serve" in serve
    assert "pip install" in test and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test = _readme_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci_lines


def test_the_readmes_layout_names_every_module_of_the_package() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Development", 1)[1].split("```", 2)[1]
    package = ROOT / "winsms_emulator"
    for module in package.rglob("*.py"):
        assert f" {module.name} " in layout or f" {module.name}\n" in layout, module
        for folder in module.relative_to(package).parts[:-1]:
            assert f" {folder}/" in layout, folder


def test_the_readmes_webhook_table_is_the_codes() -> None:
    from winsms_emulator.domain.webhook_fields import FIELDS, PUBLIC

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([^|]+) \| `([a-z]+)` \| ([^|]+) \| ([^|]+) \|$", section, re.M)
    kinds = {
        "Reply Notification": "reply",
        "Reply Notification (short/long code)": "short_code",
        "Delivery Report": "delivery",
    }
    found = [
        (kinds[kind], name, "public" if source == "WinSMS Webhooks page" else "emulator", meaning)
        for kind, name, source, meaning in rows
    ]
    expected = [
        (f.kind, f.name, "public" if f.source == PUBLIC else "emulator", f.meaning) for f in FIELDS
    ]
    assert found == expected
    # the public page gives type=deliver, date and from of a Reply Notification only
    public = {(f.kind, f.name) for f in FIELDS if f.source == PUBLIC}
    assert public == {(k, n) for k in ("reply", "short_code") for n in ("type", "date", "from")}
