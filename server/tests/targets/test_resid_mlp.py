"""Residual MLP on the compressed-computation task."""

import dataclasses

import torch

from paramlens.targets import resid_mlp
from paramlens.targets.builtins import get_builtin, seeded_model, train_builtin
from paramlens.targets.resid_mlp import ResidMLP, ResidMLPConfig


def test_shapes_names_and_fixed_embedding() -> None:
    model = ResidMLP(ResidMLPConfig(n_features=10, d_embed=40, d_mlp=6, n_layers=2))

    assert model(torch.rand(3, 10)).shape == (3, 10)
    assert torch.allclose(model.W_E.norm(dim=-1), torch.ones(10))
    assert "W_E" in model.state_dict()
    assert all(p is not model.W_E for p in model.parameters())
    names = {name for name, _ in model.named_modules()}
    assert {"layers.0.mlp_in", "layers.0.mlp_out", "layers.1.mlp_in", "layers.1.mlp_out"} <= names


def test_labels_add_the_relu_to_the_input() -> None:
    x = torch.tensor([[-0.5, 0.0, 0.25]])

    assert torch.equal(resid_mlp.labels(x), torch.tensor([[-0.5, 0.0, 0.5]]))


def test_training_lowers_the_loss() -> None:
    builtin = get_builtin("resid_mlp_1")
    short = dataclasses.replace(
        builtin, recipe=dataclasses.replace(builtin.recipe, steps=150, batch_size=256)
    )
    assert isinstance(short.arch, ResidMLPConfig)
    x = resid_mlp.task(short.arch).batches(2048, seed=99).batch_at(0)
    untrained = seeded_model(short.arch, seed=0)

    trained, _ = train_builtin(short, seed=0, progress=False)

    assert isinstance(untrained, ResidMLP) and isinstance(trained, ResidMLP)
    with torch.no_grad():
        before = resid_mlp.training_loss(untrained, x).item()
        after = resid_mlp.training_loss(trained, x).item()
    assert after < 0.5 * before


def test_mechanisms_cover_every_layer() -> None:
    model = ResidMLP(ResidMLPConfig(n_features=10, d_embed=40, d_mlp=6, n_layers=2))

    pieces = resid_mlp.mechanisms(model)

    assert set(pieces) == {f"layers.{i}.{m}" for i in range(2) for m in ("mlp_in", "mlp_out")}
    mlp_in, mlp_out = pieces["layers.0.mlp_in"], pieces["layers.0.mlp_out"]
    assert mlp_in.matrices().shape == (10, 6, 40)
    assert mlp_out.matrices().shape == (10, 40, 6)
    # Feature i's piece of mlp_in maps its embedding exactly as the layer does.
    layer = model.layers[0]
    assert isinstance(layer, resid_mlp.MLP)
    e0 = model.W_E[0]
    assert torch.allclose(mlp_in.out_dirs[0], layer.mlp_in(e0).detach(), atol=1e-6)
