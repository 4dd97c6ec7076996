"""ParamLens: stochastic and adversarial parameter decomposition (SPD/VPD) in PyTorch."""

__version__ = "0.1.0"
