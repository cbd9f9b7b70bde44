"""Commands for footage and transcripts: import, transcribe, list, show, search, speakers."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click
from tapelog.archive.clock import Clock, Clocks
from tapelog.archive.errors import Cancelled, TapelogError, UsageError
from tapelog.archive.settings import SETTINGS, setting_key
from tapelog.archive.statuses import ImportStatus, TranscriptStatus, words
from tapelog.archive.transcribe_choice import (
    options_for_media,
    transcribe_options,
    vocab_from_cases_default,
)
from tapelog.cli.common import (
    StderrProgress,
    archive_option,
    emit,
    json_option,
    media_time,
    open_archive,
    time_option,
)
from tapelog.cli.transcribe_cluster import cluster_options, run_on_cluster, use_cluster


def register(group: click.Group) -> None:
    for command in (
        import_cmd,
        transcribe_cmd,
        list_cmd,
        show_cmd,
        search_cmd,
        speakers_group,
        config_cmd,
        correct_cmd,
        relink_cmd,
        audio_cmd,
    ):
        group.add_command(command)
    from tapelog.cli import voice_cmds

    voice_cmds.register(speakers_group)


def _is_archive_import(paths: tuple[str, ...]) -> bool:
    import tarfile

    if len(paths) == 3 and Path(paths[1]).is_file():
        with contextlib.suppress(OSError):
            return tarfile.is_tarfile(paths[1])
    if not Path("archive").exists():
        raise UsageError("usage: tapelog import archive FILE DEST (an empty folder)")
    return False


@click.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--recursive", "-r", is_flag=True, help="Descend into sub-folders.")
@archive_option
@json_option
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[str, ...], recursive: bool, as_json: bool) -> None:
    """Import camera files (or folders of them) into the archive.

    `tapelog import archive FILE DEST` is `tapelog archive import FILE DEST` (the pair of
    `tapelog export archive`) when FILE is a tar file, even beside a folder named
    `archive`.
    """
    if paths[0] == "archive" and _is_archive_import(paths):
        from tapelog.cli.admin_cmds import archive_import_cmd

        ctx.invoke(archive_import_cmd, file=paths[1], dest=paths[2], as_json=as_json)
        return
    archive = open_archive(ctx)
    # A bar on a terminal; in a script or a log, stderr keeps one line per failed file.
    progress = StderrProgress("import") if not as_json and sys.stderr.isatty() else None
    results = archive.import_paths(list(paths), recursive=recursive, progress=progress)
    if progress:
        progress.finish()

    def text() -> None:
        for r in results:
            if r.status == ImportStatus.FAILED:
                click.echo(f"tapelog: {r.error}", err=True)
            else:
                click.echo(r.describe())
        if not results:
            folders = [p for p in paths if Path(p).expanduser().is_dir()]
            hint = ""
            if folders and not recursive:
                # Camera cards keep clips in subfolders (PRIVATE/M4ROOT/CLIP, DCIM/...).
                hint = "; clips in subfolders need --recursive"
            where = f" in {', '.join(folders)}" if folders else ""
            click.echo(f"tapelog: no media files found{where}{hint}", err=True)

    emit(as_json, [r.to_dict() for r in results], text)
    if not results or any(r.status == ImportStatus.FAILED for r in results):
        ctx.exit(1)


def _has_done(media, translate: bool) -> bool:
    """Whether the work asked (a transcript, or its translation) was done before."""
    if translate:
        return bool(media.translation_id)
    return media.transcript_status == TranscriptStatus.DONE


def _wants_more(archive, media, translate: bool) -> bool:
    """Whether a done file still has work asked of it: a run to resume, or a translation.

    An interrupted ``--force`` run leaves a partial transcript beside the done one; a
    translation of a file transcribed in its own language is a new transcript, not a
    redo, so neither needs ``--force``.
    """
    task = "translate" if translate else "transcribe"
    records = archive.transcripts(media.id)
    if any(
        t.status == TranscriptStatus.PARTIAL and t.options.get("task", "transcribe") == task
        for t in records
    ):
        return True
    # The translation is kept beside the original: each is done (or not) on its own.
    return translate and not media.translation_id


@click.command("transcribe")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every media file not yet fully transcribed.")
@click.option("--model", default=None, help="tiny.en, base, a hub name or a model directory.")
@click.option("--language", default=None, help="Language code (default: detect).")
@click.option("--translate", is_flag=True, help="Translate to English.")
@click.option("--hotwords", default=None, help="Words to bias recognition towards (names).")
@click.option("--prompt", "initial_prompt", default=None, help="Initial prompt for Whisper.")
@click.option(
    "--vocab-from-cases/--no-vocab-from-cases",
    default=None,
    help="A second look for case/people names (default: the archive's setting, auto).",
)
@click.option("--beam-size", type=click.IntRange(1, 10), default=5, show_default=True)
@click.option("--threads", type=click.IntRange(0, 64), default=0, help="CPU threads (0: all).")
@click.option("--compute-type", default="int8", show_default=True)
@click.option("--no-vad", is_flag=True, help="Do not skip silence with voice activity detection.")
@click.option("--no-diarize", is_flag=True, help="Do not tell voices apart on a single track.")
@click.option(
    "--speakers",
    "n_speakers",
    type=click.IntRange(1, 8),
    default=None,
    help="How many voices (default: found). More than the channels: voices within them too.",
)
@click.option("--force", is_flag=True, help="Transcribe again even if done.")
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="cpu",
    show_default=True,
    help="Where Whisper runs (cuda: an NVIDIA GPU; auto: a GPU if found).",
)
@cluster_options
@archive_option
@json_option
@click.pass_context
def transcribe_cmd(
    ctx: click.Context,
    ids: tuple[str, ...],
    all_: bool,
    model: str | None,
    language: str | None,
    translate: bool,
    hotwords: str | None,
    initial_prompt: str | None,
    vocab_from_cases: bool | None,
    beam_size: int,
    threads: int,
    compute_type: str,
    no_vad: bool,
    no_diarize: bool,
    n_speakers: int | None,
    force: bool,
    device: str,
    as_json: bool,
    **cluster: Any,
) -> None:
    """Transcribe media offline with Whisper (resumes interrupted runs).

    With --workers N or --scheduler tcp://HOST:8786 the work runs on a Dask cluster;
    this command stays the only writer of the archive.
    """
    from tapelog.transcribe.types import TranscribeOptions

    archive = open_archive(ctx)
    if not ids and not all_:
        raise UsageError("name media ids to transcribe, or use --all")
    if all_:
        targets = [
            m.id
            for m in archive.list_media()
            if m.info.has_audio
            and (force or not _has_done(m, translate) or _wants_more(archive, m, translate))
        ]
    else:
        targets = list(dict.fromkeys(ids))
        for mid in targets:
            archive.get_media(mid)
    settings = archive.settings()
    if vocab_from_cases is None:
        vocab_from_cases = vocab_from_cases_default(settings)
    chosen = transcribe_options(
        settings,
        TranscribeOptions(
            vad=not no_vad,
            initial_prompt=initial_prompt,
            hotwords=hotwords,
            beam_size=beam_size,
            cpu_threads=threads,
            compute_type=compute_type,
            device=device,
            diarize=not no_diarize,
            speakers=n_speakers,
        ),
        model=model,
        language=language,
        translate=translate,
    )
    if not use_cluster(cluster):
        from tapelog.transcribe.engine import resolve_device

        resolve_device(device)  # here, before any file: a GPU that is not there says so once
    else:
        todo = [
            mid for mid in targets
            if force or archive.get_media(mid).transcript_status != "done"
            or _wants_more(archive, archive.get_media(mid), translate)
        ]  # fmt: skip
        if run_on_cluster(ctx, archive, todo, chosen, cluster, vocab_from_cases, as_json):
            return
    results = []
    failed = False
    for mid in targets:
        media = archive.get_media(mid)
        if not media.info.has_audio:
            # Say what is true, and leave the file "no-audio" (not "failed").
            failed = True
            results.append({"media_id": mid, "status": TranscriptStatus.NO_AUDIO})
            click.echo(f"tapelog: {mid} has no audio: nothing to transcribe", err=True)
            continue
        if _has_done(media, translate) and not force and not _wants_more(archive, media, translate):
            results.append({"media_id": mid, "status": TranscriptStatus.DONE, "skipped": True})
            if not as_json:
                done_what = "translated" if translate else "transcribed"
                click.echo(f"{mid}\talready {done_what} (use --force to redo)")
            continue
        progress = StderrProgress(media.name)
        try:
            options = options_for_media(archive, mid, chosen, vocab_from_cases=vocab_from_cases)
            result = archive.transcribe(mid, options, progress=progress)
        except KeyboardInterrupt:
            progress.finish()
            click.echo(
                f"tapelog: interrupted; what was transcribed of {mid} is kept, "
                "run transcribe again to resume",
                err=True,
            )
            ctx.exit(130)
        except Cancelled:
            raise
        except TapelogError as exc:
            progress.finish()
            failed = True
            archive.mark_failed(mid, str(exc))
            results.append({"media_id": mid, "status": TranscriptStatus.FAILED, "error": str(exc)})
            click.echo(f"tapelog: {mid}: {exc}", err=True)
            continue
        progress.finish()
        results.append(
            {
                "media_id": mid,
                "status": result.status,
                "transcript_id": result.transcript_id,
                "segments": result.segments,
                "language": result.language,
                "resumed_from": result.resumed_from,
                "unplaced_corrections": result.unplaced_corrections,
            }
        )
        if not as_json:
            resumed = (
                f", resumed at {Clock.of(media).at(result.resumed_from)}"
                if result.resumed_from
                else ""
            )
            found = (
                f"{result.segments} segments, {result.language or '?'}"
                if result.segments
                else "no speech found"
            )
            click.echo(f"{mid}\t{found}{resumed}")
            if result.unplaced_corrections:
                click.echo(
                    f"tapelog: {mid}: {result.unplaced_corrections} correction(s) no longer "
                    "match a line; they are kept (see `tapelog show --corrections`)",
                    err=True,
                )
    if as_json:
        emit(True, results)
    if not targets and not as_json:
        click.echo("nothing to transcribe", err=True)
    if failed:
        ctx.exit(1)


@click.command("list")
@click.option(
    "--status",
    type=click.Choice(words(TranscriptStatus)),
    default=None,
    help="Only media with this transcript status.",
)
@time_option
@archive_option
@json_option
@click.pass_context
def list_cmd(ctx: click.Context, status: str | None, time_mode: str, as_json: bool) -> None:
    """List media files with duration, timecode, language and transcript status."""
    archive = open_archive(ctx)
    media = archive.list_media()
    if status:
        media = [m for m in media if m.transcript_status == status]
    rows = [
        {
            "id": m.id,
            "path": m.path,
            "duration": round(m.info.duration, 3),
            "channels": m.info.channels,
            "source_timecode": m.info.start_timecode,
            "fps": round(m.info.fps, 3) if m.info.fps else None,
            "language": m.language,
            "transcript_status": m.transcript_status,
        }
        for m in media
    ]

    def text() -> None:
        if not rows and status:
            click.echo(f"no media with transcript status '{status}'", err=True)
        elif not rows:
            click.echo("no media yet: `tapelog import PATH`", err=True)
        for r, m in zip(rows, media, strict=True):
            length = Clock.of(m, time_mode).length(m.info.duration)
            click.echo(
                f"{r['id']:6} {length:>11} ch{r['channels']} "
                f"{r['source_timecode'] or '--:--:--:--':12} {r['language'] or '--':3} "
                f"{r['transcript_status']:9} {m.name}"
            )

    emit(as_json, rows, text)


@click.command("show")
@click.argument("media_id")
@click.option("--words", is_flag=True, help="Show word timestamps.")
@click.option("--corrections", is_flag=True, help="Also list corrections and unplaced ones.")
@click.option(
    "--translation", is_flag=True, help="The English translation (kept beside the original)."
)
@time_option
@archive_option
@json_option
@click.pass_context
def show_cmd(
    ctx: click.Context,
    media_id: str,
    words: bool,
    corrections: bool,
    translation: bool,
    time_mode: str,
    as_json: bool,
) -> None:
    """Show a media file's transcript (or, with --translation, its English translation)."""
    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    clock = Clock.of(media, time_mode)
    if translation and not media.translation_id:
        raise UsageError(
            f"{media_id} has no translation yet (`tapelog transcribe {media_id} --translate`)"
        )
    segs = archive.translation_segments(media_id) if translation else archive.segments(media_id)
    names = archive.speaker_names(media_id)
    rows = [
        {
            "start": round(s.start, 3),
            "end": round(s.end, 3),
            "source_timecode": archive.source_timecode(media, s.start),
            "speaker": names.get(s.speaker, s.speaker) if s.speaker else None,
            "text": s.text,
            "words": [
                {"start": w.start, "end": w.end, "word": w.word, "probability": w.probability}
                for w in s.words
            ],
        }
        for s in segs
    ]
    unplaced = (
        archive.unplaced_corrections(media_id)
        if (corrections or as_json) and not translation
        else []
    )

    def text() -> None:
        what = "English translation" if translation else media.transcript_status
        click.echo(
            f"{media.id}  {media.path}  {clock.length(media.info.duration)}  "
            f"tc {media.info.start_timecode or '-'}  "
            f"{'en' if translation else media.language or '-'}  {what}"
        )
        if media.translation_id and not translation:
            click.echo(
                f"(an English translation is beside it: `tapelog show {media.id} --translation`)"
            )
        if translation and not rows:
            click.echo("(translated: no speech found)")
        elif not rows and media.transcript_status == TranscriptStatus.DONE:
            click.echo("(transcribed: no speech found)")
        elif not rows:
            click.echo(
                "(no audio: nothing to transcribe)"
                if not media.info.has_audio
                else f"(no transcript yet: `tapelog transcribe {media.id}`)"
            )
        for r in rows:
            tc = clock.at(r["start"])
            who = f"{r['speaker']}: " if r["speaker"] else ""
            click.echo(f"[{tc}] {who}{r['text']}")
            if words and r["words"]:
                click.echo(
                    "    " + " ".join(f"{w['word'].strip()}@{w['start']:.2f}" for w in r["words"])
                )
        if corrections and not translation:
            for c in archive.corrections(media_id):
                click.echo(f"correction {c.id} {clock.at(c.start)}: {c.original!r} -> {c.text!r}")
        for c in unplaced:
            click.echo(f"unplaced correction {c.id} at {clock.at(c.start)}: {c.text}")

    emit(
        as_json,
        {
            "id": media.id,
            "path": media.path,
            "language": "en" if translation else media.language,
            "transcript_status": media.transcript_status,
            "translation": translation,
            "translation_id": media.translation_id,
            "names_given": _names_given(archive, media),
            "segments": rows,
            "unplaced_corrections": [c.to_dict() for c in unplaced],
        },
        text,
    )


