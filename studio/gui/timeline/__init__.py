"""The timeline: a QGraphicsView of tracks and clips with a ruler, playhead, markers and editing by mouse."""
