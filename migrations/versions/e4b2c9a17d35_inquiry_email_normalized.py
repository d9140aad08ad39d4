"""The inquiry's address normalized (stripped and case-folded, Unicode), for the privacy
look-up, erasure and the duplicates check; existing inquiries get theirs here.

Revision ID: e4b2c9a17d35
Revises: c0615646fc64
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b2c9a17d35'
down_revision = 'c0615646fc64'
branch_labels = None
depends_on = None

inquiry = sa.table(
    'inquiry',
    sa.column('id', sa.Integer),
    sa.column('email', sa.String),
    sa.column('email_normalized', sa.String),
)


def upgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_normalized', sa.String(length=254), nullable=True))
    connection = op.get_bind()
    # models.email_key, written out: a revision never imports application code.
    rows = [{'row_id': id_, 'key': email.strip().casefold()}
            for id_, email in connection.execute(sa.select(inquiry.c.id, inquiry.c.email))]
    if rows:
        connection.execute(
            inquiry.update()
            .where(inquiry.c.id == sa.bindparam('row_id'))
            .values(email_normalized=sa.bindparam('key')),
            rows,
        )
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.alter_column('email_normalized', existing_type=sa.String(length=254),
                              nullable=False)
        batch_op.create_index(batch_op.f('ix_inquiry_email_normalized'), ['email_normalized'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_email_normalized'))
        batch_op.drop_column('email_normalized')
