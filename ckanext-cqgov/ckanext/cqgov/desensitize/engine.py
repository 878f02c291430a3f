"""The streaming engine: read → detect → transform → write → verify.

Input: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; detected), XLSX, JSON
records (an array of objects, or one object per line). CSV and JSON lines are
read in chunks of about ``chunk_bytes`` cut at record boundaries (quotes are
tracked, so a newline inside a quoted field does not cut a record); each
chunk becomes a polars frame of strings, so memory is bounded by the chunk
size, not the file size.

Pass 1 transforms the chunks (two at a time, in threads: polars releases the
GIL), writes the transformed CSV and JSON in order, counts quasi-identifier
classes and runs the residual scan (the text detectors again plus
python-stdnum's validators) on every transformed chunk exactly as it is
written; it must find nothing. When the k-anonymity is below the required k
and the publisher accepted suppression, a second pass drops the rows of the
small classes (a subset of the scanned rows) and the JSON copy is rewritten.
The XLSX copy is written from the final CSV. Outputs are written under
temporary names and renamed into place only when everything succeeded.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import io
import json
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl

from ckanext.cqgov.desensitize import columns as colplan
from ckanext.cqgov.desensitize import detectors, kanon, operators, scanner, verify

CHUNK_BYTES = 16 * 1024 * 1024
# Chunks transformed at the same time, in threads: polars releases the GIL,
# so two chunks keep both cores busy where one chunk's expressions mostly
# run one after the other.
WORKERS = 2
XLSX_MAX_ROWS = 1_048_575
# Categories applied to whole columns; e-mail columns are scanned instead so
# the domain survives the mask.
_SCAN_INSTEAD = {"email"}


class EngineError(ValueError):
    """The input cannot be read (format, encoding, shape)."""


@dataclasses.dataclass
class Options:
    policy: dict[str, operators.Operator] = dataclasses.field(
        default_factory=lambda: operators.parse_policy(None)
    )
    secret: bytes = b""
    declared: dict[str, str] = dataclasses.field(default_factory=dict)
    k_min: int = 1
    accept_suppression: bool = False
    formats: tuple[str, ...] = ("csv", "json", "xlsx")
    chunk_bytes: int = CHUNK_BYTES
    workers: int = WORKERS
    progress: Callable[[int, int], None] | None = None  # (bytes read, total)
    # the compiled scanner for the cells it settles (see scanner.py); False:
    # the polars path for every cell
    compiled: bool = True


def options_from_settings(
    operators_spec: str = "",
    secret: str = "",
    k_min: int = 1,
    chunk_mib: int = 16,
    **kwargs,
) -> Options:
    """Options from the ``ckanext.cqgov.desensitize.*`` settings.

    Raises :class:`operators.PolicyError` for a bad operator spec, or when a
    category uses ``pseudonym`` and no secret is configured.
    """
    policy = operators.parse_policy(operators_spec)
    if not secret and any(op.name == "pseudonym" for op in policy.values()):
        raise operators.PolicyError("pseudonym needs ckanext.cqgov.desensitize.secret")
    return Options(
        policy=policy,
        secret=secret.encode(),
        k_min=max(1, int(k_min)),
        chunk_bytes=max(1, int(chunk_mib)) * 1024 * 1024,
        **kwargs,
    )


# -- encoding and reading -------------------------------------------------


def detect_encoding(path: str) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030`` (a superset of GBK/GB2312).

    The whole file is checked as UTF-8 (by polars, 4 MiB at a time, without
    holding the GIL); anything that is not valid UTF-8 is read as GB18030.
    """
    with open(path, "rb") as fh:
        head = fh.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        fh.seek(0)
        rest = b""
        while block := fh.read(4 * 1024 * 1024):
            data = rest + block
            cut = _last_character_start(data)
            if not _utf8(data[:cut]):
                return "gb18030"
            rest = data[cut:]
        if not _utf8(rest):
            return "gb18030"
    return "utf-8"


