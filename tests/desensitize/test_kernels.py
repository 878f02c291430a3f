"""The byte-level token checks (``kernels``) decide exactly as the polars
checks they stand in for."""

from __future__ import annotations

import random

import polars as pl

from ckanext.cqgov.desensitize import detectors, kernels, synthetic

RNG_SEED = 20261125


def _digit_tokens(rng: random.Random) -> list[str]:
    makers = (
        synthetic.resident_id,
        synthetic.resident_id_15,
        synthetic.bad_resident_id,
        synthetic.bad_date_id,
        synthetic.bank_card,
        synthetic.bad_bank_card,
        synthetic.mobile,
        synthetic.not_mobile,
    )
    tokens = [make(rng) for make in makers for _ in range(400)]
    tokens += ["0086" + synthetic.mobile(rng) for _ in range(200)]
    tokens += ["00861" + "".join(rng.choices("0123456789", k=10)) for _ in range(200)]
    # random digit runs of every length around the identifiers'
    tokens += [
        "".join(rng.choices("0123456789", k=rng.randint(9, 21))) for _ in range(3000)
    ]
    return [t for t in tokens if t.rstrip("X").isdigit()]


def test_digit_runs_settled_as_the_polars_checks_settle_them():
    """A run of digits (or 17 digits and X) alone is settled by the kernel;
    behind a letter it is a run inside a longer token, validated by the
    polars checks (:func:`detectors._mixed_parts`): same kinds."""
    tokens = _digit_tokens(random.Random(RNG_SEED))
    verdicts = kernels.verdicts(pl.Series(tokens))
    settled = [t for t, v in zip(tokens, verdicts, strict=True) if v != kernels.POLARS]
    assert len(settled) > 0.95 * len(tokens)
    kinds_alone = [k for k, _v in detectors.detect_texts(settled)]
    kinds_behind = [k for k, _v in detectors.detect_texts(["x" + t for t in settled])]
    assert kinds_alone == kinds_behind
    assert {"resident_id", "bank_card", "mobile"} <= set(kinds_alone)


def test_codes_and_email_addresses_settled_as_the_polars_checks_settle_them():
    rng = random.Random(RNG_SEED + 1)
    tokens = (
        [synthetic.uscc_code(rng) for _ in range(1000)]
        + [synthetic.bad_uscc(rng) for _ in range(1000)]
        + [synthetic.email(rng) for _ in range(1000)]
        + ["abc@x.y", "a@bc", "@example.com", "ab-c@example.com", "AB12CD"]
        + ["".join(rng.choices("0123456789ABCDXYZ", k=18)) for _ in range(1000)]
        + [synthetic.resident_id(rng)[:17] + "X" for _ in range(1000)]
        # anything else in letters, digits, separators and Chinese
        + [
            "".join(rng.choices("0123456789X@ -.a中", k=rng.randint(1, 20)))
            for _ in range(4000)
        ]
    )
    tokens = [t for t in tokens if not t.isdigit()]  # (see the test above)
    cands = pl.DataFrame(
        {
            "col": pl.Series([0] * len(tokens), dtype=pl.UInt16),
            "row": pl.Series(range(len(tokens)), dtype=pl.UInt32),
            "idx": pl.Series([0] * len(tokens), dtype=pl.UInt32),
            "tok": tokens,
        }
    )
    verdict = pl.Series(kernels.verdicts(cands["tok"]))
    settled = cands.filter(verdict != kernels.POLARS)
    assert settled.height > 0.4 * len(tokens)
    expected = detectors._checked(settled).select("row", "kind").sort("row")
    got = (
        settled.with_columns(verdict.filter(verdict != kernels.POLARS).alias("v"))
        .filter(pl.col("v") != kernels.DROP)
        .select("row", pl.col("v").replace_strict(kernels.KINDS).alias("kind"))
        .sort("row")
    )
    assert got.equals(expected)
    assert set(got["kind"]) == {"uscc", "email", "resident_id"}


def test_the_public_way_to_the_string_buffers_gives_the_same_arrays():
    import numpy as np

    tokens = pl.Series(["13812345678", None, "", "张三@example.com", "110101"])
    data, offsets = kernels.token_bytes(tokens)
    public_data, public_offsets = kernels._token_bytes_public(tokens)
    assert np.array_equal(data, public_data)
    assert np.array_equal(offsets.astype(np.int64), public_offsets)
    assert bytes(public_data[public_offsets[3] : public_offsets[4]]).decode() == (
        "张三@example.com"
    )
