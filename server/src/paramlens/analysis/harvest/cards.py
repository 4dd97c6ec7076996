"""Reading one subcomponent's card from harvest.sqlite: primary-key lookups only."""

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from paramlens.analysis.harvest.schema import FORMAT_VERSION


class CardExample(BaseModel):
    """One top-activating example: a window of tokens around the marked one."""

    rank: int  # 0 = strongest: by CI, then by |activation|
    ci: float  # at the marked token
    activation: float  # ‖U_c‖·(x·V_c) at the marked token
    sequence: int  # index of the sequence (sample) in the harvested stream
    position: int  # position of the marked token in that sequence
    marked: int  # index of the marked token inside token_ids
    token_ids: list[int]  # the window (active feature indices for toy targets)
    tokens: list[str]  # token_ids decoded
    ci_values: list[float]  # this subcomponent's CI per token
    activations: list[float]  # its activation per token


class PmiEntry(BaseModel):
    token_id: int
    token: str
    pmi: float
    count: int


class ComponentCard(BaseModel):
    """What the harvest knows about one subcomponent."""

    module: str
    component: int
    density: float  # share of tokens (samples) where CI > ci_threshold
    mean_ci: float
    alive: bool  # mean CI > 1e-6
    n_examples: int
    label: str | None
    input_kind: Literal["tokens", "features"]
    ci_threshold: float
    examples: list[CardExample]  # strongest first, at most the limit asked for
    input_token_pmi: list[PmiEntry]  # highest PMI first
    output_token_pmi: list[PmiEntry]  # empty for toy targets


class ComponentSummary(BaseModel):
    """One subcomponent in a module's listing: its statistics, without examples."""

    component: int
    density: float
    mean_ci: float
    alive: bool
    label: str | None


class ComponentList(BaseModel):
    """A module's subcomponents, densest first."""

    module: str
    C: int
    components: list[ComponentSummary]


class CardNotFound(LookupError):
    """The harvest has no such subcomponent."""


def read_card(db_path: Path, module: str, component: int, limit: int = 30) -> ComponentCard:
    """The card of subcomponent `module`:`component` with its `limit` strongest examples.

    Raises FileNotFoundError without a harvest, ValueError for a file that is not a finished
    harvest of this format version, CardNotFound for a subcomponent the harvest lacks."""
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    with closing(_connect(db_path)) as connection:
        meta = _meta(connection, db_path)
        row = connection.execute(
            "SELECT density, mean_ci, alive, n_examples, label FROM components "
            "WHERE module = ? AND component = ?",
            (module, component),
        ).fetchone()
        if row is None:
            raise CardNotFound(_missing(connection, module, component))
        density, mean_ci, alive, n_examples, label = row
        examples = connection.execute(
            "SELECT rank, ci, activation, sequence, position, marked, token_ids, ci_values, "
            "activations FROM examples WHERE module = ? AND component = ? ORDER BY rank LIMIT ?",
            (module, component, limit),
        ).fetchall()
        token_ids = [json.loads(example[6]) for example in examples]
        input_pmi = _pmi(connection, "input_token_pmi", module, component)
        output_pmi = _pmi(connection, "output_token_pmi", module, component)
        needed = {t for ids in token_ids for t in ids} | {e[0] for e in input_pmi + output_pmi}
        text = _vocab(connection, needed)
    return ComponentCard(
        module=module,
        component=component,
        density=density,
        mean_ci=mean_ci,
        alive=bool(alive),
        n_examples=n_examples,
        label=label,
        input_kind="features" if meta["input_kind"] == "features" else "tokens",
        ci_threshold=float(meta["ci_threshold"]),
        examples=[
            CardExample(
                rank=rank,
                ci=ci,
                activation=activation,
                sequence=sequence,
                position=position,
                marked=marked,
                token_ids=ids,
                tokens=[text.get(t, "") for t in ids],
                ci_values=json.loads(ci_values),
                activations=json.loads(activations),
            )
            for (
                rank,
                ci,
                activation,
                sequence,
                position,
                marked,
                _,
                ci_values,
                activations,
            ), ids in zip(examples, token_ids, strict=True)
        ],
        input_token_pmi=[_entry(row, text) for row in input_pmi],
        output_token_pmi=[_entry(row, text) for row in output_pmi],
    )


def list_components(db_path: Path, module: str, limit: int = 100) -> ComponentList:
    """The `limit` densest subcomponents of `module` (a range scan of the module's rows).

    Raises FileNotFoundError without a harvest, ValueError for a file that is not a finished
    harvest, CardNotFound for a module the harvest does not have."""
    with closing(_connect(db_path)) as connection:
        _meta(connection, db_path)
        found = connection.execute("SELECT C FROM modules WHERE module = ?", (module,)).fetchone()
        if found is None:
            raise CardNotFound(f"the harvest has no module {module!r}")
        rows = connection.execute(
            "SELECT component, density, mean_ci, alive, label FROM components WHERE module = ? "
            "ORDER BY density DESC, component LIMIT ?",
            (module, limit),
        ).fetchall()
    return ComponentList(
        module=module,
        C=int(found[0]),
        components=[
            ComponentSummary(
                component=int(c), density=float(d), mean_ci=float(m), alive=bool(a), label=label
            )
            for c, d, m, a, label in rows
        ],
    )


def _connect(db_path: Path) -> sqlite3.Connection:
    if not db_path.is_file():
        raise FileNotFoundError(f"no harvest at {db_path}; run `paramlens harvest` first")
    return sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)


def _meta(connection: sqlite3.Connection, db_path: Path) -> dict[str, str]:
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as error:
        raise ValueError(f"{db_path} is not a harvest database: {error}") from None
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"{db_path} has format_version {version!r}; this version reads {FORMAT_VERSION!r}"
        )
    if meta.get("status") != "done":
        raise ValueError(f"{db_path} is not a finished harvest (status {meta.get('status')!r})")
    return meta


def _pmi(
    connection: sqlite3.Connection, table: str, module: str, component: int
) -> list[tuple[int, float, int]]:
    rows = connection.execute(
        f"SELECT token_id, pmi, count FROM {table} WHERE module = ? AND component = ? "
        "ORDER BY rank",
        (module, component),
    ).fetchall()
    return [(int(t), float(p), int(c)) for t, p, c in rows]


def _vocab(connection: sqlite3.Connection, token_ids: set[int]) -> dict[int, str]:
    rows = connection.execute(
        "SELECT token_id, text FROM vocab WHERE token_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(token_ids)),),
    )
    return {int(token_id): str(text) for token_id, text in rows}


def _entry(row: tuple[int, float, int], text: dict[int, str]) -> PmiEntry:
    token_id, pmi, count = row
    return PmiEntry(token_id=token_id, token=text.get(token_id, ""), pmi=pmi, count=count)


def _missing(connection: sqlite3.Connection, module: str, component: int) -> str:
    found = connection.execute("SELECT C FROM modules WHERE module = ?", (module,)).fetchone()
    if found is None:
        return f"the harvest has no module {module!r}"
    return f"{module} has components 0..{found[0] - 1}; there is no component {component}"
