"""Receipts: images or PDFs up to 5 MB, recognised by their first bytes (a renamed program
or a web page is refused whatever its name says), kept as files outside the web root in
the `RECEIPTS_DIR` setting under random names, and read back only through the claim's
access check."""

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from community.errors import RuleError
from community.extensions import db
from community.involve.claims.models import CostClaim, ReceiptType
from community.jobs import job

MAX_BYTES = 5 * 1024 * 1024
# A request carrying a receipt may be this large, so a slightly too large file still reaches
# the form and is answered next to its field, with everything else the person typed kept.
MAX_REQUEST_BYTES = 3 * MAX_BYTES
MIME = {
    ReceiptType.PDF: "application/pdf",
    ReceiptType.JPEG: "image/jpeg",
    ReceiptType.PNG: "image/png",
    ReceiptType.WEBP: "image/webp",
    ReceiptType.HEIC: "image/heic",
}
# Images a browser shows in place; the rest are downloaded.
INLINE = {ReceiptType.JPEG, ReceiptType.PNG, ReceiptType.WEBP}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_KEY_CHARS = set("0123456789abcdef")


@dataclass(frozen=True)
class Receipt:
    """An uploaded receipt that passed the checks, not yet stored."""

    data: bytes
    type: ReceiptType


def sniff(head):
    """The receipt type the first bytes show, or None (HTML, programs, archives, anything else)."""
    if head.startswith(b"%PDF-"):
        return ReceiptType.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return ReceiptType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ReceiptType.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ReceiptType.WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return ReceiptType.HEIC
    return None


def read_upload(storage):
    """The checked receipt from a form's file field, or None when no file was chosen."""
    if storage is None or not getattr(storage, "filename", None):
        return None
    data = storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RuleError("claims.receipt-too-large", field="receipt")
    if not data:
        raise RuleError("claims.receipt-empty", field="receipt")
    kind = sniff(data[:16])
    if kind is None:
        raise RuleError("claims.receipt-type", field="receipt")
    return Receipt(data, kind)


def directory():
    path = Path(current_app.config["RECEIPTS_DIR"])
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(key):
    """The file of a stored receipt (the key is ours: random hex, never a user's name)."""
    if not key or len(key) != 32 or not set(key) <= _KEY_CHARS:
        raise ValueError("not a receipt key")
    return directory() / key


def store(receipt):
    """Write the receipt under a new random name; returns the name (the claim's `receipt_key`)."""
    key = secrets.token_hex(16)
    target = path_of(key)
    partial = target.with_suffix(".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(receipt.data)
    os.replace(partial, target)
    return key


@job("claims.sweep_receipts")
def sweep(min_age_seconds=24 * 3600):
    """Delete receipt files no claim refers to (a claim whose account was deleted, or an upload
    whose transaction did not commit), once they are a day old. Returns how many."""
    folder = directory()
    cutoff = time.time() - min_age_seconds
    candidates = {p.name: p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < cutoff}
    if not candidates:
        return 0
    known = set(db.session.scalars(select(CostClaim.receipt_key).where(CostClaim.receipt_key.in_(candidates))))
    removed = 0
    for name, path in candidates.items():
        if name not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
