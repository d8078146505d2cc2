"""Property: any sequence of edits applies, undoes and redoes to identical models, and keeps the model valid."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio import edit
from studio.edit import EditError, UndoStack
from studio.model import Clip, TimeRange, Title
from studio.model.checks import timeline_problem
from tests.edit.conftest import make_project

OPS = (
    "insert",
    "overwrite",
    "add_clip",
    "move",
    "trim_head",
    "trim_tail",
    "split",
    "split_at_playhead",
    "ripple_delete",
    "remove_clip",
    "slip",
    "set_property",
    "add_marker",
    "remove_marker",
    "add_track",
    "remove_track",
    "transaction",
)
WEIGHTED = OPS + ("insert", "overwrite", "move", "split", "trim_head", "trim_tail", "slip", "set_property") * 2
WEIGHTED = tuple(op for op in WEIGHTED if op != "remove_track") + ("remove_track",)
PROPERTIES = [
    ("opacity", st.floats(-0.5, 1.5)),
    ("gain_db", st.floats(-100, 30)),
    ("pan", st.floats(-1.5, 1.5)),
    ("video_fade_in", st.integers(-2, 40)),
    ("audio_fade_out", st.integers(0, 40)),
    ("fit", st.sampled_from(["fit", "fill", "explicit", "bad"])),
    ("enabled", st.booleans()),
    ("name", st.text(max_size=5)),
    ("locked", st.booleans()),
    ("muted", st.booleans()),
]


def _new_clip(draw, project):
    source = draw(st.sampled_from(["vid", "wav", "png", "title"]))
    dur = draw(st.integers(-1, 60))
    start = draw(st.integers(0, 30))
    cid = f"n{draw(st.integers(0, 10**9))}"
    if source == "title":
        return Clip(id=cid, name=cid, position=0, source_range=TimeRange(start, dur), title=Title("T"))
    return Clip(id=cid, name=cid, position=0, source_range=TimeRange(start, dur), asset_id=source)


def _build(draw, project, op):
    clips = [c.id for tl in project.timelines for t in tl.tracks for c in t.clips]
    tracks = [t.id for t in project.timeline.tracks]
    markers = [m.id for m in project.timeline.markers]
    frame = draw(st.integers(-2, 200))
    pick_clip = st.sampled_from(clips) if clips else st.just("missing")
    pick_track = st.sampled_from(tracks) if tracks else st.just("missing")
    if op in ("insert", "overwrite"):
        return getattr(edit, op)(project, draw(pick_track), _new_clip(draw, project), at=frame)
    if op == "add_clip":
        clip = _new_clip(draw, project)
        clip.position = frame
        return edit.add_clip(project, draw(pick_track), clip)
    if op == "move":
        to = draw(st.one_of(st.none(), pick_track))
        return edit.move(project, draw(pick_clip), frame, track_id=to)
    if op in ("trim_head", "trim_tail", "split") and clips:
        clip = project.find_clip(draw(pick_clip))[2]
        near = draw(st.integers(-3, 3)) + (clip.end if op == "trim_tail" else clip.position)
        at = near + draw(st.integers(0, clip.duration)) if op == "split" else near
        return getattr(edit, op)(project, clip.id, at)
    if op == "split_at_playhead":
        return edit.split_at_playhead(project, frame)
    if op in ("trim_head", "trim_tail", "split"):
        return getattr(edit, op)(project, "missing", frame)
    if op in ("ripple_delete", "remove_clip"):
        return getattr(edit, op)(project, draw(pick_clip))
    if op == "slip":
        return edit.slip(project, draw(pick_clip), draw(st.integers(-40, 40)))
    if op == "set_property":
        name, values = draw(st.sampled_from(PROPERTIES))
        target = draw(pick_track) if name in ("locked", "muted") else draw(pick_clip)
        return edit.set_property(project, target, name, draw(values))
    if op == "add_marker":
        return edit.add_marker(project, frame, "m", marker_id=f"m{draw(st.integers(0, 10**9))}")
    if op == "remove_marker":
        return edit.remove_marker(project, draw(st.sampled_from(markers)) if markers else "missing")
    if op == "add_track":
        return edit.add_track(
            project, draw(st.sampled_from(["video", "audio"])), index=draw(st.integers(0, len(tracks)))
        )
    return edit.remove_track(project, draw(pick_track))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_edit_sequence_undoes_and_redoes_to_identical_models(data):
    project = make_project()
    stack = UndoStack(project)
    snapshots = [copy.deepcopy(project)]
    for _ in range(data.draw(st.integers(1, 10))):
        op = data.draw(st.sampled_from(WEIGHTED))
        try:
            if op == "transaction":
                with stack.transaction("group"):
                    for inner in data.draw(st.lists(st.sampled_from(OPS[:-1]), min_size=1, max_size=3)):
                        stack.push(_build(data.draw, project, inner))
            else:
                stack.push(_build(data.draw, project, op))
        except EditError:
            assert project == snapshots[-1], f"a refused {op} changed the project"
            continue
        assert timeline_problem(project.timeline, project.assets) is None, op
        snapshots.append(copy.deepcopy(project))
    final = copy.deepcopy(project)
    for expected in reversed(snapshots[:-1]):
        stack.undo()
        assert project == expected
    assert not stack.can_undo
    for expected in snapshots[1:]:
        stack.redo()
        assert project == expected
    assert project == final
