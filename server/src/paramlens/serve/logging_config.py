"""Logging setup for `paramlens serve`: everything to stderr, because stdout carries only the
handshake line the extension reads."""

from typing import Any


def _stderr_handler(formatter: str) -> dict[str, str]:
    return {"class": "logging.StreamHandler", "formatter": formatter, "stream": "ext://sys.stderr"}


def _logger(handler: str) -> dict[str, Any]:
    return {"handlers": [handler], "level": "INFO", "propagate": False}


# uvicorn's own default config sends access lines to stdout. Colours are off because the
# extension shows stderr in an output channel, which does not render ANSI codes.
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "default": {
            "()": "uvicorn.logging.DefaultFormatter",
            "fmt": "%(levelprefix)s %(name)s: %(message)s",
            "use_colors": False,
        },
        "access": {
            "()": "uvicorn.logging.AccessFormatter",
            "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
            "use_colors": False,
        },
    },
    "handlers": {"default": _stderr_handler("default"), "access": _stderr_handler("access")},
    "loggers": {
        "uvicorn": _logger("default"),
        "uvicorn.access": _logger("access"),
        "paramlens": _logger("default"),
    },
}
