"""Two ways to run the masked decomposed model on NumPy arrays: PyTorch and onnxruntime.

Both take (inputs, component_mask, delta_mask) as `MaskedForward` does and return its
(output, ci), so interventions and benchmarks can swap one for the other.
"""

from pathlib import Path
from typing import Literal, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt
import torch

from paramlens.analysis.export.masked_forward import MaskedForward

FloatArray = npt.NDArray[np.float32]
EngineName = Literal["torch", "onnx"]


class EngineOutput(NamedTuple):
    output: FloatArray  # logits (B, T, vocab) or toy outputs (B, n_out)
    ci: FloatArray  # (B, T, C_total) or (B, C_total)


class Engine(Protocol):
    @property
    def name(self) -> EngineName: ...

    def run(
        self, inputs: npt.NDArray[np.generic], component_mask: FloatArray, delta_mask: FloatArray
    ) -> EngineOutput: ...


class TorchEngine:
    """The run's PyTorch modules, on the device they are on."""

    name: EngineName = "torch"

    def __init__(self, forward: MaskedForward, device: torch.device) -> None:
        self.forward = forward.eval()
        self.device = device

    def run(
        self, inputs: npt.NDArray[np.generic], component_mask: FloatArray, delta_mask: FloatArray
    ) -> EngineOutput:
        def tensor(array: npt.NDArray[np.generic]) -> torch.Tensor:
            return torch.from_numpy(np.ascontiguousarray(array)).to(self.device)

        with torch.no_grad():
            output, ci = self.forward(tensor(inputs), tensor(component_mask), tensor(delta_mask))
        return EngineOutput(_numpy(output), _numpy(ci))


class OnnxEngine:
    """An exported model.onnx in an onnxruntime CPU session.

    threads: intra-op threads (None: onnxruntime's default, every core).
    """

    name: EngineName = "onnx"

    def __init__(self, model_path: Path, threads: int | None = None) -> None:
        import onnxruntime

        if not model_path.is_file():
            raise FileNotFoundError(
                f"{model_path} not found: run `paramlens export-onnx` on the run first"
            )
        options = onnxruntime.SessionOptions()
        if threads is not None:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = [node.name for node in self.session.get_inputs()]

    def run(
        self, inputs: npt.NDArray[np.generic], component_mask: FloatArray, delta_mask: FloatArray
    ) -> EngineOutput:
        feeds = dict(zip(self.input_names, (inputs, component_mask, delta_mask), strict=True))
        output, ci = self.session.run(None, feeds)
        return EngineOutput(np.asarray(output, np.float32), np.asarray(ci, np.float32))


def _numpy(tensor: torch.Tensor) -> FloatArray:
    array: FloatArray = tensor.detach().to("cpu", torch.float32).numpy()
    return array
