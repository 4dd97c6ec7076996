"""Evaluation of a decomposition: reconstruction under six mask kinds, CE/KL for language
models, fresh-PGD faithfulness, L0 and alive counts, and ground-truth recovery for toys."""

from paramlens.evaluate.ground_truth import MechanismMatch, match_mechanisms
from paramlens.evaluate.mask_kinds import MASK_KINDS
from paramlens.evaluate.metrics import evaluate

__all__ = ["MASK_KINDS", "MechanismMatch", "evaluate", "match_mechanisms"]
