"""The neutral document interface between the search engine and whatever it indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SearchDoc:
    """One public document as the search engine sees it (only published documents)."""

    id: int
    agency_id: int
    column_id: int | None
    year: int | None
    title: str
    body_text: str
    index_number: str = ""
    document_number: str = ""
    published_at: datetime | None = None

    @property
    def heading(self) -> str:
        """What the title field is searched as: the title plus 文号 and 索引号, so a partial
        number ("109号") finds the document too."""
        return "\n".join(x for x in (self.title, self.document_number, self.index_number) if x)


@dataclass
class Hit:
    id: int
    score: float
    title: str
    title_highlight: str  # safe HTML: escaped text with <mark> around matches
    snippet: str  # safe HTML
    agency_id: int
    column_id: int | None
    published_at: datetime | None
    index_number: str = ""
    document_number: str = ""
    exact: bool = False  # found by 索引号 / 文号


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    # False when more than the counting cap matched: ``total`` is then a lower bound.
    total_exact: bool = True
    words: list[str] = field(default_factory=list)
