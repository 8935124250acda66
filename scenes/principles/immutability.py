"""Shape and colour constancy: the object that reappears from behind a screen is another one.

Run A: object 1 travels (object 2 parked); run B: object 2, of another shape and/or colour,
travels the same path (object 1 parked). Splicing while hidden swaps the object's identity.
"""
from ..layout import OBJECT_SIZES, distractors, make_object, pick_colours, sample_camera
from ..quadruplet import Pair
from ..spec import SHAPES, SceneSpec, parked
from .passage import sample_passage


def sample(rng, condition, frames, fps):
    camera = sample_camera(rng)
    n_distractors = int(rng.integers(0, 3))
    colours = pick_colours(rng, 2 + n_distractors)
    size = float(rng.uniform(*OBJECT_SIZES))
    occluder, x0, velocity, axes = sample_passage(rng, camera, frames, fps, size)
    change = str(rng.choice(["shape", "colour", "both"]))
    first = make_object(rng, "object", colours[0], x0, size=size, velocity=velocity)
    other_shape = str(rng.choice([s for s in SHAPES if s != first.shape]))
    second = make_object(
        rng, "changed", colours[1] if change != "shape" else colours[0], x0, size=size, velocity=velocity,
        shape=other_shape if change != "colour" else first.shape,
    )
    bodies = (first, parked(second, 1), occluder, *distractors(rng, n_distractors, colours[2:], frames, fps))
    a = SceneSpec(bodies, camera, frames, fps)
    b = a.replace_body(parked(first, 0)).replace_body(second)
    axes.update(change=change, shapes=[first.shape, second.shape], size=size, n_objects=1 + n_distractors)
    return Pair(a, b, ("object", "changed"), axes=axes)
