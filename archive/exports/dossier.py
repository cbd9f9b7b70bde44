"""Case dossier: one case record and every passage across the archive that concerns it.

For the research team: the record's fields, the people linked to the case, then each
passage (tags naming the case, accepted name links to it) with file, timecode,
speaker, quote and tags, grouped by file in archive order. HTML output escapes every
value, since quotes and case notes are typed or transcribed text from anywhere.

Sensitive passages are left out unless asked (a dossier whose every passage was left
out says so), redacted with their flagged names when asked, and marked ``⚠ minor``
when included (``tapelog.archive.sensitivity`` decides). The People section follows
the same mode: flagged people are not listed (omit) or listed as ``[redacted]``
(redact); and unless included, a flagged child's names are hidden in the case record
too, since the case's name would name them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tapelog.archive.errors import UsageError
from tapelog.archive.exports.common import (
    TC_SOURCE,
    ExportResult,
    Passage,
    Sensitivity,
    end_label,
    time_label,
    write_text,
)
from tapelog.archive.exports.textsafe import clean
from tapelog.archive.models import Case, Person
from tapelog.archive.sensitivity import (
    INCLUDE,
    REDACTED_NAME,
    is_case_child,
    person_flags,
)

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

DOSSIER_FORMATS = ("md", "html")


@dataclass
class Dossier:
    case: Case
    people: list[Person]
    passages: list[Passage]
    people_hidden: int = 0  # flagged people not listed (sensitivity)


def hide_flagged_child(case: Case, people: list[Person]) -> Case:
    """``case`` with its child's names hidden when the child is a flagged person."""
    if not any(person_flags(p) and is_case_child(p, case) for p in people):
        return case
    hidden = REDACTED_NAME
    return replace(
        case,
        child_name=hidden if case.child_name else "",
        child_name_zh=hidden if case.child_name_zh else "",
        aliases=[hidden for _ in case.aliases[:1]],
    )


def _people_hidden(n: int) -> str:
    who = "person" if n == 1 else "people"
    return f"{n} {who} flagged minor/off-record/no-release not listed."


def case_fields(case: Case) -> list[tuple[str, str]]:
    rows = [
        ("Case", case.case_id),
        ("Child", case.child_name),
        ("Child (Chinese)", case.child_name_zh),
        ("Aliases", ", ".join(case.aliases)),
        ("Sex", case.sex),
        ("Born", case.birth_date),
        ("Missing since", case.missing_date),
        ("Missing from", case.missing_place),
        ("Status", case.status),
        ("Parents", ", ".join(case.parents)),
        ("Notes", case.notes),
    ]
    rows += sorted(case.extra.items())
    # Sheets come from anywhere: no control character reaches the page (``textsafe``).
    return [(clean(k), clean(str(v))) for k, v in rows if clean(str(v))]


def _md(text: str) -> str:
    """Markdown-inert text: escape the characters that would start markup."""
    out = []
    for ch in " ".join(str(text).split()):
        out.append("\\" + ch if ch in "\\`*_{}[]<>#|!" else ch)
    return "".join(out)


def _person_line(p: Person) -> str:
    name = " / ".join(x for x in (p.name, p.name_zh) if x) or p.person_id
    extra = ", ".join(x for x in (p.role, ", ".join(p.flags)) if x)
    return clean(f"{name} ({p.person_id}{'; ' + extra if extra else ''})")


def _speaker_cell(p: Passage) -> str:
    """The speaker column: empty when the quote credits each line itself."""
    return "" if p.credited else p.speaker or ""


def _no_passages(left_out: int) -> str:
    if left_out == 1:
        return "The one passage linked to this case was left out as sensitive."
    if left_out:
        return f"All {left_out} passages linked to this case were left out as sensitive."
    return "No passage in the archive is linked to this case yet."


def to_markdown(d: Dossier, tc: str = TC_SOURCE, note: str | None = None, left_out: int = 0) -> str:
    c = d.case
    title = clean(" ".join(x for x in (c.case_id, c.child_name, c.child_name_zh) if x))
    lines = [f"# Case dossier: {_md(title)}", ""]
    if note:
        lines += [f"> Note: {_md(note)}", ""]
    lines += ["## Record", ""]
    lines += [f"- **{_md(k)}:** {_md(v)}" for k, v in case_fields(c)]
    lines.append("")
    if d.people or d.people_hidden:
        lines += ["## People", ""]
        lines += [f"- {_md(_person_line(p))}" for p in d.people]
        if d.people_hidden:
            lines.append(f"- *{_md(_people_hidden(d.people_hidden))}*")
        lines.append("")
    lines += [f"## Passages ({len(d.passages)})", ""]
    if not d.passages:
        lines += [_no_passages(left_out), ""]
    current = None
    for p in d.passages:
        if p.media_id != current:
            current = p.media_id
            lines += [f"### {_md(p.media.name)} ({_md(p.media_id)})", ""]
        span = f"{time_label(p.media, p.start, tc)} - {end_label(p.media, p.end, tc)}"
        mark = f" {_md(p.flag_mark)} —" if p.flag_mark else ""
        who = f" {_md(p.speaker)}:" if p.speaker and not p.credited else ""
        lines.append(f"- **{_md(span)}**{mark}{who} {_md(p.text) or '*(no transcript)*'}")
        meta = ", ".join(x for x in (p.tags_text, p.note, p.kind) if x)
        lines.append(f"  - {_md(meta)}")
    return "\n".join(lines).rstrip() + "\n"


