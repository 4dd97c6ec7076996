"""Subcommands of the `paramlens` CLI.

Each command lives in its own module with a `register(subparsers)` function that adds
its parser and sets `handler`; list that function in `COMMANDS` to add the command.
"""

from paramlens.commands import (
    decompose,
    eval_run,
    export_onnx,
    graph,
    graph_import,
    harvest,
    intervene,
    modules,
    optimize_circuit,
    serve,
    train_target,
    validate,
)
from paramlens.commands.types import RegisterCommand

COMMANDS: tuple[RegisterCommand, ...] = (
    serve.register,
    validate.register,
    train_target.register,
    decompose.register,
    eval_run.register,
    modules.register,
    harvest.register,
    export_onnx.register,
    intervene.register,
    graph.register,
    graph_import.register,
    optimize_circuit.register,
)
