"""Scene specifications: the single source of truth for a clip.

A spec is plain data (dataclasses of floats, strings and tuples). The simulator and the
renderer are views of it, and it is what goes into the metadata, so any clip can be rebuilt
from its spec (Kubric's rule). Geometry is in metres, time in frames.

World axes: x runs left→right across the view, y away from the camera, z up. Moving objects
travel along x in a lane at some depth y; screens stand between the lane and the camera.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

# Cylinders are left out: with the contact settings that keep launches elastic (erp=0) an
# upright cylinder sinks and tips on the ground.
SHAPES = ("sphere", "box")

# Distinct, saturated colours: objects must stay recognisable at 64x64 (RGBA).
PALETTE = {
    "red": (0.85, 0.15, 0.15, 1.0),
    "green": (0.15, 0.7, 0.2, 1.0),
    "blue": (0.15, 0.3, 0.9, 1.0),
    "yellow": (0.95, 0.85, 0.1, 1.0),
    "magenta": (0.8, 0.2, 0.8, 1.0),
    "cyan": (0.1, 0.8, 0.85, 1.0),
    "orange": (0.95, 0.5, 0.05, 1.0),
}
SCREEN_COLOUR = (0.55, 0.45, 0.35, 1.0)
WALL_COLOUR = (0.35, 0.35, 0.4, 1.0)
GROUND_COLOUR = (0.82, 0.82, 0.78, 1.0)

# Where "absent" bodies wait: far outside the view, resting on the (large) ground, so both
# runs of a pair create the same bodies in the same order (PyBullet is only deterministic
# for identical command streams).
PARKING_X = 40.0


@dataclass(frozen=True)
class Keyframe:
    """Pose of a kinematic body at a frame; poses are linearly interpolated in between."""

    frame: float
    x: float
    y: float
    z: float


@dataclass(frozen=True)
class Body:
    """A rigid body. Dynamic bodies (mass > 0) are simulated; kinematic ones follow keys."""

    name: str
    shape: str  # one of SHAPES
    size: tuple[float, float, float]  # full extents along x, y, z
    colour: tuple[float, float, float, float]
    position: tuple[float, float, float]
    velocity: tuple[float, float, float] = (0.0, 0.0, 0.0)
    mass: float = 1.0
    restitution: float = 0.0
    keys: tuple[Keyframe, ...] = ()  # kinematic path (mass must be 0)
    role: str = "object"  # object | distractor | screen | wall | support

    @property
    def kinematic(self) -> bool:
        return bool(self.keys)

    def replace(self, **changes) -> "Body":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Camera:
    eye: tuple[float, float, float] = (0.0, -5.0, 2.3)
    target: tuple[float, float, float] = (0.0, 0.0, 0.3)
    fov: float = 40.0


@dataclass(frozen=True)
class SceneSpec:
    """Everything needed to simulate and render one run."""

    bodies: tuple[Body, ...]
    camera: Camera = field(default_factory=Camera)
    frames: int = 32
    fps: int = 16
    substeps: int = 15  # 240 Hz physics, the PyBullet default step

    def body(self, name: str) -> Body:
        for b in self.bodies:
            if b.name == name:
                return b
        raise KeyError(name)

    def replace_body(self, new: Body) -> "SceneSpec":
        """The same scene with the body of the same name swapped for `new`."""
        self.body(new.name)  # KeyError for an unknown name
        return dataclasses.replace(self, bodies=tuple(new if b.name == new.name else b for b in self.bodies))

    def to_dict(self) -> dict:
        """Plain JSON-ready data: what an item record stores (scenes/items.py)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "SceneSpec":
        """The spec back from to_dict() output that went through JSON (tuples came back as lists)."""
        bodies = tuple(
            Body(**{**b, "size": tuple(b["size"]), "colour": tuple(b["colour"]), "position": tuple(b["position"]),
                    "velocity": tuple(b["velocity"]), "keys": tuple(Keyframe(**k) for k in b["keys"])})
            for b in d["bodies"])
        camera = Camera(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in d["camera"].items()})
        return cls(bodies, camera, d["frames"], d["fps"], d["substeps"])


def parked(body: Body, slot: int) -> Body:
    """The same body, resting far out of view: 'absent' without changing the command stream."""
    return body.replace(
        position=(PARKING_X + 3.0 * slot, 30.0, body.size[2] / 2), velocity=(0.0, 0.0, 0.0), keys=()
    )
