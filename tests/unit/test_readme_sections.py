"""The README's sections under the anchors GitHub gives them."""

from __future__ import annotations

from winsms_emulator.readme import anchor, sections


def test_anchors_are_githubs() -> None:
    assert anchor("Python API") == "python-api"
    assert anchor("REST v1: two shapes at the same paths") == "rest-v1-two-shapes-at-the-same-paths"
    assert anchor("The HTTP (GET) API") == "the-http-get-api"
    assert anchor("1. pytest fixture (installing the package is enough)") == (
        "1-pytest-fixture-installing-the-package-is-enough"
    )


def test_sections_split_at_headings_but_not_inside_code() -> None:
    text = "intro\n## Use\nsome text\n```sh\n# not a heading\n```\n## Use\nagain\n"
    found = sections(text)
    assert [(s.level, s.title, s.anchor) for s in found] == [
        (0, "", ""),
        (2, "Use", "use"),
        (2, "Use", "use-1"),
    ]
    assert found[1].blocks == [("text", "some text"), ("code", "# not a heading")]
