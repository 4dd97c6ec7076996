"""`paramlens serve`: run the decomposition server (docs/protocol.md)."""

import argparse
import os
import sys
from pathlib import Path

from paramlens.commands.types import Subparsers
from paramlens.serve.jobs.settings import JobSettings, parse_device_limit
from paramlens.serve.listen import CannotListen, listen

TOKEN_ENV_VAR = "PARAMLENS_TOKEN"


def port_number(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, got {port}")
    return port


def non_empty_token(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("token must not be empty")
    return text


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the decomposition server",
        description=(
            "Listen for HTTP requests and print one JSON line with the URL and token on stdout. "
            "Every request must carry the token as 'Authorization: Bearer <token>'."
        ),
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s); any other than loopback needs --token",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=0,
        help="port to listen on; 0 (default) lets the OS pick one",
    )
    parser.add_argument(
        "--token",
        type=non_empty_token,
        # An environment variable keeps a chosen token out of the process list on shared machines.
        default=os.environ.get(TOKEN_ENV_VAR) or None,
        help=f"bearer token clients must send (default: ${TOKEN_ENV_VAR}, else a random one)",
    )
    parser.add_argument(
        "--runs-root",
        type=Path,
        default=Path("runs"),
        help="directory holding the run directories (default: ./%(default)s)",
    )
    parser.add_argument(
        "--exit-on-stdin-close",
        action="store_true",
        help="shut down when stdin reaches end of file, e.g. because the parent process died",
    )
    parser.add_argument(
        "--max-jobs-per-device",
        type=device_limit,
        action="append",
        default=[],
        metavar="DEVICE=N",
        help=(
            "jobs that may run at once on a device: cpu, cuda (each CUDA device) or cuda:K; "
            "repeat for several devices (default: 1 each)"
        ),
    )
    parser.add_argument(
        "--cancel-grace",
        type=positive_seconds,
        default=JobSettings().cancel_grace_s,
        metavar="SECONDS",
        help="how long a cancelled job may take to checkpoint before it is killed "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=positive_bytes,
        default=1024 * 1024,
        metavar="BYTES",
        help="largest request body accepted; larger ones get 413 (default: %(default)s)",
    )
    parser.set_defaults(handler=_serve)


def device_limit(text: str) -> tuple[str, int]:
    try:
        return parse_device_limit(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive_seconds(text: str) -> float:
    seconds = float(text)
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return seconds


def positive_bytes(text: str) -> int:
    size = int(text)
    if size < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes, got {text}")
    return size


def _serve(args: argparse.Namespace) -> int:
    try:
        sock = listen(args.host, args.port, token_given=args.token is not None)
    except CannotListen as error:
        print(f"paramlens serve: {error}", file=sys.stderr)
        return error.exit_code
    # Imported only now because the app imports torch, which takes seconds; a refusal above
    # and every other command stay fast.
    from paramlens.serve.server import run_server

    return run_server(
        sock,
        token=args.token,
        runs_root=args.runs_root,
        exit_on_stdin_close=args.exit_on_stdin_close,
        job_settings=JobSettings(dict(args.max_jobs_per_device), args.cancel_grace),
        max_body_bytes=args.max_body_bytes,
    )
