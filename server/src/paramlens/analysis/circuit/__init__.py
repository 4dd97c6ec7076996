"""Post-hoc CI pruning (spec/decomposition.md section 10): the fewest subcomponents that keep
one input's behaviour (a prompt's target token, a toy's target output), even when everything
else is ablated, one job per module:

target        the behaviour: the token to keep predicting, or the output to keep
circuit_ci    the free parameters: pre-sigmoid CI of the input's alive subcomponents
faithfulness  the behaviour under CI masks, stochastic and adversarial ablation
optimize      the optimisation loop
run_circuit   a run directory in; a circuit graph file and a CircuitResult out
"""

from paramlens.analysis.circuit.run_circuit import CircuitResult, find_circuit, optimize_circuit

__all__ = ["CircuitResult", "find_circuit", "optimize_circuit"]
