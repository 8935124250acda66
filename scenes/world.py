"""PyBullet view of a SceneSpec: simulate it, record per-frame state, render from that state.

Rendering always goes through recorded poses (reset, then getCameraImage), so a clip made by
splicing or recombining the states of two runs renders exactly like a simulated one.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import numpy as np


@contextlib.contextmanager
def _quiet(fd: int):
    """Silence a C library's prints on file descriptor `fd` (Python-level redirection cannot)."""
    try:
        saved = os.dup(fd)
    except OSError:  # nothing to protect
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


with _quiet(2):  # pybullet prints its build time on import; only the generator imports it
    import pybullet
    from pybullet_utils.bullet_client import BulletClient

from .look import DEFAULT_LOOK, OBJECT_SPECULAR, WALL_HEIGHT, WALL_Y, Look, look, mesh_file, texture_file
from .spec import GROUND_COLOUR, Body, Camera, SceneSpec

GROUND_SIZE = 200.0  # large enough for the parking lot of absent bodies


@dataclass
class States:
    """Poses of every body at every frame: positions [T, E, 3], orientations [T, E, 4] (xyzw)."""

    positions: np.ndarray
    orientations: np.ndarray

    def take(self, frames: slice | np.ndarray) -> "States":
        return States(self.positions[frames], self.orientations[frames])


def api_version() -> int:
    """PyBullet's API version, recorded in dataset.json (clips may differ between versions)."""
    return pybullet.getAPIVersion()


def _collision_and_visual(client: BulletClient, body: Body):
    sx, sy, sz = body.size
    if body.shape == "sphere":
        kw_c = kw_v = {"shapeType": pybullet.GEOM_SPHERE, "radius": sx / 2}
    elif body.shape == "box":
        kw_c = kw_v = {"shapeType": pybullet.GEOM_BOX, "halfExtents": [sx / 2, sy / 2, sz / 2]}
    else:
        raise ValueError(f"body {body.name!r}: unknown shape {body.shape!r}")
    col = client.createCollisionShape(**kw_c)
    vis = client.createVisualShape(rgbaColor=list(body.colour), **kw_v)
    return col, vis


RENDERERS = ("tiny", "egl")


