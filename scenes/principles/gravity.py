"""Gravity and support: an object slides along a raised shelf across a gap.

Run A: the shelf has a gap; the object drops through it. Run B: a bridge fills the gap;
the object slides on at shelf height. Both runs show the shelf first.
Occluded (splice): a screen rises in front of the gap (and the bridge) after the viewer
has seen it; splicing while the object is behind it gives "crosses the gap in mid-air"
(emerges at shelf height although the gap was seen) and "falls through a continuous
shelf". The bridge differs between the runs but stays hidden from the splice on, so the
splice frame is pixel-identical.
Visible (crossed): without a screen the bridge itself would pop in or out at any splice;
instead clip 1 is run A's shelf (gap) with run B's object (floats across), clip 2 run B's
shelf (bridge) with run A's object (drops through it).
Design 2 (issue 12): in design 1 the object (~2.2 m/s) hit the far edge of the gap and stopped
under it, behind the screen, so "fell through a continuous shelf" looked like "stopped behind
the screen". Now it arrives slowly enough (0.8-1.1 m/s, already on the shelf in view) to drop
cleanly through the gap, lands (restitution 0) and slides on along the frictionless floor,
under the far shelf and out from behind the screen: the fall's outcome is on screen.
Visible, design 2 (matched occlusion): sinking through the bridge hides part of the object
inside the slab, so the impossible pair showed fewer object pixels and motion cues scored it as
*less* surprising (issue 12). Run A now has a low kerb on the ground in front of the gap: it
hides the lower part of the object that has fallen through, never one at shelf height, so
partial hiding happens once in each pair. Its height is drawn around the one that hides as much
as the bridge does.
"""
from ..layout import (ENTRY_X, LANE_PER_SCREEN, lane_to_screen, make_object, rise_lower_keys, sample_stage, screen,
                      slab, speed_to_reach)
from ..quadruplet import Pair
from ..spec import parked

SIZES = (0.32, 0.4)  # small enough to slide under the shelf once on the ground
KERB_HEIGHT = (0.35, 0.61)  # the kerb hides as much as the bridge at about 0.48 (measured, dev seeds)


def sample(rng, condition, frames, fps, design=1):
    stage = sample_stage(rng, frames, fps, sizes=SIZES)
    camera, d, size = stage.camera, stage.direction, stage.size
    top = float(rng.uniform(0.55, 0.62))
    gap = float(rng.uniform(0.6, 0.8))
    centre = float(rng.uniform(-0.3, 0.3))
    g0, g1 = centre - d * gap / 2, centre + d * gap / 2  # near and far edge of the gap
    x0 = -d * ENTRY_X
    t_gap = float(rng.uniform(0.45, 0.58)) * frames  # object centre over the near edge
    v = speed_to_reach(x0, g0, t_gap, fps)
    if design >= 2:  # slow enough to clear the far edge while falling; starts on the shelf in view,
        # early enough that it has landed and slid out from behind the screen before the clip ends
        t_gap = float(rng.uniform(0.25, 0.3)) * frames
        v = d * float(rng.uniform(0.8, 1.1))
        x0 = g0 - v * t_gap / fps
    obj = make_object(rng, "object", stage.colours[0], x0, size=size, z=top + size / 2, velocity=(v, 0.0, 0.0),
                      restitution=0.0)
    near, far = slab("shelf_near", -d * 4.0, g0, top), slab("shelf_far", g1, d * 4.0, top)
    bridge = slab("bridge", g0, g1, top)
    bodies = [obj, near, far, bridge]
    axes = {"height": top, "gap": gap, "speed": abs(v), "shape": obj.shape, "size": size,
            "n_objects": 1 + stage.n_distractors}
    if condition == "occluded":
        width = float(rng.uniform(1.3, 1.6))
        height = 1.45  # hides the object on the shelf and on the ground
        up = float(rng.uniform(0.1, 0.2) if design == 1 else rng.uniform(0.04, 0.08)) * frames
        xs = lane_to_screen(centre, camera)
        bodies.append(screen("screen", xs, width, height, rise_lower_keys(xs, height, (up, up + 4), None)))
        axes.update(screen_motion="rise", screen_width=width)
    kerb = None
    if condition == "visible" and design >= 2:
        kerb_height = float(rng.uniform(*KERB_HEIGHT))
        kerb = screen("kerb", lane_to_screen(centre, camera), gap / LANE_PER_SCREEN, kerb_height)
        bodies.append(parked(kerb, 1))
        axes.update(kerb_height=kerb_height)
    b = stage.scene(rng, bodies)
    a = b.replace_body(parked(bridge, 0))
    if kerb is not None:
        a = a.replace_body(kerb)
    if condition == "occluded":
        return Pair(a, b, ("object", "bridge"), axes=axes)
    return Pair(a, b, ("object",), construction="crossed", axes=axes)
