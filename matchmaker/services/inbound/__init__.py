"""Inbound mail: each lead's reply address (`addresses`), reading a received mail (`parsing`),
putting it on its lead or in the unmatched list (`receiving`), and the SMTP receiver that the
`inbound serve` command runs (`server`)."""

from matchmaker.services.inbound.addresses import reply_address
from matchmaker.services.inbound.receiving import (
    attach,
    discard,
    lead_by_code,
    leads_from,
    receive,
    unmatched,
    unmatched_count,
    unmatched_query,
)
from matchmaker.services.inbound.server import Receiver

__all__ = ["Receiver", "attach", "discard", "lead_by_code", "leads_from", "receive",
           "reply_address", "unmatched", "unmatched_count", "unmatched_query"]  # fmt: skip
