"""Rank-one subcomponents of one decomposed weight matrix, and their masked forward.

W: [d_out, d_in] (nn.Linear convention) is approximated by Σ_c U_c V_cᵀ = (V @ U)ᵀ with
V: [d_in, C] and U: [C, d_out]. What the approximation misses, Δ = W − (V @ U)ᵀ, acts as one
extra component with its own mask.

A matrix that is the transpose of another decomposed one (TMS's linear2 = linear1ᵀ) can share
that matrix's subcomponents: `TransposedComponents` reads them, transposed, and owns nothing.
"""

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class Components(nn.Module):
    """V: [d_in, C] and U: [C, d_out] for a linear map x ↦ x Wᵀ + b, as its own parameters.

    Init: V ~ N(0, 1/d_in), U ~ N(0, 1/C) (std 1/√fan_in of each factor).
    """

    V: Tensor
    U: Tensor

    def __init__(
        self,
        d_in: int,
        d_out: int,
        C: int,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.V = nn.Parameter(torch.empty(d_in, C))
        self.U = nn.Parameter(torch.empty(C, d_out))
        nn.init.normal_(self.V, std=1 / math.sqrt(d_in), generator=generator)
        nn.init.normal_(self.U, std=1 / math.sqrt(C), generator=generator)

    @property
    def C(self) -> int:
        return self.V.shape[1]

    @property
    def weight(self) -> Tensor:
        """(V @ U)ᵀ: [d_out, d_in], the sum of all subcomponents in nn.Linear convention."""
        return (self.V @ self.U).T

    def component_acts(self, x: Tensor) -> Tensor:
        """x: (..., d_in) -> x @ V: (..., C)."""
        return x @ self.V

    def masked_output(
        self,
        acts: Tensor,
        target_output: Tensor,
        bias: Tensor | None,
        mask: Tensor | None = None,
        delta_mask: Tensor | None = None,
        acts_into_U: Tensor | None = None,
    ) -> Tensor:
        """out = ((x@V) ⊙ m) @ U + m_Δ·(x Δᵀ) + b, with Δ = W − (V@U)ᵀ.

        acts: (..., C), x @ V. target_output: (..., d_out), the target's own x Wᵀ + b.
        bias: (d_out,) or None. mask: (..., C), None for all ones. delta_mask: (...), None to
        leave Δ out. acts_into_U: (..., C), what multiplies U in place of `acts` (attribution
        graphs pass a detached leaf so gradients stop there); the Δ term always uses `acts`.

        Since x Δᵀ = x Wᵀ − (x@V) @ U and x Wᵀ + b is the target's output, already computed,
        this evaluates ((x@V) ⊙ m − m_Δ·(x@V)) @ U + m_Δ·(x Wᵀ + b) + (1 − m_Δ)·b: Δ is
        never materialised and no d_in×d_out matmul is spent per token. Gradients into U and
        V through the Δ term are the same as through Δ itself.
        """
        into_U = acts if acts_into_U is None else acts_into_U
        masked = into_U if mask is None else into_U * mask  # (..., C)
        if delta_mask is None:
            out = masked @ self.U  # (..., d_out)
            return out if bias is None else out + bias
        m_delta = delta_mask.unsqueeze(-1)  # (..., 1)
        out = (masked - m_delta * acts) @ self.U + m_delta * target_output
        return out if bias is None else out + (1 - m_delta) * bias


class EmbeddingComponents(Components):
    """Components of an nn.Embedding, seen as the linear map of a one-hot token (d_in = vocab).

    The component activation of token t is row t of V, so x @ V becomes the lookup V[t].
    """

    def component_acts(self, x: Tensor) -> Tensor:
        """x: (...) token ids -> V[x]: (..., C)."""
        return F.embedding(x, self.V)


class TransposedComponents(Components):
    """The subcomponents of `source`, transposed, for a matrix W = W_sourceᵀ.

    Subcomponent c reads what source's c writes and writes what it reads: V = U_sourceᵀ and
    U = V_sourceᵀ, live views with no parameters of their own, so gradients from both matrices
    reach the one set of factors. `source` is held outside the module tree, so its parameters
    are neither listed nor saved twice.
    """

    def __init__(self, source: Components) -> None:
        nn.Module.__init__(self)
        self._source = (source,)  # a tuple: nn.Module would register a bare module attribute

    # Views where the base class has parameters; every reader only reads V and U.
    @property
    def V(self) -> Tensor:  # type: ignore[override]
        return self._source[0].U.T

    @property
    def U(self) -> Tensor:  # type: ignore[override]
        return self._source[0].V.T
