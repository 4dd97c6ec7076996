"""A user's own module class loaded with safetensors weights."""

import textwrap
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file, save_model

from paramlens.targets import CustomTarget, load_target
from paramlens.targets.custom import import_class, select_output

MODULE = textwrap.dedent(
    """
    import torch
    from torch import nn

    class Doubler(nn.Module):
        def __init__(self, width: int) -> None:
            super().__init__()
            self.proj = nn.Linear(width, width)

        def forward(self, x):
            return (2 * self.proj(x), "extra")
    """
)


@pytest.fixture
def user_code(tmp_path: Path) -> Path:
    (tmp_path / "user_models_for_tests.py").write_text(MODULE)
    return tmp_path


def test_custom_module_loads_weights_and_selects_output(user_code: Path) -> None:
    cls = import_class("user_models_for_tests:Doubler", [user_code])
    torch.manual_seed(0)
    original = cls(width=4)
    weights = user_code / "doubler.safetensors"
    save_model(original, str(weights))

    target = load_target(
        CustomTarget(
            class_path="user_models_for_tests:Doubler",
            weights=weights,
            kwargs={"width": 4},
            kind="toy",
            output_attr="idx_0",
            search_path=(user_code,),
        )
    )

    x = torch.rand(3, 4)
    assert torch.equal(target.forward(x), original(x)[0])
    assert (target.kind, target.output_loss) == ("toy", "mse")
    assert not any(p.requires_grad for p in target.model.parameters())


def test_weights_that_do_not_match_are_rejected(user_code: Path) -> None:
    weights = user_code / "wrong.safetensors"
    save_file({"other.weight": torch.zeros(4, 4)}, str(weights))
    spec = CustomTarget(
        "user_models_for_tests:Doubler", weights, {"width": 4}, search_path=(user_code,)
    )

    with pytest.raises(ValueError, match=r"missing \['proj.bias', 'proj.weight'\]"):
        load_target(spec)


def test_pickled_checkpoints_are_refused(user_code: Path) -> None:
    spec = CustomTarget(
        "user_models_for_tests:Doubler",
        user_code / "model.pt",
        {"width": 4},
        search_path=(user_code,),
    )

    with pytest.raises(ValueError, match="must be a .safetensors file"):
        load_target(spec)


@pytest.mark.parametrize(
    ("class_path", "error", "message"),
    [
        ("no_colon_here", ValueError, "must look like 'package.module:ClassName'"),
        ("collections:OrderedDict", TypeError, "not a torch.nn.Module subclass"),
        ("paramlens_no_such_module:X", ModuleNotFoundError, "paramlens_no_such_module"),
    ],
)
def test_bad_class_paths_are_rejected(
    class_path: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        import_class(class_path)


def test_select_output() -> None:
    class Out:
        logits = torch.ones(2)

    assert torch.equal(select_output(torch.zeros(1), None), torch.zeros(1))
    assert torch.equal(select_output((torch.ones(1), "x"), "idx_0"), torch.ones(1))
    assert torch.equal(select_output(Out(), "logits"), torch.ones(2))
    with pytest.raises(TypeError, match="model output 'idx_1' is a str"):
        select_output((torch.ones(1), "x"), "idx_1")
