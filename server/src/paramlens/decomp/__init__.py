"""Parameter decomposition math: rank-one subcomponents, causal importance, masks, losses, PGD."""
