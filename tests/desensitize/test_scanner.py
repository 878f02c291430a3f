"""The compiled cell scanner decides every cell it settles exactly as the
polars path does (the reference): same output cells, same finding counts."""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest
from stress_texts import stress_texts

from ckanext.cqgov.desensitize import columns as colplan
from ckanext.cqgov.desensitize import (
    detectors,
    engine,
    kernels,
    operators,
    scanner,
    synthetic,
)

RNG_SEED = 20261126


def test_the_scanner_is_built():
    """``pip install`` builds it (the rest of this module would otherwise
    compare the polars path with itself)."""
    assert scanner.available()


def _name_texts(rng: random.Random) -> list[str]:
    """Names after cues in the forms the scanner settles and in those it
    must leave to polars (先生/女士, a word after a person, 和 after a cue,
    characters that end a given name, compound surnames, letters)."""
    texts = []
    for _ in range(400):
        name = synthetic.person_name(rng)
        cue = rng.choice(detectors.NAME_CUES)
        sep = rng.choice(("", "：", ":", " ", "： ", ": "))
        compound = rng.choice(detectors.COMPOUND_SURNAMES) + rng.choice("伟芳娜敏静丽")
        texts += [
            f"{cue}{sep}{name}，",
            f"{cue}{sep}{name}",
            f"{cue}{sep}{compound}已到",
            f"{cue}{sep}{name}{rng.choice(detectors.HONORIFICS)}来电",
            f"{cue}{sep}{name}{rng.choice(detectors.PERSON_AFTER)}办理",
            f"{cue}和{name}",
            f"{cue}{name[0]}{rng.choice(detectors.NOT_GIVEN)}",
            f"{cue}{name}A1",
            f"{cue}{name}{synthetic.mobile(rng)}",
            f"{name}{cue}{name}",
            f"{cue}{sep}{compound}",
        ]
    return texts


def _frame(texts: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"t": texts}, schema={"t": pl.Utf8}).select(
        detectors.fold_width(pl.col("t")).alias("t")
    )


def _transformer(
    frame: pl.DataFrame, policy: dict[str, operators.Operator] | None = None
) -> engine.Transformer:
    options = engine.Options(declared=dict.fromkeys(frame.columns, "none"))
    if policy is not None:
        options.policy = policy
    return engine.Transformer(colplan.plan_columns(frame, options.declared), options)


def _both_ways(frame: pl.DataFrame, policy=None) -> tuple[pl.DataFrame, dict]:
    compiled, reference = _transformer(frame, policy), _transformer(frame, policy)
    got = compiled._scan_compiled(frame)
    expected = reference._scan_polars(frame)
    for column in frame.columns:
        assert got[column].to_list() == expected[column].to_list()
        assert dict(compiled.reports[column].findings) == dict(
            reference.reports[column].findings
        )
        assert compiled.reports[column].operators == reference.reports[column].operators
    return got, {c: dict(compiled.reports[c].findings) for c in frame.columns}


def _texts(seed: int) -> list[str | None]:
    rng = random.Random(seed)
    return stress_texts(rng, 3000) + _name_texts(rng) + [None, "", " "]


def test_settled_cells_are_those_of_the_polars_path():
    frame = _frame(_texts(RNG_SEED))
    table = scanner.operator_table(operators.parse_policy(None))
    scanned = scanner.scan_column(frame["t"], table)
    # most cells are settled by the scanner, holding findings of every kind
    # it knows; the others go the polars way
    assert 0.5 * frame.height < (~scanned.deferred).sum() < frame.height
    settled = scanned.counts[~scanned.deferred].sum(axis=0)
    assert all(n > 50 for n in settled), dict(zip(scanner.KINDS, settled, strict=True))
    got, findings = _both_ways(frame)
    assert got["t"][frame.height - 3] is None
    assert {"resident_id", "name", "landline", "ipv4"} <= set(findings["t"])


def test_operators_the_scanner_does_not_apply_defer_their_cells():
    frame = _frame(_texts(RNG_SEED + 1))
    policy = operators.parse_policy(
        "name=replace:某某 mobile=suppress email=pseudonym uscc=mask:0:0 "
        "resident_id=mask:20:20 bank_card=replace"
    )
    policy_secret = engine.Options(secret=b"k")  # pseudonyms need a secret
    table = scanner.operator_table(policy)
    assert [kind for kind, *_ in table] == [
        kernels.RESIDENT_ID,
        kernels.MOBILE,
        kernels.BANK_CARD,
        kernels.USCC,
        scanner.KINDS.index("name") + kernels.RESIDENT_ID,
    ]
    compiled, reference = _transformer(frame, policy), _transformer(frame, policy)
    compiled.options.secret = reference.options.secret = policy_secret.secret
    got = compiled._scan_compiled(frame)["t"].to_list()
    deferred = scanner.scan_column(frame["t"], table).deferred
    assert 0 < deferred.sum() < frame.height
    assert got == reference._scan_polars(frame)["t"].to_list()
    assert compiled.reports["t"].findings == reference.reports["t"].findings
    assert any("某某" in t for t in got if t)
    assert any("[bank_card]" in t for t in got if t)


