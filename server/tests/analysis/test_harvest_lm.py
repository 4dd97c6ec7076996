"""Harvest of the short tiny-Llama run: every stored number against an independent
recomputation on the same tokens, the ranking, the PMI tables and the card reader."""

import dataclasses
import json
import math
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import Tensor

from paramlens.analysis.harvest import CardNotFound, HarvestOptions, harvest_run, read_card
from paramlens.cli import main
from paramlens.core.loaded_run import LoadedRun, load_run
from paramlens.data import WindowBatches
from paramlens.decomp.sigmoids import lower_leaky
from paramlens.devices import single_thread
from paramlens.runs import read_manifest, write_manifest

OPTIONS = HarvestOptions(batches=3, batch_size=8, top_k=5, context=4, ci_threshold=0.1)
N_SEQUENCES = 24  # batches × batch_size


@dataclass(frozen=True)
class Direct:
    """CI and activation of every subcomponent at every harvested token, computed one
    sequence at a time straight from the model, the CI function and U, V."""

    tokens: Tensor  # (N_SEQUENCES, T)
    ci: Tensor  # (N_SEQUENCES, T, C_total)
    acts: Tensor  # (N_SEQUENCES, T, C_total)
    probs: Tensor  # (N_SEQUENCES, T, vocab): the target's next-token distribution
    offsets: dict[str, int]  # module -> its first index in C_total


@pytest.fixture(scope="module")
def run(short_llama_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedRun]:
    """A copy of the short run (the session's run stays untouched), harvested once."""
    with single_thread():
        copy = tmp_path_factory.mktemp("harvest-lm") / "run"
        shutil.copytree(short_llama_run, copy)
        harvest_run(copy, OPTIONS)
        yield load_run(copy, "cpu")


@pytest.fixture(scope="module")
def db(run: LoadedRun) -> Path:
    return run.paths.root / "harvest.sqlite"


@pytest.fixture(scope="module")
def direct(run: LoadedRun) -> Direct:
    d = run.decomposition
    train = d.batches.train
    assert isinstance(train, WindowBatches)
    one_at_a_time = WindowBatches(train.windows, 1, train.seed, train.stream)
    tokens, cis, acts, probs = [], [], [], []
    components = d.model.components_by_path
    with torch.no_grad():
        for sequence in range(N_SEQUENCES):
            batch = one_at_a_time.batch_at(sequence)
            clean = d.model(batch, cache=["inputs"])
            logits = d.ci_fn(clean.inputs, components)
            tokens.append(batch[0])
            cis.append(torch.cat([lower_leaky(logits[p])[0] for p in components], -1))
            acts.append(
                torch.cat(
                    [
                        c.component_acts(clean.inputs[p])[0] * c.U.norm(dim=1)
                        for p, c in components.items()
                    ],
                    -1,
                )
            )
            probs.append(torch.softmax(clean.output[0], -1))
    offsets, first = {}, 0
    for path, C in d.model.module_C.items():
        offsets[path] = first
        first += C
    return Direct(
        torch.stack(tokens), torch.stack(cis), torch.stack(acts), torch.stack(probs), offsets
    )


