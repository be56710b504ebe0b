"""Words jieba must keep whole when the search index is segmented (e.g. 物管员, not 物/管员)."""

from __future__ import annotations

import logging
from pathlib import Path

from ..catalog import Catalog

USER_DICT = Path(__file__).resolve().parent.parent / "assets" / "jieba" / "user_dict.txt"
MAX_NAME = 4
"""Role names up to this length become words; longer ones (项目经理助理) stay split so 经理 finds them."""


def search_words(catalog: Catalog | None) -> list[str]:
    """Short role and department names and their aliases, from the catalog."""
    if catalog is None:
        return []
    words: list[str] = []
    for view in catalog.roles:
        for name in (view.role.name, *view.role.aliases):
            if 2 <= len(name) <= MAX_NAME and name not in words:
                words.append(name)
    return words


def add_search_words(catalog: Catalog | None) -> None:
    """Teach jieba (used by Material's search plugin) the domain words; no-op without jieba."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(USER_DICT))
    for word in search_words(catalog):
        jieba.add_word(word, freq=2000)
