"""Data for targets: sparse synthetic features, tokenised text windows, tokenizers."""

from paramlens.data.seeding import keyed_generator
from paramlens.data.sparse_features import SparseFeatureBatches, SparseFeatureTask
from paramlens.data.text import (
    TextDataConfig,
    TextSplits,
    TokenWindows,
    WindowBatches,
    load_text_data,
)
from paramlens.data.tokenizer import END_OF_TEXT, load_tokenizer, train_tokenizer

__all__ = [
    "END_OF_TEXT",
    "SparseFeatureBatches",
    "SparseFeatureTask",
    "TextDataConfig",
    "TextSplits",
    "TokenWindows",
    "WindowBatches",
    "keyed_generator",
    "load_text_data",
    "load_tokenizer",
    "train_tokenizer",
]