def _last_character_start(data: bytes) -> int:
    """Where the last character of UTF-8 ``data`` starts if it may be cut off
    (a lead byte followed by up to three continuation bytes), else its
    length."""
    i = len(data) - 1
    while i >= 0 and len(data) - i <= 3 and 0x80 <= data[i] <= 0xBF:
        i -= 1
    return i if i >= 0 and data[i] >= 0xC0 else len(data)


def _utf8(data: bytes) -> bool:
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.Utf8)
    except pl.exceptions.PolarsError:
        return False
    return True


def _record_chunks(fh, chunk_bytes: int, quoted: bool) -> Iterator[bytes]:
    """Byte chunks ending at a record boundary (a newline outside quotes).

    Works on UTF-8 and GB18030 bytes alike: neither encoding uses the bytes of
    ``"`` or newline inside a multi-byte character. Each chunk is read from
    where the previous one ended (the file is seekable), so a record cut by
    the end of a block is read again rather than copied in front of the next
    block.
    """
    # (every chunk ends outside quotes, so every block starts outside them)
    pos = fh.tell()
    while True:
        fh.seek(pos)
        block = fh.read(chunk_bytes)
        if not block:
            return
        cut = _last_record_end(block, quoted)
        while cut < 0 or len(block) < chunk_bytes:
            more = fh.read(chunk_bytes)
            if not more:
                yield block  # the end of the file
                return
            block += more
            cut = _last_record_end(block, quoted)
        chunk = block if cut + 1 == len(block) else block[: cut + 1]
        pos += len(chunk)
        yield chunk


def _last_record_end(buf: bytes, quoted: bool) -> int:
    """The last newline of ``buf`` outside quotes (``quoted``), or -1."""
    if not quoted:
        return buf.rfind(b"\n")
    if scanner.available():  # (one pass, without holding the GIL)
        return scanner.record_end(buf)
    cut = buf.rfind(b"\n")
    while cut >= 0 and buf.count(b'"', 0, cut) % 2:
        cut = buf.rfind(b"\n", 0, cut)
    return cut


def _strings(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        [
            (
                pl.col(c)
                if frame.schema[c] == pl.Utf8
                else pl.col(c).cast(pl.Utf8, strict=False)
            ).alias(str(c))
            for c in frame.columns
        ]
    )


def read_batches(
    path: str, fmt: str, encoding: str, chunk_bytes: int
) -> Iterator[tuple[pl.DataFrame, int | None]]:
    """``(frame, bytes read so far or None)``, one per chunk."""
    if fmt == "csv":
        yield from _csv_batches(path, encoding, chunk_bytes)
    elif fmt == "json":
        yield from _json_batches(path, encoding, chunk_bytes)
    elif fmt == "xlsx":
        yield from _xlsx_batches(path)
    else:
        raise EngineError(f"unsupported format {fmt!r}")


def _transcode(chunk: bytes, decoder, bom: bool) -> bytes:
    text = decoder.decode(chunk)
    return text.encode("utf-8")


def _csv_batches(path: str, encoding: str, chunk_bytes: int) -> Iterator[pl.DataFrame]:
    decoder = codecs.getincrementaldecoder(encoding)() if encoding != "utf-8" else None
    header: bytes | None = None
    columns: list[str] | None = None
    with open(path, "rb") as fh:
        for raw in _record_chunks(fh, chunk_bytes, quoted=True):
            data = _transcode(raw, decoder, False) if decoder else raw
            if header is None:
                end = _first_record_end(data)
                header, data = data[:end], data[end:]
                columns = pl.read_csv(
                    io.BytesIO(header), infer_schema=False, n_rows=0
                ).columns
                if not data.strip():
                    continue
            try:
                frame = pl.read_csv(
                    io.BytesIO(header + data),
                    infer_schema=False,
                    missing_utf8_is_empty_string=False,
                )
            except pl.exceptions.PolarsError as exc:
                raise EngineError(f"CSV cannot be parsed: {exc}") from exc
            if frame.columns != columns:
                raise EngineError("CSV header changed between chunks")
            yield frame, fh.tell()
    if header is None:
        raise EngineError("empty file")


