"""The inspector: the selected clip's properties (each change one undoable edit) and its asset's
provenance, with "new variation" and "regenerate with another engine"."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio import edit
from studio.gui.media_bin import provenance_text
from studio.gui.session import ProjectSession
from studio.gui.speed_dialog import SpeedControls
from studio.model import timecode
from studio.model.entities import TRANSFORM_KEYFRAMED

VIDEO_FIELDS = (
    ("opacity", "Opacity", 0.0, 1.0),
    ("video_fade_in", "Fade in (frames)", 0, 100_000),
    ("video_fade_out", "Fade out (frames)", 0, 100_000),
)
TRANSFORM_FIELDS = (  # the picture's position (fractions of the frame from its centre) and size; keyframeable
    ("x", "Position X", -10.0, 10.0),
    ("y", "Position Y", -10.0, 10.0),
    ("scale", "Scale", 0.001, 100.0),
)
AUDIO_FIELDS = (
    ("gain_db", "Gain (dB)", -96.0, 24.0),
    ("pan", "Pan", -1.0, 1.0),
    ("audio_fade_in", "Fade in (frames)", 0, 100_000),
    ("audio_fade_out", "Fade out (frames)", 0, 100_000),
)


class _WheelOnlyWhenFocused(QObject):
    """Lets a spin box or combo box take the mouse wheel only once it has the keyboard focus, so scrolling the
    inspector past it never changes a value (and never marks the project dirty)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            event.ignore()  # the scroll area around the inspector scrolls instead
            return True
        return False


