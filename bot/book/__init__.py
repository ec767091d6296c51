"""The served book: the theses loaded from `knowledge/`, watched and swapped whole on an edit, and
the build cache that lets `thesis ask` start without rebuilding the engine."""