def _rows(db: Path, query: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(query, args).fetchall()


def test_the_file_opens_with_sqlite3_and_describes_the_harvest(
    run: LoadedRun, db: Path, direct: Direct
) -> None:
    meta = dict(_rows(db, "SELECT key, value FROM meta"))
    assert meta == {
        "format_version": "1",
        "run_id": run.manifest.run_id,
        "weights_step": str(run.step),
        "ci_threshold": "0.1",
        "top_k": "5",
        "context": "4",
        "input_kind": "tokens",
        "n_tokens": str(direct.tokens.numel()),
        "status": "done",
    }
    modules = _rows(db, "SELECT module, module_order, C FROM modules ORDER BY module_order")
    assert modules == [
        (p, i, C) for i, (p, C) in enumerate(run.decomposition.model.module_C.items())
    ]
    c_total = sum(C for _, _, C in modules)
    assert _rows(db, "SELECT count(*) FROM components") == [(c_total,)]
    assert _rows(db, "SELECT count(*), min(token_id), max(token_id) FROM vocab") == [
        (4096, 0, 4095)
    ]
    tokenizer = run.tokenizer
    assert tokenizer is not None
    assert _rows(db, "SELECT text FROM vocab WHERE token_id = 300") == [(tokenizer.decode([300]),)]
    assert not (run.paths.root / ".harvest-state.safetensors").exists()


def test_density_and_mean_ci_match_a_direct_computation(db: Path, direct: Direct) -> None:
    fires = (direct.ci > 0.1).flatten(0, 1).double()
    ci = direct.ci.flatten(0, 1).double()
    for module, first in direct.offsets.items():
        rows = _rows(
            db,
            "SELECT component, density, mean_ci, alive FROM components WHERE module = ? "
            "ORDER BY component",
            module,
        )
        density = torch.tensor([r[1] for r in rows], dtype=torch.float64)
        mean_ci = torch.tensor([r[2] for r in rows], dtype=torch.float64)
        columns = slice(first, first + len(rows))
        assert torch.equal(density, fires[:, columns].mean(0)), module
        torch.testing.assert_close(mean_ci, ci[:, columns].mean(0), rtol=1e-5, atol=1e-7)
        assert [bool(r[3]) for r in rows] == (ci[:, columns].mean(0) > 1e-6).tolist()


def test_examples_are_firing_tokens_whose_windows_match_a_recomputation(
    db: Path, direct: Direct
) -> None:
    examples = _rows(
        db,
        "SELECT module, component, rank, ci, activation, sequence, position, marked, "
        "token_ids, ci_values, activations FROM examples",
    )
    assert len(examples) > 100
    for (
        module,
        component,
        _,
        ci,
        activation,
        sequence,
        position,
        marked,
        ids,
        cis,
        acts,
    ) in examples:
        c = direct.offsets[module] + component
        token_ids, ci_values, activations = json.loads(ids), json.loads(cis), json.loads(acts)
        assert len(token_ids) == len(ci_values) == len(activations)
        first = position - marked
        assert first == max(0, position - 4)
        assert len(token_ids) == min(position + 5, 64) - first
        window = slice(first, first + len(token_ids))
        assert token_ids == direct.tokens[sequence, window].tolist()
        expected_ci = direct.ci[sequence, window, c]
        expected_acts = direct.acts[sequence, window, c]
        torch.testing.assert_close(torch.tensor(ci_values), expected_ci, rtol=0, atol=1e-5)
        torch.testing.assert_close(torch.tensor(activations), expected_acts, rtol=0, atol=1e-5)
        # The marked token fires, and the ranked values are its CI and activation.
        assert ci > 0.1 and direct.ci[sequence, position, c] > 0.1
        assert ci == pytest.approx(float(direct.ci[sequence, position, c]), abs=1e-5)
        assert activation == pytest.approx(float(direct.acts[sequence, position, c]), abs=1e-5)


def test_examples_are_ranked_by_ci_then_activation_one_per_sequence(db: Path) -> None:
    examples = _rows(
        db,
        "SELECT module, component, rank, ci, activation, sequence FROM examples "
        "ORDER BY module, component, rank",
    )
    counts = dict(
        ((module, component), n)
        for module, component, n in _rows(
            db, "SELECT module, component, n_examples FROM components"
        )
    )
    by_component: dict[tuple[object, object], list[tuple[object, ...]]] = {}
    for row in examples:
        by_component.setdefault((row[0], row[1]), []).append(row)
    assert sum(counts.values()) == len(examples)
    for key, rows in by_component.items():
        assert counts[key] == len(rows) <= 5
        assert [r[2] for r in rows] == list(range(len(rows)))
        assert len({r[5] for r in rows}) == len(rows), "one example per sequence"
        strength = [(r[3], abs(r[4])) for r in rows]  # type: ignore[arg-type]
        assert strength == sorted(strength, reverse=True), key
    # A subcomponent that fires in fewer than top_k sequences keeps all of them.
    for module, component, n in _rows(db, "SELECT module, component, n_examples FROM components"):
        assert n == len(by_component.get((module, component), []))


def test_input_and_output_pmi_match_direct_counts(db: Path, direct: Direct) -> None:
    tokens = direct.tokens.flatten()
    ci = direct.ci.flatten(0, 1)
    probs = direct.probs.flatten(0, 1)
    top = probs.topk(10, dim=-1)
    counted = torch.zeros_like(probs).scatter(1, top.indices, top.values)  # top-10 mass only
    n = len(tokens)
    module = "h.1.mlp.down_proj"
    checked = 0
    for (component,) in _rows(
        db, "SELECT component FROM components WHERE module = ? AND n_examples > 0 LIMIT 5", module
    ):
        fires = ci[:, direct.offsets[module] + component] > 0.1
        inputs = _rows(
            db,
            "SELECT rank, token_id, pmi, count FROM input_token_pmi "
            "WHERE module = ? AND component = ? ORDER BY rank",
            module,
            component,
        )
        assert 0 < len(inputs) <= 40
        for _, token, pmi, count in inputs:
            joint = int(((tokens == token) & fires).sum())
            base = int((tokens == token).sum())
            assert count == joint
            assert pmi == pytest.approx(math.log(joint * n / (int(fires.sum()) * base)), abs=1e-5)
        keys = [(pmi, count) for _, _, pmi, count in inputs]
        assert keys == sorted(keys, reverse=True)
        outputs = _rows(
            db,
            "SELECT token_id, pmi, count FROM output_token_pmi "
            "WHERE module = ? AND component = ? ORDER BY rank",
            module,
            component,
        )
        assert 0 < len(outputs) <= 40
        for token, pmi, count in outputs:
            mass = counted[:, token]
            expected = math.log(
                float(mass[fires].sum()) * n / (int(fires.sum()) * float(mass.sum()))
            )
            assert pmi == pytest.approx(expected, abs=1e-4)
            assert count == int((fires & (mass > 0)).sum())
        checked += 1
    assert checked == 5


def test_a_card_is_read_with_primary_key_lookups(db: Path, direct: Direct) -> None:
    module, component = _rows(
        db, "SELECT module, component FROM components WHERE n_examples = 5 LIMIT 1"
    )[0]
    assert isinstance(module, str) and isinstance(component, int)
    card = read_card(db, module, component, limit=3)
    assert (card.module, card.component, card.n_examples, card.alive) == (
        module,
        component,
        5,
        True,
    )
    assert [e.rank for e in card.examples] == [0, 1, 2]
    vocab = dict(_rows(db, "SELECT token_id, text FROM vocab"))
    for example in card.examples:
        assert example.tokens == [vocab[t] for t in example.token_ids]
        assert example.ci_values[example.marked] == pytest.approx(example.ci, abs=1e-5)
    assert card.input_token_pmi and card.output_token_pmi
    assert card.input_token_pmi[0].token == vocab[card.input_token_pmi[0].token_id]
    json.loads(card.model_dump_json())

    for query in (
        "SELECT * FROM components WHERE module = ? AND component = ?",
        "SELECT * FROM examples WHERE module = ? AND component = ? ORDER BY rank LIMIT 3",
        "SELECT * FROM input_token_pmi WHERE module = ? AND component = ? ORDER BY rank",
    ):
        plan = " ".join(
            str(r[-1]) for r in _rows(db, f"EXPLAIN QUERY PLAN {query}", module, component)
        )
        assert "USING PRIMARY KEY" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # ORDER BY rank follows the key: no sort

    with pytest.raises(CardNotFound, match="no component 9999"):
        read_card(db, module, 9999)
    with pytest.raises(CardNotFound, match="no module"):
        read_card(db, "h.9.mlp", 0)


def test_the_command_refuses_to_overwrite_and_reports_bad_input(
    run: LoadedRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = str(run.paths.root)
    assert main(["harvest", run_dir, "--batches", "1"]) == 2
    assert "exists already; harvest again with --force" in capsys.readouterr().err

    assert main(["harvest", str(tmp_path)]) == 2
    assert "run.json" in capsys.readouterr().err

    empty_run = tmp_path / "no-weights"
    empty_run.mkdir()
    shutil.copy(run.paths.run_json, empty_run / "run.json")
    assert main(["harvest", str(empty_run)]) == 2
    assert "no components.safetensors and no checkpoint" in capsys.readouterr().err

    with pytest.raises(SystemExit):
        main(["harvest", run_dir, "--ci-threshold", "1.5"])
    assert "expected a number in [0, 1)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["harvest", run_dir, "--tokens", "10", "--batches", "2"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_token_data_without_a_tokenizer_is_refused(run: LoadedRun, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(run.paths.root, run_dir)
    (run_dir / "harvest.sqlite").unlink()
    np.save(tmp_path / "tokens.npy", np.arange(64 * 40) % 4096)
    manifest = read_manifest(run_dir)
    data = {"tokens": {"train": [str(tmp_path / "tokens.npy")], "seq_len": 64}}
    # Without the analysis section either: its prompts would need a tokenizer too.
    config = {key: v for key, v in manifest.config.items() if key != "analysis"} | {"data": data}
    write_manifest(run_dir, dataclasses.replace(manifest, config=config))
    with pytest.raises(ValueError, match=r"no tokenizer \(data.tokens.tokenizer\)"):
        harvest_run(run_dir, HarvestOptions(batches=1))
