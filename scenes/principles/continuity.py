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
from ..layout import CAMERA_Y, ENTRY_X, LANE_PER_SCREEN, make_object, sample_stage, screen, speed_to_reach
from ..quadruplet import Pair

LANES = (-0.9, 0.7)
SCREENS_Y = -1.7  # in front of both lanes


def sample(rng, condition, frames, fps, design=1, hidden_frames=None):
    stage = sample_stage(rng, frames, fps)
    direction, size = stage.direction, stage.size
    if hidden_frames is not None:
        return _timed(rng, stage, hidden_frames)
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


def _timed(rng, stage, hidden):
    """Design 2's layout (one lane) with the screens sized so that the object is out of sight for
    about `hidden` frames in all (behind both screens): at its usual speed, each screen hides about
    half of the lane the object must travel unseen; where that asks for a screen narrower or wider
    than the view allows, the speed gives instead (the builder measures the result and resamples a
    miss). The object first goes out of sight at a random time, early enough for the delayed run to
    come out from behind the far screen before the clip ends (long levels need more than 32 frames:
    the sweep suite has 48)."""
    frames, fps, direction, size = stage.frames, stage.fps, stage.direction, stage.size
    lane = LANES[int(rng.integers(2))]
    per_screen = (lane - CAMERA_Y) / (SCREENS_Y - CAMERA_Y)  # metres of lane a metre of screen hides
    speed = float(rng.uniform(2.0, 2.6))
    unseen = hidden * speed / fps + 2 * size  # lane covered by both screens together, in metres
    share = float(rng.uniform(0.42, 0.58))
    w1, w2 = (min(max(unseen * k / per_screen, 0.45), 0.85) for k in (share, 1 - share))
    speed = ((w1 + w2) * per_screen - 2 * size) * fps / hidden
    gap = float(rng.uniform(0.45, 0.7))
    centre = float(rng.uniform(-0.1, 0.1))
    x1 = centre - direction * (gap / 2 + w1 / 2)
    x2 = centre + direction * (gap / 2 + w2 / 2)
    height = float(rng.uniform(1.3, 1.4))
    v = direction * speed
    delay = round(abs((x2 - x1) * per_screen / v) * fps)
    # Run A is first out of sight (behind screen 1) at t_start; run B, `delay` frames later, must
    # still come out from behind screen 2 and be seen for a few frames before the clip ends.
    gap_frames = max(0.0, gap * per_screen - size) / speed * fps
    latest = frames - (hidden + gap_frames + delay + 6)
    t_start = float(rng.uniform(4.0, max(4.0, latest)))
    x_hidden = (x1 - direction * w1 / 2) * per_screen + direction * size / 2
    x0 = x_hidden - v * t_start / fps
    obj = make_object(rng, "object", stage.colours[0], x0, y=lane, size=size, velocity=(v, 0.0, 0.0))
    a = stage.scene(rng, (obj, screen("screen1", x1, float(w1), height, y=SCREENS_Y),
                          screen("screen2", x2, float(w2), height, y=SCREENS_Y)))
    b = a.replace_body(obj.replace(position=(x0 - v * delay / fps, lane, size / 2)))
    axes = {"lanes": [lane, lane], "speed": speed, "gap": gap, "screen_widths": [float(w1), float(w2)],
            "delay_frames": delay, "shape": obj.shape, "size": size, "n_objects": 1 + stage.n_distractors}
    return Pair(a, b, ("object",), axes=axes)
