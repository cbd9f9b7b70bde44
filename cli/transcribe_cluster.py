"""`tapelog transcribe --workers N | --scheduler ADDRESS`: the same command on a Dask cluster."""

from __future__ import annotations

from typing import Any

import click
from tapelog.cli.common import StderrProgress, emit


def cluster_options(fn: Any) -> Any:
    """The cluster options of ``transcribe`` (kept here so the command stays readable)."""
    options = [
        click.option(
            "--workers", type=click.IntRange(1, 256), default=None,
            help="Run on a local Dask cluster of N worker processes (each loads the model once).",
        ),
        click.option(
            "--scheduler", default=None, metavar="ADDRESS",
            help="Run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (see README).",
        ),
        click.option(
            "--path-map", default=None, metavar="LOCAL=REMOTE",
            help="Workers read the footage from shared storage mounted at REMOTE "
            "(default: this machine sends them the decoded audio).",
        ),
        click.option(
            "--part-seconds", type=float, default=300.0, show_default=True,
            help="Long files are cut at silences into parts of about this length.",
        ),
        click.option(
            "--local-fallback", is_flag=True,
            help="If the scheduler cannot be reached, transcribe on this machine instead.",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        fn = option(fn)
    return fn


def use_cluster(cluster: dict[str, Any]) -> bool:
    return bool(cluster.get("workers") or cluster.get("scheduler"))


def run_on_cluster(
    ctx: click.Context,
    archive: Any,
    targets: list[str],
    options: Any,
    cluster: dict[str, Any],
    vocab_from_cases: bool | None,  # None: the archive's setting decides
    as_json: bool,
) -> bool:
    """Run on the cluster; False when the scheduler is unreachable and a fallback is asked."""
    from tapelog.archive.cluster_run import transcribe_on_cluster
    from tapelog.transcribe.cluster import ClusterError, ClusterOptions, parse_path_map

    copts = ClusterOptions(
        workers=cluster.get("workers") or 0,
        scheduler=cluster.get("scheduler"),
        path_map=parse_path_map(cluster.get("path_map")),
        part_seconds=cluster.get("part_seconds") or 300.0,
        fallback_local=bool(cluster.get("local_fallback")),
    )

    def prepare(mid: str, opts: Any) -> Any:
        from tapelog.archive.transcribe_choice import options_for_media

        return options_for_media(archive, mid, opts, vocab_from_cases=vocab_from_cases)

    def shown(result: Any) -> None:
        progress.finish()
        if as_json:
            return
        if result.error:
            click.echo(f"tapelog: {result.media_id}: {result.error}", err=True)
        else:
            resumed = f", resumed at {result.resumed_from:.1f} s" if result.resumed_from else ""
            lang = result.language or "?"
            click.echo(f"{result.media_id}\t{result.segments} segments, {lang}{resumed}")

    def warned(line: str) -> None:
        progress.finish()
        click.echo(f"tapelog: {line}", err=True)

    progress = StderrProgress("cluster")
    try:
        results = transcribe_on_cluster(
            archive, targets, options, copts, prepare=prepare, progress=progress,
            on_result=shown, on_warning=warned,
        )  # fmt: skip
    except ClusterError as exc:
        progress.finish()
        if copts.fallback_local and copts.scheduler and "cannot reach" in str(exc):
            click.echo(f"tapelog: {exc}; transcribing on this machine (--local-fallback)", err=True)
            return False
        raise
    if as_json:
        emit(True, [
            {"media_id": r.media_id, "status": r.status, "transcript_id": r.transcript_id,
             "segments": r.segments, "language": r.language, "resumed_from": r.resumed_from,
             "error": r.error}
            for r in results
        ])  # fmt: skip
    if not targets and not as_json:
        click.echo("nothing to transcribe", err=True)
    if any(r.error for r in results):
        ctx.exit(1)
    return True
