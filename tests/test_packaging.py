"""The pins a fresh machine installs from agree with each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_direct_pin_is_in_constraints_with_the_same_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    constraints = dict(
        (_norm(name), version)
        for name, version in (line.split("==", 1) for line in lines if "==" in line)
    )
    mismatched = []
    for pin in pins:
        name, version = pin.split("==")
        if constraints.get(_norm(name)) != version:
            mismatched.append((name, version, constraints.get(_norm(name))))
    assert mismatched == []


def test_constraints_name_only_registry_packages() -> None:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    assert [line for line in lines if "@" in line or "file:" in line] == []
