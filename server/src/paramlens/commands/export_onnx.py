"""`paramlens export-onnx`: write a run's decomposition as model.onnx with masks as inputs."""

import argparse
import json
import sys
from pathlib import Path

from paramlens.commands.arguments import add_run_dir_argument, positive, usage_error
from paramlens.commands.types import Subparsers

EXIT_FAILED = 1
_STAGES = ("load", "export", "check", "write")


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "export-onnx",
        help="export a run's decomposition to ONNX",
        description=(
            "Write RUN_DIR/model.onnx: the target with its components in place, taking token "
            "ids (or features for toy targets), a mask per subcomponent and per module's Δ "
            "component, and returning the output and the causal importances. Also writes the "
            "sidecar model.onnx.json and copies tokenizer.json into the run directory "
            "(docs/formats.md). onnxruntime checks the exported graph against PyTorch before "
            "the files are put in place. Prints one JSON object with the files written."
        ),
    )
    add_run_dir_argument(parser)
    parser.add_argument(
        "--opset", type=positive, metavar="N", help="ONNX opset (default 18, the oldest allowed)"
    )
    parser.add_argument("--out", type=Path, metavar="PATH", help="default: RUN_DIR/model.onnx")
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from paramlens.analysis.export.onnx_file import DEFAULT_OPSET, export_onnx
    from paramlens.core.loaded_run import load_run

    with tqdm(total=len(_STAGES), desc="load", unit="stage", file=sys.stderr) as bar:

        def on_stage(name: str) -> None:
            bar.update()
            bar.set_description(name)

        try:
            run = load_run(args.run_dir, device="cpu")
            with run.threads():
                result = export_onnx(run, args.out, args.opset or DEFAULT_OPSET, on_stage)
            bar.update()
        except (FileNotFoundError, ValueError) as error:
            bar.close()
            return usage_error("export-onnx", error)
        except RuntimeError as error:
            bar.close()
            print(f"paramlens export-onnx: export failed: {error}", file=sys.stderr)
            return EXIT_FAILED
    tokenizer = None if result.tokenizer is None else str(result.tokenizer)
    summary = {"model": str(result.model), "sidecar": str(result.sidecar), "tokenizer": tokenizer}
    print(json.dumps(summary | {"max_abs_diff": result.max_abs_diff}))
    return 0
