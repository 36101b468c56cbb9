#!/usr/bin/env bash
# Quick start, step 2 (and CI): make sure everything is installed, then run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest "$@"
