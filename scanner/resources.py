"""Where the policy and lexicons live: `rules/` in a checkout, packaged data when installed."""

from __future__ import annotations

from pathlib import Path


def rules_dir() -> Path:
    """The folder holding default.toml and lexicon/."""
    packaged = Path(__file__).parent / "policy_data"
    if (packaged / "default.toml").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def default_policy_path() -> Path:
    return rules_dir() / "default.toml"


def lexicon_dir() -> Path:
    return rules_dir() / "lexicon"
