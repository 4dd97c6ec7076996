"""Post-hoc CI pruning (spec/decomposition.md section 10): the fewest subcomponents that keep
one prompt's target token likely, even when everything else is ablated, one job per module:

target        the prompt and the token to keep predicting
circuit_ci    the free parameters: pre-sigmoid CI of the prompt's alive subcomponents
faithfulness  the target's probability under CI masks, stochastic and adversarial ablation
optimize      the optimisation loop
run_circuit   a run directory in; a circuit graph file and a CircuitResult out

Toy models get the same for one output on one input vector (target.FeatureTarget, its squared
error as the loss): run_feature_circuit writes a feature graph and a FeatureCircuitResult.
"""

from paramlens.analysis.circuit.run_circuit import CircuitResult, find_circuit, optimize_circuit
from paramlens.analysis.circuit.run_feature_circuit import (
    FeatureCircuitResult,
    find_feature_circuit,
    optimize_feature_circuit,
)

__all__ = [
    "CircuitResult",
    "FeatureCircuitResult",
    "find_circuit",
    "find_feature_circuit",
    "optimize_circuit",
    "optimize_feature_circuit",
]
