"""tarjama: automated translation for newsrooms (see README.md for the map of the code)."""
