"""What to generate, decided in Python: the package plan (names, layers, client, exports) and each
operation's view (types, retry safety, pager, waiter) that the templates lay out."""
