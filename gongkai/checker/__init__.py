"""Report checker: read published annual reports (txt/html/docx/pdf, any encoding or script),
rebuild their tables by the official format, collect stated figures and report findings.

Pure Python, no Django::

    from gongkai.checker import check
    report = check("report.html")          # or bytes, or the text itself
    report.to_dict()["cells"]["applications.new.total"]
"""

from .batch import check_many
from .core import Report, check

__all__ = ["Report", "check", "check_many"]
