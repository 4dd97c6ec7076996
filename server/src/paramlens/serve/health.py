"""`GET /health`: the server is up, and what it can compute on."""

import torch
from fastapi import APIRouter

from paramlens import __version__
from paramlens.devices import cuda_problem
from paramlens.serve.devices import list_devices
from paramlens.serve.models import HealthResponse

router = APIRouter()


@router.get("/health")
def health() -> HealthResponse:
    return HealthResponse(
        status="ok",
        version=__version__,
        torch_version=str(torch.__version__),
        devices=list_devices(),
        cuda_problem=cuda_problem(),
    )
