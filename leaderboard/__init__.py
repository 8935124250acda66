"""The leaderboard: validated submissions, tables and a static web page; reads result files, never scores."""
