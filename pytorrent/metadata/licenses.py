"""Declared licenses -> SPDX expressions, so "MIT", "MIT License" and the MIT classifier agree.

A package states its license in up to three places: `License-Expression` (SPDX, PEP 639),
the free-text `License` field (a name, a spelling of an SPDX id, or the whole license
text) and trove classifiers. Each is mapped to SPDX only where that is unambiguous:

- expressions go through `packaging.licenses.canonicalize_license_expression`;
- free text is matched against common spellings ("Apache 2.0", "new BSD", "GPLv3+"), and
  a full license text by the sentences that identify MIT, BSD-2/3-Clause, ISC and
  Apache-2.0;
- classifiers map one to one where the classifier names one license and version.

"BSD", "BSD License", "Apache" and "Apache Software License" name no version or clause
count, so they stay unresolved (null, the declared text kept as `license_raw`), as do
"GPL" without a version and "Public Domain".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

#: Longest single-line text tried as an expression or spelling (longer is license text).
_MAX_NAME = 200


def canonical_expression(text: str) -> str | None:
    """`text` as a canonical SPDX expression, or None when it is not valid SPDX."""
    text = text.strip()
    if not text or "\n" in text or len(text) > _MAX_NAME:
        return None
    try:
        return str(canonicalize_license_expression(text))
    except InvalidLicenseExpression:
        return None


def _key(text: str) -> str:
    """A spelling reduced to its distinguishing words: 'The Apache License, Version 2.0' ->
    'apache 2'."""
    text = text.lower().replace("licence", "license")
    text = re.sub(r"or[ -]later|or any later version|and later", "+", text)
    text = re.sub(r"(?<=[a-z])v?(?=\d)", " ", text)  # gplv3 -> gpl 3, apache2 -> apache 2
    text = re.sub(r"(\d)\.0\b", r"\1", text)  # 2.0 -> 2
    text = re.sub(r"[^a-z0-9.+]+", " ", text)
    text = text.replace("+", " + ")
    dropped = {"the", "license", "version", "v", "software", "style", "like", "terms", "of"}
    return " ".join(word for word in text.split() if word not in dropped)


_SPELLINGS: dict[str, tuple[str, ...]] = {
    "MIT": ("MIT", "MIT License", "MIT/Expat", "Expat", "The MIT License (MIT)"),
    "MIT-0": ("MIT No Attribution", "MIT No Attribution License (MIT-0)"),
    "Apache-2.0": (
        "Apache 2.0", "Apache 2", "Apache2", "Apache-2", "Apache License 2.0",
        "Apache License, Version 2.0", "Apache Software License 2.0",
        "Apache Software License, Version 2.0", "ASL 2.0", "Apache License Version 2.0",
        "Apache 2.0 License", "Apache License (2.0)", "Apache-2.0 License",
    ),
    "BSD-3-Clause": (
        "BSD 3-Clause", "BSD-3", "BSD3", "BSD 3-Clause License", "3-Clause BSD",
        "3-Clause BSD License", "New BSD", "New BSD License", "Modified BSD",
        "Modified BSD License", "Revised BSD", "Revised BSD License", "BSD 3 clause",
        "BSD (3-clause)", "BSD-3-Clause License",
    ),
    "BSD-2-Clause": (
        "BSD 2-Clause", "BSD-2", "BSD2", "BSD 2-Clause License", "2-Clause BSD",
        "2-Clause BSD License", "Simplified BSD", "Simplified BSD License", "FreeBSD",
        "BSD (2-clause)", "BSD-2-Clause License",
    ),
    "ISC": ("ISC", "ISC License", "ISC License (ISCL)", "ISCL"),
    "PSF-2.0": (
        "PSF", "PSFL", "PSF License", "PSF-2", "Python Software Foundation License",
        "Python Software Foundation", "PSF 2.0",
    ),
    "MPL-2.0": ("MPL 2.0", "MPL2", "MPL-2", "Mozilla Public License 2.0",
                "Mozilla Public License 2.0 (MPL 2.0)", "MPL v2"),
    "GPL-2.0-only": ("GPLv2", "GPL 2", "GNU GPL v2", "GNU General Public License v2 (GPLv2)",
                     "GNU General Public License v2"),
    "GPL-2.0-or-later": ("GPLv2+", "GPL 2+", "GPL-2.0+", "GNU GPL v2 or later",
                         "GNU General Public License v2 or later (GPLv2+)"),
    "GPL-3.0-only": ("GPLv3", "GPL 3", "GNU GPL v3", "GNU GPLv3",
                     "GNU General Public License v3 (GPLv3)", "GNU General Public License v3"),
    "GPL-3.0-or-later": ("GPLv3+", "GPL 3+", "GPL-3.0+", "GNU GPL v3 or later",
                         "GNU General Public License v3 or later (GPLv3+)"),
    "LGPL-2.1-only": ("LGPLv2.1", "LGPL 2.1", "GNU LGPL v2.1",
                      "GNU Lesser General Public License v2.1"),
    "LGPL-2.1-or-later": ("LGPLv2.1+", "LGPL 2.1+", "LGPL-2.1+",
                          "GNU Lesser General Public License v2 or later (LGPLv2+)"),
    "LGPL-3.0-only": ("LGPLv3", "LGPL 3", "GNU LGPL v3",
                      "GNU Lesser General Public License v3 (LGPLv3)"),
    "LGPL-3.0-or-later": ("LGPLv3+", "LGPL 3+", "LGPL-3.0+",
                          "GNU Lesser General Public License v3 or later (LGPLv3+)"),
    "AGPL-3.0-only": ("AGPLv3", "AGPL 3", "GNU Affero General Public License v3"),
    "AGPL-3.0-or-later": ("AGPLv3+", "AGPL 3+",
                          "GNU Affero General Public License v3 or later (AGPLv3+)"),
    "Unlicense": ("Unlicense", "The Unlicense", "The Unlicense (Unlicense)"),
    "BSL-1.0": ("Boost", "Boost Software License 1.0", "Boost Software License 1.0 (BSL-1.0)"),
    "Zlib": ("zlib", "zlib/libpng", "zlib/libpng License"),
    "CC0-1.0": ("CC0", "CC0 1.0", "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication"),
    "ZPL-2.1": ("ZPL 2.1", "Zope Public License 2.1", "Zope Public License"),
    "EPL-2.0": ("Eclipse Public License 2.0", "Eclipse Public License 2.0 (EPL-2.0)"),
    "EUPL-1.2": ("European Union Public Licence 1.2 (EUPL 1.2)",),
    "HPND": ("Historical Permission Notice and Disclaimer (HPND)",),
    "Artistic-2.0": ("Artistic License 2.0",),
}  # fmt: skip
_BY_KEY = {_key(spelling): spdx for spdx, names in _SPELLINGS.items() for spelling in names}

#: Classifiers whose last part names no single license (absent from every table here).
AMBIGUOUS = ("BSD License", "Apache Software License", "GNU General Public License (GPL)")


def spelled_license(text: str) -> str | None:
    """SPDX id of a common free-text spelling ("MIT License", "Apache 2.0"), else None."""
    return _BY_KEY.get(_key(text)) if len(text) <= _MAX_NAME else None


def classifier_license(classifier: str) -> str | None:
    """SPDX id of a `License :: ...` trove classifier that names one license, else None."""
    parts = [part.strip() for part in classifier.split("::")]
    if len(parts) < 2 or parts[0] != "License" or parts[-1] in AMBIGUOUS:
        return None
    return spelled_license(parts[-1])


_MIT_TEXT = "permission is hereby granted, free of charge"
_ISC_TEXT = "permission to use, copy, modify, and/or distribute this software for any purpose"
_BSD_TEXT = "redistribution and use in source and binary forms"
_BSD_ADVERTISING = "all advertising materials mentioning features"
_BSD_THIRD = re.compile(r"neither the name|names of (?:its|the) contributors may")
_APACHE_TEXT = re.compile(r"apache license,?\s+version 2\.0")
#: A license text is read up to this many characters: later texts are bundled licenses.
_TEXT_WINDOW = 4000


def license_text_id(text: str) -> str | None:
    """SPDX id of a full license text by the sentences that define it (the first license in
    the text wins: later ones are usually bundled third-party code), else None."""
    head = " ".join(text[:_TEXT_WINDOW].lower().split())
    found: list[tuple[int, str]] = []
    if (at := head.find(_MIT_TEXT)) >= 0:
        found.append((at, "MIT"))
    if (at := head.find(_ISC_TEXT)) >= 0:
        found.append((at, "ISC"))
    if (at := head.find(_BSD_TEXT)) >= 0:
        if _BSD_ADVERTISING in head:
            found.append((at, "BSD-4-Clause"))
        elif _BSD_THIRD.search(head, at):
            found.append((at, "BSD-3-Clause"))
        else:
            found.append((at, "BSD-2-Clause"))
    if apache := _APACHE_TEXT.search(head):
        found.append((apache.start(), "Apache-2.0"))
    return min(found)[1] if found else None


def text_license(text: str) -> str | None:
    """SPDX of any one free-text statement: an expression, a spelling, or a license text."""
    text = text.strip()
    if not text:
        return None
    first = text.splitlines()[0].strip()
    one_line = "\n" not in text
    if one_line and (spdx := canonical_expression(text) or spelled_license(text)):
        return spdx
    if not one_line and (spdx := spelled_license(first)):
        return spdx  # "BSD 3-Clause License" above the license text
    return license_text_id(text)


def classifiers_license(classifiers: Iterable[str]) -> str | None:
    """The license classifiers as one SPDX expression (several: any of them, joined by OR),
    or None when there are none or any of them is ambiguous."""
    licenses = [c for c in classifiers if c.strip().startswith("License ::")]
    ids = [classifier_license(c) for c in licenses]
    if not ids or None in ids:
        return None
    return canonical_expression(" OR ".join(sorted({i for i in ids if i})))


def resolve_license(
    expression: str | None, field: str | None, classifiers: Iterable[str] = ()
) -> str | None:
    """The package's license as a canonical SPDX expression, most specific source first:
    `License-Expression`, the `License` field, then the classifiers; None if unresolved."""
    for statement in (expression, field):
        if statement and (spdx := text_license(statement)):
            return spdx
    return classifiers_license(classifiers)
