"""Proving a built tree before it is swapped in: it compiles, every module imports in a clean
interpreter, its pyproject parses, and a second build in another process is byte-identical."""
