"""The PyBullet generator: matched possible/impossible clips from a seed, and the dataset format."""
