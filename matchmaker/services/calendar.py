"""iCalendar (RFC 5545) invitations for the meetings introductions lead to."""

from __future__ import annotations

from datetime import datetime, timedelta

from matchmaker.models import utcnow


def _text(value: str) -> str:
    """A TEXT value escaped for iCalendar (backslash, comma, semicolon, newlines)."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "")
    )  # fmt: skip


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded as RFC 5545 asks."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def invitation(
    uid: str,
    start: datetime,
    minutes: int,
    summary: str,
    description: str,
    organizer: tuple[str, str],
    attendees: list[tuple[str, str]],
) -> str:
    """A METHOD:REQUEST calendar with one event, times in UTC; (name, email) pairs."""
    end = start + timedelta(minutes=minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Walloon Matchmaker//Introductions//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(utcnow())}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(end)}",
        f"SUMMARY:{_text(summary)}",
        f"DESCRIPTION:{_text(description)}",
        f'ORGANIZER;CN="{organizer[0].replace(chr(34), "")}":mailto:{organizer[1]}',
        *(
            f'ATTENDEE;CN="{name.replace(chr(34), "")}";ROLE=REQ-PARTICIPANT;'
            f"PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{email}"
            for name, email in attendees
        ),
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
