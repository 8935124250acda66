"""voebench harness: command line and (later) scoring and metrics."""
