"""A transfer's deployment is the transfer's, not a stand-in rollout's.

Until now a transfer wrote a one-site "rollout" (its id the transfer's, its plan of kind
transfer) so its deployment could sit in the ledger; `rollouts` listed it and a real rollout of
the template was refused while it ran. The ledger now names its origin as a rollout or a
transfer (exactly one): entries of stand-ins move to their transfer, and the stand-in rollout
rows (with their site rows) go.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONE_ORIGIN = "ck_deployment_one_origin"
TRANSFER_FK = "deployment_transfer_id_fkey"
TRANSFER_UNIQUE = "deployment_transfer_id_site_template_key"


def upgrade() -> None:
    op.add_column(
        "deployment",
        sa.Column("transfer_id", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=True),
    )
    # A stand-in: a rollout row whose id is a transfer's and whose plan says kind: transfer.
    op.execute(
        """
        CREATE TEMPORARY TABLE stand_in ON COMMIT DROP AS
        SELECT r.id FROM rollout r JOIN transfer t ON t.id = r.id
        WHERE r.plan::jsonb ->> 'kind' = 'transfer'
        """
    )
    op.execute(
        "UPDATE deployment SET transfer_id = rollout_id, rollout_id = NULL "
        "WHERE rollout_id IN (SELECT id FROM stand_in)"
    )
    op.execute("DELETE FROM rollout_site WHERE rollout_id IN (SELECT id FROM stand_in)")
    op.execute("DELETE FROM rollout WHERE id IN (SELECT id FROM stand_in)")
    op.create_unique_constraint(TRANSFER_UNIQUE, "deployment", ["transfer_id", "site", "template"])
    op.create_foreign_key(TRANSFER_FK, "deployment", "transfer", ["transfer_id"], ["id"])
    op.create_check_constraint(
        ONE_ORIGIN, "deployment", "(rollout_id IS NULL) <> (transfer_id IS NULL)"
    )


def downgrade() -> None:
    """Back to stand-ins: one finished one-site rollout per transfer that deployed."""
    op.execute(
        """
        INSERT INTO rollout (id, template, version, template_sha256, plan, status, current_wave,
                             started_by, workflow_id, started_at, updated_at, finished_at)
        SELECT t.id, t.template, t.version, COALESCE(v.content_sha256, ''),
               json_build_object(
                   'kind', 'transfer',
                   'waves', json_build_array(json_build_object(
                       'name', 'transfer', 'sites', json_build_array(t.target),
                       'max_parallel', 1, 'failure_budget', 0, 'gates', json_build_array()))),
               'completed', 'transfer', t.started_by, 'transfer-' || t.id,
               t.started_at, t.updated_at, t.updated_at
        FROM transfer t
        LEFT JOIN template_version v ON v.key = t.template AND v.version = t.version
        WHERE t.id IN (SELECT transfer_id FROM deployment WHERE transfer_id IS NOT NULL)
        """
    )
    op.execute(
        """
        INSERT INTO rollout_site (rollout_id, site, wave, position, state, sha256,
                                  previous_sha256, history)
        SELECT d.transfer_id, d.site, 'transfer', 1, 'live', d.sha256, d.previous_sha256,
               '[]'::json
        FROM deployment d WHERE d.transfer_id IS NOT NULL
        """
    )
    op.drop_constraint(ONE_ORIGIN, "deployment", type_="check")
    op.drop_constraint(TRANSFER_FK, "deployment", type_="foreignkey")
    op.drop_constraint(TRANSFER_UNIQUE, "deployment", type_="unique")
    op.execute(
        "UPDATE deployment SET rollout_id = transfer_id, transfer_id = NULL "
        "WHERE transfer_id IS NOT NULL"
    )
    op.drop_column("deployment", "transfer_id")
