"""Directory uploads: a CSV kept in the database from its preview in the back office to its import.

Revision ID: 31e91f84870e
Revises: 01340ef25593
Create Date: 2026-11-30 08:10:20.384743

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '31e91f84870e'
down_revision = '01340ef25593'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('directory_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_directory_upload_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_upload')),
    sa.UniqueConstraint('token', name=op.f('uq_directory_upload_token'))
    )
    with op.batch_alter_table('directory_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_upload_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('directory_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_upload_user_id'))
        batch_op.drop_index(batch_op.f('ix_directory_upload_created_at'))

    op.drop_table('directory_upload')
