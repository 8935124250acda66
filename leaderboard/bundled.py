"""Model cards of the built-in models, so that a fresh clone shows a populated leaderboard."""

from models.registry import TRAINABLE

AUTHORS = "voebench maintainers"

CARDS = {
    "frame-diff": "Shortcut probe: mean absolute pixel change between consecutive frames. No learning.",
    "histogram-change": "Shortcut probe: L1 change of the joint RGB histogram between consecutive frames. No learning.",
    "frame-oddness": "Shortcut probe: mean pixel distance of each frame to the clip's other frames. No learning.",
    "untrained-null": "The conv encoder + latent predictor architecture with random weights (seed 0): the chance reference.",
    "jepa-frame": "Per-frame latent world model: conv encoder, causal transformer predictor, EMA targets, temporal "
                  "block masking, change-weighted L1. Trained on the playground split only.",
    "jepa-frame-gru": "jepa-frame with a recurrent (GRU) predictor instead of the causal transformer; chosen on "
                      "the development suite. Trained on the playground split only.",
    "vjepa-tubelet": "V-JEPA-style: 2x16x16 tubelets, ViT encoder, predictor from context tokens to future tokens, "
                     "EMA targets. Trained on the playground split only.",
    "pixel-predictor": "Generative baseline: the jepa-frame backbone decoding the next frame's pixels. Trained on the "
                       "playground split only.",
    **{f"untrained-{name}": f"{name} with random weights (its own initialisation, seed 0): what the architecture "
                            "'detects' before any training; the reference for the trained model."
       for name in TRAINABLE},
}


def card(name: str, parameters: int | None = None) -> dict:
    return {"name": name, "authors": AUTHORS, "description": CARDS[name], "parameters": parameters,
            "training_data": "voebench playground (possible-only), see models/checkpoints/*.json" if name in TRAINABLE
            else "none", "link": None, "license": "MIT"}