def _names_given(archive, media) -> dict | None:
    """Which names Whisper was given for the current transcript (None: no transcript)."""
    from tapelog.archive.second_look import names_given

    if not media.transcript_id:
        return None
    return names_given(archive.get_transcript(media.transcript_id))


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
    archive = open_archive(ctx)
    spans = None
    if cases or people or themes:
        from tapelog.archive.spans import tag_spans

        spans = _intersect_spans(
            [tag_spans(archive, case=c) for c in cases]
            + [tag_spans(archive, person=p) for p in people]
            + [tag_spans(archive, theme=t) for t in themes]
        )
    hits = archive.search(
        query,
        fuzzy=fuzzy,
        limit=limit,
        spans=spans,
        speakers=speakers or None,
        languages=languages or None,
        sort=sort,
        context=max(1, context_lines),
    )
    if save_as and hits:
        from tapelog.archive.models import SelectionItem
        from tapelog.archive.selections import add_items

        sel = add_items(
            archive,
            save_as,
            [SelectionItem(h.media_id, h.match_start, h.match_end, text=h.quote) for h in hits],
        )

    clocks = Clocks(archive, time_mode)

    def text() -> None:
        if not hits:
            click.echo("no matches", err=True)
        for h in hits:
            tc = clocks[h.media_id].at(h.match_start)
            who = f"{h.speaker}: " if h.speaker else ""
            flags = f" [{', '.join(h.flags)}]" if h.flags else ""
            score = f" ({h.score:.0f})" if fuzzy or h.score < 100 else ""
            for line in h.context_before[-context_lines:] if context_lines else ():
                click.echo(f"    {line}")
            click.echo(f"{h.media_id} {tc}{score}{flags} {who}{h.text}")
            for line in h.context_after[:context_lines]:
                click.echo(f"    {line}")

    emit(as_json, [h.to_dict() for h in hits], text)
    if save_as and not hits:
        click.echo(f"nothing saved: no hits to put in selection '{save_as}'", err=True)
    elif save_as:
        # Say what was written; on stderr so the hits (or the JSON) stay alone on stdout.
        n = len(hits)
        click.echo(
            f"saved {n} quote{'s' if n != 1 else ''} to selection '{sel.name}' "
            f'({len(sel.items)} in all; `tapelog selections show "{sel.name}"`)',
            err=True,
        )


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