def _first_record_end(data: bytes) -> int:
    pos = 0
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            return len(data)
        if data.count(b'"', 0, nl) % 2 == 0:
            return nl + 1
        pos = nl + 1


def _json_batches(path: str, encoding: str, chunk_bytes: int) -> Iterator[pl.DataFrame]:
    with open(path, "rb") as fh:
        first = fh.read(64).lstrip()
    if first.startswith(b"["):
        # An array of records is parsed whole (use one record per line for
        # files larger than memory).
        with open(path, encoding=encoding) as fh:
            try:
                records = json.load(fh)
            except ValueError as exc:
                raise EngineError(f"JSON cannot be parsed: {exc}") from exc
        if not isinstance(records, list) or not all(
            isinstance(r, dict) for r in records
        ):
            raise EngineError("JSON must be an array of objects")
        yield _records_frame(records), os.path.getsize(path)
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as fh:
        for raw in _record_chunks(fh, chunk_bytes, quoted=False):
            lines = [ln for ln in decoder.decode(raw).splitlines() if ln.strip()]
            try:
                records = [json.loads(ln) for ln in lines]
            except ValueError as exc:
                raise EngineError(f"JSON line cannot be parsed: {exc}") from exc
            if records:
                yield _records_frame(records), fh.tell()


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _records_frame(records: list[dict]) -> pl.DataFrame:
    keys: dict[str, None] = {}
    for r in records:
        keys.update(dict.fromkeys(r))
    return pl.DataFrame(
        {k: [_cell(r.get(k)) for r in records] for k in keys},
        schema=dict.fromkeys(keys, pl.Utf8),
    )


def _xlsx_batches(path: str, batch_rows: int = 50_000) -> Iterator[pl.DataFrame]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for bad files
        raise EngineError(f"XLSX cannot be opened: {exc}") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise EngineError("empty worksheet")
        names = [
            str(h) if h is not None else f"column_{i + 1}" for i, h in enumerate(header)
        ]
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_rows:
                yield _rows_frame(names, batch), None
                batch = []
        if batch:
            yield _rows_frame(names, batch), None
    finally:
        book.close()


def _rows_frame(names: list[str], rows: list[tuple]) -> pl.DataFrame:
    width = len(names)
    data = {
        n: [_cell(r[i]) if i < len(r) else None for r in rows]
        for i, n in enumerate(names)
    }
    del width
    return pl.DataFrame(data, schema=dict.fromkeys(names, pl.Utf8))


# -- transformation -------------------------------------------------------


@dataclasses.dataclass
class ColumnReport:
    name: str
    category: str | None
    source: str
    findings: Counter = dataclasses.field(default_factory=Counter)
    operators: dict[str, str] = dataclasses.field(default_factory=dict)
    suppressed: bool = False

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "category": self.category,
            "source": self.source,
            "findings": dict(self.findings),
            "operators": dict(self.operators),
            "suppressed": self.suppressed,
        }


