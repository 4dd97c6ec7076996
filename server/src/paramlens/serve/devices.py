"""The devices this process can run torch on."""

import os
import platform

import torch

from paramlens.serve.models import DeviceInfo, DeviceStatus

_MIB = 1024 * 1024


def _cpu() -> DeviceInfo:
    machine = platform.processor() or platform.machine() or "unknown"
    threads = os.cpu_count()
    capability = torch.backends.cpu.get_cpu_capability()
    return DeviceInfo(
        name="cpu",
        kind="cpu",
        description=f"{machine} CPU, {threads} threads, {capability}",
        memory_total_mb=None,
    )


def _cuda(index: int) -> DeviceInfo:
    properties = torch.cuda.get_device_properties(index)
    return DeviceInfo(
        name=f"cuda:{index}",
        kind="cuda",
        description=properties.name,
        memory_total_mb=properties.total_memory // _MIB,
    )


def list_devices() -> list[DeviceInfo]:
    """The CPU first, then every visible CUDA device in index order."""
    cuda_count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    return [_cpu(), *(_cuda(index) for index in range(cuda_count))]


def device_status() -> list[DeviceStatus]:
    """`list_devices` with the memory free on each CUDA device now."""
    statuses = []
    for device in list_devices():
        free = None
        if device.kind == "cuda":
            free_bytes, _ = torch.cuda.mem_get_info(torch.device(device.name))
            free = free_bytes // _MIB
        statuses.append(DeviceStatus(**device.model_dump(), memory_free_mb=free))
    return statuses
