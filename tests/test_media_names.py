"""File names that look like URLs stay file names, for PyAV's probe and for ffmpeg.

A camera card may hold anything: a folder called ``http:`` (``http:/127.0.0.1:PORT/x.mp4``),
a file called ``concat:a.wav|b.wav`` or ``file:x.mov``, a playlist saved as ``.mov``.
A local listener on 127.0.0.1 records every connection: none may arrive.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tapelog.archive.errors import MediaError
from tapelog.media.audio import load_audio
from tapelog.media.probe import probe

from tests.conftest import MEDIA, run_cli

SHORT = MEDIA / "silence.wav"  # 5 s of 16 kHz mono
OTHER = MEDIA / "eight_channel.wav"


class Listener:
    """A TCP server on 127.0.0.1 that only counts who connects."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _hostile_card(root: Path, port: int) -> dict[str, Path]:
    """A card whose file names are URLs, protocols and options, each a real short file."""
    files = {
        "http": root / "http:" / f"127.0.0.1:{port}" / "x.wav",
        "concat": root / "concat:a.wav|b.wav",
        "file": root / "file:x.wav",
        "dash": root / "-i.wav",
        "pipe": root / "pipe:0.wav",
        "subfile": root / f"subfile,,start,0,end,0,,:{OTHER}.wav",
    }
    for kind, path in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Bytes after the WAV's data chunk make each copy a file of its own (import
        # recognises copies by content) without changing what it plays.
        path.write_bytes(SHORT.read_bytes() + kind.encode() * 4)
    # What the concat protocol would read instead: a and b, 5 s each, to make 10 s.
    shutil.copyfile(SHORT, root / "a.wav")
    shutil.copyfile(SHORT, root / "b.wav")
    # A playlist saved under a media name: its content points at the listener.
    playlist = root / "playlist.mov"
    playlist.write_text(
        f"#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:5,\nhttp://127.0.0.1:{port}/seg.ts\n"
        "#EXT-X-ENDLIST\n"
    )
    files["playlist"] = playlist
    return files


def test_probe_and_decode_open_local_files_only(tmp_path: Path, listener, monkeypatch) -> None:
    files = _hostile_card(tmp_path, listener.port)
    monkeypatch.chdir(tmp_path)  # relative names, as `import .` walks them
    want = probe(SHORT).duration
    for kind, path in files.items():
        rel = Path(os.path.relpath(path, tmp_path))
        if kind == "playlist":
            for call in (probe, load_audio):
                with pytest.raises(MediaError):
                    call(rel)
            continue
        info = probe(rel)
        assert info.has_audio and abs(info.duration - want) < 0.01, (kind, info.duration)
        audio = load_audio(rel)
        assert abs(len(audio) / 16000 - want) < 0.05, kind
    assert listener.connections == 0


def test_import_of_a_card_with_url_names_sends_no_request(tmp_path: Path, listener) -> None:
    card = tmp_path / "card"
    files = _hostile_card(card, listener.port)
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("tapelog")), "--archive", str(tmp_path / "arch"),
         "import", ".", "--recursive"],
        cwd=card, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    assert listener.connections == 0
    listed = run_cli("list", "--json", archive=tmp_path / "arch")
    assert listed.returncode == 0
    paths = {Path(p).resolve() for p in _paths(listed.stdout)}
    for kind in ("http", "concat", "file", "dash", "pipe", "subfile"):
        assert files[kind].resolve() in paths, (kind, proc.stdout, proc.stderr)


def _paths(stdout: str) -> list[str]:
    import json

    data = json.loads(stdout)
    rows = data if isinstance(data, list) else data.get("media", [])
    return [r["path"] for r in rows]


NAME_CHARS = st.sampled_from(list("abcXYZ019 -_.:|,;?#%&=+@!~'\"()[]{}$*^") + ["é", "罗", "\t"])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.text(NAME_CHARS, min_size=1, max_size=30),
    scheme=st.sampled_from(["", "http:", "file:", "concat:", "pipe:", "tcp://", "data:", "-"]),
)
def test_any_file_name_is_probed_as_the_file_it_names(tmp_path_factory, listener, name, scheme):
    folder = tmp_path_factory.mktemp("names")
    stem = (scheme + name).strip().replace("/", "_")
    if stem in ("", ".", ".."):
        stem = "x" + stem
    path = folder / f"{stem}.wav"
    shutil.copyfile(SHORT, path)
    with contextlib.chdir(folder):  # the bare name, as a folder walk finds it
        for candidate in (path, Path(path.name)):
            info = probe(candidate)
            assert abs(info.duration - 5.0) < 0.05, (path.name, info.duration)
            assert abs(len(load_audio(candidate, max_seconds=1)) - 16000) < 800
    assert listener.connections == 0
