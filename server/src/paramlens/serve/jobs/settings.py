"""How many jobs may run at once on each device, and how long a cancelled job may take to stop.

Only the standard library is imported here: `paramlens serve` parses its flags with it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_DEVICE_LIMIT = re.compile(r"^(cpu|cuda|cuda:[0-9]+)=([0-9]+)$")


@dataclass(frozen=True)
class JobSettings:
    # Keys: `cpu`, `cuda` (each CUDA device) or `cuda:N` (that one device); 1 where unset.
    max_jobs_per_device: Mapping[str, int] = field(default_factory=dict)
    # After SIGTERM a job finishes its step and checkpoints; then it is killed.
    cancel_grace_s: float = 30.0

    def max_jobs(self, device: str) -> int:
        """Jobs that may run at once on `device` (`cpu` or `cuda:N`)."""
        if device in self.max_jobs_per_device:
            return self.max_jobs_per_device[device]
        return self.max_jobs_per_device.get(device.split(":")[0], 1)


def parse_device_limit(text: str) -> tuple[str, int]:
    """`cpu=2` -> ("cpu", 2); ValueError naming the expected form otherwise."""
    match = _DEVICE_LIMIT.fullmatch(text)
    if match is None or int(match.group(2)) < 1:
        raise ValueError(
            f"expected DEVICE=N with DEVICE cpu, cuda or cuda:K and N >= 1, got {text!r}"
        )
    return match.group(1), int(match.group(2))
