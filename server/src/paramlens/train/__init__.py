"""The decomposition engine: a config becomes a trained decomposition in a run directory.
(What it trains, `Decomposition`, with its batches and seeds, is built in `paramlens.core`.)

state       optimiser, adversary and RNG state; checkpoints
warmup      faithfulness warmup before the main loop
step        one optimisation step (spec §6)
loop        steps with metric lines, evaluations and checkpoints between them
recorder    the run directory as the loop's output
stop        stopping between steps on SIGTERM / Ctrl-C
run         a run's life: create, execute, resume; status in run.json

Modules are imported directly (`from paramlens.train.run import create_run`).
"""