class Inspector(QWidget):
    """Shows the first selected clip; edits go through the project's undo stack."""

    regenerate = Signal(str, str, dict)  # kind, engine, request fields

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.clip_id: str | None = None
        self.title = QLabel("Nothing selected")
        self.title.setObjectName("inspectorTitle")
        self.where = QLabel()
        self.where.setWordWrap(True)  # "V1 · 00:00:01:00 → 00:00:08:00 (168 frames)" never cut off
        self.form = QFormLayout()
        self.name = QLineEdit()
        self.name.setObjectName("inspector_name")
        self.name.editingFinished.connect(lambda: self._set("name", self.name.text()))
        self.enabled = QCheckBox("Enabled")
        self.enabled.toggled.connect(lambda on: self._set("enabled", on))
        self.form.addRow("Name", self.name)
        self.form.addRow("", self.enabled)
        self.spins: dict[str, QWidget] = {}
        for name, label, lo, hi in VIDEO_FIELDS + TRANSFORM_FIELDS + AUDIO_FIELDS:
            spin = QDoubleSpinBox() if isinstance(lo, float) else QSpinBox()
            spin.setRange(lo, hi)
            if isinstance(spin, QDoubleSpinBox):
                spin.setSingleStep(0.05 if hi <= 1 else 0.5)
            if name in TRANSFORM_KEYFRAMED:
                spin.setDecimals(3)
                spin.setSingleStep(0.01 if name != "scale" else 0.05)
            spin.setObjectName(f"inspector_{name}")
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v, n=name: self._set(n, v))
            self.form.addRow(label, spin)
            self.spins[name] = spin
        self.fit = QComboBox()
        self.fit.addItems(["fit", "fill", "stretch", "explicit"])
        self.fit.currentTextChanged.connect(lambda v: self._set("fit", v))
        self.form.addRow("Fit", self.fit)
        self.speed = SpeedControls()
        self.speed.chosen.connect(self._set_speed)
        self.form.addRow("Speed", self.speed)
        self.provenance = QTextBrowser()
        self.provenance.setObjectName("inspectorProvenance")
        self.provenance.setMinimumHeight(60)
        self.variation = QPushButton("New take")
        self.variation.setToolTip(
            "Generate this clip again with the next seed; the clip shows it, the old one stays as a take"
        )
        self.variation.clicked.connect(self.new_variation)
        self.engine = QComboBox()
        self.other = QPushButton("Upgrade with")
        self.other.setToolTip(
            "Generate this clip again with another engine, in place: its trims, fades and "
            "position stay; the old media stays as a take"
        )
        self.other.clicked.connect(self.regenerate_with)
        self.add_sound = QPushButton("Add sound for this shot")
        self.add_sound.setObjectName("inspectorAddSound")
        self.add_sound.setToolTip(
            "Sound that follows what happens in this generated shot (thunder after each flash, a crash on each "
            "wave), placed on an audio track under it"
        )
        self.add_sound.clicked.connect(lambda: self.clip_id and self.session.shot_sounds.add(self.clip_id))
        self.key_property = QComboBox()
        self.key_property.setObjectName("inspector_key_property")
        self.key_add = QPushButton("◆ Key")
        self.key_add.setObjectName("inspector_key_add")
        self.key_add.setToolTip(
            "Keep the property's value shown above at the playhead as a keyframe (ease curve "
            "with Shift); between keyframes the value changes smoothly"
        )
        self.key_add.clicked.connect(self.add_keyframe)
        self.key_remove = QPushButton("Remove")
        self.key_remove.setObjectName("inspector_key_remove")
        self.key_remove.clicked.connect(self.remove_keyframe)
        keys_row = QHBoxLayout()
        keys_row.addWidget(self.key_add)
        keys_row.addWidget(self.key_remove)
        keys_row.addStretch(1)
        self.form.addRow("Keyframes", self.key_property)
        self.form.addRow("", keys_row)
        self.takes = QComboBox()
        self.takes.setObjectName("inspector_takes")
        self.takes.setToolTip("The versions of this clip's media; choosing one shows it (one undoable step)")
        self.takes.activated.connect(self._switch_take)
        self.form.addRow("Take", self.takes)
        self._wheel_guard = _WheelOnlyWhenFocused(self)
        for w in (*self.spins.values(), self.fit, self.takes, self.speed.speed, self.speed.presets):
            w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            w.installEventFilter(self._wheel_guard)
        self.failure = QLabel()
        self.failure.setObjectName("inspectorFailure")
        self.failure.setWordWrap(True)
        self.failure.setStyleSheet("color: #ff9b93;")
        self.retry = QPushButton("Retry")
        self.retry.setObjectName("inspector_retry")
        self.retry.clicked.connect(self.retry_generation)
        self.remove = QPushButton("Remove placeholder")
        self.remove.setObjectName("inspector_remove_placeholder")
        self.remove.clicked.connect(lambda: self.clip_id and self.session.remove_placeholder(self.clip_id))
        failed_row = QHBoxLayout()
        failed_row.addWidget(self.retry)
        failed_row.addWidget(self.remove)
        failed_row.addStretch(1)
        self.failed_box = QWidget()
        failed_box = QVBoxLayout(self.failed_box)
        failed_box.setContentsMargins(0, 0, 0, 0)
        failed_box.addWidget(self.failure)
        failed_box.addLayout(failed_row)
        row = QHBoxLayout()
        row.addWidget(self.variation)
        row.addWidget(self.other)
        row.addWidget(self.engine, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.where)
        box.addWidget(self.failed_box)
        # where the clip came from first: it stays in sight however many properties the form below grows
        box.addWidget(QLabel("Provenance"))
        self.provenance.setMaximumHeight(160)
        box.addWidget(self.provenance)
        box.addLayout(row)
        box.addWidget(self.add_sound)
        box.addLayout(self.form)
        box.addStretch(1)
        self._loading = False
        session.selection_changed.connect(self.refresh)
        session.changed.connect(lambda _: self.refresh())
        session.assets_changed.connect(self.refresh)
        session.job_event.connect(lambda event: self.refresh() if event.type == "state" else None)
        session.playhead_changed.connect(self._on_playhead)
        self.refresh()

    def _clip(self):
        if not self.session.selection:
            return None, None
        try:
            return self.session.timeline.find_clip(self.session.selection[0])
        except KeyError:
            return None, None

    def refresh(self) -> None:
        track, clip = self._clip()
        self.clip_id = clip.id if clip else None
        for w in [
            self.name,
            self.enabled,
            self.fit,
            self.speed,
            self.variation,
            self.other,
            self.engine,
            *self.spins.values(),
        ]:
            w.setEnabled(clip is not None)
        failure = self.session.failed.get(clip.id) if clip is not None else None
        self.failed_box.setVisible(failure is not None)
        if failure is not None:
            self.failure.setText(f"⚠ The {clip.recipe.kind if clip.recipe else ''} generation failed: {failure}")
        if clip is None:
            self._show_nothing()
            return
        self._show_clip_rows(True)
        self._loading = True
        rate = self.session.rate
        self.title.setText(f"{clip.name or clip.id}")
        self.where.setText(
            f"{track.name}  ·  {timecode(clip.position, rate)} → {timecode(clip.end, rate)}  ({clip.duration} frames)"
        )
        self.name.setText(clip.name)
        self.enabled.setChecked(clip.enabled)
        self._fill_takes(clip)
        self._fill_keyframes(clip, track.kind)
        self.fit.setCurrentText(clip.fit)
        self.speed.show_clip(clip)
        for name, spin in self.spins.items():
            spin.setValue(self._shown_value(clip, name))
            shown = (
                name.startswith("audio") or name in ("gain_db", "pan")
                if track.kind == "audio"
                else not (name.startswith("audio") or name in ("gain_db", "pan"))
            )
            shown = shown and not (name in TRANSFORM_KEYFRAMED and clip.asset_id is None and clip.title is not None)
            spin.setVisible(shown)  # (a title is drawn where its own position says, not moved by the transform)
            self.form.labelForField(spin).setVisible(shown)
        asset = self.session.project.assets.get(clip.asset_id or "")
        recipe = self._recipe(clip, asset)
        if asset is not None:
            self.provenance.setHtml(provenance_text(asset))
        elif clip.recipe is not None:
            self.provenance.setHtml(
                f"<i>Waiting for generated {clip.recipe.kind}</i><br>prompt: {clip.recipe.request.get('prompt', '')}"
            )
        else:
            self.provenance.setHtml("<i>A title or a clip without media.</i>")
        self.engine.clear()
        if recipe is not None:
            from pipelines import registry

            for spec in registry.engines(recipe[0]):
                if spec.engine != recipe[1]:
                    self.engine.addItem(spec.engine, spec.engine)
        from studio.gui.shot_sound import can_add_sound

        self.add_sound.setVisible(can_add_sound(self.session.project, clip))
        self.variation.setEnabled(recipe is not None)
        self.other.setEnabled(recipe is not None and self.engine.count() > 0)
        self._loading = False

    def _fill_takes(self, clip) -> None:
        from studio.edit.takes import version_name

        self.takes.clear()
        self.takes.addItem(f"shown: {version_name(self.session.project, clip.asset_id, clip.recipe)}", -1)
        for i, take in enumerate(clip.takes):
            self.takes.addItem(f"take {i + 1}: {take.name}" + ("" if take.asset_id else " (not made yet)"), i)
        self.takes.setEnabled(bool(clip.takes))
        self.form.labelForField(self.takes).setText(f"Takes ({len(clip.takes) + 1})")

    def _fill_keyframes(self, clip, track_kind: str) -> None:
        wanted = self.key_property.currentData()
        self.key_property.clear()
        moves = clip.asset_id is not None or clip.title is None  # a title is not moved by x, y and scale
        picture = ("opacity", *TRANSFORM_KEYFRAMED) if moves else ("opacity",)
        for name in ("gain_db", "pan") if track_kind == "audio" else picture:
            keys = clip.keyframes.get(name, [])
            self.key_property.addItem(f"{name.replace('_db', '')}: {len(keys)} keyframe(s)", name)
        if wanted is not None and self.key_property.findData(wanted) >= 0:
            self.key_property.setCurrentIndex(self.key_property.findData(wanted))

    def _key_frame(self) -> int | None:
        """The playhead as a frame of the selected clip, or None when the playhead is outside it."""
        _, clip = self._clip()
        if clip is None or not clip.position <= self.session.playhead < clip.end:
            self.session.error.emit("put the playhead on the clip to set a keyframe there")
            return None
        return self.session.playhead - clip.position

    def add_keyframe(self, curve: str | None = None) -> None:
        """A keyframe of the chosen property at the playhead, with the value its spin box shows."""
        from PySide6.QtWidgets import QApplication

        name, frame = self.key_property.currentData(), self._key_frame()
        if name is None or frame is None:
            return
        ease = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        curve = curve or ("ease" if ease else "linear")
        value = self.spins[name].value()
        self.session.push(lambda: edit.set_keyframe(self.session.project, self.clip_id, name, frame, value, curve))

    def remove_keyframe(self) -> None:
        name, frame = self.key_property.currentData(), self._key_frame()
        if name is not None and frame is not None:
            self.session.push(lambda: edit.remove_keyframe(self.session.project, self.clip_id, name, frame))

    def _switch_take(self, row: int) -> None:
        index = self.takes.itemData(row)
        if self._loading or self.clip_id is None or index is None or index < 0:
            return
        self.session.push(lambda: edit.switch_take(self.session.project, self.clip_id, index))

    def _show_clip_rows(self, shown: bool) -> None:
        """The rows every clip has (name, fit, speed, keyframes, takes): hidden while nothing is selected."""
        for field in (self.name, self.enabled, self.fit, self.speed, self.key_property, self.key_add, self.key_remove):
            field.setVisible(shown)
        for field in (self.name, self.fit, self.speed, self.key_property, self.takes):
            label = self.form.labelForField(field)
            if label is not None:
                label.setVisible(shown)
        self.takes.setVisible(shown)

    def _show_nothing(self) -> None:
        """No clip: blank every field and hide the clip's rows, so nothing of the last clip lingers."""
        self._loading = True
        self.title.setText("Nothing selected")
        self.where.setText("")
        self.name.clear()
        self.enabled.setChecked(False)
        self.takes.clear()
        for spin in self.spins.values():
            spin.setVisible(False)
            self.form.labelForField(spin).setVisible(False)
        self._show_clip_rows(False)
        self.provenance.setHtml("<i>Select a clip to see its properties and where it came from.</i>")
        self.engine.clear()
        self.add_sound.setVisible(False)
        self._loading = False

    def _recipe(self, clip, asset) -> tuple[str, str, dict[str, Any]] | None:
        """(kind, engine, request fields) that made this clip's media, if it was generated."""
        p = (asset.provenance if asset is not None else None) or {}
        if p.get("kind") and isinstance(p.get("params"), dict):
            return p["kind"], p.get("engine", ""), dict(p["params"])
        if clip.recipe is not None:
            return clip.recipe.kind, clip.recipe.engine or "", dict(clip.recipe.request)
        return None

    def _shown_value(self, clip, name: str) -> Any:
        """A keyframed property shows its value at the playhead (held outside the clip)."""
        if name in clip.keyframes:
            local = min(max(self.session.playhead - clip.position, 0), clip.duration - 1)
            return clip.value_at(name, local)
        return getattr(clip.transform if name in TRANSFORM_KEYFRAMED else clip, name)

    def _on_playhead(self, _frame: int) -> None:
        _, clip = self._clip()
        if clip is not None and clip.keyframes:
            self.refresh()

    def _set(self, name: str, value: Any) -> None:
        if self._loading or self.clip_id is None:
            return
        _, clip = self._clip()
        if clip is None:
            return
        if name in clip.keyframes:  # a keyframed property: the change is a keyframe at the playhead
            if abs(self._shown_value(clip, name) - value) > 1e-9 and (frame := self._key_frame()) is not None:
                self.session.push(lambda: edit.set_keyframe(self.session.project, self.clip_id, name, frame, value))
            return
        if name in TRANSFORM_KEYFRAMED:  # x, y and scale are fields of the clip's transform
            if getattr(clip.transform, name) != value:
                moved = replace(clip.transform, **{name: value})
                self.session.push(lambda: edit.set_property(self.session.project, self.clip_id, "transform", moved))
            return
        if getattr(clip, name) == value:
            return
        self.session.push(lambda: edit.set_property(self.session.project, self.clip_id, name, value))

    def _set_speed(self, speed: float, reverse: bool) -> None:
        """One undoable edit; refused (it would run over the next clip) shows why and puts the old values back."""
        _, clip = self._clip()
        if self._loading or clip is None or (clip.speed, clip.reverse) == (speed, reverse):
            return
        if not self.session.push(lambda: edit.set_speed(self.session.project, clip.id, speed, reverse=reverse)):
            self.speed.show_clip(clip)

    def retry_generation(self) -> None:
        if self.clip_id is None:
            return
        try:
            self.session.retry_placeholder(self.clip_id)
        except (ValueError, KeyError) as exc:
            self.session.error.emit(str(exc))

    def new_variation(self) -> None:
        """Same request with the next seed, queued and placed at the playhead."""
        _, clip = self._clip()
        recipe = self._recipe(clip, self.session.project.assets.get(clip.asset_id or "")) if clip else None
        if recipe:
            kind, engine, fields = recipe
            fields["seed"] = int(fields.get("seed", 0)) + 1
            self.regenerate.emit(kind, engine, fields)

    def regenerate_with(self) -> None:
        _, clip = self._clip()
        recipe = self._recipe(clip, self.session.project.assets.get(clip.asset_id or "")) if clip else None
        if recipe and self.engine.currentData():
            self.regenerate.emit(recipe[0], self.engine.currentData(), recipe[2])
