"""The sections of a decomposition config, one model per top-level key."""