@click.group("speakers")
def speakers_group() -> None:
    """List and name speakers (CH1... per microphone channel, S1... per voice on one
    track); named voices are suggested in other files (voices, matches, accept)."""


@speakers_group.command("list")
@click.argument("media_id", required=False)
@archive_option
@json_option
@click.pass_context
def speakers_list(ctx: click.Context, media_id: str | None, as_json: bool) -> None:
    """Speakers of one media file, or every named speaker."""
    archive = open_archive(ctx)
    rows = []
    media_ids = [media_id] if media_id else [m.id for m in archive.list_media()]
    for mid in media_ids:
        names = archive.speaker_names(mid)
        counts: dict[str, int] = {}
        for s in archive.segments(mid):
            if s.speaker:
                counts[s.speaker] = counts.get(s.speaker, 0) + 1
        for label in sorted(set(counts) | set(names)):
            rows.append(
                {
                    "media_id": mid,
                    "label": label,
                    "name": names.get(label),
                    "segments": counts.get(label, 0),
                }
            )

    def text() -> None:
        if not rows:
            click.echo("no speakers (transcribe first; one voice gives none)", err=True)
        for r in rows:
            click.echo(f"{r['media_id']}\t{r['label']}\t{r['name'] or '-'}\t{r['segments']} lines")

    emit(as_json, rows, text)


