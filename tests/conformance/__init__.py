"""Conformance tests: lightschema against the reference (prefect 3.9.1) on the same payloads."""
