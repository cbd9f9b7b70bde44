"""Commands for case records, people, themes, tags and name links.

Thin: parse arguments, call ``archive.cases``, print text or ``--json``. Batches (an
import with bad rows, several link ids) print everything, then exit 1 if any item
failed; malformed rows go to stderr with their line numbers.
"""

from __future__ import annotations

import click
from tapelog.archive import cases as C
from tapelog.archive.clock import Clock, Clocks
from tapelog.archive.errors import TapelogError, UsageError
from tapelog.archive.statuses import LinkStatus, words
from tapelog.cli.common import (
    archive_option,
    emit,
    json_option,
    media_time,
    open_archive,
    time_option,
)


def register(group: click.Group) -> None:
    for command in (
        cases_group,
        people_group,
        themes_group,
        tag_cmd,
        tags_group,
        links_group,
    ):
        group.add_command(command)


def _import(ctx: click.Context, path: str, kind: str, as_json: bool) -> None:
    archive = open_archive(ctx)
    report = C.import_records(archive, path, kind)
    for p in report.problems:
        click.echo(f"tapelog: {path}: {p}", err=True)
    for w in report.warnings:
        click.echo(f"tapelog: warning: {path}: {w}", err=True)

    def text() -> None:
        click.echo(
            f"{kind}: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.problems)} rows skipped"
        )

    emit(as_json, report.to_dict(), text)
    if report.problems:
        ctx.exit(1)


# -- cases -----------------------------------------------------------------------------


@click.group("cases")
def cases_group() -> None:
    """Case records of missing children."""


@cases_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@archive_option
@json_option
@click.pass_context
def cases_import(ctx: click.Context, path: str, as_json: bool) -> None:
    """Import case records from CSV or JSON (re-import updates by case_id)."""
    _import(ctx, path, "cases", as_json)


@cases_group.command("list")
@archive_option
@json_option
@click.pass_context
def cases_list(ctx: click.Context, as_json: bool) -> None:
    """List case records."""
    cases = C.list_cases(open_archive(ctx))

    def text() -> None:
        for c in cases:
            name = c.child_name or c.child_name_zh or "(unnamed)"
            if c.child_name and c.child_name_zh:
                name += f" {c.child_name_zh}"
            aliases = f" ({'; '.join(c.aliases)})" if c.aliases else ""
            click.echo(f"{c.case_id}\t{c.status}\t{name}{aliases}\t{c.missing_place}")

    emit(as_json, [c.to_dict() for c in cases], text)


@cases_group.command("show")
@click.argument("case_id")
@time_option
@archive_option
@json_option
@click.pass_context
def cases_show(ctx: click.Context, case_id: str, time_mode: str, as_json: bool) -> None:
    """A case record and every passage linked to it across the archive."""
    archive = open_archive(ctx)
    clocks = Clocks(archive, time_mode)
    case = C.get_case(archive, case_id)
    passages = C.case_passages(archive, case_id)
    pending = [
        x for x in C.list_links(archive, status=LinkStatus.PENDING) if x.target_id == case_id
    ]

    def text() -> None:
        click.echo(f"{case.case_id}  {case.child_name} {case.child_name_zh}".rstrip())
        for label, value in (
            ("aliases", "; ".join(case.aliases)),
            ("status", case.status),
            ("sex", case.sex),
            ("born", case.birth_date),
            ("missing", " ".join(x for x in (case.missing_date, case.missing_place) if x)),
            ("parents", "; ".join(case.parents)),
            ("notes", case.notes),
            *case.extra.items(),
        ):
            if value:
                click.echo(f"  {label}: {value}")
        click.echo(f"passages ({len(passages)}):")
        for p in passages:
            tc = clocks[p["media_id"]].at(p["start"])
            click.echo(f"  {p['media_id']}\t{tc}\t{p['tag_id']}\t{p['text'] or p['note']}")
        if pending:
            click.echo(f"pending link suggestions: {len(pending)} (`tapelog links suggest`)")

    emit(
        as_json,
        {
            "case": case.to_dict(),
            "passages": passages,
            "pending_links": [x.to_dict() for x in pending],
        },
        text,
    )


