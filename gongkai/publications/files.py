"""Attachment checks: the type is decided by the file's content, and must agree with its name.

A renamed executable or an HTML page called ``通知.pdf`` is refused; so is a DOCX that is really
an old binary .doc. Limits: 20 MB for documents, 5 MB for images.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    max_size: int


TYPES = {
    "pdf": FileType("pdf", "PDF", (".pdf",), "application/pdf", 20 * MB),
    "docx": FileType(
        "docx",
        "Word (DOCX)",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        20 * MB,
    ),
    "xlsx": FileType(
        "xlsx",
        "Excel (XLSX)",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        20 * MB,
    ),
    "png": FileType("png", "PNG", (".png",), "image/png", 5 * MB),
    "jpeg": FileType("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg", 5 * MB),
}
IMAGE_KEYS = {"png", "jpeg"}
ACCEPT = ",".join(ext for t in TYPES.values() for ext in t.extensions)


class AttachmentRejected(ValueError):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def sniff(head: bytes, data_for_zip: bytes | None = None) -> str | None:
    """The type key from the first bytes (and, for ZIP containers, their member names)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04") and data_for_zip is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data_for_zip)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_upload(name: str, data: bytes) -> FileType:
    """Validate an upload; returns its type or raises :class:`AttachmentRejected` (Chinese)."""
    base = os.path.basename(name or "")
    ext = os.path.splitext(base)[1].lower()
    allowed = "、".join(t.label for t in TYPES.values())
    if not data:
        raise AttachmentRejected(_("文件“%(n)s”是空文件") % {"n": base}, code="empty")
    by_ext = next((t for t in TYPES.values() if ext in t.extensions), None)
    if by_ext is None:
        raise AttachmentRejected(
            _("不支持“%(e)s”类型的附件“%(n)s”，只能上传 %(a)s 文件")
            % {"e": ext or _("无扩展名"), "n": base, "a": allowed},
            code="type",
        )
    key = sniff(data[:16], data if data[:4] == b"PK\x03\x04" else None)
    if key is None:
        raise AttachmentRejected(
            _("文件“%(n)s”的内容不是有效的 %(t)s 文件（可能已损坏或改了扩展名）")
            % {"n": base, "t": by_ext.label},
            code="content",
        )
    if key != by_ext.key:
        raise AttachmentRejected(
            _("文件“%(n)s”的扩展名与内容不符：内容是 %(t)s 文件")
            % {"n": base, "t": TYPES[key].label},
            code="mismatch",
        )
    if len(data) > by_ext.max_size:
        raise AttachmentRejected(
            _("文件“%(n)s”大小为 %(s).1f MB，超过 %(t)s 文件 %(m)d MB 的上限")
            % {"n": base, "s": len(data) / MB, "t": by_ext.label, "m": by_ext.max_size // MB},
            code="size",
        )
    if key in IMAGE_KEYS:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as im:
                im.verify()
        except Exception as e:
            raise AttachmentRejected(
                _("图片“%(n)s”已损坏，无法打开") % {"n": base}, code="content"
            ) from e
    return by_ext
