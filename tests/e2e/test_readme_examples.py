"""Every example in the README runs as written.

Each ``python`` block runs: a block that defines ``test_...`` functions has each called
with the fixtures it names (``winsms_emulator``: a real server on a socket), any other runs as
a script (the Python API's starts its own server). Each control-plane address a ``sh``
block asks with curl is accepted by the emulator (no 400 or 404 for a parameter the
README names); its waits are shortened to 0 s so that a wait that cannot hold answers
at once.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from winsms_emulator import Emulator

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
SH_BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
CURLED = sorted(
    {
        m
        for block in SH_BLOCKS
        for m in re.findall(r"curl -s '?localhost:8080(/_emulator/[^'\s|]+)'?", block)
    }
)


def _first_line(block: str) -> str:
    code = [line for line in block.splitlines() if line.strip() and not line.startswith("import")]
    return code[0][:60] if code else "empty"


def test_the_readme_has_python_examples_and_curl_examples() -> None:
    assert len(PYTHON_BLOCKS) >= 4
    assert len(CURLED) >= 6


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[_first_line(b) for b in PYTHON_BLOCKS])
def test_every_python_example_runs_as_written(block: str, request: pytest.FixtureRequest) -> None:
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(block, "README.md", "exec"), namespace)
    for name, test in namespace.items():
        if name.startswith("test_") and callable(test):
            # each argument is the fixture of its name, as pytest would give it
            wanted = inspect.signature(test).parameters
            test(**{argument: request.getfixturevalue(argument) for argument in wanted})


@pytest.mark.parametrize("address", CURLED)
def test_every_curl_example_is_accepted(address: str) -> None:
    emulator = Emulator()
    client = emulator.client()
    client.get("/api/batchmessage.asp?user=hpotter&password=w1Zard&message=Hi&numbers=27825550101")
    answer = client.get(re.sub(r"wait=\d+", "wait=0", address))
    assert answer.status_code in (200, 408, 409), (address, answer.get_json())