class Transformer:
    """Transforms batches according to a column plan and a policy."""

    def __init__(self, plans: list[colplan.ColumnPlan], options: Options):
        self.options = options
        self.plans = plans
        self._lock = threading.Lock()  # reports are updated from worker threads
        self.reports = {
            p.name: ColumnReport(p.name, p.category, p.source) for p in plans
        }
        self.output_columns = []
        self.whole: list[colplan.ColumnPlan] = []
        self.scan: list[str] = []
        for p in plans:
            op = options.policy.get(p.category) if p.category else None
            if (
                op is not None
                and op.name == "suppress"
                and p.category not in _SCAN_INSTEAD
            ):
                self.reports[p.name].suppressed = True
                self.reports[p.name].operators[p.category] = op.describe()
                continue
            self.output_columns.append(p.name)
            if p.category and p.category not in _SCAN_INSTEAD:
                self.whole.append(p)
            else:
                self.scan.append(p.name)
        self._operator_table = scanner.operator_table(options.policy)
        self.quasi = [
            p.name
            for p in plans
            if p.quasi_identifier and p.name in self.output_columns
        ]

    def transform(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.select(self.output_columns)
        frame = (
            scanner.fold_columns(frame, self.output_columns)
            if self.options.compiled
            else detectors.fold_columns(frame, self.output_columns)
        )
        for p in self.whole:
            op = self.options.policy.get(p.category)
            report = self.reports[p.name]
            count = frame[p.name].drop_nulls().len()
            with self._lock:
                report.findings[p.category] += count
            if op is None:  # a quasi-identifier kept as it is
                continue
            with self._lock:
                report.operators[p.category] = op.describe()
            frame = operators.apply(frame, p.name, p.category, op, self.options.secret)
        if not self.scan:
            return frame
        if self.options.compiled and scanner.available():
            return self._scan_compiled(frame)
        return self._scan_polars(frame)

    def _scan_polars(
        self, frame: pl.DataFrame, columns: list[str] | None = None
    ) -> pl.DataFrame:
        """The scanned ``columns`` (default: all) the polars way (the
        reference)."""
        columns = self.scan if columns is None else columns
        cands, pieces = detectors.split_candidates(frame, columns)
        findings = detectors.classify(cands)
        if findings.height:
            frame = self._replace_findings(frame, pieces, findings, columns)
        return frame

    def _scan_compiled(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The scanned columns through :mod:`scanner`; the cells it defers
        go the polars way, column by column."""
        table = self._operator_table
        scanned = {c: scanner.scan_column(frame[c], table) for c in self.scan}
        with self._lock:
            for name, s in scanned.items():
                report = self.reports[name]
                totals = s.counts[~s.deferred].sum(axis=0)
                for kind, n in zip(scanner.KINDS, totals.tolist(), strict=True):
                    if n:
                        report.findings[kind] += n
                        report.operators[kind] = self.options.policy[kind].describe()
        columns = []
        for name, s in scanned.items():
            cells = s.cells
            if s.deferred.any():
                rows = pl.Series(np.flatnonzero(s.deferred))
                redone = self._scan_polars(frame.select(name)[rows], [name])
                cells = cells.scatter(rows, redone[name])
            columns.append(cells)
        return frame.with_columns(columns)

    def _replace_findings(
        self,
        frame: pl.DataFrame,
        pieces: list[detectors.Pieces],
        findings: pl.DataFrame,
        names: list[str],
    ) -> pl.DataFrame:
        counts = findings.group_by("col", "kind").len()
        with self._lock:
            for col, kind, n in counts.iter_rows():
                report = self.reports[names[col]]
                report.findings[kind] += n
                report.operators[kind] = self.options.policy[kind].describe()
        # One lazy query: each kind's findings with its operator (polars runs
        # the parts side by side), only the columns used below gathered.
        lazy = findings.lazy().select(
            "col", "row", "idx", "sub", "kind", "pre", "part", "post"
        )
        parts = []
        for kind in counts["kind"].unique().sort().to_list():
            op = self.options.policy[kind]
            sub = lazy.filter(pl.col("kind") == kind)
            if op.name == "pseudonym":
                sub = operators.apply(
                    sub.with_columns(pl.col("part").alias("_new")).collect(),
                    "_new",
                    kind,
                    op,
                    self.options.secret,
                ).lazy()
            else:
                sub = sub.with_columns(
                    operators.expression(pl.col("part"), kind, op).alias("_new")
                )
            parts.append(sub)
        replaced = (
            pl.concat(parts)
            .select(
                "col",
                "row",
                "idx",
                "sub",
                pl.concat_str(
                    [pl.col("pre"), pl.col("_new").fill_null(""), pl.col("post")]
                ).alias("_out"),
            )
            .collect()
        )
        # Several findings inside one token (``sub``: their offsets) each
        # rebuild a stretch of it: joined in order they are the new token.
        many = replaced.filter(pl.col("sub").is_not_null())
        if many.height:
            many = (
                many.sort("col", "row", "idx", "sub")
                .group_by("col", "row", "idx", maintain_order=True)
                .agg(pl.col("_out").str.join(""))
            )
            replaced = pl.concat(
                [replaced.filter(pl.col("sub").is_null()).drop("sub"), many]
            )
        else:
            replaced = replaced.drop("sub")
        columns = {}
        by_column = replaced.partition_by("col", as_dict=True, include_key=False)
        for i, name in enumerate(names):
            mine = by_column.get((i,))
            if mine is not None and mine.height:
                rebuilt = pieces[i].rebuild(mine)
                columns[name] = (
                    pl.when(pl.col(name).is_null()).then(None).otherwise(rebuilt)
                )
        return frame.with_columns(**columns)


# -- writing --------------------------------------------------------------


class _JsonWriter:
    def __init__(self, path: str):
        self.fh = open(path, "wb")  # noqa: SIM115 (closed in close())
        self.fh.write(b"[")
        self.first = True

    def write(self, frame: pl.DataFrame) -> None:
        self.write_lines(_json_lines(frame))

    def write_lines(self, lines: bytes) -> None:
        """Writes records rendered by :func:`_json_lines`."""
        if not lines:
            return
        self.fh.write(b"\n" if self.first else b",\n")
        self.fh.write(lines)
        self.first = False

    def close(self) -> None:
        self.fh.write(b"\n]\n")
        self.fh.close()


def _json_lines(frame: pl.DataFrame) -> bytes:
    """The records of ``frame`` as UTF-8 JSON objects separated by ``,\\n``
    (newlines inside values are escaped, so every newline ends a record)."""
    if frame.height == 0:
        return b""
    buf = io.BytesIO()
    frame.write_ndjson(buf)
    if scanner.available():  # (the same bytes, without holding the GIL)
        return scanner.json_records(buf.getbuffer())
    return buf.getvalue().rstrip(b"\n").replace(b"\n", b",\n")


class _XlsxWriter:
    def __init__(self, path: str, columns: list[str]):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.sheet = self.book.add_worksheet("data")
        self.sheet.write_row(0, 0, columns)
        self.row = 1
        self.truncated = False

    def write(self, frame: pl.DataFrame) -> None:
        for values in frame.iter_rows():
            if self.row > XLSX_MAX_ROWS:
                self.truncated = True
                return
            self.sheet.write_row(self.row, 0, ["" if v is None else v for v in values])
            self.row += 1

    def close(self) -> None:
        self.book.close()


@dataclasses.dataclass
class Result:
    status: str  # ok | refused
    report: dict
    outputs: dict[str, str]


def run(
    source: str,
    fmt: str,
    out_dir: str,
    basename: str,
    options: Options | None = None,
) -> Result:
    """Desensitizes ``source`` into ``out_dir/basename.{csv,json,xlsx}``.

    Returns the report; on ``refused`` (k-anonymity below the required k and
    suppression not accepted) no output is left behind. Raises
    :class:`EngineError` for unreadable input; nothing is left behind then
    either.
    """
    options = options or Options()
    started = time.monotonic()
    fmt = fmt.lower()
    # (the detectors' tables are built while the encoding is checked)
    warm = threading.Thread(target=_warm_up, args=(options,), daemon=True)
    warm.start()
    encoding = detect_encoding(source) if fmt in ("csv", "json") else "binary"
    warm.join()
    total = os.path.getsize(source)
    final = {f: os.path.join(out_dir, f"{basename}.{f}") for f in options.formats}
    temps = {
        f: os.path.join(out_dir, f".{basename}.{os.getpid()}.tmp.{f}")
        for f in ("csv", "json", "xlsx")
    }
    stage_csv = temps["csv"]
    try:
        json_path = temps["json"] if "json" in options.formats else None
        transformer, counter, rows_in, residual = _pass_transform(
            source, fmt, encoding, stage_csv, options, total, json_path
        )
        suppressed = False
        kreport = counter.summary(options.k_min)
        kreport["action"] = "none"
        status = "ok"
        # k is enforced on tables of personal records: quasi-identifiers
        # declared by the data items, or found beside personal data (a
        # table of figures per district is not refused for k = 1).
        personal = any(
            kind not in colplan.QUASI_IDENTIFIERS
            for report in transformer.reports.values()
            for kind, count in report.findings.items()
            if count
        )
        declared_qi = any(
            p.quasi_identifier and p.source == "data_item" for p in transformer.plans
        )
        kreport["enforced"] = bool(counter.columns) and (personal or declared_qi)
        if (
            kreport["enforced"]
            and kreport["k"] is not None
            and kreport["k"] < options.k_min
        ):
            if options.accept_suppression:
                _pass_suppress(stage_csv, counter, options)
                suppressed = True
                kreport["action"] = "suppressed"
                kreport["rows_suppressed"] = kreport["rows_below_k"]
                kreport["k_after"] = _k_after(counter, options.k_min)
            else:
                status = "refused"
                kreport["action"] = "refused"
        report = {
            "status": status,
            "format": fmt,
            "encoding": encoding,
            "rows": rows_in,
            "bytes": total,
            "columns": [
                transformer.reports[p.name].as_dict() for p in transformer.plans
            ],
            "k_anonymity": kreport,
        }
        if status == "refused":
            _remove(temps.values())
            report["residual"] = {}
            report["residual_total"] = 0
            report["seconds"] = round(time.monotonic() - started, 3)
            return Result(status, report, {})
        # The residual scan ran on every transformed chunk as it was
        # written (suppression only drops rows). The JSON copy was written
        # then too; it is rewritten from the CSV after a suppression.
        rows_out, xlsx_truncated = rows_in, False
        rewrite = [
            f for f in options.formats if f == "xlsx" or (f == "json" and suppressed)
        ]
        if rewrite:
            rows_out, xlsx_truncated = _pass_outputs(stage_csv, temps, rewrite)
        report["rows_out"] = rows_out
        report["residual"] = dict(residual)
        report["residual_total"] = sum(residual.values())
        if xlsx_truncated:
            report["xlsx_truncated"] = True
        if report["residual_total"]:
            raise EngineError(f"residual findings in the output: {dict(residual)}")
        for f in options.formats:
            os.replace(temps[f], final[f])
        _remove(temps[f] for f in temps if f not in options.formats)
        report["seconds"] = round(time.monotonic() - started, 3)
        return Result(status, report, final)
    except BaseException:
        _remove(temps.values())
        raise


def _warm_up(options: Options) -> None:
    detectors.warm_up()
    if options.compiled and scanner.available():
        scanner.configure()


def _remove(paths) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(p)


def _pass_transform(source, fmt, encoding, stage_csv, options, total, json_path):
    """Transforms the chunks (``options.workers`` at a time), writes the
    staged CSV (and the JSON copy when ``json_path``) in order and runs the
    residual scan on every transformed chunk."""
    transformer = None
    counter = None
    rows = 0
    residual: Counter = Counter()
    json_w = _JsonWriter(json_path) if json_path else None
    pending: deque = deque()
    with (
        open(stage_csv, "wb") as out,
        ThreadPoolExecutor(max(1, options.workers)) as pool,
    ):

        def drain(limit: int) -> None:
            while len(pending) > limit:
                future, position = pending.popleft()
                result, csv_bytes, json_lines, found = future.result()
                counter.add(result)
                out.write(csv_bytes)
                if json_w:
                    json_w.write_lines(json_lines)
                residual.update(found)
                if options.progress and position is not None:
                    options.progress(position, total)

        try:
            # chunk_bytes bounds the data in flight: each worker gets a share.
            share = max(1, options.chunk_bytes // max(1, options.workers))
            for frame, position in read_batches(source, fmt, encoding, share):
                frame = _strings(frame)
                if transformer is None:
                    plans = colplan.plan_columns(frame, options.declared)
                    transformer = Transformer(plans, options)
                    counter = kanon.ClassCounter(transformer.quasi)
                    out.write(
                        _csv_bytes(
                            frame.head(0).select(transformer.output_columns),
                            header=True,
                        )
                    )
                pending.append(
                    (
                        pool.submit(_chunk, transformer, frame, json_w is not None),
                        position,
                    )
                )
                rows += frame.height
                drain(max(1, options.workers))
            drain(0)
        finally:
            for future, _position in pending:
                future.cancel()
            if json_w:
                json_w.close()
    if transformer is None:
        raise EngineError("no data")
    if options.progress:
        options.progress(total, total)
    return transformer, counter, rows, residual


def _chunk(transformer: Transformer, frame: pl.DataFrame, want_json: bool):
    """One chunk, in a worker thread: transformed frame, its CSV bytes,
    JSON lines and residual findings."""
    result = transformer.transform(frame)
    return (
        result,
        _csv_bytes(result, header=False),
        _json_lines(result) if want_json else b"",
        residual_scan(result),
    )


def _csv_bytes(frame: pl.DataFrame, header: bool) -> bytes:
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=header)
    return buf.getvalue()


def _pass_suppress(
    stage_csv: str, counter: kanon.ClassCounter, options: Options
) -> None:
    small = counter.small_classes(options.k_min)
    tmp = stage_csv + ".k"
    with open(tmp, "wb") as out:
        first = True
        for frame, _pos in _csv_batches(stage_csv, "utf-8", options.chunk_bytes):
            kept = kanon.drop_small_classes(frame, small, counter.columns)
            out.write(_csv_bytes(kept, header=first))
            first = False
    os.replace(tmp, stage_csv)


def _k_after(counter: kanon.ClassCounter, k_min: int) -> int | None:
    assert counter.counts is not None
    kept = counter.counts.filter(pl.col("len") >= k_min)
    return int(kept["len"].min()) if kept.height else None


def _pass_outputs(stage_csv: str, temps: dict[str, str], formats: list[str]):
    """Writes the ``formats`` copies (``json``, ``xlsx``) from the final CSV;
    returns the number of rows and whether the XLSX copy was truncated."""
    rows = 0
    json_w = _JsonWriter(temps["json"]) if "json" in formats else None
    xlsx_w = None
    for frame, _pos in _csv_batches(stage_csv, "utf-8", CHUNK_BYTES):
        if xlsx_w is None and "xlsx" in formats:
            xlsx_w = _XlsxWriter(temps["xlsx"], frame.columns)
        rows += frame.height
        if json_w:
            json_w.write(frame)
        if xlsx_w:
            xlsx_w.write(frame)
    if json_w:
        json_w.close()
    truncated = False
    if xlsx_w:
        truncated = xlsx_w.truncated
        xlsx_w.close()
    return rows, truncated


def residual_scan(frame: pl.DataFrame) -> Counter:
    """Findings left in an output frame: the bulk detectors, plus
    python-stdnum's validators over every token shaped like a checked
    identifier (an independent implementation of the check characters).

    Candidates are extracted only from the cells matching
    :data:`detectors.MAYBE_FINDING` (a necessary condition for any finding
    and for every token stdnum is asked about), all columns in one."""
    if not frame.columns or frame.height == 0:
        return Counter()
    cells = pl.concat(
        [
            frame.get_column(c).filter(
                frame.get_column(c).str.contains(detectors.MAYBE_FINDING)
            )
            for c in frame.columns
        ]
    ).alias("t")
    cands = detectors.extract_candidates(cells.to_frame(), ["t"])
    found = detectors.classify(cands)
    counts = Counter(dict(found.group_by("kind").len().iter_rows()))
    counts.update(verify.scan_tokens(cands["tok"]))
    return counts
