"""The design of a voebench suite in one place: the physical principles tested, the two
conditions and the cells (principle x condition) every metric is reported on.

Plain data on purpose: the harness, the leaderboard and the CLI read it without importing
PyBullet. Adding a principle is one name here plus its module in scenes/principles/.
"""

PRINCIPLES = ("permanence", "continuity", "immutability", "solidity", "gravity", "inertia", "causality")
# visible: the violation happens in view; occluded: behind a screen, seen only at the reveal.
CONDITIONS = ("visible", "occluded")
CELLS = tuple((p, c) for p in PRINCIPLES for c in CONDITIONS)

# Versions of the scene design. 1: voe-v1 and voe-mini, frozen (their clips must not change).
# 2: in development (issue 12): the rules of `voebench audit` hold by construction. A principle
# module receives the version and keeps design 1 exactly as it was.
DESIGNS = (1, 2)
DEFAULT_DESIGN = 1

DEFAULT_PER_CONDITION = 20  # test quadruplets per cell
DEFAULT_TRAIN_CLIPS = 200  # playground clips
