"""`stats/report.md` and the tables the dataset card shares with it, from the stats models."""

from __future__ import annotations

from collections.abc import Mapping

from pytorrent.split import SPLITS
from pytorrent.stats.histogram import PERCENTILES, Summary, percentile_key
from pytorrent.stats.models import CorpusStats, TokenizerStats


def fmt_share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def fmt_mean(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def fmt_int(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def fmt_bytes(n: int) -> str:
    """1234567 -> '1.2 MB' (decimal units, as the `--sample-mb` option counts)."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,} B"


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def main_table(stats: CorpusStats) -> list[str]:
    """The headline numbers as a two-column markdown table."""
    docs = stats.docstrings
    functions = stats.functions
    packages = stats.packages
    cc = stats.complexity.summary
    rows = [
        ("packages (with units)", f"{packages.total:,} ({packages.with_units:,})"),
        ("Python files", f"{packages.python_files:,} ({fmt_bytes(packages.python_bytes)})"),
        ("units", f"{stats.units:,}"),
        *((f"{kind} units", f"{n:,}") for kind, n in stats.kinds.items()),
        (
            "functions with a docstring",
            f"{docs.with_docstring:,} ({fmt_share(_share(docs.with_docstring, docs.functions))})",
        ),
        (
            "docstring lines, mean / median",
            f"{fmt_mean(docs.lines.mean)} / {fmt_int(docs.lines.median)}",
        ),
        (
            "docstring words, mean / median",
            f"{fmt_mean(docs.words.mean)} / {fmt_int(docs.words.median)}",
        ),
        (
            "functions with doctest examples",
            f"{docs.with_doctest:,} ({fmt_share(_share(docs.with_doctest, docs.functions))})",
        ),
        (
            "functions with decorators",
            f"{functions.with_decorators:,} ({fmt_share(functions.share_with_decorators)})",
        ),
        ("cyclomatic complexity, mean / median", f"{fmt_mean(cc.mean)} / {fmt_int(cc.median)}"),
        (
            "code lines within 70 / 100 characters",
            f"{fmt_share(stats.line_lengths.coverage.get('70'))} / "
            f"{fmt_share(stats.line_lengths.coverage.get('100'))}",
        ),
    ]
    trivial = packages.trivial.get("trivial")
    if trivial is not None or "not_trivial" in packages.trivial:
        rows.append(("trivial packages", f"{trivial or 0:,} of {packages.total:,}"))
    lines = ["| statistic | value |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return lines


def _percentile_cells(summary: Summary) -> list[str]:
    return [fmt_int(summary.percentiles.get(percentile_key(q))) for q in PERCENTILES]


def token_table(stats: CorpusStats) -> list[str]:
    """Table 5: NL and PL lengths in tokens at the 50/70/80/90/95th percentiles per config."""
    heads = " | ".join(f"{percentile_key(q)}" for q in PERCENTILES)
    lines = [
        f"| config | side | rows | mean | {heads} | max |",
        "|---|---|---:|---:|" + "---:|" * len(PERCENTILES) + "---:|",
    ]
    for name, lengths in stats.token_lengths.items():
        for side, summary in (("NL", lengths.nl), ("PL", lengths.pl)):
            cells = " | ".join(_percentile_cells(summary))
            lines.append(
                f"| {name} | {side} | {summary.count:,} | {fmt_mean(summary.mean)} | {cells} "
                f"| {fmt_int(summary.max)} |"
            )
    return lines


def category_table(stats: CorpusStats) -> list[str]:
    """Table 4: units per script category, by kind and by split."""
    kinds = sorted({k for row in stats.categories.values() for k in row} - {"total"})
    lines = [
        "| category | " + " | ".join([*kinds, "total", *SPLITS]) + " |",
        "|---|" + "---:|" * (len(kinds) + 1 + len(SPLITS)),
    ]
    for category, row in stats.categories.items():
        splits = stats.category_splits.get(category, {})
        cells = [row.get(k, 0) for k in kinds] + [row["total"]] + [splits.get(s, 0) for s in SPLITS]
        lines.append(f"| {category} | " + " | ".join(f"{c:,}" for c in cells) + " |")
    return lines


def config_table(stats: CorpusStats) -> list[str]:
    lines = ["| config | " + " | ".join(SPLITS) + " | total |", "|---|" + "---:|" * 4]
    for name, row in stats.configs.items():
        cells = [row.get(s, 0) for s in SPLITS]
        lines.append(f"| {name} | " + " | ".join(f"{c:,}" for c in cells) + f" | {sum(cells):,} |")
    return lines


def _counts(head: str, counts: Mapping[str, int], total: int | None = None) -> list[str]:
    lines = [f"| {head} | count | share |", "|---|---:|---:|"]
    whole = sum(counts.values()) if total is None else total
    for name, n in counts.items():
        lines.append(f"| {name} | {n:,} | {fmt_share(_share(n, whole))} |")
    return lines


def tokenizer_table(tokenizer: TokenizerStats) -> list[str]:
    heads = " | ".join(percentile_key(q) for q in PERCENTILES)
    lines = [
        f"| tokens per | count | mean | {heads} | max |",
        "|---|---:|---:|" + "---:|" * len(PERCENTILES) + "---:|",
    ]
    for name, summary in (("line", tokenizer.line_tokens), ("unit", tokenizer.unit_tokens)):
        cells = " | ".join(_percentile_cells(summary))
        lines.append(
            f"| {name} | {summary.count:,} | {fmt_mean(summary.mean)} | {cells} "
            f"| {fmt_int(summary.max)} |"
        )
    return lines


def tokenizer_summary(tokenizer: TokenizerStats) -> str:
    within = tokenizer.lines_within.get("70")
    return (
        f"Byte-level BPE, {tokenizer.vocab_size:,} tokens (requested "
        f"{tokenizer.requested_vocab_size:,}), trained on {fmt_bytes(tokenizer.training.bytes)} "
        f"of the {tokenizer.training.split} split ({tokenizer.training.units:,} units). On "
        f"{fmt_bytes(tokenizer.evaluation.bytes)} of the {tokenizer.evaluation.split} split it "
        f"gives {fmt_mean(tokenizer.chars_per_token)} characters per token; "
        f"{fmt_share(within)} of non-blank lines fit in 70 tokens (PyTorrent's per-line "
        "truncation)."
    )


def render_report(stats: CorpusStats, tokenizer: TokenizerStats | None = None) -> str:
    """The full text of `stats/report.md` (plots are linked relative to `stats/`)."""
    plots = {p.rsplit("/", 1)[-1].removesuffix(".png"): p.rsplit("/", 1)[-1] for p in stats.plots}

    def plot(name: str, title: str) -> list[str]:
        return [f"![{title}]({plots[name]})", ""] if name in plots else []

    lines = ["# Corpus statistics", "", *main_table(stats), ""]
    lines += ["## Units per configuration and split", "", *config_table(stats), ""]
    lines += plot("splits", "rows per configuration and split")
    lines += ["## Units per script category (Table 4)", "", *category_table(stats), ""]
    lines += plot("categories", "units per category")
    lines += [
        "## Lengths in tokens (Table 5)",
        "",
        "NL is `docstring_tokens` (each scenario's X), PL is `code_tokens` (its Y); for `pairs`, "
        "NL counts functions with a docstring and PL every function unit. Percentiles are exact "
        "(nearest rank).",
        "",
        *token_table(stats),
        "",
    ]
    lines += plot("token_lengths", "token length distributions")
    line_lengths = stats.line_lengths
    lines += [
        "## Line lengths (Figure 2)",
        "",
        f"{line_lengths.lines:,} non-blank lines of function units' `code`; share within N "
        "characters:",
        "",
        "| characters | " + " | ".join(line_lengths.coverage) + " |",
        "|---|" + "---:|" * len(line_lengths.coverage),
        "| share | " + " | ".join(fmt_share(v) for v in line_lengths.coverage.values()) + " |",
        "",
    ]
    lines += plot("line_lengths", "line length coverage")
    cc = stats.complexity.summary
    lines += [
        "## Cyclomatic complexity",
        "",
        f"radon cyclomatic complexity of {cc.count:,} functions: mean {fmt_mean(cc.mean)}, "
        f"median {fmt_int(cc.median)}, p95 {fmt_int(cc.percentiles.get('p95'))}, "
        f"max {fmt_int(cc.max)}.",
        "",
        *_counts("rank", stats.complexity.ranks),
        "",
    ]
    lines += plot("complexity", "cyclomatic complexity")
    docs = stats.docstrings
    lines += [
        "## Docstrings and functions",
        "",
        f"{docs.with_docstring:,} of {docs.functions:,} functions have a docstring: "
        f"{fmt_mean(docs.lines.mean)} lines (median {fmt_int(docs.lines.median)}) and "
        f"{fmt_mean(docs.words.mean)} words (median {fmt_int(docs.words.median)}) on average; "
        f"{docs.with_doctest:,} have doctest examples. "
        f"{stats.functions.with_decorators:,} functions are decorated, "
        f"{stats.functions.with_comments:,} hold developer comments and "
        f"{stats.functions.is_async:,} are async.",
        "",
        *_counts("docstring style", docs.styles),
        "",
    ]
    lines += plot("docstring_styles", "docstring styles")
    packages = stats.packages
    lines += ["## Packages", ""]
    lines += [
        f"{packages.total:,} packages, {packages.with_units:,} with units; units per package: "
        f"mean {fmt_mean(packages.units.mean)}, median {fmt_int(packages.units.median)}.",
        "",
    ]
    if packages.release_counts is not None:
        releases = packages.release_counts
        lines += [
            f"Packages per minimum release count (Table 2), of {releases.known:,} packages "
            "whose release count is known:",
            "",
            "| releases | " + " | ".join(f">= {m}" for m in releases.at_least) + " |",
            "|---|" + "---:|" * len(releases.at_least),
            "| packages | " + " | ".join(f"{n:,}" for n in releases.at_least.values()) + " |",
            "",
        ]
        lines += plot("release_counts", "packages per minimum release count")
    else:
        lines += ["No package metadata has a release count (Table 2 needs an index source).", ""]
    lines += [*_counts("trivial", packages.trivial, packages.total), ""]
    lines += ["### Licenses", "", *_counts("package license", packages.licenses), ""]
    lines += [*_counts("record license", stats.record_licenses), ""]
    lines += ["## Removals by stage and reason", ""]
    if stats.drops:
        lines += ["| stage | reason | count |", "|---|---|---:|"]
        for stage, reasons in stats.drops.items():
            for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"| {stage} | {reason} | {n:,} |")
        for stage in ("filter", "dedup"):
            if stage not in stats.drops:
                lines += ["", f"No `{stage}` removals were recorded."]
    else:
        lines.append("Nothing was removed.")
    lines.append("")
    if tokenizer is not None:
        lines += ["## Tokenizer", "", tokenizer_summary(tokenizer), "", *tokenizer_table(tokenizer)]
        lines += [""]
    return "\n".join(lines)