@speakers_group.command("rename")
@click.argument("old")
@click.argument("new")
@click.option("--media", "media_id", default=None, help="Name a label (CH1) in this media file.")
@archive_option
@click.pass_context
def speakers_rename(ctx: click.Context, old: str, new: str, media_id: str | None) -> None:
    """Name a speaker: `--media m1 CH2 "Peng Gaofeng"`, or rename OLD to NEW everywhere."""
    archive = open_archive(ctx)
    n = archive.rename_speaker(old, new, media_id=media_id)
    click.echo(f"renamed {n} speaker{'s' if n != 1 else ''} to {new}")


@click.command("correct")
@click.argument("media_id")
@click.argument("start")
@click.argument("end")
@click.argument("text")
@click.option(
    "--align/--no-align",
    default=True,
    show_default=True,
    help="Give the corrected words their own times from the audio (about a second).",
)
@archive_option
@click.pass_context
def correct_cmd(
    ctx: click.Context, media_id: str, start: str, end: str, text: str, align: bool = True
) -> None:
    """Correct the transcript line(s) between START and END (kept as a new version)."""
    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    s, e = media_time(start, media), media_time(end, media)
    if e <= s:
        raise UsageError("END must be after START")
    corr = archive.correct_segment(media_id, s, e, text)
    click.echo(f"{corr.id}\t{corr.original!r} -> {corr.text!r}")
    if align:
        from tapelog.archive.realign import align_correction

        try:
            corr = align_correction(archive, corr)
        except TapelogError as exc:
            click.echo(f"kept without word times: {exc}", err=True)
            return
        if not corr.words:
            click.echo("kept without word times: the line is too long to align", err=True)


