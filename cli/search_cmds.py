"""Searching transcripts: `tapelog search`, filtered by tags, speakers and languages."""

from __future__ import annotations

import click
from tapelog.archive.clock import Clocks
from tapelog.cli.common import (
    archive_option,
    emit,
    json_option,
    open_archive,
    time_option,
)
from tapelog.cli.terminal import field


def register(group: click.Group) -> None:
    group.add_command(search_cmd)


@click.command("search")
@click.argument("query")
@click.option("--fuzzy", is_flag=True, help="Tolerate misspellings and mishearings.")
@click.option("--limit", type=int, default=20, show_default=True, help="At most this many hits.")
@click.option(
    "--sort",
    type=click.Choice(["score", "time"]),
    default="score",
    show_default=True,
    help="Best match first, or by file and time.",
)
@click.option(
    "--context",
    "context_lines",
    type=click.IntRange(0, 20),
    default=0,
    show_default=True,
    help="Lines of transcript to show before and after each hit.",
)
@click.option("--case", "cases", multiple=True, help="Only passages tagged with this case.")
@click.option("--person", "people", multiple=True, help="Only passages tagged with this person.")
@click.option("--theme", "themes", multiple=True, help="Only passages tagged with this theme.")
@click.option("--speaker", "speakers", multiple=True, help="Only lines of this speaker.")
@click.option("--language", "languages", multiple=True, help="Only transcripts in this language.")
@click.option("--save", "save_as", default=None, help="Save the hits as a named selection.")
@time_option
@archive_option
@json_option
@click.pass_context
def search_cmd(
    ctx: click.Context,
    query: str,
    fuzzy: bool,
    limit: int,
    cases: tuple[str, ...],
    people: tuple[str, ...],
    themes: tuple[str, ...],
    speakers: tuple[str, ...],
    languages: tuple[str, ...],
    save_as: str | None,
    time_mode: str,
    as_json: bool,
    sort: str = "score",
    context_lines: int = 0,
) -> None:
    """Search every transcript for a quote.

    Numbers match as words or digits ("fifty thousand" finds "50,000"); pinyin or
    characters that sound the same find Chinese lines. Each hit gives the time of the
    matched words (--json: match_start, match_end), which is what --save cuts on.
    """
    from tapelog.archive.searchtext import query_terms

    query_terms(query)  # a query with no words is a usage error, archive or none
    archive = open_archive(ctx)
    hits = archive.search(
        query,
        fuzzy=fuzzy,
        limit=limit,
        spans=_tag_filter(archive, cases, people, themes),
        speakers=speakers or None,
        languages=languages or None,
        sort=sort,
        context=max(1, context_lines),
    )
    sel = _save(archive, save_as, hits) if save_as and hits else None
    clocks = Clocks(archive, time_mode)
    emit(
        as_json,
        [h.to_dict() for h in hits],
        lambda: _print_hits(hits, clocks, fuzzy=fuzzy, context_lines=context_lines),
    )
    if save_as and not hits:
        click.echo(f"nothing saved: no hits to put in selection '{save_as}'", err=True)
    elif sel is not None:
        # Say what was written; on stderr so the hits (or the JSON) stay alone on stdout.
        n = len(hits)
        click.echo(
            f"saved {n} quote{'s' if n != 1 else ''} to selection '{sel.name}' "
            f'({len(sel.items)} in all; `tapelog selections show "{sel.name}"`)',
            err=True,
        )


def _tag_filter(
    archive, cases: tuple[str, ...], people: tuple[str, ...], themes: tuple[str, ...]
) -> dict[str, list[tuple[float, float]]] | None:
    """The passages tagged with every case, person and theme asked (None: no such filter)."""
    if not (cases or people or themes):
        return None
    from tapelog.archive.spans import tag_spans

    return _intersect_spans(
        [tag_spans(archive, case=c) for c in cases]
        + [tag_spans(archive, person=p) for p in people]
        + [tag_spans(archive, theme=t) for t in themes]
    )


def _save(archive, name: str, hits):
    """Add the hits to the selection ``name`` (made if new), cut on the matched words."""
    from tapelog.archive.models import SelectionItem
    from tapelog.archive.selections import add_items

    items = [SelectionItem(h.media_id, h.match_start, h.match_end, text=h.quote) for h in hits]
    return add_items(archive, name, items)


def _print_hits(hits, clocks: Clocks, *, fuzzy: bool, context_lines: int) -> None:
    """One line per hit (file, time, score, speaker, text), with context lines around."""
    if not hits:
        click.echo("no matches", err=True)
    for h in hits:
        tc = clocks[h.media_id].at(h.match_start)
        who = f"{field(h.speaker)}: " if h.speaker else ""
        flags = f" [{', '.join(h.flags)}]" if h.flags else ""
        score = f" ({h.score:.0f})" if fuzzy or h.score < 100 else ""
        for line in h.context_before[-context_lines:] if context_lines else ():
            click.echo(f"    {field(line)}")
        click.echo(f"{h.media_id} {tc}{score}{flags} {who}{field(h.text)}")
        for line in h.context_after[:context_lines]:
            click.echo(f"    {field(line)}")


def _intersect_spans(
    maps: list[dict[str, list[tuple[float, float]]]],
) -> dict[str, list[tuple[float, float]]]:
    """Passages that satisfy every filter: intersect the span lists per media."""
    result = maps[0]
    for other in maps[1:]:
        merged: dict[str, list[tuple[float, float]]] = {}
        for mid, spans in result.items():
            for s0, e0 in spans:
                for s1, e1 in other.get(mid, ()):
                    s, e = max(s0, s1), min(e0, e1)
                    if s < e:
                        merged.setdefault(mid, []).append((s, e))
        result = merged
    return result