@cases_group.command("duplicates")
@archive_option
@json_option
@click.pass_context
def cases_duplicates(ctx: click.Context, as_json: bool) -> None:
    """Case records that look like the same child entered twice."""
    dups = C.duplicate_cases(open_archive(ctx))

    def text() -> None:
        if not dups:
            click.echo("no likely duplicates")
        for a, b, score, reason in dups:
            click.echo(f"{a}\t{b}\t{score:.2f}\t{reason}")

    emit(
        as_json,
        [{"case_a": a, "case_b": b, "score": s, "reason": r} for a, b, s, r in dups],
        text,
    )


# -- people ----------------------------------------------------------------------------


@click.group("people")
def people_group() -> None:
    """People: parents, children, officials, interviewers..."""


@people_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@archive_option
@json_option
@click.pass_context
def people_import(ctx: click.Context, path: str, as_json: bool) -> None:
    """Import people from CSV or JSON (re-import updates by person_id)."""
    _import(ctx, path, "people", as_json)


@people_group.command("list")
@archive_option
@json_option
@click.pass_context
def people_list(ctx: click.Context, as_json: bool) -> None:
    """List people, with their flags (minor / off-record / no-release)."""
    people = C.list_people(open_archive(ctx))

    def text() -> None:
        for p in people:
            flags = f"\t[{', '.join(p.flags)}]" if p.flags else ""
            cases = ",".join(p.cases)
            click.echo(f"{p.person_id}\t{p.role}\t{p.name or p.name_zh}\t{cases}{flags}")

    emit(as_json, [p.to_dict() for p in people], text)


# -- themes ----------------------------------------------------------------------------


@click.group("themes")
def themes_group() -> None:
    """The theme vocabulary (levels separated by '/': 'police response/inaction')."""


@themes_group.command("list")
@archive_option
@json_option
@click.pass_context
def themes_list(ctx: click.Context, as_json: bool) -> None:
    """List every theme."""
    archive = open_archive(ctx)
    themes = C.list_themes(archive)
    counts: dict[str, int] = {}
    for t in C.list_tags(archive):
        for th in t.themes:
            counts[th] = counts.get(th, 0) + 1

    def text() -> None:
        for t in themes:
            depth = t.count("/")
            click.echo(f"{'  ' * depth}{t.rsplit('/', 1)[-1]}\t{counts.get(t, 0)}")

    emit(as_json, [{"theme": t, "tags": counts.get(t, 0)} for t in themes], text)


@themes_group.command("add")
@click.argument("names", nargs=-1)
@click.option(
    "--from",
    "from_file",
    type=click.File("r", encoding="utf-8-sig"),
    help="A text file of themes, one per line (# comments), like samples/themes.txt.",
)
@archive_option
@click.pass_context
def themes_add(ctx: click.Context, names: tuple[str, ...], from_file) -> None:
    """Add themes to the vocabulary (all or none: every name is checked first)."""
    wanted = list(names) + (C.read_theme_lines(from_file.read()) if from_file else [])
    if not wanted:
        raise UsageError("name themes to add, or give --from FILE")
    for name in wanted:
        C.normalize_theme(name)  # a bad name stops the command before anything is added
    archive = open_archive(ctx)
    for name in wanted:
        click.echo(C.add_theme(archive, name))


@themes_group.command("delete")
@click.argument("name")
@archive_option
@click.pass_context
def themes_delete(ctx: click.Context, name: str) -> None:
    """Delete an unused theme (one on tags: merge it into another first)."""
    click.echo(f"deleted '{C.delete_theme(open_archive(ctx), name)}'")