@click.command("relink")
@click.argument("folder", type=click.Path(file_okay=False))
@archive_option
@click.pass_context
def relink_cmd(ctx: click.Context, folder: str) -> None:
    """Find moved media files under FOLDER by their content."""
    archive = open_archive(ctx)
    moved = archive.relink(folder)
    for mid, path in moved:
        click.echo(f"{mid}\t{path}")
    if not moved:
        click.echo("no missing media found there", err=True)


@click.command("audio")
@click.argument("media_id")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option("--channel", type=int, default=None, help="Only this channel (1-based).")
@archive_option
@click.pass_context
def audio_cmd(ctx: click.Context, media_id: str, output: str, channel: int | None) -> None:
    """Extract 16 kHz mono WAV audio (for Whisper or listening)."""
    from tapelog.media.audio import extract_wav

    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    if channel is not None and not 1 <= channel <= max(1, media.info.channels):
        raise UsageError(f"{media_id} has {media.info.channels} channel(s); no channel {channel}")
    progress = StderrProgress(media.name)
    extract_wav(
        archive.media_path(media),
        output,
        channel=None if channel is None else channel - 1,
        progress=progress,
    )
    progress.finish()
    click.echo(output)


@click.command("config")
@click.argument("key", required=False)
@click.argument("value", required=False)
@archive_option
@json_option
@click.pass_context
def config_cmd(ctx: click.Context, key: str | None, value: str | None, as_json: bool) -> None:
    """Show or set per-archive settings, such as `config vocab_from_cases true`."""
    archive = open_archive(ctx)
    if key is not None and value is not None:
        archive.set_setting(key, value)
    settings = archive.settings()
    if key is not None:
        settings = {setting_key(key): settings[setting_key(key)]}

    def text() -> None:
        for k, v in settings.items():
            click.echo(f"{k} = {v}\t# {SETTINGS[k][1]}")

    emit(as_json, settings, text)
