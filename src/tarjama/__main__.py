"""``python -m tarjama``: the command line, as the ``tarjama`` console script."""

from tarjama.cli import main

main()
