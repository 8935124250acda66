"""Spatio-temporal continuity: an object travels behind two screens separated by a visible gap.

Run B is run A delayed by the time it takes to go from one screen to the other, in another
lane. Splicing while the object is behind the far screen in A and behind the near one in B
gives a teleport (it never crosses the gap) and its converse (it crosses the gap twice).
Design 1 (voe-v1) put the two runs in lanes at different depths, so that the clip crossing
twice does not cross the same pixels twice; but then every impossible clip also hides a ~1.4x
size jump, a second cue that is not continuity (issue 12). Design 2 keeps one lane for both
runs: the teleport or the double crossing is the only difference (the audit measures what the
revisited place gives a whole-clip probe).
"""
from ..layout import ENTRY_X, LANE_PER_SCREEN, make_object, sample_stage, screen, speed_to_reach
from ..quadruplet import Pair

LANES = (-0.9, 0.7)
SCREENS_Y = -1.7  # in front of both lanes


def sample(rng, condition, frames, fps, design=1):
    stage = sample_stage(rng, frames, fps)
    direction, size = stage.direction, stage.size
    w1, w2 = rng.uniform(0.65, 0.95, size=2)
    gap = float(rng.uniform(0.5, 0.9))  # visible stretch of lane between the screens
    centre = float(rng.uniform(-0.2, 0.2))
    if design >= 2:  # narrower screens nearer the middle and a slower object: it is seen before
        # the first screen and after the second in both runs (the outcome is on screen)
        w1, w2 = rng.uniform(0.6, 0.8, size=2)
        gap = float(rng.uniform(0.45, 0.7))
        centre = float(rng.uniform(-0.1, 0.1))
    x1 = centre - direction * (gap / 2 + w1 / 2)
    x2 = centre + direction * (gap / 2 + w2 / 2)
    height = float(rng.uniform(1.3, 1.4))  # also hides the object in the far lane
    x0 = -direction * ENTRY_X
    t_far = float(rng.uniform(0.4, 0.55)) * frames  # reaches the far screen's centre
    v = speed_to_reach(x0, x2 * LANE_PER_SCREEN, t_far, fps)
    if design >= 2:
        v = direction * float(rng.uniform(2.0, 2.6))
        x0 = x2 * LANE_PER_SCREEN - v * t_far / fps
    delay = round(abs((x2 - x1) * LANE_PER_SCREEN / v) * fps)
    # ~11 px apart in the image at 64x64: the two crossings share no pixel.
    lane_a, lane_b = LANES if rng.random() < 0.5 else LANES[::-1]
    if design >= 2:
        lane_b = lane_a
    obj = make_object(rng, "object", stage.colours[0], x0, y=lane_a, size=size, velocity=(v, 0.0, 0.0))
    a = stage.scene(rng, (obj, screen("screen1", x1, float(w1), height, y=SCREENS_Y),
                          screen("screen2", x2, float(w2), height, y=SCREENS_Y)))
    b = a.replace_body(obj.replace(position=(x0 - v * delay / fps, lane_b, size / 2)))
    axes = {"lanes": [lane_a, lane_b], "speed": abs(v), "gap": gap, "screen_widths": [float(w1), float(w2)], "delay_frames": delay,
            "shape": obj.shape, "size": size, "n_objects": 1 + stage.n_distractors}
    return Pair(a, b, ("object",), axes=axes)
