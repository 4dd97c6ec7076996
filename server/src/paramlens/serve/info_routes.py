"""`GET /version` and `GET /devices`: what the server runs and what it can compute on."""

import platform

import torch
from fastapi import APIRouter

from paramlens import __version__
from paramlens.serve.devices import device_status
from paramlens.serve.models import DevicesResponse, VersionResponse

router = APIRouter(tags=["server"])


@router.get("/version", summary="Versions of the server, PyTorch and Python")
def version() -> VersionResponse:
    return VersionResponse(
        version=__version__,
        torch_version=str(torch.__version__),
        python_version=platform.python_version(),
    )


@router.get("/devices", summary="Devices with their total and free memory")
def devices() -> DevicesResponse:
    return DevicesResponse(devices=device_status())
