"""The commands: ``procgen`` (main.py) parses the arguments (arguments.py) and runs one command, a module
of this package with a ``command(args) -> int`` function. common.py holds what they share."""
