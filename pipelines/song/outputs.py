"""The song's side files: a MIDI file of the arrangement, timed lyrics (LRC), and the plan (JSON)
that lets a later request extend or restyle the song."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.base import RequestError
from pipelines.song.melody import SungNote

PLAN_SCHEMA = "SongPlan.1"
VOCAL_PROGRAM = 53  # GM "Voice Oohs" for the melody track of the MIDI file


def write_midi(arrangement, path: Path, end_seconds: float | None = None) -> None:
    """All tracks plus the sung melody (with its syllables as MIDI lyrics) at the song's tempo.

    With ``end_seconds`` (the audio's length) the file ends exactly there: notes after it are dropped, notes
    across it are cut, and an end marker holds the tracks open until then (a DAW lines it up with the WAV)."""
    import pretty_midi

    end = float("inf") if end_seconds is None else end_seconds

    def note(velocity: int, pitch: int, start: float, stop: float):
        return pretty_midi.Note(velocity, pitch, start, min(stop, end)) if start < end - 1e-3 else None

    plan = arrangement.plan
    spb = 60.0 / plan.bpm
    pm = pretty_midi.PrettyMIDI(initial_tempo=plan.bpm * (1.5 if plan.meter == "6/8" else 1.0))
    num, den = (6, 8) if plan.meter == "6/8" else (plan.beats_per_bar, 4)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    pm.key_signature_changes.append(
        pretty_midi.KeySignature(
            pretty_midi.key_name_to_key_number(f"{_flat_name(plan.key.tonic)} {plan.key.mode}"), 0.0
        )
    )
    for track in arrangement.tracks:
        inst = pretty_midi.Instrument(program=0 if track.drum else track.program, is_drum=track.drum, name=track.name)
        inst.notes += [
            x for n in track.notes if (x := note(n.velocity, n.pitch, n.start * spb, (n.start + n.length) * spb))
        ]
        pm.instruments.append(inst)
    if arrangement.vocals:
        voice = pretty_midi.Instrument(program=VOCAL_PROGRAM, name="Vocals")
        for sung in arrangement.vocals:
            words = sung.line.words
            voice.notes += [
                x for n in sung.notes if (x := note(96, n.pitch, n.start * spb, (n.start + n.length) * spb))
            ]
            for n, first in zip(sung.notes, _first_of_word(sung.notes), strict=True):
                if first and n.start * spb < end:
                    pm.lyrics.append(pretty_midi.Lyric(words[n.word].text, n.start * spb))
        pm.instruments.append(voice)
    if end_seconds is not None:
        # pretty_midi closes each track one tick after its last event: put the marker one tick before the end
        pm.text_events.append(pretty_midi.Text("end", pm.tick_to_time(max(0, pm.time_to_tick(end_seconds) - 1))))
    pm.write(str(path))


def _flat_name(pc: int) -> str:
    return ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")[pc]


def _first_of_word(notes: list[SungNote]) -> list[bool]:
    seen, out = set(), []
    for n in notes:
        out.append(n.word not in seen and n.syllable == 0)
        seen.add(n.word)
    return out


def lrc_text(arrangement, title: str, offset_s: float = 0.0) -> str:
    """Timed lyrics in LRC: one ``[mm:ss.xx]`` line per sung line, with enhanced ``<mm:ss.xx>`` word times."""
    spb = 60.0 / arrangement.plan.bpm

    def stamp(s: float) -> str:
        s = max(0.0, s + offset_s)
        return f"{int(s // 60):02d}:{s % 60:05.2f}"

    out = [f"[ti:{title}]", "[re:studio song draft]"]
    for sung in arrangement.vocals:
        words = sung.line.words
        parts = [
            f"<{stamp(n.start * spb)}>{words[n.word].text}"
            for n, first in zip(sung.notes, _first_of_word(sung.notes), strict=True)
            if first
        ]
        out.append(f"[{stamp(sung.start * spb)}]" + " ".join(parts))
    return "\n".join(out) + "\n"


def plan_json(arrangement, request_dict: dict, seed: int, variation: int, lyrics: str) -> str:
    """Everything needed to rebuild, extend or restyle this song."""
    plan = arrangement.plan
    data = {
        "schema": PLAN_SCHEMA,
        "request": request_dict,
        "seed": seed,
        "variation": variation,
        "genre": plan.style.name,
        "key": plan.key.name,
        "bpm": plan.bpm,
        "time_signature": plan.meter,
        "instruments": {"harmony": plan.harmony, "lead": plan.lead, "bass": plan.bass},
        "lyrics": lyrics,
        "progressions": arrangement.progressions,
        "sections": [
            {
                "kind": ps.kind,
                "label": ps.section.label,
                "bars": ps.bars,
                "lines": [line.text for line in ps.section.lines],
            }
            for ps in arrangement.sections
        ],
        "melody": [
            {
                "line": s.line.text,
                "section": s.section,
                "notes": [[n.pitch, n.start, n.length, n.word, n.syllable] for n in s.notes],
            }
            for s in arrangement.vocals
        ],
    }
    return json.dumps(data, indent=1, sort_keys=True)


def find_plan(path: str) -> dict:
    """Load the plan of a previous song from its asset (the WAV, a stem, or the .song.json itself)."""
    p = Path(path).expanduser()
    candidates = [p] if p.suffix == ".json" else []
    stem = p.name.split(".")[0]
    for suffix in ("-drums", "-bass", "-harmony", "-lead", "-vocals", "-reverb"):
        stem = stem.removesuffix(suffix)
    candidates.append(p.with_name(stem + ".song.json"))
    for c in candidates:
        if c.is_file():
            try:
                data = json.loads(c.read_text())
            except (OSError, ValueError) as exc:
                raise RequestError(f"the song plan {c.name} cannot be read: {exc}") from None
            if data.get("schema") != PLAN_SCHEMA:
                raise RequestError(
                    f"{c.name} is not a song plan this engine understands (schema {data.get('schema')!r})"
                )
            return data
    if not p.exists():
        raise RequestError(f"the song to extend or restyle, {str(p)!r}, does not exist")
    raise RequestError(
        f"{p.name} has no song plan next to it ({stem}.song.json); only songs made by the "
        "draft engine can be extended or restyled"
    )
