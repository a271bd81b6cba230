from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tokenizer.conftest import real_corpus, trained

__all__ = ["one_torch_thread", "real_corpus", "trained"]


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread() -> Iterator[None]:
    """Tiny models train ~20x faster on one thread than on two contended cores."""
    try:
        import torch
    except ImportError:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
