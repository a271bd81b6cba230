"""Score generated code: CodeXGLUE BLEUs, ROUGE-L, exact match, syntax, pass@k, HumanEval.

The text metrics (`bleu`, `smoothed_bleu`, `rouge`, `score`) need only the standard library;
`generation` and `humaneval`'s model side need the `train` extra and import it lazily.
Generated code runs only through `sandbox`. See docs/evaluation.md.
"""
