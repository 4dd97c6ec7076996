"""Jobs of the decomposition server: each runs in its own worker process, queued per device."""
