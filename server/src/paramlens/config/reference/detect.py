"""Tell the reference implementation's config format from the native one."""

from collections.abc import Mapping

# Top-level keys that only the reference format has. A native file always names `method`.
REFERENCE_MARKERS = frozenset(
    {
        "module_info",
        "loss_metric_configs",
        "ci_config",
        "ci_fn_type",
        "gate_type",
        "target_module_patterns",
        "pretrained_model_class",
        "task_config",
        "lr_schedule",
        "eval_metric_configs",
        "output_loss_type",
    }
)


def is_reference_format(raw: Mapping[str, object]) -> bool:
    """True for a config in the format of `goodfire-ai/spd` (spec §7)."""
    return "method" not in raw and any(key in raw for key in REFERENCE_MARKERS)
