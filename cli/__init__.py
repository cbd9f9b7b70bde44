"""The ``tapelog`` command line: thin click commands over the core packages."""
