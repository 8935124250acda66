"""The design of a voebench suite in one place: the physical principles tested, the two
conditions and the cells (principle x condition) every metric is reported on.

Plain data on purpose: the harness, the leaderboard and the CLI read it without importing
PyBullet. Adding a principle is one name here plus its module in scenes/principles/.
"""

PRINCIPLES = ("permanence", "continuity", "immutability", "solidity", "gravity", "inertia", "causality")
# visible: the violation happens in view; occluded: behind a screen, seen only at the reveal.
CONDITIONS = ("visible", "occluded")
CELLS = tuple((p, c) for p in PRINCIPLES for c in CONDITIONS)

# Versions of the scene design. 1: voe-v1 and voe-mini (retired), frozen: their clips must not
# change. 2: voe-v2 and voe-v2-mini (issue 12): the rules of `voebench audit` hold by
# construction. 3: design 2's scenes and clips, with the reveal dated where the violation is seen
# (>= MIN_VISIBLE_PIXELS pixels of the body masks differ at 64x64, the same share of the picture at other sizes, not the first differing pixel; issue 13,
# scenes/quadruplet.py reveal_frame) — it changes reveal_frame labels only, and the rare scene whose
# violation never shows in that many pixels is resampled. A principle module receives the version
# and keeps design 1 exactly as it was.
DESIGNS = (1, 2, 3)
DEFAULT_DESIGN = 3

# The law each impossible clip breaks (manifest column `violation`): (clip A->B, clip B->A).
# Most quadruplets break their principle twice; in solidity and gravity the converse clip breaks
# another law ("bounces off nothing" is inertia, "sinks through the bridge" solidity), so
# accuracy is also reported per violation type (benchmark/metrics.py, by_violation).
VIOLATIONS = {p: (p, p) for p in PRINCIPLES} | {"solidity": ("solidity", "inertia"), "gravity": ("gravity", "solidity")}

# Cues the design cannot remove, named with the reason (issue 12). The audit reports them and does
# not fail a cell for them, and only while they run *against* the violation (accuracy below
# 50 %: they make the impossible clips look less surprising, so they cannot inflate a score).
_REVISIT = ("the impossible pair crosses the gap twice and never where each possible run crosses it once: a probe "
            "that compares a frame with the rest of its clip or with a memory of earlier frames finds the repeated "
            "crossing familiar and the clip that never crosses uneventful. The cue is the teleport itself, seen by "
            "memory without physics")
_DESIGN2_CUES = {("continuity", "occluded"): {"frame-oddness": _REVISIT, "background-change": _REVISIT},
                 ("continuity", "visible"): {"frame-oddness": _REVISIT, "background-change": _REVISIT}}
INHERENT_CUES = {2: _DESIGN2_CUES, 3: _DESIGN2_CUES}  # design 3 has design 2's scenes

LEADERBOARD_SUITE = "voe-v2"  # the official leaderboard (benchmark/suites/NAME.toml)
DEMO_SUITE = "voe-v2-mini"  # `make demo` and CI: the first two quadruplets of each voe-v2 cell

# A custom suite's settings where none is given: GenerateConfig's defaults (scenes/generate.py),
# which the API and the CLI read rather than restate (issue 28; the look's is DEFAULT_LOOK, scenes/look.py).
DEFAULT_PER_CONDITION = 20  # test quadruplets per cell
DEFAULT_TRAIN_CLIPS = 200  # playground clips
DEFAULT_SEED = 0
DEFAULT_RESOLUTION = 64  # pixels a side
DEFAULT_FRAMES = 32  # 2 s at 16 fps
DEFAULT_RENDERER = "tiny"  # PyBullet's CPU TinyRenderer (egl: its GPU plugin)
