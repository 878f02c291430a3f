"""统一社会信用代码 (unified social credit code, GB 32100-2015) arithmetic.

A code is 18 characters: registration authority (1), institution category (1),
administrative division (6), organization code (9, GB 11714 with its own check
digit) and the GB 32100 check character (1). Pure functions, no CKAN imports.
"""

from __future__ import annotations

#: The 31 characters a unified social credit code may use (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights of positions 1..17 (3**(i-1) mod 31).
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: Weights of the eight body characters of a GB 11714 organization code.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a code."""
    if len(first17) != 17:
        raise ValueError("a unified social credit code body has 17 characters")
    total = 0
    for char, weight in zip(first17, USCC_WEIGHTS, strict=True):
        value = USCC_ALPHABET.find(char)
        if value < 0:
            raise ValueError(f"{char!r} is not allowed in a unified social credit code")
        total += value * weight
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is 18 allowed characters with a correct check character."""
    if len(code) != 18:
        return False
    try:
        return uscc_check_character(code[:17]) == code[17]
    except ValueError:
        return False


def org_code_check_character(body8: str) -> str:
    """The GB 11714 check character for an 8-character organization code body."""
    if len(body8) != 8:
        raise ValueError("an organization code body has 8 characters")
    total = 0
    for char, weight in zip(body8, ORG_CODE_WEIGHTS, strict=True):
        if not (char.isdigit() or "A" <= char <= "Z"):
            raise ValueError(f"{char!r} is not allowed in an organization code")
        total += int(char, 36) * weight
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(authority: str, category: str, region: str, org_body8: str) -> str:
    """Assemble a complete code from its parts (both check characters computed).

    ``authority`` + ``category`` is e.g. ``"11"`` (机构编制, 机关), ``"12"``
    (机构编制, 事业单位) or ``"91"`` (市场监管, 企业); ``region`` is the 6-digit
    administrative division code; ``org_body8`` the organization code body.
    """
    if len(authority) != 1 or len(category) != 1 or len(region) != 6:
        raise ValueError("authority and category are 1 character, region 6 digits")
    org_code = org_body8 + org_code_check_character(org_body8)
    first17 = authority + category + region + org_code
    return first17 + uscc_check_character(first17)
