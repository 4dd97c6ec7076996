"""What every part needs: a decomposition built from a config, with its data read on demand,
and a finished run loaded from its directory. Training, evaluation and analysis build on it."""
