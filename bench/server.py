"""Decomposition-server benchmark: card latency, event-stream throughput, intervention latency.

    npm run bench:server            # or: .venv/bin/python bench/server.py [--quick]

Starts a real `paramlens serve` on loopback with an empty runs root and builds the runs through
its own API: the tiny Llama example trained for a few steps and harvested (2 batches), and a
TMS 5-2 run that logs every step. Then it measures

- card_p50_ms / card_p95_ms: `GET /runs/{id}/components/{module}/{index}` for random alive
  subcomponents, one request after another on one connection; card_concurrent_*: the same
  with 8 clients at once, and their requests per second;
- events_per_s: events a client receives per second reading the TMS run's whole event
  stream from the start (SSE, one metrics event per step);
- intervene_p50_ms / intervene_p95_ms: `POST /runs/{id}/intervene` keeping 16 subcomponents
  of every module, once the run is loaded (intervene_first_ms includes loading it).

Built-in targets come from the target cache (~/.cache/paramlens). The last stdout line is
one JSON object.
"""

import argparse
import json
import random
import select
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = 0
HANDSHAKE_TIMEOUT_S = 120
CONCURRENT_CLIENTS = 8
PROMPT = "Once upon a time there was a little girl who"

# The tiny Llama example, trained just long enough to have real run files to read.
SHORT_LLAMA = {
    "training.steps": 6,
    "training.faithfulness_warmup.steps": 60,
    "logging.log_every": 3,
    "logging.eval_every": 6,
    "logging.eval_batch_size": 4,
}


class Server:
    """A `paramlens serve` subprocess and a client that sends its token."""

    def __init__(self, process: "subprocess.Popen[str]", url: str, token: str) -> None:
        self.process = process
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}"}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=600)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        with self.client() as client:
            response = client.request(method, path, **kwargs)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def events(self, run_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The run's events from the first, until its stream ends."""
        timeout = httpx.Timeout(30, read=600)
        with httpx.stream(
            "GET",
            f"{self.url}/runs/{run_id}/events",
            headers=self.headers,
            timeout=timeout,
        ) as response:
            response.raise_for_status()
            kind, data = "", ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    data = line[5:].strip()
                elif line == "" and data:
                    yield kind, json.loads(data)
                    kind, data = "", ""


@contextmanager
def running_server(runs_root: Path, log: Path) -> Iterator[Server]:
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "paramlens", "serve", "--port", "0"]
            + ["--runs-root", str(runs_root), "--max-jobs-per-device", "cpu=2"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            assert process.stdout is not None
            ready, _, _ = select.select([process.stdout], [], [], HANDSHAKE_TIMEOUT_S)
            if not ready:
                raise TimeoutError(f"no handshake from the server; see {log}")
            handshake = json.loads(process.stdout.readline())
            yield Server(process, handshake["url"], handshake["token"])
        finally:
            process.terminate()
            process.communicate(timeout=60)


def _config(name: str, overrides: dict[str, Any]) -> str:
    config = yaml.safe_load((EXAMPLES / name).read_text())
    for dotted, value in overrides.items():
        *parents, key = dotted.split(".")
        node = config
        for parent in parents:
            node = node.setdefault(parent, {})
        node[key] = value
    return yaml.safe_dump(config, sort_keys=False)


def create_run(server: Server, name: str, overrides: dict[str, Any]) -> str:
    """Queue a run of examples/`name` with dotted-key overrides; its ID."""
    body = {"config": _config(name, overrides), "config_path": str(EXAMPLES / name)}
    run: dict[str, Any] = server.call("POST", "/runs", json=body)
    return str(run["run_id"])


def wait_until_idle(server: Server, run_id: str) -> None:
    """Follow the run's events until its job has ended; fail unless it succeeded."""
    for _ in server.events(run_id):
        pass
    run = server.call("GET", f"/runs/{run_id}")
    if run["status"] != "done":
        raise RuntimeError(f"run {run_id} ended {run['status']}: {run['error']}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latencies_ms(
    server: Server,
    send: Callable[[httpx.Client, int], None],
    count: int,
    clients: int = 1,
) -> list[float]:
    """Milliseconds of each `send(client, i)`, i < count, from `clients` threads at once, each
    with a connection of its own."""

    def work(first: int) -> list[float]:
        times = []
        with server.client() as client:
            for i in range(first, count, clients):
                start = time.perf_counter()
                send(client, i)
                times.append((time.perf_counter() - start) * 1000)
        return times

    with ThreadPoolExecutor(clients) as pool:
        return [t for times in pool.map(work, range(clients)) for t in times]


def expect_ok(response: httpx.Response) -> None:
    if response.status_code != 200:
        request = response.request
        raise RuntimeError(
            f"{request.method} {request.url.path}: {response.status_code} {response.text}"
        )


def harvest_rows(db_path: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)) as db:
        return db.execute(query).fetchall()