def to_html(d: Dossier, tc: str = TC_SOURCE, note: str | None = None, left_out: int = 0) -> str:
    e = html.escape
    c = d.case
    title = clean(" ".join(x for x in (c.case_id, c.child_name, c.child_name_zh) if x))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Case dossier: {e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "td,th{border:1px solid #ccc;padding:.3em;vertical-align:top}"
        "table{border-collapse:collapse}.tc{font-family:monospace;white-space:nowrap}"
        ".note{background:#fff3cd;padding:.5em}</style>",
        "</head><body>",
        f"<h1>Case dossier: {e(title)}</h1>",
    ]
    if note:
        out.append(f'<p class="note">Note: {e(note)}</p>')
    out.append("<h2>Record</h2><table>")
    out += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in case_fields(c)]
    out.append("</table>")
    if d.people or d.people_hidden:
        out.append("<h2>People</h2><ul>")
        out += [f"<li>{e(_person_line(p))}</li>" for p in d.people]
        if d.people_hidden:
            out.append(f"<li><em>{e(_people_hidden(d.people_hidden))}</em></li>")
        out.append("</ul>")
    out.append(f"<h2>Passages ({len(d.passages)})</h2>")
    if not d.passages:
        out.append(f"<p>{e(_no_passages(left_out))}</p>")
    else:
        out.append(
            "<table><tr><th>File</th><th>In</th><th>Out</th><th>Speaker</th>"
            "<th>Quote</th><th>Tags</th></tr>"
        )
        for p in d.passages:
            meta = "; ".join(x for x in (p.tags_text, p.note, p.kind) if x)
            mark = f"<strong>{e(p.flag_mark)}</strong> " if p.flag_mark else ""
            out.append(
                f"<tr><td>{e(p.media.name)}<br><small>{e(p.media_id)}</small></td>"
                f'<td class="tc">{e(time_label(p.media, p.start, tc))}</td>'
                f'<td class="tc">{e(end_label(p.media, p.end, tc))}</td>'
                f"<td>{e(_speaker_cell(p))}</td><td>{mark}{e(p.text)}</td><td>{e(meta)}</td></tr>"
            )
        out.append("</table>")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out.append(f"<p><small>Made by tapelog, {e(stamp)}.</small></p></body></html>")
    return "\n".join(out) + "\n"


def write_dossier(
    dossier: Dossier,
    path: str | Path,
    fmt: str,
    *,
    tc: str = TC_SOURCE,
    sensitivity: Sensitivity | None = None,
) -> ExportResult:
    if fmt not in DOSSIER_FORMATS:
        raise UsageError(f"unknown dossier format '{fmt}' (md, html)")
    sens = sensitivity or Sensitivity()
    kept = sens.apply(list(dossier.passages))
    people, hidden = sens.people(dossier.people)
    case = dossier.case
    if sens.mode != INCLUDE:
        case = hide_flagged_child(case, dossier.people)
    d = Dossier(case, people, kept, hidden)
    render = to_markdown if fmt == "md" else to_html
    text = render(d, tc, sens.note, sens.omitted)
    out = write_text(path, text)
    return sens.fill(ExportResult(str(out), fmt, items=len(kept)))


def gather(archive: Archive, case_id: str) -> Dossier:
    """The case, its people and every passage linked to it across the archive."""
    from tapelog.archive.exports import records

    case = records.get_case(archive, case_id)
    builder = records.PassageBuilder(archive)
    people = [p for p in builder.people.values() if case_id in p.cases]
    passages: list[Passage] = []
    linked_tags: set[str] = set()
    seen_links: set[str] = set()
    for tag in records.tags(archive):
        if case_id in tag.cases:
            passages.append(builder.from_tag(tag))
            linked_tags.add(tag.id)
            if tag.link_id:
                seen_links.add(tag.link_id)
    for link in records.accepted_links(archive):
        if link.target_type != "case" or link.target_id != case_id:
            continue
        if link.link_id in seen_links or (link.tag_id and link.tag_id in linked_tags):
            continue
        passages.append(builder.from_link(link))
    order = {m.id: n for n, m in enumerate(archive.list_media())}
    passages.sort(key=lambda p: (order.get(p.media_id, 1 << 30), p.start))
    return Dossier(case, people, passages)


def export_dossier(
    archive: Archive,
    case_id: str,
    path: str | Path,
    fmt: str,
    *,
    tc: str = TC_SOURCE,
    include_sensitive: bool = False,
    redact: bool = False,
) -> ExportResult:
    return write_dossier(
        gather(archive, case_id),
        path,
        fmt,
        tc=tc,
        sensitivity=Sensitivity.from_flags(include_sensitive, redact),
    )
