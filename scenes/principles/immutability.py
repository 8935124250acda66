"""Shape and colour constancy: the object that reappears from behind a screen is another one.

Run A: object 1 travels (object 2 parked); run B: object 2, of another shape and/or colour,
travels the same path (object 1 parked). Splicing while hidden swaps the object's identity.
Design 2: twins of both objects are far back in view from the first frame, so the object that
re-emerges is never the first sight of its colour: a colour change must be judged as a change
of this object, not as a new colour in the scene. The twins slide slowly across the view: a
twin at rest shows one view of its shape, while the object in the lane shows others (side
faces, a rolling sphere's facets), and those shades alone let the colour-novelty probe score
58-64 % on development seeds (785-787, 50 quadruplets each); sliding twins show them too
(52-55 %, nearly every quadruplet an exact tie).
"""
from ..layout import make_object, sample_stage, witness
from ..quadruplet import Pair
from ..spec import SHAPES, parked
from .passage import sample_passage

TWIN_SPEED = 1.0  # m/s


def sample(rng, condition, frames, fps, design=1):
    stage = sample_stage(rng, frames, fps, own_colours=2)
    colours, size = stage.colours, stage.size
    occluder, x0, velocity, axes = sample_passage(rng, stage)
    change = str(rng.choice(["shape", "colour", "both"]))
    first = make_object(rng, "object", colours[0], x0, size=size, velocity=velocity)
    other_shape = str(rng.choice([s for s in SHAPES if s != first.shape]))
    second = make_object(
        rng, "changed", colours[1] if change != "shape" else colours[0], x0, size=size, velocity=velocity,
        shape=other_shape if change != "colour" else first.shape,
    )
    bodies = [first, parked(second, 1), occluder]
    if design >= 2:
        bodies += [witness(rng, f"twin{k}", body, speed=TWIN_SPEED)
                   for k, body in enumerate((first, second))]
    a = stage.scene(rng, bodies)
    b = a.replace_body(parked(first, 0)).replace_body(second)
    axes.update(change=change, shapes=[first.shape, second.shape], size=size, n_objects=1 + stage.n_distractors)
    return Pair(a, b, ("object", "changed"), axes=axes)
