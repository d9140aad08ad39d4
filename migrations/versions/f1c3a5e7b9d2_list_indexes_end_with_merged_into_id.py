"""The lead list's index by name and the two indexes of possible duplicates end with
merged_into_id (and the duplicates' index by name and country with created_at before it): a deep
page sorted by name, and the newest leads sharing a name or a company domain, are read from the
indexes without the rows they skip.

Plain CREATE and DROP INDEX, no batch copy of inquiry: SQLite keeps the FTS triggers of
d4b7e1a9c2f6.

Revision ID: f1c3a5e7b9d2
Revises: d4b7e1a9c2f6
Create Date: 2026-12-04 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c3a5e7b9d2'
down_revision = 'd4b7e1a9c2f6'
branch_labels = None
depends_on = None

# name -> (columns before, columns after)
INDEXES = {
    'ix_inquiry_email_domain_created_at': (['email_domain', 'created_at'],
                                           ['email_domain', 'created_at', 'merged_into_id']),
    'ix_inquiry_country_name_key': (['country', 'name_key'],
                                    ['country', 'name_key', 'created_at', 'merged_into_id']),
}


def upgrade():
    _name_sort([sa.text('lower(name)'), 'id', 'merged_into_id'])
    for name, (_before, after) in INDEXES.items():
        op.drop_index(name, table_name='inquiry')
        op.create_index(name, 'inquiry', after)


def downgrade():
    _name_sort([sa.text('lower(name)'), 'id'])
    for name, (before, _after) in INDEXES.items():
        op.drop_index(name, table_name='inquiry')
        op.create_index(name, 'inquiry', before)


def _name_sort(columns):
    op.drop_index('ix_inquiry_name_sort', table_name='inquiry')
    op.create_index('ix_inquiry_name_sort', 'inquiry', columns, postgresql_include=['name'])
