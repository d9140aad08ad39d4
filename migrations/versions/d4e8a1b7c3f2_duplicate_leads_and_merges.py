"""Duplicate leads and merges: each inquiry's folded e-mail, e-mail domain and name keys
(computed here for the rows already there, by matchmaker/likeness.py as the app does), and the
lead it was merged into, with when. The lead list's two indexes end with merged_into_id, so that
the leads not merged are still listed and counted from indexes alone.

Revision ID: d4e8a1b7c3f2
Revises: acf93cc3c968
Create Date: 2026-12-05 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from matchmaker import likeness


# revision identifiers, used by Alembic.
revision = 'd4e8a1b7c3f2'
down_revision = 'acf93cc3c968'
branch_labels = None
depends_on = None

BATCH = 1000
LIST_INDEXES = {'ix_inquiry_created_at': ['created_at'],
                'ix_inquiry_status_created_at': ['status', 'created_at']}


def upgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_folded', sa.String(length=254), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('email_domain', sa.String(length=254), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_inquiry_merged_into_id_inquiry'), 'inquiry',
                                    ['merged_into_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_inquiry_email_folded'), ['email_folded'], unique=False)
        batch_op.create_index('ix_inquiry_email_domain_created_at',
                              ['email_domain', 'created_at'], unique=False)
        batch_op.create_index('ix_inquiry_country_name_key', ['country', 'name_key'],
                              unique=False)
        batch_op.create_index('ix_inquiry_merged_into_id', ['merged_into_id'], unique=False,
                              sqlite_where=sa.text('merged_into_id IS NOT NULL'),
                              postgresql_where=sa.text('merged_into_id IS NOT NULL'))
        # The unmerged leads of the list, its counts and the figures, from these indexes alone
        for name, columns in LIST_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [*columns, 'id', 'merged_into_id'], unique=False)
    _fill_keys()


def _fill_keys():
    """Compute the keys of the inquiries already there."""
    inquiry = sa.table('inquiry', sa.column('id', sa.Integer), sa.column('email', sa.String),
                       sa.column('name', sa.String), sa.column('email_folded', sa.String),
                       sa.column('email_domain', sa.String), sa.column('name_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(inquiry.c.id, inquiry.c.email, inquiry.c.name)).all()
    update = (
        sa.update(inquiry)
        .where(inquiry.c.id == sa.bindparam('row_id'))
        .values(email_folded=sa.bindparam('k_email'), email_domain=sa.bindparam('k_domain'),
                name_key=sa.bindparam('k_name'))
    )
    for start in range(0, len(rows), BATCH):
        connection.execute(update, [
            {'row_id': row.id, 'k_email': likeness.folded_email(row.email),
             'k_domain': likeness.email_domain(row.email), 'k_name': likeness.name_key(row.name)}
            for row in rows[start:start + BATCH]
        ])


def downgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        for name, columns in LIST_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
        batch_op.drop_index('ix_inquiry_merged_into_id')
        batch_op.drop_index('ix_inquiry_country_name_key')
        batch_op.drop_index('ix_inquiry_email_domain_created_at')
        batch_op.drop_index(batch_op.f('ix_inquiry_email_folded'))
        batch_op.drop_constraint(batch_op.f('fk_inquiry_merged_into_id_inquiry'),
                                 type_='foreignkey')
        batch_op.drop_column('merged_at')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('name_key')
        batch_op.drop_column('email_domain')
        batch_op.drop_column('email_folded')
