"""Toy Model of Superposition: structure, training and ground-truth mechanisms."""

import math

import torch

from paramlens.targets import tms
from paramlens.targets.builtins import get_builtin, train_builtin, with_steps
from paramlens.targets.tms import TMS, TMSConfig


def test_module_names_match_reference_configs() -> None:
    names = {name for name, _ in TMS(TMSConfig(5, 2, n_hidden_layers=1)).named_modules()}

    assert {"linear1", "hidden_layers.0", "linear2"} <= names


def test_trained_5_2_represents_all_five_features_as_a_pentagon() -> None:
    model, metrics = train_builtin(with_steps(get_builtin("tms_5-2"), 2000), seed=0, progress=False)
    assert isinstance(model, TMS)

    w = model.linear1.weight.detach()  # [2, 5]
    assert metrics["final_loss"] < 3e-3
    assert (w.norm(dim=0) > 0.9).all(), "every feature gets a direction of its own"
    angles = sorted(math.atan2(w[1, i].item(), w[0, i].item()) % (2 * math.pi) for i in range(5))
    gaps = [(angles[(i + 1) % 5] - angles[i]) % (2 * math.pi) for i in range(5)]
    assert all(abs(math.degrees(gap) - 72) < 5 for gap in gaps)
    # Training ties linear2 to linear1ᵀ; the saved model keeps them numerically equal.
    assert torch.equal(model.linear2.weight, model.linear1.weight.T)


def test_identity_layer_stays_fixed_and_is_on_the_path() -> None:
    model, _ = train_builtin(with_steps(get_builtin("tms_5-2-id"), 50), seed=0, progress=False)
    assert isinstance(model, TMS)
    hidden = model.hidden_layers[0]
    assert isinstance(hidden, torch.nn.Linear)
    assert torch.equal(hidden.weight, torch.eye(2))

    x = torch.rand(3, 5)
    with torch.no_grad():
        before = model(x)
        hidden.weight.mul_(2.0)
        after = model(x)
    assert not torch.allclose(before, after)


def test_mechanisms_sum_to_the_weights() -> None:
    torch.manual_seed(0)
    model = TMS(TMSConfig(40, 10))

    pieces = tms.mechanisms(model)

    assert set(pieces) == {"linear1", "linear2"}
    assert torch.allclose(pieces["linear1"].matrices().sum(0), model.linear1.weight)
    assert torch.allclose(pieces["linear2"].matrices().sum(0), model.linear2.weight)
    assert pieces["linear1"].in_dirs.shape == (40, 40)
    assert pieces["linear1"].out_dirs.shape == (40, 10)
