"""The built wheel carries the schemas and fixtures, so an installed emulator finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("winsms_emulator-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_holds_every_schema_of_the_checkout(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for schema in (ROOT / "schemas").rglob("*"):
        if schema.is_file():
            inside = "winsms_emulator/schemas/" + schema.relative_to(ROOT / "schemas").as_posix()
            assert inside in names


def test_the_wheel_is_typed_and_registers_the_command_and_the_pytest_plugin(
    wheel: zipfile.ZipFile,
) -> None:
    names = wheel.namelist()
    assert "winsms_emulator/py.typed" in names
    [entry_points] = [n for n in names if n.endswith("entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "winsms-emulator = winsms_emulator.cli:main" in text
    assert "winsms_emulator = winsms_emulator.pytest_plugin" in text


def test_the_installed_wheel_finds_its_schemas_away_from_the_checkout(
    wheel: zipfile.ZipFile, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            wheel.filename,
        ],
        check=True,
        capture_output=True,
    )
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import winsms_emulator\n"
        "from winsms_emulator import create_app\n"
        "assert winsms_emulator.__file__.startswith(sys.argv[1]), winsms_emulator.__file__\n"
        "client = create_app().test_client()\n"
        "body = '<WinSMS_Replies><User>hpotter</User>'\n"
        "body += '<Password>w1Zard</Password></WinSMS_Replies>'\n"
        "print(client.post('/api/xmlgetreplies.asp', data=body).data.decode())\n"
        "print(client.get('/api/rest/v1/openapi.json').json['openapi'])\n"
        "print(client.get('/_emulator/ready').json['schemas'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        cwd=tmp_path,  # not the checkout: only the installed copy can be imported
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[-3].endswith("<XMLGateway_Replies/>")
    assert out[-2:] == ["3.1.0", "10"]
