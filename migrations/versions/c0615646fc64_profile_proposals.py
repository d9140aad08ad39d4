"""Profile proposals: changes to an organization's profile proposed by one of its contacts
through a signed link, approved or rejected by staff.

Revision ID: c0615646fc64
Revises: 2f9d827e0ca3
Create Date: 2026-12-04 08:35:23.445481

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0615646fc64'
down_revision = '2f9d827e0ca3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('profile_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('proposed', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_profile_proposal_decided_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_profile_proposal_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_proposal'))
    )
    with op.batch_alter_table('profile_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_proposal_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_proposal_requested_at'), ['requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_proposal_state'), ['state'], unique=False)



def downgrade():
    with op.batch_alter_table('profile_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_proposal_state'))
        batch_op.drop_index(batch_op.f('ix_profile_proposal_requested_at'))
        batch_op.drop_index(batch_op.f('ix_profile_proposal_organization_id'))

    op.drop_table('profile_proposal')
