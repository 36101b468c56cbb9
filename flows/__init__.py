"""flows: orchestration (Prefect) and the `noticeflow` command line. No parsing, no SQL here."""
