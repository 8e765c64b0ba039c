"""The app's "Export for PyTorch" file, read and written: a zip holding

  config.json        {"format": "diffusion-playground-torch", "version": 1,
                      "unet": {channels, blocksPerLevel, timeEmbedDim, groups, attention, numClasses},
                      "model": {settings, step, momentSteps?, emaUpdates, history, backend, savedAt}}
  model.safetensors  float32 tensors in PyTorch layout (conv [out, in, kh, kw], linear [out, in]),
                     named "<group>.<UNet state-dict key>": group "model" (the trained weights),
                     "ema" (their moving average: sample from these), and, when the optimiser
                     state was exported, "adam.exp_avg" and "adam.exp_avg_sq" (torch.optim.Adam's
                     moments). Its __metadata__ repeats config.json under "config", so the
                     .safetensors alone is a complete model too.

A zip written here loads back into the app ("Load model file") and the CLI."""

import datetime
import io
import json
import os
import zipfile
from dataclasses import dataclass, field

import torch

from . import safetensors_io
from .unet import UNet

FORMAT = "diffusion-playground-torch"
VERSION = 1
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
GROUPS = ("model", "ema", "adam.exp_avg", "adam.exp_avg_sq")


@dataclass
class Checkpoint:
    """A model as the app saves it. `model` holds the trained weights (train these further),
    `ema` their exponential moving average (sample from these); `adam` the optimiser's moments by
    state-dict key, or None when the export left them out."""

    config: dict
    model: UNet
    ema: UNet
    adam: dict = field(default=None)

    @property
    def settings(self):
        return self.config["model"]["settings"]

    @property
    def step(self):
        return self.config["model"]["step"]

    def to(self, device):
        self.model.to(device)
        self.ema.to(device)
        return self


def _read_files(path):
    """(config dict or None, safetensors bytes) from a zip, a folder or a bare .safetensors."""
    if os.path.isdir(path):
        with open(os.path.join(path, CONFIG)) as f:
            config = json.load(f)
        with open(os.path.join(path, WEIGHTS), "rb") as f:
            return config, f.read()
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if CONFIG not in names or WEIGHTS not in names:
                raise ValueError(f"{path} holds {names}, not {CONFIG} and {WEIGHTS}")
            return json.loads(z.read(CONFIG)), z.read(WEIGHTS)
    return None, data


def load(path, device="cpu"):
    """A Checkpoint from the app's export (.zip), an unzipped folder, or its model.safetensors."""
    config, weights = _read_files(path)
    tensors, metadata = safetensors_io.decode(weights, path)
    if config is None:
        if "config" not in metadata:
            raise ValueError(f"{path} is a safetensors file without a Diffusion Playground config")
        config = json.loads(metadata["config"])
    if config.get("format") != FORMAT:
        raise ValueError(f"{path} is not a Diffusion Playground export (format {config.get('format')!r})")
    if config.get("version") != VERSION:
        raise ValueError(f"{path} is export version {config.get('version')}; this package reads {VERSION}")
    groups = {g: {} for g in GROUPS}
    for key, t in tensors.items():
        group = next((g for g in sorted(GROUPS, key=len, reverse=True) if key.startswith(g + ".")), None)
        if group is None:
            raise ValueError(f"{path}: unexpected tensor {key}")
        groups[group][key[len(group) + 1 :]] = t
    if not groups["ema"]:
        raise ValueError(f"{path} holds no EMA weights")
    model, ema = UNet.from_config(config["unet"]), UNet.from_config(config["unet"])
    ema.load_state_dict(groups["ema"])
    model.load_state_dict(groups["model"] or groups["ema"])
    adam = None
    if groups["adam.exp_avg"] and groups["adam.exp_avg_sq"]:
        adam = {"exp_avg": groups["adam.exp_avg"], "exp_avg_sq": groups["adam.exp_avg_sq"]}
    return Checkpoint(config, model, ema, adam).to(device)


def save(path, ckpt, backend=None):
    """Writes `ckpt` as a zip the app loads ("Load model file") and `load` reads back."""
    meta = dict(ckpt.config["model"])
    meta["savedAt"] = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    if backend:
        meta["backend"] = backend
    config = {**ckpt.config, "model": meta}
    tensors = {}
    for group, module in (("model", ckpt.model), ("ema", ckpt.ema)):
        for key, t in module.state_dict().items():
            tensors[f"{group}.{key}"] = t.float()
    if ckpt.adam:
        for moment in ("exp_avg", "exp_avg_sq"):
            for key, t in ckpt.adam[moment].items():
                tensors[f"adam.{moment}.{key}"] = t.float()
    text = json.dumps(config)
    weights = safetensors_io.encode(tensors, {"format": "pt", "config": text})
    tmp = f"{path}.tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:
        z.writestr(CONFIG, text)
        z.writestr(WEIGHTS, weights)
    os.replace(tmp, path)
    ckpt.config = config
