"""`python -m genesys_cloud_audit.cli`: the same as the `genesys-audit` command."""

from ._main import main

raise SystemExit(main())
