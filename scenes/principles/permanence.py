"""Object permanence: an object passes behind (or rests behind) a screen.

Run A: the object is there. Run B: it never was (parked out of view). Splicing while it is
hidden gives "gone when the screen is passed/lowered" and "appears from nothing".
"""
from ..layout import OBJECT_SIZES, distractors, make_object, pick_colours, sample_camera
from ..quadruplet import Pair
from ..spec import SceneSpec, parked
from .passage import sample_passage


def sample(rng, condition, frames, fps):
    camera = sample_camera(rng)
    n_distractors = int(rng.integers(0, 3))
    colours = pick_colours(rng, 1 + n_distractors)
    size = float(rng.uniform(*OBJECT_SIZES))
    occluder, x0, velocity, axes = sample_passage(rng, camera, frames, fps, size)
    obj = make_object(rng, "object", colours[0], x0, size=size, velocity=velocity)
    bodies = (obj, occluder, *distractors(rng, n_distractors, colours[1:], frames, fps))
    a = SceneSpec(bodies, camera, frames, fps)
    b = a.replace_body(parked(obj, 0))
    axes.update(shape=obj.shape, size=size, n_objects=1 + n_distractors)
    return Pair(a, b, ("object",), axes=axes)

