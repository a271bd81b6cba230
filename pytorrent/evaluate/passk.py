"""Unbiased pass@k (Chen et al. 2021): 1 - C(n-c, k) / C(n, k), as a product that never overflows.

C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k / i), so no factorial is ever formed; with
fewer than k failures some k-subset always holds a pass and the estimate is exactly 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn from n (c of them correct) passes."""
    if not 0 <= c <= n or n < 1:
        raise ValueError(f"need 0 <= c <= n and n >= 1, got n={n} c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n, got k={k} n={n}")
    if n - c < k:
        return 1.0
    miss = 1.0
    for i in range(n - c + 1, n + 1):
        miss *= 1.0 - k / i
    return 1.0 - miss


def mean_pass_at_k(counts: Sequence[tuple[int, int]], ks: Iterable[int]) -> dict[int, float]:
    """Mean pass@k over problems given (n, c) each, for every k that no problem's n is below."""
    if not counts:
        return {}
    fewest = min(n for n, _ in counts)
    return {k: sum(pass_at_k(n, c, k) for n, c in counts) / len(counts) for k in ks if k <= fewest}