class World:
    """One PyBullet DIRECT client holding the bodies of a spec (ground is body 0).

    renderer "tiny" is TinyRenderer on the CPU; "egl" loads PyBullet's EGL plugin (hardware
    OpenGL where a GPU exists, Mesa's llvmpipe otherwise). Their images differ, so a dataset
    never mixes them. `look_name` (scenes/look.py) changes pixels only.
    """

    def __init__(self, spec: SceneSpec, renderer: str = "tiny", look_name: str | Look = DEFAULT_LOOK):
        if renderer not in RENDERERS:
            raise ValueError(f"renderer must be one of {RENDERERS}, got {renderer!r}")
        self.spec = spec
        self.renderer = renderer
        self.look = look(look_name)
        with _quiet(1):  # the C library prints "argv[0]=" on every connect
            self.client = BulletClient(connection_mode=pybullet.DIRECT)
            if renderer == "egl":
                self._load_egl()
        c = self.client
        c.setPhysicsEngineParameter(
            fixedTimeStep=1.0 / (spec.fps * spec.substeps), deterministicOverlappingPairs=1,
            # No positional error correction: with it, box-box contacts lose energy, and a
            # launch (equal masses, elastic) must leave the mover at rest.
            erp=0.0, contactERP=0.0
        )
        c.setGravity(0, 0, -9.81)
        half = [GROUND_SIZE / 2, GROUND_SIZE / 2, 0.05]
        collision = c.createCollisionShape(pybullet.GEOM_BOX, halfExtents=half)
        ground = self._studio(collision) if self.look.studio else c.createMultiBody(
            0, collision, c.createVisualShape(pybullet.GEOM_BOX, halfExtents=half, rgbaColor=list(GROUND_COLOUR)),
            basePosition=[0, 0, -0.05])
        self._frictionless(ground, restitution=0.0)
        self.ids = []
        for body in spec.bodies:
            col, vis = _collision_and_visual(c, body)
            uid = c.createMultiBody(body.mass, col, vis, basePosition=list(body.position))
            # Frictionless, undamped world: moving objects keep constant velocity until
            # something happens to them, so every change of motion has a visible cause.
            self._frictionless(uid, restitution=body.restitution)
            if body.mass > 0:
                c.resetBaseVelocity(uid, list(body.velocity), [0, 0, 0])
            if self.look.studio:
                c.changeVisualShape(uid, -1, specularColor=list(OBJECT_SPECULAR))
            self.ids.append(uid)
        self._view = c.computeViewMatrix(spec.camera.eye, spec.camera.target, [0, 0, 1])

    def _studio(self, collision: int) -> int:
        """The ground pictured as a tiled floor, with a back wall as a visual-only link: no
        collision shape (physics is the flat look's), and the ground's id in the segmentation
        mask (0), so masks do not change with the look."""
        c = self.client
        floor = c.createVisualShape(pybullet.GEOM_MESH, fileName=str(mesh_file("floor")), rgbaColor=[1, 1, 1, 1],
                                    visualFramePosition=[0, 0, 0.05])  # the ground's top face
        wall = c.createVisualShape(pybullet.GEOM_MESH, fileName=str(mesh_file("wall")), rgbaColor=[1, 1, 1, 1])
        ground = c.createMultiBody(
            0, collision, floor, basePosition=[0, 0, -0.05],
            linkMasses=[0], linkCollisionShapeIndices=[-1], linkVisualShapeIndices=[wall],
            linkPositions=[[0, WALL_Y, WALL_HEIGHT / 2 + 0.05]], linkOrientations=[[0, 0, 0, 1]],
            linkInertialFramePositions=[[0, 0, 0]], linkInertialFrameOrientations=[[0, 0, 0, 1]],
            linkParentIndices=[0], linkJointTypes=[pybullet.JOINT_FIXED], linkJointAxis=[[0, 0, 1]])
        for link, texture in ((-1, "floor"), (0, "wall")):
            c.changeVisualShape(ground, link, textureUniqueId=c.loadTexture(str(texture_file(texture))),
                                specularColor=[0.05, 0.05, 0.05])
        return ground

    def _load_egl(self) -> None:
        import pkgutil

        loader = pkgutil.get_loader("eglRenderer")
        if loader is None or self.client.loadPlugin(loader.get_filename(), "_eglRendererPlugin") < 0:
            raise RuntimeError("renderer 'egl': PyBullet's EGL plugin could not be loaded on this machine")

    def _frictionless(self, uid: int, restitution: float) -> None:
        self.client.changeDynamics(
            uid, -1, lateralFriction=0.0, rollingFriction=0.0, spinningFriction=0.0,
            linearDamping=0.0, angularDamping=0.0, restitution=restitution,
            activationState=pybullet.ACTIVATION_STATE_DISABLE_SLEEPING,
        )

    def close(self) -> None:
        self.client.disconnect()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- simulation -------------------------------------------------------------------
    def _drive_kinematic(self, t: float) -> None:
        for uid, body in zip(self.ids, self.spec.bodies):
            if body.keys:
                pos, vel = kinematic_pose(body, t, self.spec.fps)
                self.client.resetBasePositionAndOrientation(uid, pos, [0, 0, 0, 1])
                self.client.resetBaseVelocity(uid, vel, [0, 0, 0])

    def _read(self) -> tuple[np.ndarray, np.ndarray]:
        pos = np.empty((len(self.ids), 3))
        orn = np.empty((len(self.ids), 4))
        for i, uid in enumerate(self.ids):
            p, o = self.client.getBasePositionAndOrientation(uid)
            pos[i], orn[i] = p, o
        return pos, orn

    def simulate(self, render: bool = False, resolution: int = 64):
        """Step the spec; return recorded States (and frames/masks rendered live if asked)."""
        spec, T = self.spec, self.spec.frames
        positions = np.empty((T, len(self.ids), 3))
        orientations = np.empty((T, len(self.ids), 4))
        images = []
        for f in range(T):
            self._drive_kinematic(float(f))
            positions[f], orientations[f] = self._read()
            if render:
                images.append(self.camera_image(resolution))
            if f == T - 1:
                break
            for k in range(spec.substeps):
                if k:
                    self._drive_kinematic(f + k / spec.substeps)
                self.client.stepSimulation()
        return States(positions, orientations), images

    # --- rendering ----------------------------------------------------------------------
    def camera_image(self, resolution: int):
        cam: Camera = self.spec.camera
        proj = self.client.computeProjectionMatrixFOV(cam.fov, 1.0, 0.1, 60.0)
        lights = {k: v for k, v in (("lightAmbientCoeff", self.look.ambient), ("lightDiffuseCoeff", self.look.diffuse),
                                    ("lightSpecularCoeff", self.look.specular)) if v is not None}
        _, _, rgba, _, seg = self.client.getCameraImage(
            resolution, resolution, self._view, proj, shadow=int(self.look.shadows),
            lightDirection=list(self.look.light_direction), **lights,
            renderer=pybullet.ER_TINY_RENDERER if self.renderer == "tiny" else pybullet.ER_BULLET_HARDWARE_OPENGL,
        )
        return rgba, seg

    def render(self, states: States, resolution: int) -> tuple[np.ndarray, np.ndarray]:
        """Frames uint8 [T, H, W, 3] and entity masks uint8 [T, H, W] from recorded poses.

        Mask value i (1-based) is spec.bodies[i-1]; 0 is ground or sky.
        """
        T = len(states.positions)
        frames = np.empty((T, resolution, resolution, 3), np.uint8)
        masks = np.empty((T, resolution, resolution), np.uint8)
        for f in range(T):
            for i, uid in enumerate(self.ids):
                self.client.resetBasePositionAndOrientation(
                    uid, states.positions[f, i].tolist(), states.orientations[f, i].tolist()
                )
            rgba, seg = self.camera_image(resolution)
            rgba = np.asarray(rgba, np.uint8).reshape(resolution, resolution, 4)
            frames[f] = rgba[..., :3]
            # Body uid i is spec.bodies[i-1] because the ground is created first (uid 0).
            masks[f] = np.clip(np.asarray(seg).reshape(resolution, resolution), 0, 255)
        return frames, masks


def kinematic_pose(body: Body, t: float, fps: int):
    """Linear interpolation between keyframes; velocity is the slope (for contact response)."""
    keys = body.keys
    if t <= keys[0].frame:
        k = keys[0]
        return [k.x, k.y, k.z], [0.0, 0.0, 0.0]
    for a, b in zip(keys, keys[1:]):
        if t <= b.frame:
            u = (t - a.frame) / (b.frame - a.frame)
            pos = [a.x + u * (b.x - a.x), a.y + u * (b.y - a.y), a.z + u * (b.z - a.z)]
            dt = (b.frame - a.frame) / fps
            return pos, [(b.x - a.x) / dt, (b.y - a.y) / dt, (b.z - a.z) / dt]
    k = keys[-1]
    return [k.x, k.y, k.z], [0.0, 0.0, 0.0]


def simulate_and_render(spec: SceneSpec, resolution: int, renderer: str = "tiny",
                        look_name: str | Look = DEFAULT_LOOK) -> tuple[States, np.ndarray, np.ndarray]:
    with World(spec, renderer, look_name) as world:
        states, _ = world.simulate()
        frames, masks = world.render(states, resolution)
    return states, frames, masks
