"""A plain (non-editable) install must carry every subpackage and the policy."""

from __future__ import annotations

import tomllib

from conftest import REPO


def test_every_subpackage_is_listed_for_installation() -> None:
    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "scanner").rglob("__init__.py")
    }
    assert on_disk <= listed, f"add to pyproject [tool.setuptools] packages: {on_disk - listed}"


def test_policy_and_lexicons_are_package_data() -> None:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert data["package-dir"]["scanner.policy_data"] == "rules"
    patterns = data["package-data"]["scanner.policy_data"]
    for path in (REPO / "rules").rglob("*"):
        if path.is_file():
            rel = path.relative_to(REPO / "rules").as_posix()
            assert any(
                rel == pat
                or (pat.endswith("/*") and rel.rsplit("/", 1)[0] == pat[:-2])
                or (pat.startswith("*") and "/" not in rel and rel.endswith(pat[1:]))
                for pat in patterns
            ), f"rules/{rel} would not be installed; add it to package-data"
