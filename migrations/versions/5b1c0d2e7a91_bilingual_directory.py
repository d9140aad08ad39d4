"""Bilingual directory: description_fr, keywords_fr and source; lang is dropped.

Where lang was 'fr', the description and keywords move to description_fr and keywords_fr and
the English columns become empty (nothing is translated by the migration); where it was 'en'
they stay. Downgrade puts a French-only profile back in description with lang 'fr' and drops the
French text of bilingual profiles and every source.

Revision ID: 5b1c0d2e7a91
Revises: cb7f9053f48f
Create Date: 2026-12-04 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1c0d2e7a91'
down_revision = 'cb7f9053f48f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_fr', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('keywords_fr', sa.String(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('source', sa.String(length=300), nullable=False, server_default=''))
    op.execute(
        "UPDATE organization SET description_fr = description, keywords_fr = keywords, "
        "description = '', keywords = '' WHERE lang = 'fr'"
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('lang')


def downgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lang', sa.String(length=5), nullable=False, server_default='en'))
    op.execute(
        "UPDATE organization SET lang = 'fr', description = description_fr, keywords = keywords_fr "
        "WHERE description = '' AND description_fr <> ''"
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('source')
        batch_op.drop_column('keywords_fr')
        batch_op.drop_column('description_fr')
