"""Cases, people, themes, tags and name links over an ``Archive``: one place to import them.

The rules live in modules named for what they hold: ``records`` (cases and people),
``record_import`` (CSV/JSON sheets), ``themes``, ``tags``, ``spans`` (search filters,
sensitive passages, a case's passages), ``links`` (name-link suggestions and review) and
``vocabulary`` (the names that bias Whisper). Every write happens in one
``store.transaction()``: an import of 10,000 case records, a theme merge touching
hundreds of tags, or accepting a link (link + tag) is written whole or not at all.
"""

from __future__ import annotations

from tapelog.archive.linking import MIN_SCORE
from tapelog.archive.links import (
    accept_link,
    get_link,
    link_id_for,
    list_links,
    name_index,
    reassign_link,
    reject_link,
    suggest_links,
)
from tapelog.archive.record_import import ImportReport, import_cases, import_people, import_records
from tapelog.archive.records import (
    ID_FIELD,
    duplicate_cases,
    find_cases,
    get_case,
    get_person,
    list_cases,
    list_people,
    upsert_case,
    upsert_person,
)
from tapelog.archive.sensitivity import sensitive_spans
from tapelog.archive.spans import case_passages, tag_spans
from tapelog.archive.tags import (
    END_TOLERANCE_S,
    add_tag,
    delete_tag,
    edit_tag,
    get_tag,
    list_tags,
    restore_tag,
)
from tapelog.archive.themes import (
    add_theme,
    delete_theme,
    list_themes,
    merge_themes,
    normalize_theme,
    read_theme_lines,
    rename_theme,
)
from tapelog.archive.vocabulary import vocab_for_media

__all__ = [
    "accept_link",
    "add_tag",
    "add_theme",
    "case_passages",
    "delete_tag",
    "delete_theme",
    "duplicate_cases",
    "edit_tag",
    "END_TOLERANCE_S",
    "find_cases",
    "get_case",
    "get_link",
    "get_person",
    "get_tag",
    "ID_FIELD",
    "import_cases",
    "import_people",
    "import_records",
    "ImportReport",
    "link_id_for",
    "list_cases",
    "list_links",
    "list_people",
    "list_tags",
    "list_themes",
    "merge_themes",
    "MIN_SCORE",
    "name_index",
    "normalize_theme",
    "read_theme_lines",
    "reassign_link",
    "reject_link",
    "rename_theme",
    "restore_tag",
    "sensitive_spans",
    "suggest_links",
    "tag_spans",
    "upsert_case",
    "upsert_person",
    "vocab_for_media",
]
