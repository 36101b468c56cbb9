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


def test_every_package_and_data_file_is_in_the_distribution() -> None:
    from fnmatch import fnmatch

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = set(config["packages"])
    data = config["package-data"]
    missing_packages, missing_data = [], []
    for top in ("flows", "extractors", "normalizers", "warehouse"):
        for path in sorted((ROOT / top).rglob("*")):
            if "__pycache__" in path.parts or path.is_dir():
                continue
            package_dir = path.parent.relative_to(ROOT)
            if path.name == "__init__.py":
                if ".".join(package_dir.parts) not in declared:
                    missing_packages.append(str(package_dir))
            elif path.suffix != ".py":
                relative = path.relative_to(ROOT / top).as_posix()
                if not any(fnmatch(relative, pattern) for pattern in data.get(top, [])):
                    missing_data.append(f"{top}/{relative}")
    assert (missing_packages, missing_data) == ([], [])
