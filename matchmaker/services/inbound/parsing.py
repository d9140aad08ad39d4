"""Reading a received mail with the standard library's email package: who sent it, its subject,
its text (from the HTML when there is no plain part), its HTML sanitized with nh3, and its
attachments, whose content is kept only up to a size cap."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Any

import nh3

from matchmaker.services.outbox import header_value

# Tags kept in received HTML: nh3's safe defaults without images (remote images tell the
# sender who read the mail, and when); links only to the web and mail addresses.
HTML_TAGS = nh3.ALLOWED_TAGS - {"img"}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_FILENAME = 255
MAX_CONTENT_TYPE = 100


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    content: bytes | None  # None: larger than the cap, not kept


@dataclass(frozen=True)
class ReceivedMail:
    sender: str  # the From address
    sender_name: str
    subject: str
    text: str
    html: str  # sanitized
    message_id: str
    size: int
    attachments: tuple[Attachment, ...]


def parse(raw: bytes, attachment_cap: int) -> ReceivedMail:
    """The parts of a received mail a person reads; attachments over attachment_cap bytes are
    listed without their content."""
    mail = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(mail, EmailMessage)
    name, address = _sender(mail)
    html = _body(mail, "html")
    text = _body(mail, "plain") or html_to_text(html)
    return ReceivedMail(
        sender=address,
        sender_name=name,
        subject=header_value(_safe(_header(mail, "Subject"))),
        text=text,
        html=nh3.clean(html, tags=HTML_TAGS, url_schemes=URL_SCHEMES) if html else "",
        message_id=_safe(_header(mail, "Message-ID")).strip()[:300],
        size=len(raw),
        attachments=tuple(_attachments(mail, attachment_cap)),
    )


def _header(mail: EmailMessage, name: str) -> str:
    try:
        return str(mail.get(name, ""))
    except (ValueError, IndexError, TypeError):  # a malformed header: as if absent
        return ""


def _sender(mail: EmailMessage) -> tuple[str, str]:
    addresses = [pair for pair in getaddresses([_header(mail, "From")]) if pair[1]]
    if not addresses:
        return "", ""
    name, address = addresses[0]
    return header_value(_safe(name), 200), header_value(_safe(address), 254).lower()


def _body(mail: EmailMessage, subtype: str) -> str:
    part = mail.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return ""
    return _safe(_decoded(part)).strip()


def _decoded(part: Message) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, AssertionError):  # an unknown or lying charset
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _attachments(mail: EmailMessage, cap: int) -> list[Attachment]:
    found = []
    for number, part in enumerate(mail.iter_attachments(), start=1):
        payload: Any = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else part.as_bytes()  # e.g. a mail
        filename = _safe(part.get_filename() or "") or f"attachment-{number}"
        found.append(Attachment(
            filename=header_value(filename.replace("\\", "/").rsplit("/", 1)[-1], MAX_FILENAME),
            content_type=part.get_content_type()[:MAX_CONTENT_TYPE],
            size=len(content),
            content=content if len(content) <= cap else None,
        ))  # fmt: skip
    return found


def _safe(text: str) -> str:
    """text a database takes: no NUL (PostgreSQL refuses it), no lone surrogate."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The words of an HTML body, a line per block, without scripts and styles."""
    if not html:
        return ""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
