"""Regenerate the generated parts of README.md (the rules table) from the registry.

Run after adding or changing a check: `python tools/update_readme.py`. tests/test_readme.py
fails while the README is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def current_table() -> str:
    from scanner.cli import rules_markdown
    from scanner.resources import default_policy_path
    from scanner.rules import load_policy

    return rules_markdown(load_policy(default_policy_path()))


def updated(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{current_table()}{END}{tail}"


if __name__ == "__main__":
    path = ROOT / "README.md"
    path.write_text(updated(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {path}")
