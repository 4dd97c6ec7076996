"""Writing harvest.sqlite: built in a temporary file, then renamed into place, so a reader sees
the previous complete file or the new complete one, never a partial one."""

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from paramlens.analysis.harvest.pmi import PmiTable
from paramlens.analysis.harvest.schema import DDL
from paramlens.analysis.harvest.windows import ExampleRows
from paramlens.runs.atomic import atomic_write

DECIMALS = 6  # per-token CI and activation values, and PMI, are stored rounded to this many places

Row = tuple[object, ...]


@dataclass(frozen=True)
class HarvestContents:
    meta: dict[str, str]
    modules: Sequence[tuple[str, int]]  # (path, C) in sorted path order: the C_total layout
    density: NDArray[np.float64]  # (C_total,)
    mean_ci: NDArray[np.float64]
    alive: NDArray[np.bool_]
    examples: ExampleRows
    vocab: Sequence[str]  # text of token (feature) i
    input_pmi: PmiTable
    output_pmi: PmiTable | None


def write_database(path: Path, contents: HarvestContents) -> None:
    def write(tmp: Path) -> None:
        connection = sqlite3.connect(tmp)
        try:
            # A private file until renamed: no journal or syncs needed while filling it.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.executescript(DDL)
            _fill(connection, contents)
            connection.commit()
        finally:
            connection.close()

    atomic_write(path, write)


def _fill(connection: sqlite3.Connection, contents: HarvestContents) -> None:
    addresses = _addresses(contents.modules)
    connection.executemany("INSERT INTO meta VALUES (?, ?)", sorted(contents.meta.items()))
    connection.executemany(
        "INSERT INTO modules VALUES (?, ?, ?)",
        [(path, order, C) for order, (path, C) in enumerate(contents.modules)],
    )
    n_examples = np.bincount(contents.examples.component, minlength=len(addresses))
    connection.executemany(
        "INSERT INTO components VALUES (?, ?, ?, ?, ?, ?, NULL)",
        (
            (
                *addresses[i],
                float(contents.density[i]),
                float(contents.mean_ci[i]),
                int(contents.alive[i]),
                int(n_examples[i]),
            )
            for i in range(len(addresses))
        ),
    )
    connection.executemany(
        "INSERT INTO examples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _example_rows(contents.examples, addresses),
    )
    connection.executemany("INSERT INTO vocab VALUES (?, ?)", enumerate(contents.vocab))
    connection.executemany(
        "INSERT INTO input_token_pmi VALUES (?, ?, ?, ?, ?, ?)",
        _pmi_rows(contents.input_pmi, addresses),
    )
    if contents.output_pmi is not None:
        connection.executemany(
            "INSERT INTO output_token_pmi VALUES (?, ?, ?, ?, ?, ?)",
            _pmi_rows(contents.output_pmi, addresses),
        )


def _addresses(modules: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """(module, component) of every C_total index."""
    return [(path, c) for path, C in modules for c in range(C)]


def _example_rows(rows: ExampleRows, addresses: list[tuple[str, int]]) -> Iterator[Row]:
    ci_values = np.round(rows.ci_values.astype(np.float64), DECIMALS)
    activations = np.round(rows.activations.astype(np.float64), DECIMALS)
    for i in range(len(rows)):
        window = slice(int(rows.start[i]), int(rows.stop[i]))
        yield (
            *addresses[rows.component[i]],
            int(rows.rank[i]),
            float(rows.ci[i]),
            float(rows.activation[i]),
            int(rows.sequence[i]),
            int(rows.position[i]),
            int(rows.marked[i]) - window.start,
            _json(rows.token_ids[i, window].tolist()),
            _json(ci_values[i, window].tolist()),
            _json(activations[i, window].tolist()),
        )


def _pmi_rows(table: PmiTable, addresses: list[tuple[str, int]]) -> Iterator[Row]:
    component, rank = table.valid().nonzero(as_tuple=True)
    token_id = table.token_id[component, rank].tolist()
    pmi = table.pmi[component, rank].double().numpy().round(DECIMALS).tolist()
    count = table.count[component, rank].tolist()
    for i, (c, r) in enumerate(zip(component.tolist(), rank.tolist(), strict=True)):
        yield (*addresses[c], r, token_id[i], pmi[i], count[i])


def _json(values: list[int] | list[float]) -> str:
    return json.dumps(values, separators=(",", ":"))
