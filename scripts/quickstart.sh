#!/usr/bin/env bash
# Quick start, step 1: install everything, then ingest the sample notices in data/raw/
# into data/warehouse.duckdb and publish the curated files into data/curated/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/noticeflow ingest data/raw "$@"
