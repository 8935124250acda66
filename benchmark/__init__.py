"""voebench harness: scoring (runner), VoE metrics, results, reports and the official suites."""