def bench_cards(server: Server, run_id: str, db_path: Path, requests: int) -> dict[str, float]:
    alive = harvest_rows(db_path, "SELECT module, component FROM components WHERE alive = 1")
    if not alive:
        raise RuntimeError(f"{db_path} has no alive subcomponent")
    rng = random.Random(SEED)
    paths = [f"/runs/{run_id}/components/{m}/{c}" for m, c in rng.choices(alive, k=requests)]

    def send(client: httpx.Client, i: int) -> None:
        expect_ok(client.get(paths[i]))

    latencies_ms(server, send, min(50, requests))  # warm-up
    sequential = latencies_ms(server, send, requests)
    start = time.perf_counter()
    concurrent = latencies_ms(server, send, requests, CONCURRENT_CLIENTS)
    elapsed = time.perf_counter() - start
    return {
        "card_p50_ms": statistics.median(sequential),
        "card_p95_ms": percentile(sequential, 0.95),
        "card_concurrent_p50_ms": statistics.median(concurrent),
        "card_concurrent_p95_ms": percentile(concurrent, 0.95),
        "card_concurrent_per_s": requests / elapsed,
        "alive_components": len(alive),
    }


def bench_events(server: Server, run_id: str, repeats: int) -> dict[str, float]:
    rates, count = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        count = sum(1 for _ in server.events(run_id))
        rates.append(count / (time.perf_counter() - start))
    return {"events_per_s": statistics.median(rates), "events_in_stream": count}


def bench_intervene(server: Server, run_id: str, db_path: Path, requests: int) -> dict[str, float]:
    modules = [str(row[0]) for row in harvest_rows(db_path, "SELECT module FROM modules")]
    body = {
        "prompt": PROMPT,
        "keep": [f"{module}:{index}" for module in sorted(modules) for index in range(16)],
        "target": " a",
    }

    def send(client: httpx.Client, i: int) -> None:
        expect_ok(client.post(f"/runs/{run_id}/intervene", json=body))

    first = latencies_ms(server, send, 1)[0]  # loads the run
    times = latencies_ms(server, send, requests)
    return {
        "intervene_first_ms": first,
        "intervene_p50_ms": statistics.median(times),
        "intervene_p95_ms": percentile(times, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and steps")
    args = parser.parse_args()
    card_requests, tms_steps, intervene_requests = (
        (100, 500, 20) if args.quick else (500, 3000, 100)
    )
    with tempfile.TemporaryDirectory(prefix="paramlens-bench-server-") as tmp:
        runs_root = Path(tmp) / "runs"
        with running_server(runs_root, Path(tmp) / "server.log") as server:
            started = time.perf_counter()
            llama = create_run(server, "tiny_llama.decomp.yaml", SHORT_LLAMA)
            tms = create_run(
                server,
                "tms_5-2.decomp.yaml",
                {
                    "training.steps": tms_steps,
                    "logging.log_every": 1,
                    "logging.eval_every": tms_steps,
                    "logging.checkpoint_every": tms_steps,
                },
            )
            wait_until_idle(server, llama)
            harvest = {"kind": "harvest", "params": {"batches": 2}}
            server.call("POST", f"/runs/{llama}/jobs", json=harvest)
            wait_until_idle(server, llama)
            wait_until_idle(server, tms)
            setup_s = time.perf_counter() - started
            db_path = runs_root / llama / "harvest.sqlite"
            result: dict[str, Any] = {
                **bench_cards(server, llama, db_path, card_requests),
                **bench_events(server, tms, repeats=3),
                **bench_intervene(server, llama, db_path, intervene_requests),
                "card_requests": card_requests,
                "concurrent_clients": CONCURRENT_CLIENTS,
                "setup_s": setup_s,
            }
    print(
        json.dumps({key: round(v, 3) if isinstance(v, float) else v for key, v in result.items()})
    )


if __name__ == "__main__":
    main()
