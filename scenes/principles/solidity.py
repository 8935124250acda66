"""Solidity: a wall blocks a sliding object.

Run A: a wall stands in the lane; the object bounces off it. Run B: no wall; it slides on.
Occluded (splice): the wall is seen, then a screen rises in front of it before the object
arrives; splicing while both are hidden gives "passes through the wall" and "bounces off
nothing". Visible (crossed): no screen, so the wall itself would pop in or out at any splice;
instead each impossible clip shows one run's wall with the other run's object trajectory.
Design 2 (issue 12): the object is always a box. Bullet's sphere-on-box contact lost speed
unpredictably (design 1, seed 31337: 12/31 spheres rebounded at under half their speed against
the designed 0.9); a box face on the wall's face rebounds at the designed speed.
Visible, design 2 (matched occlusion): passing through the wall hides part of the object inside
it, so the impossible pair showed fewer object pixels than the possible one and every motion
cue (frame difference, flow, area) scored the violation as *less* surprising (issue 12). Run B
now has a thin post standing in front of the lane a little beyond where the wall was: its
object passes behind the post, so partial hiding happens once in each pair. The post's width
is drawn around the wall's so the hidden amount is sometimes larger and sometimes smaller; it
stands beyond the wall's place, so "bounces off nothing" does not read as "bounces off the post".
"""
from ..layout import ENTRY_X, LANE_PER_SCREEN, lane_to_screen, make_object, rise_lower_keys, sample_stage, screen, speed_to_reach
from ..quadruplet import Pair
from ..spec import WALL_COLOUR, Body, parked

WALL = (0.12, 0.9, 0.7)  # thin across the lane, wide in depth, lower than the screens
POST_WIDTH = (0.06, 0.2)  # metres of lane hidden; the wall hides about as much as 0.13 (measured, dev seeds)
POST_BEYOND = (0.4, 0.6)  # metres past the wall's place, along the motion
POST_HEIGHT = 1.0


def sample(rng, condition, frames, fps, design=1):
    stage = sample_stage(rng, frames, fps)
    camera, direction, size = stage.camera, stage.direction, stage.size
    x_wall = float(rng.uniform(-0.3, 0.3))
    wall = Body("wall", "box", WALL, WALL_COLOUR, (x_wall, 0.0, WALL[2] / 2), mass=0.0, restitution=0.9, role="wall")
    x0 = -direction * ENTRY_X
    t_contact = float(rng.uniform(0.5, 0.62)) * frames
    v = speed_to_reach(x0, x_wall - direction * (WALL[0] + size) / 2, t_contact, fps)
    obj = make_object(rng, "object", stage.colours[0], x0, size=size, velocity=(v, 0.0, 0.0),
                      shape="box" if design >= 2 else None)
    bodies = [obj, wall]
    axes = {"speed": abs(v), "shape": obj.shape, "size": size, "n_objects": 1 + stage.n_distractors}
    if condition == "occluded":
        width = float(rng.uniform(1.2, 1.5))
        height = 1.05
        up = float(rng.uniform(0.12, 0.25)) * frames
        xs = lane_to_screen(x_wall, camera)
        bodies.append(screen("screen", xs, width, height, rise_lower_keys(xs, height, (up, up + 4), None)))
        axes.update(screen_motion="rise", screen_width=width,
                    occlusion_frames=round((width * LANE_PER_SCREEN - size) / abs(v) * fps, 1))
    post = None
    if condition == "visible" and design >= 2:
        width = float(rng.uniform(*POST_WIDTH))
        x_post = x_wall + direction * float(rng.uniform(*POST_BEYOND))
        post = screen("post", lane_to_screen(x_post, camera), width / LANE_PER_SCREEN, POST_HEIGHT)
        bodies.append(parked(post, 1))
        axes.update(post_width=width, post_x=x_post)
    a = stage.scene(rng, bodies)
    b = a.replace_body(parked(wall, 0))
    if post is not None:
        b = b.replace_body(post)
    if condition == "occluded":
        return Pair(a, b, ("object", "wall"), axes=axes)
    return Pair(a, b, ("object",), construction="crossed", axes=axes)
