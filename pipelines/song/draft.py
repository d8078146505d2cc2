"""The draft song engine (CPU, deterministic): compose, render through a GM SoundFont, sing, mix.

Per variation it writes the mixed song (WAV 48 kHz stereo), five stems, a MIDI file, timed lyrics
(LRC) and the song's plan (JSON, for extend and restyle).
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from pipelines.base import CancelToken, GenerationResult, Generator, OutputFile, ProgressFn, RequestError
from pipelines.song.compose import Arrangement, Singer, SungLine, compose
from pipelines.song.form import Section, lyrics_text, parse_line, parse_lyrics
from pipelines.song.melody import SungNote
from pipelines.song.plan import PlacedSection, SongPlan, layout, understand
from pipelines.song.request import SongRequest
from pipelines.song.styles import GENRES

SAMPLE_RATE = 48_000
TAIL_S = 2.0  # the last chord and reverb ring out after the final bar
STEMS = ("drums", "bass", "harmony", "lead", "vocals", "reverb")  # reverb: the shared reverb's return


def variation_seed(seed: int, variation: int) -> int:
    if variation == 0:
        return seed
    return int.from_bytes(hashlib.sha256(f"{seed}/{variation}".encode()).digest()[:7], "little")


def _seventh(numeral: str) -> str:
    """Colour a triad numeral as a seventh chord (restyling into jazz, blues, lo-fi ...)."""
    if any(numeral.endswith(s) for s in ("7", "dim", "°", "sus2", "sus4", "add9")):
        return numeral
    core = numeral.lstrip("b#")
    if core in ("V",):
        return numeral + "7"
    return numeral + ("maj7" if core.isupper() else "7")


def _new_temporary(path: Path) -> Path:
    """An empty temporary file next to ``path``, created with the user's umask (0644 by default; mkstemp
    would make it 0600 and the renamed song unreadable to anyone else)."""
    for attempt in range(100):
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.{attempt}{path.suffix}")
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return tmp
        except FileExistsError:
            continue
    raise OSError(f"cannot create a temporary file next to {path}")


class DraftSongEngine(Generator):
    """Songs from a prompt and lyrics on the CPU: SoundFont instruments and WORLD-sung vocals."""

    kind = "song"
    engine = "draft"
    version = "3"  # 2: consonants spliced from the spoken take, slow songs' pulse, lines end with their speech
    # 3: words start where their sound does (speech timings run late); syllables split between timed vowels
    device = "cpu"
    max_duration_s = 480.0

    def check_request(self, request: SongRequest) -> None:
        super().check_request(request)
        if request.voice and not request.instrumental:
            from pipelines.voice.kokoro_model import installed_voices

            installed = installed_voices()
            if request.voice not in installed:
                raise RequestError(
                    f"unknown voice {request.voice!r} to sing with; installed: {', '.join(sorted(installed))}"
                )
        if request.extend_seconds and request.extend_seconds > self.max_duration_s:
            raise RequestError(
                f"extending by {request.extend_seconds:g} s is over the draft engine's limit of "
                f"{self.max_duration_s:g} s"
            )

    # -- understanding -----------------------------------------------------------------------------
    def _song(self, request: SongRequest, seed: int, variation: int) -> tuple[Arrangement, list[str], str]:
        """Compose one variation: (arrangement, warnings, lyrics text)."""
        if request.extend_from:
            return self._extended(request, seed, variation)
        if request.restyle_from:
            return self._restyled(request, seed, variation)
        plan = understand(request.prompt, request.seed, request.bpm, request.key, request.time_signature)
        sections = [] if request.instrumental or not request.lyrics.strip() else parse_lyrics(request.lyrics)
        placed, warnings = layout(sections, plan, request.duration)
        self._check_length(placed, plan)
        singer = self._singer(request, [line for p in placed for line in p.section.lines], warnings)
        arrangement = compose(plan, placed, seed, variation=variation, base_seed=request.seed, singer=singer)
        return arrangement, warnings, lyrics_text(sections)

    def _singer(self, request: SongRequest, lines: list, warnings: list[str]) -> Singer | None:
        """Speak every distinct lyric line once (kept for the other variations and the singing), so that the
        melody can follow the spoken rhythm and sit where the voice sings well. Timed as 'speech'."""
        if not lines:
            return None
        from pipelines.song.vocals import speaking_pitch, spoken_line, syllable_seconds

        voice = request.voice or None
        clock = time.perf_counter()
        texts = list(dict.fromkeys(line.text for line in lines))
        for i, text in enumerate(texts):
            self._cancel.check()
            notes = spoken_line(text, voice).speech.notes
            warnings.extend(n for n in notes if "looks" in n and n not in warnings)
            self._progress(0.4 * (i + 1) / len(texts) / self._count, f"speaking line {i + 1} of {len(texts)}")
        self._lap("speech", clock)
        return Singer(lambda line: syllable_seconds(line, voice), speaking_pitch(voice, texts))

    def _check_length(self, placed: list[PlacedSection], plan: SongPlan) -> None:
        seconds = sum(p.bars for p in placed) * plan.bar_seconds
        if seconds > self.max_duration_s:
            raise RequestError(
                f"the song would last {seconds:.0f} s, over the draft engine's limit of "
                f"{self.max_duration_s:g} s (fewer sections or a faster tempo)"
            )

    def _previous(self, path: str) -> tuple[dict, SongPlan, list[Section]]:
        from pipelines.song.outputs import find_plan

        data = find_plan(path)
        old = data["request"]
        plan = understand(
            old.get("prompt", "") or data["genre"],
            old.get("seed", 0),
            data["bpm"],
            data["key"],
            data["time_signature"],
            genre_hint=GENRES.get(data["genre"]),
        )
        plan = replace(
            plan,
            style=GENRES[data["genre"]],
            harmony=data["instruments"]["harmony"],
            lead=data["instruments"]["lead"],
            bass=data["instruments"]["bass"],
        )
        lines = {}
        for s in data["sections"]:
            for text in s["lines"]:
                lines[text] = parse_line(text)
        sections = [
            Section(s["kind"], tuple(lines[t] for t in s["lines"]), s["bars"], s["label"]) for s in data["sections"]
        ]
        return data, plan, sections

    @staticmethod
    def _melody(data: dict, lines: dict, shift_beats: float = 0.0, transpose: int = 0) -> list[SungLine]:
        return [
            SungLine(
                lines[m["line"]],
                m["section"],
                [SungNote(int(p) + transpose, s + shift_beats, ln, int(w), int(k)) for p, s, ln, w, k in m["notes"]],
            )
            for m in data["melody"]
        ]

    def _extended(self, request: SongRequest, seed: int, variation: int) -> tuple[Arrangement, list[str], str]:
        """The previous song as it was, plus sections before its outro (a sung chorus, then solos)."""
        data, plan, sections = self._previous(request.extend_from)
        outro = sections.pop() if sections and sections[-1].kind == "outro" and not sections[-1].lines else None
        added: list[Section] = []
        if request.extend_sections:
            by_kind = {s.kind: s for s in sections if s.lines}
            for word in request.extend_sections.replace(",", " ").split():
                kind = word.lower()
                if kind not in ("intro", "verse", "pre-chorus", "chorus", "bridge", "solo", "break", "outro"):
                    raise RequestError(f"unknown section {word!r} to extend with")
                added.append(by_kind.get(kind, Section(kind, (), 8, kind.title())))
        if request.extend_seconds:
            need = math.ceil(request.extend_seconds / plan.bar_seconds)
            chorus = next((s for s in reversed(sections) if s.kind == "chorus" and s.lines), None)
            if chorus is not None and chorus.bars <= need:
                added.append(chorus)
                need -= chorus.bars
            while need > 0:
                added.append(Section("solo", (), min(8, need), "Solo"))
                need -= min(8, need)
        new_sections = sections + added + ([outro] if outro else [])
        placed, bar = [], 0
        for s in new_sections:
            placed.append(PlacedSection(s, bar, s.bars))
            bar += s.bars
        self._check_length(placed, plan)
        arrangement = compose(plan, placed, data["seed"], progressions=data["progressions"], variation=0)
        # the song's own sung lines stay exactly as they were (even if it was itself restyled)
        end_beat = sum(s.bars for s in sections) * plan.beats_per_bar
        lines = {line.text: line for s in new_sections for line in s.lines}
        arrangement.vocals = self._melody(data, lines) + [v for v in arrangement.vocals if v.start >= end_beat]
        return arrangement, [], data["lyrics"]

    def _restyled(self, request: SongRequest, seed: int, variation: int) -> tuple[Arrangement, list[str], str]:
        """The previous song's melody, lyrics and harmony (by degree) in a new genre, tempo or key."""
        from pipelines.song.plan import _prompt_bpm, _prompt_key, find_genre
        from pipelines.song.theory import parse_key

        data, old_plan, sections = self._previous(request.restyle_from)
        style = find_genre(request.prompt) or old_plan.style
        prompt_plan = understand(
            request.prompt or style.name,
            request.seed,
            request.bpm,
            request.key or "",
            data["time_signature"],
            genre_hint=style,
        )
        warnings = []
        new_key = parse_key(request.key) if request.key else (_prompt_key(request.prompt) or old_plan.key)
        if new_key.mode != old_plan.key.mode:
            new_key = replace(new_key, mode=old_plan.key.mode)
            warnings.append(f"kept the song's {old_plan.key.mode} mode (its melody is written in it): {new_key.name}")
        changed_genre = style.name != old_plan.style.name
        bpm = request.bpm or _prompt_bpm(request.prompt) or (prompt_plan.bpm if changed_genre else old_plan.bpm)
        plan = replace(prompt_plan, style=style, key=new_key, bpm=bpm)
        placed, bar = [], 0
        for s in sections:
            placed.append(PlacedSection(s, bar, s.bars))
            bar += s.bars
        self._check_length(placed, plan)
        progressions = dict(data["progressions"])
        if style.seventh:
            progressions = {k: " ".join(_seventh(n) for n in v.split()) for k, v in progressions.items()}
        shift = old_plan.key.transposed_to(new_key)
        lines = {line.text: line for s in sections for line in s.lines}
        melody = self._melody(data, lines, 0.0, shift)
        arrangement = compose(
            plan,
            placed,
            variation_seed(data["seed"], 10 + variation),
            progressions=progressions,
            melody=melody,
            variation=variation,
        )
        return arrangement, warnings, data["lyrics"]

    @staticmethod
    def _voice_used(arrangement: Arrangement, request: SongRequest) -> str:
        if not arrangement.vocals:
            return ""
        from pipelines.song.vocals import spoken_line

        return spoken_line(arrangement.vocals[0].line.text, request.voice or None).speech.voices.get("", "")

    # -- rendering ---------------------------------------------------------------------------------
    def _lap(self, stage: str, since: float) -> float:
        """Add the seconds since ``since`` to this job's timing of ``stage``; returns now."""
        now = time.perf_counter()
        self._timings[stage] = round(self._timings.get(stage, 0.0) + now - since, 3)
        return now

    def _render(
        self,
        arrangement: Arrangement,
        request: SongRequest,
        cancel: CancelToken,
        progress: ProgressFn,
        base: float,
        span: float,
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        from pipelines.song.mix import mix
        from pipelines.song.render_sf import render_tracks, soundfont_path

        font = soundfont_path(self.options.get("soundfont"))
        spb = 60.0 / arrangement.plan.bpm
        total = arrangement.seconds(arrangement.beats) + TAIL_S
        if request.duration is not None and not (request.extend_from or request.restyle_from):
            total = float(request.duration)
        stems: dict[str, np.ndarray] = {}
        clock = time.perf_counter()
        for i, stem in enumerate(STEMS[:4]):
            cancel.check()
            tracks = [t for t in arrangement.tracks if t.stem == stem]
            stems[stem] = render_tracks(tracks, spb, total, font, SAMPLE_RATE)
            progress(base + span * 0.1 * (i + 1), f"playing the {stem}")
        clock = self._lap("instruments", clock)
        if arrangement.vocals:
            from pipelines.song.vocals import render_vocals

            def on_line(f: float, msg: str) -> None:
                progress(base + span * (0.4 + 0.5 * f), msg)

            stems["vocals"] = render_vocals(
                arrangement.vocals, spb, total, SAMPLE_RATE, request.voice or None, cancel=cancel, progress=on_line
            )
        clock = self._lap("vocals", clock)  # an instrumental has no vocal stem at all
        cancel.check()
        master, processed = mix(stems, SAMPLE_RATE)
        self._lap("mix", clock)
        fade = int(min(TAIL_S, total / 4) * SAMPLE_RATE)
        if fade:
            ramp = np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
            master[-fade:] *= ramp
            for a in processed.values():
                a[-fade:] *= ramp
        return master, processed

    def generate(
        self, request: SongRequest, progress: ProgressFn, cancel: CancelToken, output_dir: Path
    ) -> GenerationResult:
        import soundfile

        from pipelines.song.outputs import lrc_text, plan_json, write_midi
        from pipelines.song.vocals import METHOD

        self._timings: dict[str, float] = {}
        count = 1 if (request.extend_from) else request.variations
        self._cancel, self._progress, self._count = cancel, progress, count
        name = "song-" + request.content_hash()[:10]
        staged: list[tuple[str, str, object]] = []  # (file name, role, content) written once all is rendered
        midi_end: dict[str, float] = {}  # MIDI file name -> the length of its audio
        provenance: dict = {"variations": []}
        seconds_out = 0.0
        for v in range(count):
            seed = variation_seed(request.seed, v)
            progress(v / count, f"composing variation {v + 1}")
            clock = time.perf_counter()
            spoken_before = self._timings.get("speech", 0.0)
            arrangement, warnings, lyrics = self._song(request, seed, v)
            self._lap("compose", clock)  # the lines' speech is timed on its own: take it out of the composing
            self._timings["compose"] = round(
                self._timings["compose"] - (self._timings.get("speech", 0.0) - spoken_before), 3
            )
            for warning in warnings:  # said while the job runs (terminal, jobs panel), not only in provenance
                progress(v / count, f"warning: {warning}")
            master, stems = self._render(arrangement, request, cancel, progress, v / count, 1 / count)
            suffix = f"-v{v + 1}" if v else ""
            tag = f":{v + 1}" if v else ""
            staged.append((f"{name}{suffix}.wav", "audio" + tag, master))
            for stem in (s for s in STEMS if s in stems):
                staged.append((f"{name}{suffix}-{stem}.wav", f"stem:{stem}{tag}", stems[stem]))
            staged.append((f"{name}{suffix}.mid", "midi" + tag, arrangement))
            midi_end[f"{name}{suffix}.mid"] = len(master) / SAMPLE_RATE
            if arrangement.vocals:
                staged.append((f"{name}{suffix}.lrc", "lyrics.lrc" + tag, lrc_text(arrangement, request.prompt[:60])))
            staged.append(
                (f"{name}{suffix}.song.json", "plan" + tag, plan_json(arrangement, request.to_dict(), seed, v, lyrics))
            )
            seconds_out += len(master) / SAMPLE_RATE
            plan = arrangement.plan
            provenance["variations"].append(
                {
                    "genre": plan.style.name,
                    "key": plan.key.name,
                    "bpm": plan.bpm,
                    "time_signature": plan.meter,
                    "form": [f"{p.section.label or p.kind} ({p.bars} bars)" for p in arrangement.sections],
                    "chord_progression": {
                        k: arrangement.progressions[k] for k in sorted({p.kind for p in arrangement.sections})
                    },
                    "chords": " ".join(c.symbol() for c in arrangement.chords),
                    "instruments": {
                        "harmony": plan.harmony,
                        "lead": plan.lead,
                        "bass": plan.bass,
                        "drum_kit": plan.style.kit,
                    },
                    "vocal_method": METHOD if arrangement.vocals else "instrumental",
                    "voice": self._voice_used(arrangement, request),
                    "seed": seed,
                    "warnings": warnings,
                }
            )
        cancel.check()
        clock = time.perf_counter()
        files = []
        for file_name, role, content in staged:
            path = output_dir / file_name
            tmp = _new_temporary(path)
            try:
                if isinstance(content, np.ndarray):
                    soundfile.write(tmp, content, SAMPLE_RATE, subtype="PCM_24", format="WAV")
                elif isinstance(content, str):
                    tmp.write_text(content)
                else:
                    write_midi(content, tmp, end_seconds=midi_end[file_name])
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            files.append(OutputFile(path, role))
        self._lap("write", clock)
        provenance["timings_s"] = dict(self._timings)
        first = provenance["variations"][0]
        provenance.update(
            {
                k: first[k]
                for k in ("genre", "key", "bpm", "time_signature", "form", "chord_progression", "vocal_method", "voice")
            }
        )
        provenance["understood"] = (
            f"{first['genre']} in {first['key']}, {first['bpm']:g} bpm, {first['time_signature']}"
        )
        provenance["soundfont"] = os.path.basename(
            str(self.options.get("soundfont") or os.environ.get("STUDIO_SOUNDFONT") or "TimGM6mb.sf2")
        )
        provenance["warnings"] = sorted({w for var in provenance["variations"] for w in var["warnings"]})
        progress(1.0, "done")
        return GenerationResult(files, provenance, {"audio_seconds": round(seconds_out, 3)})
