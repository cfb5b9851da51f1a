"""Shared fixtures: where ../shared is, an isolated cache, and running the CLI in-process."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REAL_EXPORTS = SHARED / "real_exports"


@pytest.fixture
def real_exports() -> Path:
    """../shared/real_exports: other people's files, read in place, never copied here."""
    if not REAL_EXPORTS.is_dir():
        pytest.skip("../shared/real_exports is not present on this machine")
    return REAL_EXPORTS


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `exposure-scan ARGS` in-process with a private cache and data dir."""
    from scanner.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))

    def run(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args])
        return CliResult(code, out.getvalue(), err.getvalue())

    return run
