"""The app's digits: public/data/mnist.bin (scripts/build-mnist.mjs), with the app's split (every
10th digit of each class held out, src/ml/mnist.ts)."""

import gzip
import os
import struct

import numpy as np
import torch

REPO_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "public", "data", "mnist.bin")


def load_train_digits(path=None):
    """(x [N, 1, 28, 28] in [-1, 1], labels [N]) of the app's training split."""
    path = path or REPO_DATA
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"no digits at {path}: run `npm run data` in the repository, or pass the path of mnist.bin"
        )
    with open(path, "rb") as f:
        raw = gzip.decompress(f.read())
    if raw[:4] != b"DPMN":
        raise ValueError(f"{path} is not the app's MNIST file")
    count, rows, cols = struct.unpack_from("<IHH", raw, 8)
    labels = np.frombuffer(raw, np.uint8, count, 16)
    pixels = np.frombuffer(raw, np.uint8, count * rows * cols, 16 + count).reshape(count, 1, rows, cols)
    train = []
    for c in range(10):
        ids = np.nonzero(labels == c)[0]
        train.extend(i for k, i in enumerate(ids) if k % 10 != 9)
    train = np.array(sorted(train))
    x = torch.from_numpy(pixels[train].astype(np.float32) / 255 * 2 - 1)
    return x, torch.from_numpy(labels[train].astype(np.int64))
