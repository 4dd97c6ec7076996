"""Parameter decomposition math (spec/decomposition.md sections 1-6), one job per module:

module_patterns  fnmatch patterns -> the modules to decompose and their C
module_kinds     supported module types (Linear, HF Conv1D, Embedding) and their weights
components       rank-one subcomponents V, U of one module and the masked forward
component_model  the frozen target with components hooked in; input/act caches
sigmoids         lower/upper leaky clamps turning CI logits into causal importances
ci_functions     layerwise CI functions (mlp, vector_mlp, shared_mlp)
ci_transformer   the global bidirectional CI transformer (VPD)
masks            stochastic masks, masks from sources, uniform-k-subset routing
pgd              persistent PGD (training) and fresh PGD (evaluation) adversaries
output_losses    KL / MSE between outputs, one masked reconstruction forward
losses           faithfulness, importance minimality, reconstruction losses
schedules        learning-rate and p schedules
"""
