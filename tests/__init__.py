"""lightschema's test suite; its shared modules are imported as ``tests.<module>``."""
