"""``python -m tarjama.cli``: the command line."""

from tarjama.cli import main

main()
