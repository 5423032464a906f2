from dmr_edge.cli import main

raise SystemExit(main())
