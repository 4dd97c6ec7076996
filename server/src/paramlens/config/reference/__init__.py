"""The reference implementation's config format (`goodfire-ai/spd`, spec §7), translated."""

from paramlens.config.reference.detect import is_reference_format
from paramlens.config.reference.translate import translate_reference
from paramlens.config.reference.translation import Translation

__all__ = ["Translation", "is_reference_format", "translate_reference"]
