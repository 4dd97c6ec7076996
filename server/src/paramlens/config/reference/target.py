"""Reference keys for the model and its data: `pretrained_model_*`, `tokenizer_name`,
`task_config`.

Nothing is downloaded. A reference toy model becomes the built-in target of the same shape,
trained locally. A language model or dataset named by a W&B run or a hub name needs a local
copy: the config still translates (so everything else can be checked), and a warning names
the key to point at the local copy; running refuses until it does.
"""

from collections.abc import Mapping
from pathlib import Path

from paramlens.config.reference.lm_layers import lm_layer_count
from paramlens.config.reference.toy_shapes import resid_mlp_target, tms_target
from paramlens.config.reference.translation import Translation
from paramlens.config.sections.base import KeyPath

TARGET_KEYS = frozenset(
    {
        "pretrained_model_class",
        "pretrained_model_path",
        "pretrained_model_name",
        "pretrained_model_name_hf",
        "pretrained_model_output_attr",
        "tokenizer_name",
        "task_config",
    }
)
_TOY_TASKS = {"tms": "TMSModel", "resid_mlp": "ResidMLP"}
_LM_TASK_KEYS = (
    "task_name",
    "max_seq_len",
    "buffer_size",
    "dataset_name",
    "column_name",
    "train_data_split",
    "eval_data_split",
    "shuffle_each_epoch",
    "is_tokenized",
    "streaming",
    "dataset_seed",
)
# Hub-loading settings that mean nothing for local files.
_HUB_ONLY_TASK_KEYS = (
    "buffer_size",
    "train_data_split",
    "eval_data_split",
    "shuffle_each_epoch",
    "streaming",
    "dataset_seed",
)


def translate_target(
    raw: Mapping[str, object], file_name: str, base_dir: Path, out: Translation
) -> None:
    model_class = raw.get("pretrained_model_class")
    task = out.mapping(raw.get("task_config"), ("task_config",))
    if not isinstance(model_class, str) or task is None:
        if not isinstance(model_class, str):
            out.error((), "missing pretrained_model_class: the class of the model to decompose")
        return
    task_name = task.get("task_name")
    if task_name in _TOY_TASKS:
        _toy(raw, str(task_name), model_class, task, file_name, out)
    elif task_name == "lm":
        _language_model(raw, model_class, base_dir, out)
        _lm_data(raw, task, base_dir, out)
        out.n_layers = lm_layer_count(raw, file_name)
    else:
        out.error(
            ("task_config", "task_name"),
            f"task {task_name!r} is not supported; ParamLens runs tms, resid_mlp and lm",
        )


def _toy(
    raw: Mapping[str, object],
    task_name: str,
    model_class: str,
    task: Mapping[str, object],
    file_name: str,
    out: Translation,
) -> None:
    origin: KeyPath = ("pretrained_model_class",)
    expected = _TOY_TASKS[task_name]
    if model_class.rsplit(".", 1)[-1] != expected:
        out.error(origin, f"task {task_name} needs the reference's {expected}, not {model_class}")
        return
    builtin = tms_target(raw, file_name) if task_name == "tms" else resid_mlp_target(file_name)
    if builtin is None:
        out.error(
            origin,
            f"cannot tell which built-in {expected} this is: keep the reference's "
            "file name (e.g. tms_5-2_config.yaml, resid_mlp1_config.yaml) or write a "
            "native config with target.builtin",
        )
        return
    out.put(("target", "builtin"), builtin, origin)
    source = raw.get("pretrained_model_path") or raw.get("pretrained_model_name")
    if source is not None:
        out.notes.append(
            f"pretrained_model_path: {source} is not fetched; the built-in "
            f"equivalent {builtin} is trained locally instead"
        )
    out.check_keys(
        task, ("task_config",), ("task_name", "feature_probability", "data_generation_type")
    )
    out.refuse(
        task,
        ("task_config",),
        "data_generation_type",
        "at_least_zero_active",
        "ParamLens samples each feature independently (at_least_zero_active)",
    )
    out.put(
        ("data", "synthetic", "feature_probability"),
        task.get("feature_probability"),
        ("task_config", "feature_probability"),
    )


def _language_model(
    raw: Mapping[str, object], model_class: str, base_dir: Path, out: Translation
) -> None:
    key = _model_key(raw)
    location = raw.get(key) if key else None
    output_attr = raw.get("pretrained_model_output_attr")
    if model_class.startswith("transformers."):
        out.put(("target", "huggingface", "path"), location, (key or "pretrained_model_class",))
        if output_attr is not None:
            out.put(
                ("target", "huggingface", "output_attr"),
                output_attr,
                ("pretrained_model_output_attr",),
            )
        local_hint = "./models/<name>"
    else:
        module, _, name = model_class.rpartition(".")
        custom = ("target", "custom")
        out.put((*custom, "class"), f"{module}:{name}", ("pretrained_model_class",))
        out.put((*custom, "weights"), location, (key or "pretrained_model_class",))
        out.put((*custom, "output_attr"), output_attr, ("pretrained_model_output_attr",))
        local_hint = "./model.safetensors"
    if key is None:
        out.error(("pretrained_model_class",), "needs pretrained_model_path: where the model is")
    elif not (base_dir / str(location)).exists():
        out.warn(
            (key,),
            f"{_describe(str(location))}, which cannot be fetched offline; save a "
            f"local copy and set `pretrained_model_path: {local_hint}`",
        )


def _model_key(raw: Mapping[str, object]) -> str | None:
    for key in ("pretrained_model_path", "pretrained_model_name", "pretrained_model_name_hf"):
        if raw.get(key) is not None:
            return key
    return None


def _lm_data(
    raw: Mapping[str, object], task: Mapping[str, object], base_dir: Path, out: Translation
) -> None:
    origin: KeyPath = ("task_config",)
    out.check_keys(task, origin, _LM_TASK_KEYS)
    kind = "tokens" if task.get("is_tokenized") else "text"
    dataset = str(task.get("dataset_name", "lennart-finke/SimpleStories"))
    out.put(("data", kind, "train"), [dataset], (*origin, "dataset_name"))
    out.put(("data", kind, "seq_len"), task.get("max_seq_len", 512), (*origin, "max_seq_len"))
    if kind == "text":
        out.put(
            ("data", kind, "column"), task.get("column_name", "story"), (*origin, "column_name")
        )
    if not (base_dir / dataset).exists():
        files = ".npy token arrays" if kind == "tokens" else ".txt or .jsonl text files"
        out.warn(
            (*origin, "dataset_name"),
            f"{dataset!r} is a Hugging Face Hub dataset, which "
            f"cannot be fetched offline; set it to local {files} (a path or glob pattern)",
        )
    hub_only = [f"task_config.{key}" for key in _HUB_ONLY_TASK_KEYS if key in task]
    if hub_only:
        out.notes.append(f"Not used with local data files: {', '.join(hub_only)}")
    tokenizer = raw.get("tokenizer_name")
    if tokenizer is None:
        if kind == "text":
            out.error((), "missing tokenizer_name: a tokenizer.json for the text")
        return
    out.put(("data", kind, "tokenizer"), tokenizer, ("tokenizer_name",))
    if not (base_dir / str(tokenizer)).is_file():
        out.warn(
            ("tokenizer_name",),
            f"{str(tokenizer)!r} is a hub tokenizer, which cannot be "
            "fetched offline; set it to a local tokenizer.json file",
        )


def _describe(location: str) -> str:
    if location.startswith("wandb:") or "/runs/" in location:
        return f"{location!r} is a W&B run"
    return f"{location!r} is not a local path (a hub name?)"
