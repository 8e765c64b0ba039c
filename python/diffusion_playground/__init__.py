"""Diffusion Playground's UNet in PyTorch: load a model exported from the app, sample it, train it
further on any device, and save it in the format the app loads back. See README.md."""

from .checkpoint import Checkpoint, load, save
from .sampling import sample
from .schedule import alphas_cumprod, inference_timesteps, schedule_from_settings
from .unet import PRESETS, UNet, init_like_tfjs

__all__ = [
    "Checkpoint",
    "PRESETS",
    "UNet",
    "alphas_cumprod",
    "inference_timesteps",
    "init_like_tfjs",
    "load",
    "sample",
    "save",
    "schedule_from_settings",
]
