"""The README is the user's first contact: its generated parts and commands must be true."""

from __future__ import annotations

import re
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_rules_table_is_current() -> None:
    import update_readme

    assert update_readme.updated(_readme()) == _readme(), "run: python tools/update_readme.py"


def _quick_start() -> list[str]:
    section = _readme().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.S)
    return [line for b in blocks for line in b.strip().splitlines() if line.strip()]


def test_quick_start_is_exactly_two_commands_and_ci_runs_the_second() -> None:
    commands = _quick_start()
    assert len(commands) == 2, commands
    assert "sample_exports" in commands[0]
    assert "pytest" in commands[1]
    assert commands[1] in (REPO / ".ci" / "run").read_text()


def test_every_check_is_documented_in_the_readme() -> None:
    from scanner.checks import REGISTRY

    for cid in REGISTRY:
        assert f"`{cid}`" in _readme()
