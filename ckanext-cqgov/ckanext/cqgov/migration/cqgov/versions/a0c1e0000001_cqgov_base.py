"""The cqgov plugin's first revision: the root every cqgov table hangs from.

Revision ID: a0c1e0000001
Revises:
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

revision = "a0c1e0000001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
