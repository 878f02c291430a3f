"""Generated texts that put the desensitization detectors under stress (shared
by the detector, residual-scan and scanner tests)."""

from __future__ import annotations

import random

from ckanext.cqgov.desensitize import synthetic


def stress_texts(rng: random.Random, n: int) -> list[str]:
    """Corpus texts, bare-name texts and benchmark rows, plus texts glued
    together and cut at random places (tokens at odd boundaries)."""
    texts = [t for t, _ in synthetic.labelled_corpus(rng, n)]
    texts += [t for t, _ in synthetic.bare_name_corpus(rng, n // 4)]
    texts += [c for i in range(n // 4) for c in synthetic.benchmark_row(rng, i)]
    for _ in range(n // 4):  # grouped and international phone and card forms
        m, card, sep = synthetic.mobile(rng), synthetic.bank_card(rng), rng.choice(" -")
        line = synthetic.landline(rng)
        area, local = line.split("-", 1)
        texts += [
            f"电话{m[:3]}{sep}{m[3:7]}{sep}{m[7:]}",
            f"+86{sep}{m}，0086{m}",
            sep.join(card[i : i + 4] for i in range(0, len(card), 4)) + "已冻结",
            f"座机({area}) {local}转{rng.randint(1, 999)}",
            f"{line}-{rng.randint(1, 999)}",
            # passport forms the generator does not make
            f"护照{rng.choice(('DE', 'SE', 'PE'))}{rng.randint(10**6, 10**7 - 1)}",
            f"护照E{rng.choice('ABCDHKMNPZ')}{rng.randint(10**6, 10**7 - 1)}，",
        ]
    glued = [rng.choice(texts) + rng.choice(texts) for _ in range(n // 2)]
    cut = []
    for text in rng.sample(texts, n // 2):
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        cut.append(text[a:b])
    return texts + glued + cut
