"""The draft video engine: a procedural 2.5D scene renderer on the CPU, the default for video shots.

The prompt is read into a scene (``scene.parse_scene``), staged into layers (``staging.stage``) and
rendered with camera parallax into an H.264 MP4 plus a poster PNG. With a start image (or
``extend_from``, the last frame of an earlier shot) it animates that image instead
(``animate_image``). Same request and engine version give identical bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.base import CancelToken, GenerationResult, Generator, OutputFile, ProgressFn, RequestError
from pipelines.video.events import SCHEMA, shot_events
from pipelines.video.request import VideoRequest


class DraftVideoGenerator(Generator):
    """Procedural scenes (50+ vocabulary elements, seven camera moves, four styles) and image-to-video."""

    kind = "video"
    engine = "draft"
    version = "1"
    device = "cpu"
    max_duration_s = 20.0

    def check_request(self, request: VideoRequest) -> None:  # type: ignore[override]
        super().check_request(request)
        for name in ("image", "end_image", "extend_from"):
            value = getattr(request, name)
            if value and not Path(value).is_file():
                raise RequestError(f"{name.replace('_', ' ')} {value!r} does not exist")

    def generate(
        self,
        request: VideoRequest,
        progress: ProgressFn,
        cancel: CancelToken,  # type: ignore[override]
        output_dir: Path,
    ) -> GenerationResult:
        from pipelines.video.animate_image import end_dissolve, load_start_image, stage_image
        from pipelines.video.render import render_shot
        from pipelines.video.scene import parse_scene
        from pipelines.video.staging import stage

        w, h, fps, duration = request.width, request.height, request.fps, float(request.duration)
        scene = (
            parse_scene(request.prompt, request.camera)
            if request.prompt.strip()
            else parse_scene("", request.camera or "push-in", use_meaning=False)
        )
        start = load_start_image(request) if (request.image or request.extend_from) else None
        post = end_dissolve(request.end_image, w, h, duration) if request.end_image else None
        stem = f"video-{request.content_hash()[:12]}"
        files: list[OutputFile] = []
        notes: list[str] = []
        written: list[Path] = []
        total_frames = 0
        shot_timeline: dict = {}
        progress(0.0, "reading the prompt")
        try:
            for k in range(request.variations):
                cancel.check()
                seed = (request.seed + 7919 * k) % 2**63
                suffix = "" if k == 0 else f":{k + 1}"
                if start is not None:
                    staging, camera, found = stage_image(start, scene, w, h, duration, seed)
                    if k == 0:
                        notes += found
                else:
                    staging, camera = stage(scene, w, h, duration, seed)
                video = output_dir / f"{stem}{'' if k == 0 else f'-{k + 1}'}.mp4"
                poster = output_dir / f"{stem}{'' if k == 0 else f'-{k + 1}'}.png"
                written += [video, poster]
                span = (k / request.variations, (k + 1) / request.variations)
                total_frames += render_shot(staging, camera, fps, duration, video, poster, progress, cancel, span, post)
                files += [OutputFile(video, "video" + suffix), OutputFile(poster, "poster" + suffix)]
                # what happens on screen and when, for sound that follows the picture (``pipelines.sfx.for_shot``)
                events = (
                    shot_events(scene, duration, seed)
                    if start is None
                    else {"schema": SCHEMA, "duration": duration, "seed": seed, "events": [], "beds": []}
                )
                events_file = video.with_name(f"{video.stem}.events.json")
                written.append(events_file)
                events_file.write_text(json.dumps(events, indent=1) + "\n", encoding="utf-8")
                files.append(OutputFile(events_file, "events" + suffix))
                shot_timeline = shot_timeline if k else events
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        understood = scene.to_dict()
        if request.end_image:
            notes.append("end image: the draft engine dissolves into it over the last quarter of the shot")
        if request.negative_prompt:
            notes.append("negative prompt: the draft engine only draws what the prompt names, so it is not needed")
        provenance = {
            "understood": understood,
            "notes": notes,
            "frames_per_shot": total_frames // request.variations,
            "fps": fps,
            "size": [w, h],
            "mode": "image-to-video" if start is not None else "text-to-video",
            "events": shot_timeline,
        }
        return GenerationResult(files, provenance, {"frames": float(total_frames)})
