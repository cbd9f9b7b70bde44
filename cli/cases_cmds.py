"""Commands for case records and people (the other record commands: themes_cmds,
tag_cmds, links_cmds, registered from here).

Thin: parse arguments, call ``archive.cases``, print text or ``--json``. Batches (an
import with bad rows) print everything, then exit 1 if any item failed; malformed
rows go to stderr with their line numbers.
"""

from __future__ import annotations

import click
from tapelog.archive import cases as C
from tapelog.archive.clock import Clocks
from tapelog.archive.statuses import CaseStatus, LinkStatus, words
from tapelog.cli.common import (
    archive_option,
    emit,
    json_option,
    open_archive,
    time_option,
)
from tapelog.cli.terminal import field


def register(group: click.Group) -> None:
    from tapelog.cli import links_cmds, tag_cmds, themes_cmds

    for command in (
        cases_group,
        people_group,
        themes_cmds.themes_group,
        tag_cmds.tag_cmd,
        tag_cmds.tags_group,
        links_cmds.links_group,
    ):
        group.add_command(command)


def _import(ctx: click.Context, path: str, kind: str, as_json: bool) -> None:
    archive = _archive_for(ctx, path, kind)
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


def _archive_for(ctx: click.Context, path: str, kind: str):
    """The archive to import into; where there is none yet, the sheet is opened first,
    so a missing, empty or unreadable file says so without leaving an empty archive."""
    from tapelog.archive.caseio import open_records
    from tapelog.archive.errors import StoreError

    try:
        return open_archive(ctx, create=False)
    except StoreError as exc:
        if "no tapelog archive here" not in str(exc):
            raise
    with open_records(path, kind):
        pass
    return open_archive(ctx, create=True)


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
@click.option(
    "--id",
    "case_ids",
    multiple=True,
    metavar="CASE_ID",
    help="Only this case (repeatable); each is read alone, not the whole table.",
)
@click.option("--status", type=click.Choice(words(CaseStatus)), help="Only cases of this status.")
@archive_option
@json_option
@click.pass_context
def cases_list(
    ctx: click.Context, case_ids: tuple[str, ...], status: str | None, as_json: bool
) -> None:
    """List case records (all, or by id and status)."""
    cases, missing = C.find_cases(open_archive(ctx), case_ids, status=status)

    def text() -> None:
        for c in cases:
            name = c.child_name or c.child_name_zh or "(unnamed)"
            if c.child_name and c.child_name_zh:
                name += f" {c.child_name_zh}"
            aliases = f" ({'; '.join(c.aliases)})" if c.aliases else ""
            click.echo(f"{c.case_id}\t{c.status}\t{name}{aliases}\t{c.missing_place}")

    emit(as_json, [c.to_dict() for c in cases], text)
    for case_id in missing:
        click.echo(f"tapelog: no case with id '{case_id}'", err=True)
    if missing:
        ctx.exit(1)


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
            click.echo(f"  {p['media_id']}\t{tc}\t{p['tag_id']}\t{field(p['text'] or p['note'])}")
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
