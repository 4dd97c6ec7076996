"""A small random Llama with random components and CI function, in float64 so that two ways of
computing the same gradients agree to rounding."""

from collections.abc import Iterator

import pytest
import torch

from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel
from paramlens.devices import single_thread
from paramlens.targets.llama import Llama, LlamaConfig

VOCAB = 64
C_PER_ROLE = {
    "attn.q_proj": 4,
    "attn.k_proj": 4,
    "attn.v_proj": 6,
    "attn.o_proj": 6,
    "mlp.c_fc": 12,
    "mlp.down_proj": 12,
}


def random_llama_model(seed: int = 0) -> tuple[ComponentModel, GlobalTransformerCI]:
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=VOCAB, n_layer=2, n_head=4, d_model=32, d_mlp=64, max_seq_len=32
    )
    modules = {f"h.{i}.{role}": C for i in range(2) for role, C in C_PER_ROLE.items()}
    generator = torch.Generator().manual_seed(seed)
    model = ComponentModel(Llama(config), modules, generator=generator).double()
    ci_fn = GlobalTransformerCI(model.decomposed, d_model=16, n_blocks=1, n_heads=2, d_ff=32)
    return model, ci_fn.double()


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """These graphs are small: one thread is fastest and unaffected by other processes' load."""
    with single_thread():
        yield


@pytest.fixture(scope="module")
def llama_model() -> tuple[ComponentModel, GlobalTransformerCI]:
    return random_llama_model()


@pytest.fixture
def token_ids() -> torch.Tensor:
    return torch.randint(0, VOCAB, (1, 8), generator=torch.Generator().manual_seed(1))
