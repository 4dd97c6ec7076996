"""Train the short tiny-Llama run of the Python tests into OUT_DIR and export it for inference.

The run is `examples/tiny_llama.decomp.yaml` trained for a few steps (server/tests/lm_runs.py),
then `paramlens export-onnx`: real run files with model.onnx, model.onnx.json and tokenizer.json,
for the language server's inference tests. Usage: python makeOnnxRun.py OUT_DIR
"""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "server" / "tests"))

from lm_runs import SHORT, tiny_llama_run  # noqa: E402


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    run_dir = tiny_llama_run(Path(sys.argv[1]), SHORT)
    subprocess.run(
        [sys.executable, "-m", "paramlens", "export-onnx", str(run_dir)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    main()
