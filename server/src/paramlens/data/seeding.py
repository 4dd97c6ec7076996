"""Random generators keyed by (seed, stream, step), so any step's randomness can be replayed."""

import numpy as np
import torch


def keyed_generator(seed: int, stream: int, step: int) -> torch.Generator:
    """A CPU generator whose state depends only on `(seed, stream, step)`.

    Batch `step` drawn from it is the same whether a run started at step 0 or resumed at
    `step`, which exact resume relies on. `stream` keeps independent uses of one seed apart
    (e.g. training batches and evaluation batches).
    """
    for name, value in (("seed", seed), ("stream", stream), ("step", step)):
        if value < 0:
            raise ValueError(f"{name} must be non-negative, got {value}")
    # SeedSequence hashes the key, so neighbouring steps get unrelated states.
    (state,) = np.random.SeedSequence([seed, stream, step]).generate_state(1, dtype=np.uint64)
    return torch.Generator().manual_seed(int(state))
