"""The dark theme: a Fusion palette plus a short style sheet for panels, tabs and accent buttons."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#4a90d9"
STYLE = f"""
QMainWindow, QDialog {{ background: #1e2025; }}
QDockWidget {{ color: #d6d9df; font-weight: 600; }}
QDockWidget::title {{ background: #272a31; padding: 5px 8px; border-bottom: 1px solid #15171b; }}
QTabWidget::pane {{ border: 1px solid #2f333b; top: -1px; }}
QTabBar::tab {{ background: #25282e; color: #a9aeb8; padding: 5px 12px; border: 1px solid #2f333b;
               border-bottom: none; }}
QTabBar::tab:selected {{ background: #2f333b; color: #ffffff; }}
QToolBar {{ background: #24272d; border: none; spacing: 2px; padding: 2px; }}
QToolBar QToolButton {{ color: #d6d9df; padding: 3px 7px; border-radius: 3px; }}
QToolBar QToolButton:hover {{ background: #343842; }}
QPushButton {{ background: #30343c; color: #e4e6ea; border: 1px solid #3b404a; border-radius: 4px;
              padding: 4px 10px; }}
QPushButton:hover {{ background: #3a3f49; }}
QPushButton[accent="true"] {{ background: {ACCENT}; border-color: #5ea0e6; color: white; font-weight: 600; }}
QPushButton:disabled {{ color: #6b707a; }}
QLineEdit, QPlainTextEdit, QSpinBox, QDoubleSpinBox, QComboBox, QTextBrowser {{ background: #16181c;
    color: #e4e6ea; border: 1px solid #343842; border-radius: 3px; padding: 2px 4px;
    selection-background-color: {ACCENT}; }}
QListWidget, QTreeWidget {{ background: #181a1f; color: #d6d9df; border: none; alternate-background-color: #1d2026; }}
QHeaderView::section {{ background: #262930; color: #a9aeb8; border: none; padding: 3px 6px; }}
QProgressBar {{ background: #16181c; border: 1px solid #343842; border-radius: 3px; color: #e4e6ea;
               text-align: center; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 2px; }}
QFrame#trackHeader {{ background: #272a31; border-bottom: 1px solid #15171b; border-right: 1px solid #15171b; }}
QFrame#trackHeader[kind="audio"] {{ background: #242b2e; }}
QFrame#trackHeader QLineEdit {{ background: transparent; border: none; font-weight: 600; }}
QFrame#trackHeader QToolButton {{ background: #30343c; color: #a9aeb8; border-radius: 2px; font-size: 10px; }}
QFrame#trackHeader QToolButton:checked {{ background: #e0a030; color: #111; }}
QLabel#previewTimecode, QLabel#timelineTimecode {{ font-family: monospace; font-size: 13px; color: #f0f0f0; }}
QLabel#inspectorTitle {{ font-size: 14px; font-weight: 600; color: #ffffff; }}
QLabel#formStatus[error="true"] {{ color: #ff7b72; }}
QStatusBar {{ background: #24272d; color: #a9aeb8; }}
QMenuBar {{ background: #24272d; color: #d6d9df; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {ACCENT}; }}
QMenu {{ background: #272a31; color: #d6d9df; border: 1px solid #343842; }}
QScrollBar:horizontal, QScrollBar:vertical {{ background: #1b1d22; border: none; }}
QScrollBar::handle {{ background: #3b404a; border-radius: 4px; min-width: 24px; min-height: 24px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
"""


def apply_dark_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    p = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#1e2025"),
        (QPalette.ColorRole.WindowText, "#d6d9df"),
        (QPalette.ColorRole.Base, "#16181c"),
        (QPalette.ColorRole.AlternateBase, "#1d2026"),
        (QPalette.ColorRole.ToolTipBase, "#272a31"),
        (QPalette.ColorRole.ToolTipText, "#e4e6ea"),
        (QPalette.ColorRole.Text, "#e4e6ea"),
        (QPalette.ColorRole.Button, "#30343c"),
        (QPalette.ColorRole.ButtonText, "#e4e6ea"),
        (QPalette.ColorRole.BrightText, "#ff5555"),
        (QPalette.ColorRole.Highlight, ACCENT),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#6b707a"),
    ):
        p.setColor(role, QColor(color))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b707a"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b707a"))
    app.setPalette(p)
    app.setStyleSheet(STYLE)
