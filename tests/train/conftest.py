from __future__ import annotations

from tests.tokenizer.conftest import real_corpus, trained

__all__ = ["real_corpus", "trained"]
