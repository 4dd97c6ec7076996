"""Harvest of a toy target (TMS 5-2, synthetic sparse features): examples are samples shown by
their active feature indices, checked against the model run on each sample on its own."""

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest
import torch

from paramlens.analysis.harvest import read_card
from paramlens.cli import main
from paramlens.core.loaded_run import LoadedRun, load_run
from paramlens.data import SparseFeatureBatches
from paramlens.decomp.sigmoids import lower_leaky

BATCHES, BATCH_SIZE, TOP_K = 4, 256, 10


@pytest.fixture(scope="module")
def toy(toy_run: Path) -> LoadedRun:
    """The toy run, harvested by the command."""
    args = ["--batches", str(BATCHES), "--batch-size", str(BATCH_SIZE), "--top-k", str(TOP_K)]
    assert main(["harvest", str(toy_run), *args]) == 0
    return load_run(toy_run, "cpu")


def _rows(run: LoadedRun, query: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(run.paths.root / "harvest.sqlite") as connection:
        return connection.execute(query, args).fetchall()


def _samples(run: LoadedRun) -> torch.Tensor:
    """The harvested samples, in stream order."""
    train = run.decomposition.batches.train
    assert isinstance(train, SparseFeatureBatches)
    source = dataclasses.replace(train, batch_size=BATCH_SIZE)
    return torch.cat([source.batch_at(step) for step in range(BATCHES)])


def _direct(run: LoadedRun, samples: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """CI and ‖U‖-scaled activation (n, C_total) of each sample run on its own."""
    d = run.decomposition
    components = d.model.components_by_path
    cis, acts = [], []
    with torch.no_grad():
        for sample in samples:
            clean = d.model(sample[None], cache=["inputs"])
            logits = d.ci_fn(clean.inputs, components)
            cis.append(torch.cat([lower_leaky(logits[p])[0] for p in components]))
            acts.append(
                torch.cat(
                    [
                        c.component_acts(clean.inputs[p])[0] * c.U.norm(dim=1)
                        for p, c in components.items()
                    ]
                )
            )
    return torch.stack(cis), torch.stack(acts)


def test_a_toy_harvest_describes_samples_by_feature_index(toy: LoadedRun) -> None:
    meta = dict(_rows(toy, "SELECT key, value FROM meta"))
    assert (meta["input_kind"], meta["n_tokens"], meta["status"]) == (
        "features",
        str(BATCHES * BATCH_SIZE),
        "done",
    )
    assert _rows(toy, "SELECT * FROM vocab") == [(i, f"feature {i}") for i in range(5)]
    assert _rows(toy, "SELECT module, module_order, C FROM modules") == [
        ("linear1", 0, 8),
        ("linear2", 1, 8),
    ]
    assert _rows(toy, "SELECT count(*) FROM output_token_pmi") == [(0,)]


def test_toy_examples_match_each_sample_run_on_its_own(toy: LoadedRun) -> None:
    samples = _samples(toy)
    ci, acts = _direct(toy, samples)
    offsets = {"linear1": 0, "linear2": 8}
    examples = _rows(
        toy,
        "SELECT module, component, rank, ci, activation, sequence, position, marked, token_ids, "
        "ci_values, activations FROM examples ORDER BY module, component, rank",
    )
    assert len(examples) >= 5 * TOP_K
    for module, component, _, ci_, act, sequence, position, marked, ids, cis, acts_ in examples:
        c = offsets[str(module)] + int(component)  # type: ignore[call-overload]
        sample = samples[sequence]
        token_ids = json.loads(ids)
        assert token_ids == sample.nonzero().squeeze(1).tolist()
        assert token_ids[marked] == int(sample.abs().argmax())
        assert position == 0
        assert ci_ > 0.1
        assert ci_ == pytest.approx(float(ci[sequence, c]), abs=1e-5)
        assert act == pytest.approx(float(acts[sequence, c]), abs=1e-5)
        assert json.loads(cis) == pytest.approx([ci_] * len(token_ids), abs=1e-5)
        assert json.loads(acts_) == pytest.approx([act] * len(token_ids), abs=1e-5)

    fires = ci > 0.1
    for module, component, density, n_examples in _rows(
        toy, "SELECT module, component, density, n_examples FROM components"
    ):
        c = offsets[str(module)] + int(component)  # type: ignore[call-overload]
        assert density == float(fires[:, c].double().mean())
        with_features = fires[:, c] & (samples != 0).any(dim=1)
        assert n_examples == min(TOP_K, int(with_features.sum()))
        # Input PMI counts the samples where a feature is active and the subcomponent fires.
        for feature, count in _rows(
            toy,
            "SELECT token_id, count FROM input_token_pmi WHERE module = ? AND component = ?",
            module,
            component,
        ):
            assert count == int((fires[:, c] & (samples[:, feature] != 0)).sum())


def test_a_toy_card_names_features(toy: LoadedRun) -> None:
    module, component = _rows(
        toy, "SELECT module, component FROM components WHERE n_examples > 0 LIMIT 1"
    )[0]
    card = read_card(toy.paths.root / "harvest.sqlite", str(module), int(component))  # type: ignore[call-overload]
    assert card.input_kind == "features" and card.output_token_pmi == []
    example = card.examples[0]
    assert example.tokens == [f"feature {i}" for i in example.token_ids]
