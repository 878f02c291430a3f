"""Desensitization operators and the per-category policy.

An operator spec is a short string, configurable per category:

``mask[:first[:last]]``
    keep the first *first* and last *last* characters, ``*`` for the rest
    (``138****1234``); a value no longer than first+last is starred whole.
``pseudonym``
    a keyed token: HMAC-SHA256 with the configured secret over the category
    and the value, so the same value gives the same token in every file (joins
    still work) and nobody without the secret can reverse or recompute it.
``generalize[:level]``
    coarser value: address → district (区/县), birth date → year, age → band
    of *level* years (default 10), coordinates → *level* decimals (default 2),
    IPv4 → first two octets, IPv6 → first three groups.
``suppress``
    drop the column (whole-column categories) or delete the value in text.
``replace[:text]``
    a fixed text (default ``[category]``).

All operators work on polars expressions over whole columns of findings,
except ``pseudonym``, which computes one HMAC per distinct value.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac

import polars as pl

OPERATORS = ("mask", "pseudonym", "generalize", "suppress", "replace")

# Categories whose values can be generalized, and the default level.
GENERALIZABLE = {
    "address": None,
    "coordinates": 2,
    "ipv4": None,
    "ipv6": None,
    "birth_date": None,
    "age": 10,
}

DEFAULT_OPERATORS = {
    "resident_id": "mask:6:4",
    "uscc": "mask:8:2",
    "bank_card": "mask:6:4",
    "mobile": "mask:3:4",
    "phone": "mask:3:4",
    "landline": "mask:4:2",
    "email": "mask:1:0",
    "passport": "mask:1:2",
    "plate": "mask:2:1",
    "ipv4": "generalize",
    "ipv6": "generalize",
    "coordinates": "generalize:2",
    "name": "mask:1:0",
    "address": "generalize",
    "birth_date": "generalize",
    "age": "generalize:10",
}


class PolicyError(ValueError):
    """A configured operator spec is not valid."""


@dataclasses.dataclass(frozen=True)
class Operator:
    name: str
    first: int = 0
    last: int = 0
    level: int | None = None
    text: str = ""

    def describe(self) -> str:
        if self.name == "mask":
            return f"mask:{self.first}:{self.last}"
        if self.name == "generalize" and self.level is not None:
            return f"generalize:{self.level}"
        if self.name == "replace":
            return f"replace:{self.text}"
        return self.name


def parse_operator(category: str, spec: str) -> Operator:
    """``"mask:3:4"`` → :class:`Operator`; raises :class:`PolicyError`."""
    name, _, rest = spec.strip().partition(":")
    args = rest.split(":") if rest else []
    if name not in OPERATORS:
        raise PolicyError(f"{category}: unknown operator {name!r}")
    if name == "mask":
        try:
            nums = [int(a) for a in args]
        except ValueError:
            raise PolicyError(
                f"{category}: mask takes integers, got {spec!r}"
            ) from None
        if len(nums) > 2 or any(n < 0 for n in nums):
            raise PolicyError(f"{category}: mask[:first[:last]], got {spec!r}")
        nums += [0] * (2 - len(nums))
        return Operator("mask", first=nums[0], last=nums[1])
    if name == "generalize":
        if category not in GENERALIZABLE:
            raise PolicyError(f"{category}: cannot be generalized")
        level = GENERALIZABLE[category]
        if args:
            try:
                level = int(args[0])
            except ValueError:
                raise PolicyError(
                    f"{category}: generalize level must be an integer"
                ) from None
        return Operator("generalize", level=level)
    if name == "replace":
        return Operator("replace", text=rest or f"[{category}]")
    return Operator(name)


def parse_policy(spec: str | None) -> dict[str, Operator]:
    """The defaults updated with ``"category=operator ..."`` pairs."""
    specs = dict(DEFAULT_OPERATORS)
    for item in (spec or "").split():
        category, sep, op = item.partition("=")
        if not sep or not category or not op:
            raise PolicyError(f"expected category=operator, got {item!r}")
        specs[category] = op
    return {c: parse_operator(c, s) for c, s in specs.items()}


def mask(part: pl.Expr, first: int, last: int) -> pl.Expr:
    length = part.str.len_chars().cast(pl.Int64)
    hidden = length - first - last
    tail = part.str.tail(last) if last else pl.lit("")
    kept = pl.concat_str([part.str.head(first), _stars(hidden), tail])
    return pl.when(hidden > 0).then(kept).otherwise(_stars(length))


_STARS = "*" * 256


def _stars(count: pl.Expr) -> pl.Expr:
    """``count`` stars (at most 256: longer runs reveal nothing more)."""
    return pl.lit(_STARS).str.slice(0, count.clip(lower_bound=0).cast(pl.UInt32))


def pseudonym_token(secret: bytes, category: str, value: str) -> str:
    """Deterministic keyed token; letters only, so no detector fires on it."""
    digest = hmac.new(
        secret, f"{category}\x1f{value}".encode(), hashlib.sha256
    ).digest()
    letters = "".join(chr(ord("a") + (b % 26)) for b in digest[:12])
    return f"{category.upper()}-{letters}"


def generalize(part: pl.Expr, category: str, level: int | None) -> pl.Expr:
    if category == "address":
        return part.str.extract(r"^(.*?(?:区|县|旗))", 1).fill_null(pl.lit("*"))
    if category == "coordinates":
        decimals = level if level is not None else 2
        return part.str.replace_all(
            r"(-?[0-9]+\.[0-9]{" + str(decimals) + r"})[0-9]+", "${1}"
        )
    if category == "ipv4":
        return part.str.replace(r"^([0-9]+\.[0-9]+)\.[0-9]+\.[0-9]+$", "${1}.*.*")
    if category == "ipv6":
        # the first three groups (two when "::" comes earlier), never a "::"
        # that would leave a valid compressed address such as 2001:db8::
        hexes = "[0-9A-Fa-f]+"
        return pl.coalesce(
            part.str.extract(f"^({hexes}:{hexes}:{hexes}):", 1),
            part.str.extract(f"^({hexes}:{hexes}):", 1),
            part.str.extract(f"^({hexes}):", 1),
        ).fill_null(pl.lit("")) + pl.lit(":*")
    if category == "birth_date":
        return part.str.extract(r"((?:19|20)[0-9]{2})", 1).fill_null(pl.lit("*"))
    if category == "age":
        width = level or 10
        age = part.str.extract(r"([0-9]{1,3})", 1).cast(pl.Int32, strict=False)
        low = (age // width) * width
        return (
            pl.when(age.is_null())
            .then(pl.lit("*"))
            .otherwise(
                pl.concat_str(
                    [low.cast(pl.Utf8), pl.lit("-"), (low + width - 1).cast(pl.Utf8)]
                )
            )
        )
    raise PolicyError(f"{category}: cannot be generalized")


def apply(
    frame: pl.DataFrame, column: str, category: str, op: Operator, secret: bytes
) -> pl.DataFrame:
    """Transforms ``frame[column]`` with ``op``; nulls stay null.

    ``suppress`` empties the values here (dropping whole columns is the
    engine's job); ``pseudonym`` hashes each distinct value once.
    """
    part = pl.col(column)
    if op.name == "pseudonym":
        distinct = frame[column].drop_nulls().unique()
        tokens = [pseudonym_token(secret, category, v) for v in distinct.to_list()]
        out = part.replace_strict(distinct, tokens, default=None, return_dtype=pl.Utf8)
        return frame.with_columns(
            pl.when(part.is_null()).then(None).otherwise(out).alias(column)
        )
    return frame.with_columns(expression(part, category, op).alias(column))


def expression(part: pl.Expr, category: str, op: Operator) -> pl.Expr:
    """``op`` on ``part`` as one expression (any operator but ``pseudonym``,
    which needs the distinct values first, see :func:`apply`); nulls stay
    null."""
    if op.name == "mask":
        out = mask(part, op.first, op.last)
    elif op.name == "generalize":
        out = generalize(part, category, op.level)
    elif op.name == "replace":
        out = pl.lit(op.text)
    elif op.name == "suppress":
        out = pl.lit("")
    else:
        raise PolicyError(f"{category}: {op.name} is not an expression")
    return pl.when(part.is_null()).then(None).otherwise(out)
