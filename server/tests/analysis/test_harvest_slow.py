"""Harvest of the shipped tiny-Llama example: an alive subcomponent's examples fire."""

import shutil
from pathlib import Path

import pytest
import torch

from paramlens.analysis.harvest import HarvestOptions, harvest_run, read_card
from paramlens.core.loaded_run import load_run
from paramlens.decomp.sigmoids import lower_leaky
from paramlens.devices import single_thread

MODULE = "h.1.mlp.down_proj"


@pytest.mark.slow
def test_an_alive_subcomponent_of_the_example_has_firing_examples(
    tiny_llama_run_dir: Path, tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(tiny_llama_run_dir, run_dir)
    with single_thread():
        run = load_run(run_dir, "cpu")
        d = run.decomposition
        # Alive by the evaluation's own measure: the largest mean CI on the held-out batches.
        components = d.model.components_by_path
        cis = []
        with torch.no_grad():
            for batch in d.batches.eval:
                logits = d.ci_fn(d.model(batch, cache=["inputs"]).inputs, components)
                cis.append(lower_leaky(logits[MODULE]).flatten(0, 1))
        mean_ci = torch.cat(cis).mean(0)
        component = int(mean_ci.argmax())
        assert mean_ci[component] > 1e-6

        result = harvest_run(run_dir, HarvestOptions(batches=16, batch_size=16))
        card = read_card(result.path, MODULE, component, limit=30)

    assert card.alive and card.density > 0
    assert card.n_examples == len(card.examples) == 30
    for example in card.examples:
        assert example.ci > 0.1
        assert example.ci_values[example.marked] == pytest.approx(example.ci, abs=1e-5)
    assert card.input_token_pmi and card.output_token_pmi
