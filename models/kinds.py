"""What an entry is, in one vocabulary for the registry (models/registry.py), the model card
(leaderboard/submission.py) and the board (leaderboard/build.py). Each value is the string a
card's JSON carries, so committed cards and submissions read the same; `display` is what the
board shows in its kind column."""
from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    SUBMITTED = "submitted"  # anything submitted whose card does not say otherwise
    # trained here: `voebench train` trains its network, its weights ship under models/checkpoints/
    WORLD_MODEL = "world model"
    NULL = "null"  # random weights: chance, the reference a trained model must beat
    PROBE = "probe"  # a hand-built shortcut detector, a reference: what a score means without physics
    AUDIT_PROBE = "audit probe"  # one more shortcut for `voebench audit`
    # hand-built from physics, not learned: the suite's positive control (issue 13), shown as its ceiling
    CONTROL = "control"
    ADAPTER = "adapter"  # someone else's weights, scored through our protocol (the transformers adapters)
    HUMAN_BASELINE = "human baseline"  # people's ratings (`voebench human-results`): shown apart, never ranked

    @property
    def display(self) -> str:
        """The board's kind column (a card's perception is added by the board)."""
        return DISPLAY.get(self, self.value)


DISPLAY = {Kind.PROBE: "probe (reference)", Kind.AUDIT_PROBE: "probe (reference)", Kind.NULL: "null (reference)",
           Kind.CONTROL: "control (ceiling, hand-built)", Kind.HUMAN_BASELINE: "human baseline (people)"}
