"""The theme vocabulary: names with ``/`` between levels, rename, merge and delete.

A rename or merge carries every tag along in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from tapelog.archive.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


def normalize_theme(name: str) -> str:
    """``police response / inaction `` -> ``police response/inaction``."""
    parts = [" ".join(p.split()) for p in str(name).split("/")]
    if not name or any(not p for p in parts):
        raise UsageError(f"not a theme name: '{name}' (use words, and '/' between levels)")
    return "/".join(parts)


def under_theme(theme: str, root: str) -> bool:
    t, r = theme.casefold(), root.casefold()
    return t == r or t.startswith(r + "/")


def list_themes(archive: Archive) -> list[str]:
    """The vocabulary: stored themes, themes used on tags, and their parent levels."""
    names: dict[str, str] = {}
    stored = [d.get("name", "") for d in archive.store.table("themes").all()]
    from tapelog.archive.tag_index import tag_index, themes_used

    used = themes_used(tag_index(archive))  # kept between processes: 30,000 tags unread
    for name in stored + used:
        if not name:
            continue
        parts = name.split("/")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            names.setdefault(prefix.casefold(), prefix)
    return sorted(names.values(), key=str.casefold)


def resolve_theme(archive: Archive, name: str) -> str | None:
    key = normalize_theme(name).casefold()
    return next((t for t in list_themes(archive) if t.casefold() == key), None)


def closest_themes(archive: Archive, name: str, limit: int = 3) -> list[str]:
    """The themes a misspelling most likely meant, best first (none when nothing is close)."""
    from rapidfuzz import fuzz, process, utils

    hits = process.extract(
        name,
        list_themes(archive),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=60,
    )
    return [theme for theme, _score, _index in hits]


def unknown_themes(archive: Archive, names: Iterable[str]) -> list[str]:
    """Those of ``names`` not in the vocabulary (normalized, in order, once each)."""
    known = {t.casefold() for t in list_themes(archive)}
    out: list[str] = []
    for name in names:
        name = normalize_theme(name)
        if name.casefold() not in known and name not in out:
            out.append(name)
    return out


def no_such_theme(archive: Archive, name: str, hint: str) -> NotFoundError:
    """The one refusal of a theme not in the vocabulary, with the closest ones named."""
    close = closest_themes(archive, name)
    near = f" (closest: {', '.join(repr(t) for t in close)})" if close else ""
    return NotFoundError(f"no theme '{name}'{near}; {hint}")


def add_theme(archive: Archive, name: str) -> str:
    """Add ``name`` to the vocabulary (no-op if present, in any letter case)."""
    name = normalize_theme(name)
    with archive.store.transaction():
        table = archive.store.table("themes")
        if not any(d.get("name", "").casefold() == name.casefold() for d in table.all()):
            table.insert({"name": name})
    return resolve_theme(archive, name) or name


def delete_theme(archive: Archive, name: str) -> str:
    """Remove an unused theme (and its unused sub-themes) from the vocabulary.

    A theme still on tags is refused, not stripped from them: a deleted theme would take
    a crew's tagging with it. Merging it into another theme moves the tags instead.
    """
    theme = resolve_theme(archive, name)
    if theme is None:
        raise NotFoundError(f"no theme '{name}' (see `tapelog themes list`)")
    with archive.store.transaction():
        used = [
            d.get("id")
            for d in archive.store.table("tags").all()
            if any(under_theme(t, theme) for t in d.get("themes") or [])
        ]
        if used:
            raise UsageError(
                f"{len(used)} tag(s) use theme '{theme}': `tapelog themes merge \"{theme}\" "
                "--into OTHER` moves them, then delete"
            )
        table = archive.store.table("themes")
        ids = [d.doc_id for d in table.all() if under_theme(d.get("name", ""), theme)]
        table.remove(doc_ids=ids)
    return theme


def read_theme_lines(text: str) -> list[str]:
    """Theme names from a text file: one per line, blank lines and ``#`` comments skipped."""
    return [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]


def _retheme(archive: Archive, sources: Sequence[str], target: str) -> int:
    """Move every theme under each source (itself and its children) under ``target``
    in the vocabulary and on every tag. Returns how many tags changed."""

    def mapped(theme: str) -> str:
        for src in sources:
            if under_theme(theme, src):
                return target + theme[len(src) :]
        return theme

    changed = 0
    store = archive.store
    with store.transaction():
        themes = store.table("themes")
        wanted: dict[str, str] = {}
        for d in themes.all():
            new = mapped(d.get("name", ""))
            wanted.setdefault(new.casefold(), new)
        wanted.setdefault(target.casefold(), target)
        themes.truncate()
        themes.insert_multiple({"name": n} for n in sorted(wanted.values(), key=str.casefold))
        tags = store.table("tags")
        for d in tags.all():
            old = d.get("themes") or []
            new_list: list[str] = []
            for t in old:
                m = mapped(t)
                if m.casefold() not in {x.casefold() for x in new_list}:
                    new_list.append(m)
            if new_list != old:
                tags.update({"themes": new_list}, doc_ids=[d.doc_id])
                changed += 1
    return changed


def rename_theme(archive: Archive, old: str, new: str) -> int:
    """Rename a theme (and its sub-themes) everywhere; returns the number of tags changed."""
    src = resolve_theme(archive, old)
    if src is None:
        raise NotFoundError(f"no theme '{old}' (see `tapelog themes list`)")
    new = normalize_theme(new)
    existing = resolve_theme(archive, new)
    if existing is not None and existing.casefold() != src.casefold():
        raise UsageError(f"theme '{existing}' exists already: use `tapelog themes merge`")
    return _retheme(archive, [src], new)


def merge_themes(archive: Archive, sources: Iterable[str], into: str) -> int:
    """Merge themes into ``into`` (created if new); every tag carries along."""
    srcs = []
    for s in sources:
        found = resolve_theme(archive, s)
        if found is None:
            raise NotFoundError(f"no theme '{s}' (see `tapelog themes list`)")
        srcs.append(found)
    into = normalize_theme(into)
    into = resolve_theme(archive, into) or into
    srcs = [s for s in srcs if s.casefold() != into.casefold()]
    if not srcs:
        raise UsageError("name at least one theme other than the one to merge into")
    return _retheme(archive, srcs, into)
