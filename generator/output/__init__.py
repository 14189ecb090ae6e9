"""The built tree and the folder it replaces: assembling (layers, ruff, headers, provenance), which
targets are safe to replace, and comparing trees file by file (content, modes, extra files)."""
