"""flows: orchestration (Prefect, or a local pool) and the `noticeflow` command line; acquisition
in flows.sources. No parsing, no SQL here."""
