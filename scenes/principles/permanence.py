"""Object permanence: an object passes behind (or rests behind) a screen.

Run A: the object is there. Run B: it never was (parked out of view). Splicing while it is
hidden gives "gone when the screen is passed/lowered" and "appears from nothing".
Design 2: a resting twin of the object (same shape, size and colour) stands far back in view
from the first frame, so an object "from nothing" is not the first sight of its colour.
"""
from ..layout import make_object, sample_stage, witness
from ..quadruplet import Pair
from ..spec import parked
from .passage import sample_passage


def sample(rng, condition, frames, fps, design=1, hidden_frames=None):
    stage = sample_stage(rng, frames, fps)
    occluder, x0, velocity, axes = sample_passage(rng, stage, hidden=hidden_frames)
    obj = make_object(rng, "object", stage.colours[0], x0, size=stage.size, velocity=velocity)
    bodies = [obj, occluder]
    if design >= 2:
        bodies.append(witness(rng, "twin", obj))
    a = stage.scene(rng, bodies)
    b = a.replace_body(parked(obj, 0))
    axes.update(shape=obj.shape, size=stage.size, n_objects=1 + stage.n_distractors)
    return Pair(a, b, ("object",), axes=axes)

