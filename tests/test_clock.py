"""One clock: every view shows a time the same way, and never a minute that has not begun.

The edges are where hand-written formatters went wrong: 599.99 s printed as ``0:09:60.0``
(the rounding carried into the seconds and not the minutes), and the same file was
``0:01:35.0`` long in the CLI and ``0:01:34`` in the TUI.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from tapelog.archive.clock import Clock, TimeMode, length_label, running_clock, time_label
from tapelog.archive.errors import UsageError
from tapelog.media.info import MediaInfo


def _media(tc: str | None = None, num: int | None = None, den: int | None = None, drop=False):
    info = MediaInfo(
        path="x.mov",
        container="mov",
        duration=3600.0,
        size_bytes=1,
        fps_num=num,
        fps_den=den,
        start_timecode=tc,
        drop_frame=drop,
    )
    return SimpleNamespace(info=info)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0.0, "0:00:00.0"),
        (42.5, "0:00:42.5"),
        (42.49999999999, "0:00:42.5"),  # float noise below a tenth is that tenth
        (59.995, "0:00:59.9"),
        (599.99, "0:09:59.9"),
        (3599.999, "0:59:59.9"),
        (3600.0, "1:00:00.0"),
        (-1.0, "0:00:00.0"),
        (None, "-"),
        (float("nan"), "-"),
    ],
)
def test_running_clock_never_shows_a_minute_that_has_not_begun(seconds, shown) -> None:
    assert running_clock(seconds) == shown


def test_points_are_the_frame_they_fall_in() -> None:
    pal = _media("10:00:00:00", 25, 1)
    assert time_label(pal, 42.5) == "10:00:42:12"
    assert time_label(pal, 59.995) == "10:00:59:24"
    assert time_label(pal, 599.99) == "10:09:59:24"
    assert time_label(pal, 3599.999) == "10:59:59:24"
    assert time_label(pal, 3600.0) == "11:00:00:00"
    assert time_label(pal, 42.5, "running") == "0:00:42.5"


def test_last_frame_of_a_drop_frame_minute() -> None:
    df = _media("00:00:00;00", 30000, 1001, drop=True)
    clock = Clock.of(df)
    last = clock.rate.seconds_at(1799)  # type: ignore[union-attr]
    assert clock.at(last) == "00:00:59;29"
    assert clock.at(clock.rate.seconds_at(1800)) == "00:01:00;02"  # type: ignore[union-attr]
    # The tenth minute keeps its first two labels.
    assert clock.at(clock.rate.seconds_at(17982)) == "00:10:00;00"  # type: ignore[union-attr]
    assert clock.parse("00:01:00;02") == pytest.approx(clock.rate.seconds_at(1800))  # type: ignore[union-attr]


def test_lengths_are_whole_frames_with_timecode_and_tenths_without() -> None:
    pal = _media("10:00:00:00", 25, 1)
    assert length_label(pal, 94.96) == "00:01:34:24"
    assert length_label(pal, 94.96, TimeMode.RUNNING) == "0:01:34.9"
    assert length_label(_media(), 94.96) == "0:01:34.9"
    # A length is never shown past the file's last whole frame.
    assert length_label(pal, 599.999) == "00:09:59:24"


def test_files_without_usable_timecode_run_from_zero() -> None:
    assert time_label(_media("99:99:99:99", 25, 1), 1.0) == "0:00:01.0"
    assert time_label(_media("10:00:00:00"), 1.0) == "0:00:01.0"  # no frame rate
    assert time_label(None, 61.25) == "0:01:01.2"


def test_every_input_takes_both_clocks() -> None:
    clock = Clock.of(_media("10:00:00:00", 25, 1))
    assert clock.parse("10:00:42:12") == pytest.approx(42.48)
    assert clock.parse("0:00:42.5") == pytest.approx(42.5)
    assert clock.parse("42.5") == pytest.approx(42.5)
    # What a view shows, typed back, is the moment it showed.
    for seconds in (0.0, 42.5, 599.9, 3599.9):
        assert clock.parse(clock.at(seconds)) <= seconds < clock.parse(clock.at(seconds)) + 0.04
        shown = Clock.of(_media("10:00:00:00", 25, 1), "running").at(seconds)
        assert clock.parse(shown) == pytest.approx(seconds)
    with pytest.raises(UsageError, match="unknown time mode"):
        Clock.of(None, "wallclock")


def test_out_points_are_exclusive_as_editors_read_them() -> None:
    pal = Clock.of(_media("10:00:00:00", 25, 1))
    assert pal.span(1.0, 3.48) == "10:00:01:00-10:00:03:12"  # typed in/out show as typed
    assert pal.span(1.0, 1.01) == "10:00:01:00-10:00:01:01"  # one frame is X to X+1
    running = Clock.of(None)
    assert running.span(1.0, 3.48) == "0:00:01.0-0:00:03.5"
    assert running.end(599.99) == "0:10:00.0"
