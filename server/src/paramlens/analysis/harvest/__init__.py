"""Harvest: per-subcomponent statistics and top-activating examples, in harvest.sqlite.

`harvest_run` writes the file (`paramlens harvest RUN_DIR`); `read_card` reads one
subcomponent's card from it.
"""

from paramlens.analysis.harvest.cards import CardNotFound, ComponentCard, read_card
from paramlens.analysis.harvest.options import HarvestOptions
from paramlens.analysis.harvest.run import HarvestResult, harvest_run

__all__ = [
    "CardNotFound",
    "ComponentCard",
    "HarvestOptions",
    "HarvestResult",
    "harvest_run",
    "read_card",
]