@themes_group.command("rename")
@click.argument("old")
@click.argument("new")
@archive_option
@click.pass_context
def themes_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename a theme (and its sub-themes) on every tag."""
    n = C.rename_theme(open_archive(ctx), old, new)
    click.echo(f"renamed '{old}' to '{new}' ({n} tags)")


@themes_group.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "into", required=True, help="The theme to keep.")
@archive_option
@click.pass_context
def themes_merge(ctx: click.Context, sources: tuple[str, ...], into: str) -> None:
    """Merge SOURCES into one theme; every tag carries along."""
    n = C.merge_themes(open_archive(ctx), sources, into)
    click.echo(f"merged {', '.join(sources)} into '{into}' ({n} tags)")


# -- tags ------------------------------------------------------------------------------


def _tag_dict(tag) -> dict:
    return tag.to_dict()


def _echo_tag(tag, clock: Clock) -> None:
    parts = [f"#{t}" for t in tag.themes] + [f"case:{c}" for c in tag.cases]
    parts += [f"person:{p}" for p in tag.people]
    note = f"\t{tag.note}" if tag.note else ""
    span = clock.span(tag.start, tag.end)
    click.echo(f"{tag.id}\t{tag.media_id}\t{span}\t{' '.join(parts)}{note}")


@click.command("tag")
@click.argument("media_id")
@click.argument("start")
@click.argument("end")
@click.option("--theme", "themes", multiple=True, help="Theme (repeatable).")
@click.option(
    "--new-theme",
    "new_themes",
    is_flag=True,
    help="Add themes not yet in the vocabulary (otherwise they are refused as misspellings).",
)
@click.option("--case", "cases", multiple=True, help="Case id (repeatable).")
@click.option("--person", "people", multiple=True, help="Person id (repeatable).")
@click.option("--note", default="", help="A note on the passage.")
@archive_option
@json_option
@click.pass_context
def tag_cmd(
    ctx: click.Context,
    media_id: str,
    start: str,
    end: str,
    themes: tuple[str, ...],
    cases: tuple[str, ...],
    people: tuple[str, ...],
    new_themes: bool,
    note: str,
    as_json: bool,
) -> None:
    """Tag a span of MEDIA_ID (START/END: seconds, HH:MM:SS.ms or source timecode)."""
    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    tag = C.add_tag(
        archive,
        media_id,
        media_time(start, media),
        media_time(end, media),
        themes=themes,
        cases=cases,
        people=people,
        note=note,
        new_themes=new_themes,
    )
    emit(as_json, _tag_dict(tag), lambda: _echo_tag(tag, Clocks(archive)[tag.media_id]))


@click.group("tags")
def tags_group() -> None:
    """List, edit and delete tags."""


@tags_group.command("list")
@click.option("--media", "media_id", help="Only this media file.")
@click.option("--case", help="Only tags naming this case.")
@click.option("--person", help="Only tags naming this person.")
@click.option("--theme", help="Only tags with this theme (or a sub-theme).")
@time_option
@archive_option
@json_option
@click.pass_context
def tags_list(
    ctx: click.Context,
    media_id: str | None,
    case: str | None,
    person: str | None,
    theme: str | None,
    time_mode: str,
    as_json: bool,
) -> None:
    """List tags."""
    archive = open_archive(ctx)
    if media_id:
        archive.get_media(media_id)
    if case:
        C.get_case(archive, case)
    if person:
        C.get_person(archive, person)
    tags = C.list_tags(archive, media_id=media_id, case=case, person=person, theme=theme)

    clocks = Clocks(archive, time_mode)

    def text() -> None:
        for t in tags:
            _echo_tag(t, clocks[t.media_id])

    emit(as_json, [_tag_dict(t) for t in tags], text)


@tags_group.command("edit")
@click.argument("tag_id")
@click.option("--start")
@click.option("--end")
@click.option("--theme", "themes", multiple=True, help="Replace the themes (repeatable).")
@click.option(
    "--new-theme",
    "new_themes",
    is_flag=True,
    help="Add themes not yet in the vocabulary (otherwise they are refused as misspellings).",
)
@click.option("--case", "cases", multiple=True, help="Replace the cases (repeatable).")
@click.option("--person", "people", multiple=True, help="Replace the people (repeatable).")
@click.option("--clear", "clear", multiple=True, type=click.Choice(["themes", "cases", "people"]))
@click.option("--note")
@archive_option
@json_option
@click.pass_context
def tags_edit(
    ctx: click.Context,
    tag_id: str,
    start: str | None,
    end: str | None,
    themes: tuple[str, ...],
    cases: tuple[str, ...],
    people: tuple[str, ...],
    new_themes: bool,
    clear: tuple[str, ...],
    note: str | None,
    as_json: bool,
) -> None:
    """Change a tag: options given replace what the tag had (times as for `tag`)."""
    archive = open_archive(ctx)
    media = archive.get_media(C.get_tag(archive, tag_id).media_id) if start or end else None
    tag = C.edit_tag(
        archive,
        tag_id,
        start=media_time(start, media) if start is not None else None,
        end=media_time(end, media) if end is not None else None,
        themes=[] if "themes" in clear else (themes or None),
        cases=[] if "cases" in clear else (cases or None),
        people=[] if "people" in clear else (people or None),
        note=note,
        new_themes=new_themes,
    )
    emit(as_json, _tag_dict(tag), lambda: _echo_tag(tag, Clocks(archive)[tag.media_id]))


@tags_group.command("delete")
@click.argument("tag_ids", nargs=-1, required=True)
@archive_option
@click.pass_context
def tags_delete(ctx: click.Context, tag_ids: tuple[str, ...]) -> None:
    """Delete tags."""
    archive = open_archive(ctx)
    failed = False
    for tid in tag_ids:
        try:
            C.delete_tag(archive, tid)
            click.echo(f"{tid}\tdeleted")
        except TapelogError as exc:
            click.echo(f"tapelog: {exc}", err=True)
            failed = True
    if failed:
        ctx.exit(1)


# -- links -----------------------------------------------------------------------------


@click.group("links")
def links_group() -> None:
    """Names heard in transcripts, matched to cases and people, for review."""


def _link_row(link) -> dict:
    return {
        "link_id": link.link_id,
        "media_id": link.media_id,
        "start": link.start,
        "end": link.end,
        "mention": link.mention,
        "target_type": link.target_type,
        "target_id": link.target_id,
        "people": link.people,
        "score": link.score,
        "matched": link.matched,
        "status": link.status,
        "context": link.context,
    }


@links_group.command("suggest")
@click.argument("media_ids", nargs=-1)
@click.option("--min-score", type=float, default=C.MIN_SCORE, show_default=True)
@time_option
@archive_option
@json_option
@click.pass_context
def links_suggest(
    ctx: click.Context, media_ids: tuple[str, ...], min_score: float, time_mode: str, as_json: bool
) -> None:
    """Find names in transcripts and list the suggestions awaiting review."""
    archive = open_archive(ctx)
    links = C.suggest_links(archive, list(media_ids) or None, min_score=min_score)
    clocks = Clocks(archive, time_mode)

    def text() -> None:
        if not links:
            click.echo("no pending suggestions")
        for x in links:
            click.echo(
                f"{x.link_id}\t{x.media_id}\t{clocks[x.media_id].at(x.start)}\t{x.score:.2f}\t"
                f"'{x.mention}' -> {x.target_type} {x.target_id} ({x.matched})"
                + (f" + {', '.join(x.people)}" if x.people else "")
            )

    emit(as_json, [_link_row(x) for x in links], text)


def _each_link(ctx: click.Context, link_ids: tuple[str, ...], fn, verb: str) -> None:
    archive = open_archive(ctx)
    failed = False
    for lid in link_ids:
        try:
            result = fn(archive, lid)
            extra = f"\ttag {result.id}" if hasattr(result, "themes") else ""
            click.echo(f"{lid}\t{verb}{extra}")
        except TapelogError as exc:
            click.echo(f"tapelog: {exc}", err=True)
            failed = True
    if failed:
        ctx.exit(1)


@links_group.command("accept")
@click.argument("link_ids", nargs=-1, required=True)
@archive_option
@click.pass_context
def links_accept(ctx: click.Context, link_ids: tuple[str, ...]) -> None:
    """Accept suggestions: each becomes a tag on its passage."""
    from tapelog.archive.sensitivity import tag_warning

    def accept(archive, link_id: str):
        tag = C.accept_link(archive, link_id)
        warning = tag_warning(archive, tag)
        if warning:
            click.echo(f"note: {link_id}: {warning}", err=True)
        return tag

    _each_link(ctx, link_ids, accept, LinkStatus.ACCEPTED)


@links_group.command("reject")
@click.argument("link_ids", nargs=-1, required=True)
@archive_option
@click.pass_context
def links_reject(ctx: click.Context, link_ids: tuple[str, ...]) -> None:
    """Reject suggestions (they are not suggested again for that passage)."""
    _each_link(ctx, link_ids, C.reject_link, LinkStatus.REJECTED)


@links_group.command("list")
@click.option("--status", type=click.Choice(words(LinkStatus)))
@click.option("--media", "media_id")
@time_option
@archive_option
@json_option
@click.pass_context
def links_list(
    ctx: click.Context, status: str | None, media_id: str | None, time_mode: str, as_json: bool
) -> None:
    """List stored link suggestions without scanning again."""
    archive = open_archive(ctx)
    links = C.list_links(archive, status=status, media_id=media_id)
    clocks = Clocks(archive, time_mode)

    def text() -> None:
        for x in links:
            click.echo(
                f"{x.link_id}\t{x.status}\t{x.media_id}\t{clocks[x.media_id].at(x.start)}\t"
                f"{x.score:.2f}\t'{x.mention}' -> {x.target_type} {x.target_id}"
            )

    emit(as_json, [_link_row(x) for x in links], text)
