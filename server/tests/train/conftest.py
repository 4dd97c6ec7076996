"""Small configs for the quickly trained target (`quick_cache`), so that whole runs take seconds."""

from pathlib import Path

import yaml

SPD_SMALL: dict[str, object] = {
    "method": "spd",
    "seed": 3,
    "target": {"builtin": "tms_5-2"},
    "data": {"synthetic": {"feature_probability": 0.05}},
    "modules": [{"pattern": "linear1", "C": 8}, {"pattern": "linear2", "C": 8}],
    "ci_function": {"type": "mlp", "hidden_dims": [8]},
    "training": {
        "steps": 60,
        "batch_size": 64,
        "lr": 1e-3,
        "faithfulness_warmup": {"steps": 5},
    },
    "logging": {
        "log_every": 10,
        "eval_every": 30,
        "eval_batch_size": 128,
        "checkpoint_every": 30,
        "ci_alive_threshold": 0.1,
    },
}

# VPD's losses on the same toy: global transformer CI function, p annealing, the persistent
# adversary and uniform-k-subset routing, so that every piece of training state is exercised.
VPD_SMALL: dict[str, object] = {
    **SPD_SMALL,
    "method": "vpd",
    "ci_function": {
        "type": "global_transformer",
        "d_model": 16,
        "n_blocks": 1,
        "n_heads": 2,
        "d_ff": 32,
    },
}


def write_config(directory: Path, config: dict[str, object], name: str = "small") -> Path:
    path = directory / f"{name}.decomp.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
