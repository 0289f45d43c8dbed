"""Upload type allow-list checked by content (magic bytes), never by the file name (R-SEC-4)."""

import io
import zipfile

from django.core.exceptions import ValidationError

MAX_UNZIPPED = 100 * 1024 * 1024  # zip bomb guard for Office files

ALLOWED = {
    "application/pdf": "PDF",
    "image/png": "PNG图片",
    "image/jpeg": "JPEG图片",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word文档",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel表格",
    "application/vnd.ms-office": "Office 97-2003文档",
    "application/ofd": "OFD版式文件",
}

ALLOWED_TEXT = "PDF、OFD、Word（docx）、Excel（xlsx）、PNG、JPEG、Office 97-2003文档"


def sniff(head: bytes, data: bytes) -> str:
    """Return the content type of `data` or raise ValidationError in Chinese."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/vnd.ms-office"
    if head.startswith(b"PK\x03\x04"):
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            names = zf.namelist()
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED:
                raise ValidationError("压缩内容过大，疑似恶意文件")
        except zipfile.BadZipFile as exc:
            raise ValidationError("文件已损坏") from exc
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if "OFD.xml" in names:
            return "application/ofd"
    raise ValidationError(f"不支持的文件类型。允许：{ALLOWED_TEXT}")
