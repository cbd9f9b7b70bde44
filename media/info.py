"""What tapelog knows about a media file after probing it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class AudioStreamInfo:
    index: int
    codec: str
    channels: int
    sample_rate: int
    channel_layout: str = ""


@dataclass
class MediaInfo:
    """Probe result for one file.

    ``fps`` is a float (29.97 is 30000/1001 kept as ``fps_num``/``fps_den`` for exact
    timecode); ``start_timecode`` is the embedded source timecode (tmcd track or
    metadata) as ``HH:MM:SS:FF`` (``;`` before frames when drop-frame), or None.
    """

    path: str
    container: str
    duration: float
    size_bytes: int
    audio_streams: list[AudioStreamInfo] = field(default_factory=list)
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    fps_num: int | None = None
    fps_den: int | None = None
    creation_time: str | None = None
    start_timecode: str | None = None
    drop_frame: bool = False
    reel: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def fps(self) -> float | None:
        if not self.fps_num or not self.fps_den:
            return None
        return self.fps_num / self.fps_den

    @property
    def channels(self) -> int:
        """Channels of the first audio stream (0 when there is no audio)."""
        return self.audio_streams[0].channels if self.audio_streams else 0

    @property
    def sample_rate(self) -> int | None:
        return self.audio_streams[0].sample_rate if self.audio_streams else None

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_streams)

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaInfo:
        data = dict(data)
        data["audio_streams"] = [AudioStreamInfo(**a) for a in data.get("audio_streams", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
