"""Next steps on leads (call, meeting, follow-up, other; a due day; an owner), and the lost
reason as a code of a fixed vocabulary beside its words.

Leads already lost keep their words; their code becomes "other".

Revision ID: a7d3c1e5f902
Revises: 5b1c0d2e7a91
Create Date: 2026-12-04 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d3c1e5f902'
down_revision = '5b1c0d2e7a91'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('next_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_next_step_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff_user.id'], name=op.f('fk_next_step_done_by_id_staff_user')),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_next_step_inquiry_id_inquiry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['staff_user.id'], name=op.f('fk_next_step_owner_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_next_step'))
    )
    with op.batch_alter_table('next_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_next_step_done_at'), ['done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_next_step_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_next_step_inquiry_id'), ['inquiry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_next_step_owner_id'), ['owner_id'], unique=False)

    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lost_reason_code', sa.String(length=30), nullable=False,
                                      server_default=''))
    op.execute("UPDATE inquiry SET lost_reason_code = 'other' WHERE status = 'lost'")


def downgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_column('lost_reason_code')

    with op.batch_alter_table('next_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_next_step_owner_id'))
        batch_op.drop_index(batch_op.f('ix_next_step_inquiry_id'))
        batch_op.drop_index(batch_op.f('ix_next_step_due_on'))
        batch_op.drop_index(batch_op.f('ix_next_step_done_at'))

    op.drop_table('next_step')
