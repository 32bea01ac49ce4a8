"""The domain is pure Python, and only the clock reads the wall clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import winsms_emulator

PACKAGE = Path(winsms_emulator.__file__).parent
DOMAIN = PACKAGE / "domain"

FORBIDDEN_IN_DOMAIN = frozenset({"flask", "werkzeug", "lxml", "xmlschema", "json", "time"})
WALL_CLOCK_CALLS = frozenset({"now", "utcnow", "today"})
#: Latency faults are specified to sleep for real, so a faults module may.
MAY_SLEEP = frozenset({"faults.py"})


def modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_roots(tree: ast.Module) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def called_names(tree: ast.Module) -> set[str]:
    """The last name of everything called: ``x.now()`` gives ``now``, ``sleep()`` ``sleep``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
            elif isinstance(node.func, ast.Name):
                names.add(node.func.id)
    return names


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return "?"


def attribute_paths(tree: ast.Module) -> set[str]:
    return {dotted(node) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def names_imported_from(tree: ast.Module, module: str) -> set[str]:
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module
        for alias in node.names
    }


def relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def test_the_domain_package_has_modules_to_check() -> None:
    names = {p.name for p in modules(DOMAIN)}
    assert {"encoding.py", "messages.py", "numbers.py", "optout.py", "sending.py"} <= names


@pytest.mark.parametrize("path", modules(DOMAIN), ids=relative)
def test_a_domain_module_imports_no_framework_serialiser_or_time(path: Path) -> None:
    assert imported_roots(parse(path)) & FORBIDDEN_IN_DOMAIN == set()


@pytest.mark.parametrize("path", modules(DOMAIN), ids=relative)
def test_a_domain_module_never_reads_the_wall_clock_or_sleeps(path: Path) -> None:
    calls = called_names(parse(path))
    assert calls & (WALL_CLOCK_CALLS | {"sleep"}) == set()


def test_only_clock_py_reads_datetime_now() -> None:
    readers = set()
    for path in modules(PACKAGE):
        tree = parse(path)
        paths = attribute_paths(tree)
        wall_clock = {f"datetime.{n}" for n in WALL_CLOCK_CALLS} | {"date.today"}
        wall_clock |= {f"datetime.datetime.{n}" for n in WALL_CLOCK_CALLS}
        if paths & wall_clock or "datetime.now" in path.read_text(encoding="utf-8"):
            readers.add(relative(path))
    assert readers == {"clock.py"}


def test_nothing_in_the_package_calls_time_sleep() -> None:
    sleepers = set()
    for path in modules(PACKAGE):
        if path.name in MAY_SLEEP:
            continue
        tree = parse(path)
        calls_time_sleep = "time.sleep" in attribute_paths(tree)
        calls_bare_sleep = "sleep" in names_imported_from(tree, "time")
        if calls_time_sleep or calls_bare_sleep:
            sleepers.add(relative(path))
    assert sleepers == set()
