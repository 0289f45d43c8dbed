"""Writes of files (R-SEC-4): store an upload (size limit, type by content, SM3 digest, server-side
name), read it back SM3-verified, sweep orphans. Who may attach a file to what is the owner's
rule: the owner app checks it, stores the file here and adds it to its record."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record
from core import clock, crypto
from files.filetypes import sniff
from files.models import Attachment
from org.models import User

PURPOSES = {"report", "evidence", "milestone", "rectification"}


def _storage_root() -> Path:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _checked_bytes(upload) -> tuple[bytes, str]:
    """The upload's content and its type by content, or a ValidationError on `files`."""
    limit = settings.DUBAN_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({"files": f"文件“{upload.name}”超过大小上限{limit // (1024 * 1024)}MB"})
    if upload.size == 0:
        raise ValidationError({"files": f"文件“{upload.name}”是空文件"})
    upload.seek(0)
    data = upload.read()
    try:
        content_type = sniff(data[:16], data)
    except ValidationError as exc:
        raise ValidationError({"files": f"文件“{upload.name}”：{'；'.join(exc.messages)}"}) from exc
    return data, content_type


@transaction.atomic
def attachment_store(*, actor: User, upload, org_unit, purpose: str) -> Attachment:
    """Store an upload: size limit, type by content, SM3 digest, server-side name (R-SEC-4)."""
    if purpose not in PURPOSES:
        raise ValidationError("附件用途不正确")
    data, content_type = _checked_bytes(upload)
    storage_name = f"{clock.today():%Y/%m}/{uuid.uuid4().hex}"
    path = _storage_root() / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)  # a rolled-back upload leaves an orphan file; files.tasks sweeps those
    att = Attachment(
        org_unit=org_unit,
        purpose=purpose,
        original_name=Path(upload.name).name[:200],
        content_type=content_type,
        size=len(data),
        sm3=crypto.sm3_hex(data),
        storage_name=storage_name,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    att.full_clean()
    att.save()
    record(
        actor=actor,
        action="reporting.attachment.uploaded",
        obj=att,
        changes={"name": att.original_name, "size": att.size, "sm3": att.sm3},
    )
    return att


def attachment_read(*, actor: User, attachment: Attachment) -> bytes:
    """Read a stored file after verifying its SM3 digest; a mismatch is refused, never served."""
    data = (_storage_root() / attachment.storage_name).read_bytes()
    if crypto.sm3_hex(data) != attachment.sm3:
        raise ValidationError("附件完整性校验失败（SM3摘要不符），已拒绝下载，请联系管理员")
    record(actor=actor, action="reporting.attachment.downloaded", obj=attachment)
    return data


ORPHAN_AGE = dt.timedelta(days=1)


def attachment_sweep_orphans(*, now: dt.datetime | None = None) -> list[str]:
    """Delete stored files that no Attachment row names and that are older than a day (a rolled
    back upload leaves one behind). Returns the storage names removed."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    cutoff = (now or clock.now()).timestamp() - ORPHAN_AGE.total_seconds()
    candidates = {}
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            candidates[path.relative_to(root).as_posix()] = path
    removed = []
    names = list(candidates)
    known = set()
    for i in range(0, len(names), 500):
        known.update(
            Attachment.objects.filter(storage_name__in=names[i : i + 500]).values_list(
                "storage_name", flat=True
            )
        )
    for name, path in candidates.items():
        if name not in known:
            path.unlink(missing_ok=True)
            removed.append(name)
    return removed
