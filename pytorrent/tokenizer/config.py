"""`TokenizerConfig`: every setting of `pytorrent tokenizer` and `build --tokenizer`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: PyTorrent's vocabulary size (CodeParrot used 32,768).
DEFAULT_VOCAB_SIZE = 56_000
BYTE_ALPHABET = 256


class SpecialTokens(BaseModel):
    """Special tokens, in id order from 0. GPT-2 style `<|...|>` names, which code rarely
    contains (RoBERTa's `<s>`/`</s>` are HTML tags that real code does contain)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    eos: str = "<|endoftext|>"
    bos: str = "<|startoftext|>"
    pad: str = "<|pad|>"
    unk: str = "<|unk|>"
    mask: str = "<|mask|>"

    def tokens(self) -> list[str]:
        return [self.eos, self.bos, self.pad, self.unk, self.mask]

    def by_role(self) -> dict[str, str]:
        return {
            "bos": self.bos,
            "eos": self.eos,
            "pad": self.pad,
            "unk": self.unk,
            "mask": self.mask,
        }

    @model_validator(mode="after")
    def _distinct(self) -> SpecialTokens:
        tokens = self.tokens()
        if len(set(tokens)) != len(tokens) or not all(tokens):
            raise ValueError("special tokens must be distinct, non-empty strings")
        return self


class TokenizerConfig(BaseModel):
    """How the byte-level BPE is trained and measured (see docs/tokenizer.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vocab_size: int = Field(DEFAULT_VOCAB_SIZE, description="target vocabulary, specials included")
    sample_mb: float | None = Field(
        256.0, gt=0, description="cap on training text in MB (1e6 bytes); None: the whole split"
    )
    eval_mb: float | None = Field(
        8.0, gt=0, description="cap on the text measured for characters per token and lengths"
    )
    min_frequency: int = Field(2, ge=1, description="pairs seen fewer times are never merged")
    seed: int = Field(0, description="seed of the deterministic samples")
    model_max_length: int = Field(1024, ge=1, description="written to tokenizer_config.json")
    special_tokens: SpecialTokens = Field(default_factory=SpecialTokens)

    @model_validator(mode="after")
    def _room_for_merges(self) -> TokenizerConfig:
        smallest = BYTE_ALPHABET + len(self.special_tokens.tokens())
        if self.vocab_size < smallest:
            raise ValueError(
                f"vocab size must be at least {smallest} (256 bytes + special tokens), "
                f"not {self.vocab_size}"
            )
        return self

    @property
    def sample_bytes(self) -> int | None:
        return None if self.sample_mb is None else int(self.sample_mb * 1e6)

    @property
    def eval_bytes(self) -> int | None:
        return None if self.eval_mb is None else int(self.eval_mb * 1e6)
