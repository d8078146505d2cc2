"""The pure layers stay light: importing model, edit and io pulls in no Qt, torch or media decoders."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_model_edit_and_io_import_no_qt_torch_or_decoders():
    code = (
        "import sys, studio.model, studio.edit, studio.io, studio.io.otio_io, studio.io.media;"
        "print(sorted(m for m in ('torch', 'diffusers', 'transformers', 'PySide6', 'numpy', 'PIL', 'soundfile',"
        " 'opentimelineio') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
