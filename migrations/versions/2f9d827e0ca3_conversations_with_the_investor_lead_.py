"""Conversations with the investor: each lead's messages (written by staff, or received at its
reply address; received mail that names no lead has none) with their attachments, and the
consent to share given after the inquiry, by a signed link (when, under which notice).

Existing leads get no messages and no later consent.

Revision ID: 2f9d827e0ca3
Revises: 5e13c491adb7
Create Date: 2026-12-04 08:13:06.235570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2f9d827e0ca3'
down_revision = '5e13c491adb7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lead_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=True),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('template', sa.String(length=30), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('header_message_id', sa.String(length=300), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('unmatched_reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_lead_message_author_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_lead_message_inquiry_id_inquiry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_message.id'], name=op.f('fk_lead_message_outbox_id_outbox_message'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_message'))
    )
    with op.batch_alter_table('lead_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_message_inquiry_id'), ['inquiry_id'], unique=False)

    op.create_table('message_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['lead_message.id'], name=op.f('fk_message_attachment_message_id_lead_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attachment'))
    )
    with op.batch_alter_table('message_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_attachment_message_id'), ['message_id'], unique=False)

    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('share_consent_version', sa.String(length=20), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_column('share_consent_version')
        batch_op.drop_column('share_consent_at')

    with op.batch_alter_table('message_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_attachment_message_id'))

    op.drop_table('message_attachment')
    with op.batch_alter_table('lead_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_message_inquiry_id'))
        batch_op.drop_index(batch_op.f('ix_lead_message_created_at'))

    op.drop_table('lead_message')