def test_columns_of_single_tokens_are_not_cut():
    """Identifier columns (letters and digits, e-mail addresses) are taken
    cell by cell as one token, which is what the pattern's first match is."""
    rng = random.Random(RNG_SEED + 2)
    makers = (
        synthetic.resident_id,
        synthetic.bad_resident_id,
        synthetic.mobile,
        synthetic.bank_card,
        synthetic.uscc_code,
        synthetic.bad_uscc,
        synthetic.email,
    )
    cells = [make(rng) for make in makers for _ in range(300)]
    cells += ["a.b-c_d%e+f@x-y.example.cn", "A1@B2.CD", "x@y.c0m.cn", "AB12CD", None]
    cells += ["0086" + synthetic.mobile(rng), ""]
    lone = _frame(cells)["t"]
    values, offsets = kernels.token_bytes(lone)
    valid = lone.is_not_null().to_numpy().astype(np.uint8)
    assert scanner._scan.single_tokens(values, offsets, valid) is False  # 0086…
    lone = lone.filter(~lone.str.starts_with("0086").fill_null(False))
    values, offsets = kernels.token_bytes(lone)
    valid = lone.is_not_null().to_numpy().astype(np.uint8)
    assert scanner._scan.single_tokens(values, offsets, valid) is True
    firsts = lone.str.extract(detectors.CANDIDATES, 0)
    assert (firsts == lone).filter(lone != "").all()
    _both_ways(lone.to_frame())
    # cells whose first match is not the whole cell are cut
    for cell in ("x@y.c0m", "a@b..cn", "a@b.cn.", "@b.cn", "a@b_c.cn", "a b"):
        column = pl.Series("t", [cell])
        values, offsets = kernels.token_bytes(column)
        ones = np.ones(1, dtype=np.uint8)
        assert scanner._scan.single_tokens(values, offsets, ones) is False, cell


def test_compiled_verdicts_are_the_numpy_verdicts():
    rng = random.Random(RNG_SEED + 3)
    frame = _frame(stress_texts(rng, 3000))
    tokens = detectors.extract_candidates(frame, ["t"])["tok"]
    tokens = pl.concat(
        [
            tokens,
            pl.Series(
                [
                    "".join(rng.choices("0123456789X", k=rng.randint(1, 22)))
                    for _ in range(5000)
                ]
            ),
        ]
    )
    scanner.configure()
    compiled = scanner._scan.verdicts(*kernels.token_bytes(tokens), kernels.today())
    compiled = np.frombuffer(compiled, dtype=np.int8)
    assert np.array_equal(compiled, kernels.verdicts(tokens))


def test_foldable_finds_what_fold_width_replaces():
    texts = [
        "ａ",
        "１３８",
        "电话：１",
        "＠",
        "\u3000",
        "，。；：",
        "abc",
        "",
        "x\x00y",
    ]
    texts += [chr(c) for c in range(0x3000, 0x3010)] + [
        chr(0xFF00 + i) for i in range(96)
    ]
    for text in texts:
        column = pl.Series([text])
        expected = bool(column.str.contains(detectors._FOLDED).any())
        assert scanner._scan.foldable(kernels.token_bytes(column)[0]) is expected, text


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_engine_outputs_are_byte_identical_both_ways(tmp_path, monkeypatch, fmt):
    rng = random.Random(RNG_SEED + 4)
    rows = [synthetic.benchmark_row(rng, i) for i in range(3000)]
    texts = _texts(RNG_SEED + 5)
    for i, row in enumerate(rows):
        row[-1] = texts[i] or ""
    source = tmp_path / f"in.{fmt}"
    frame = pl.DataFrame(rows, schema=synthetic.BENCHMARK_HEADER, orient="row")
    if fmt == "csv":
        frame.write_csv(source)
    else:
        frame.write_ndjson(source)
    # (the identifier columns and the remarks are scanned, as in the
    # benchmark; cells the polars path handles are counted)
    scanned = [
        "身份证号",
        "联系电话",
        "电子邮箱",
        "统一社会信用代码",
        "银行卡号",
        "备注",
    ]
    by_polars = []
    reference = engine.Transformer._scan_polars

    def counted(self, frame, columns=None):
        by_polars.append(frame.height * len(columns or self.scan))
        return reference(self, frame, columns)

    monkeypatch.setattr(engine.Transformer, "_scan_polars", counted)
    reports = {}
    for compiled in (True, False):
        out = tmp_path / str(compiled)
        out.mkdir()
        options = engine.Options(
            declared=dict.fromkeys(scanned, "none"),
            compiled=compiled,
            chunk_bytes=64 * 1024,
        )
        result = engine.run(str(source), fmt, str(out), "out", options)
        reports[compiled] = result.report["columns"]
        if compiled:
            # most cells were settled by the scanner
            assert 0 < sum(by_polars) < 0.2 * len(rows) * len(scanned)
            by_polars.clear()
    # (the XLSX copy is written from the CSV; it holds its creation time)
    for name in ("out.csv", "out.json"):
        assert (tmp_path / "True" / name).read_bytes() == (
            tmp_path / "False" / name
        ).read_bytes()
    assert reports[True] == reports[False]


def test_json_records_joins_lines_as_the_bytes_expression_does():
    rng = random.Random(RNG_SEED + 6)
    cases = [b"", b"\n", b"{}", b"{}\n", b"{}\n\n", b'{"a":"x\\ny"}\n{"b":2}\n']
    cases += [
        b"\n".join(b"{}" for _ in range(rng.randint(1, 50))) + b"\n" * rng.randint(0, 2)
        for _ in range(50)
    ]
    for data in cases:
        expected = data.rstrip(b"\n").replace(b"\n", b",\n")
        assert scanner.json_records(data) == expected


def test_record_end_is_the_last_newline_outside_quotes():
    rng = random.Random(RNG_SEED + 7)
    for _ in range(2000):
        data = bytes(rng.choices(b'ab,"\n', k=rng.randint(0, 40)))
        cut = data.rfind(b"\n")
        while cut >= 0 and data.count(b'"', 0, cut) % 2:
            cut = data.rfind(b"\n", 0, cut)
        assert scanner.record_end(data) == cut, data
