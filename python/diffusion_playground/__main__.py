"""python3 -m diffusion_playground sample|train — see README.md."""

import argparse
import struct
import sys
import zlib

import numpy as np
import torch

from . import checkpoint
from .data import load_train_digits
from .sampling import sample
from .schedule import schedule_from_settings
from .train import train


def default_device():
    return "cuda" if torch.cuda.is_available() else "cpu"


def write_png_grid(path, images, columns=10):
    """Grayscale PNG of images [N, 1, 28, 28] in [-1, 1], `columns` per row (zlib only, no PIL)."""
    n, _, h, w = images.shape
    rows = -(-n // columns)
    grid = np.zeros((rows * h, columns * w), np.uint8)
    pixels = ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).cpu().numpy()
    for i in range(n):
        r, c = divmod(i, columns)
        grid[r * h : (r + 1) * h, c * w : (c + 1) * w] = pixels[i, 0]
    raw = b"".join(b"\0" + row.tobytes() for row in grid)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", grid.shape[1], grid.shape[0], 8, 0, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def parse_labels(text, count):
    if text == "none":
        return torch.full((count,), 10, dtype=torch.int64)
    labels = [int(v) for v in text.split(",")] if text else list(range(10))
    if any(not 0 <= v <= 10 for v in labels):
        raise SystemExit("labels are digits 0-9 (10 = no label)")
    return torch.tensor([labels[i % len(labels)] for i in range(count)], dtype=torch.int64)


def cmd_sample(args):
    ckpt = checkpoint.load(args.model, args.device)
    settings = ckpt.settings
    if args.noise:
        noise = np.fromfile(args.noise, dtype="<f4")
        if noise.size % 784:
            raise SystemExit(f"{args.noise}: {noise.size} floats is not a whole number of 28x28 images")
        x = torch.from_numpy(noise.astype(np.float32)).reshape(-1, 1, 28, 28).to(args.device)
    else:
        g = torch.Generator().manual_seed(args.seed)
        x = torch.randn(args.count, 1, 28, 28, generator=g).to(args.device)
    labels = parse_labels(args.labels, x.shape[0])
    images = sample(
        ckpt.ema.eval(),
        schedule_from_settings(settings),
        x,
        labels,
        sampler=args.sampler or ("euler" if settings["prediction"] == "flow" else "ddim"),
        steps=args.steps,
        spacing=args.spacing,
        eta=args.eta,
        prediction=settings["prediction"],
        guidance=args.guidance,
        clip=args.clip,
    )
    if args.out.endswith(".png"):
        write_png_grid(args.out, images)
    else:
        # NCHW with one channel: the same bytes as the app's NHWC.
        images.cpu().numpy().astype("<f4").tofile(args.out)
    print(f"wrote {images.shape[0]} samples to {args.out}")


def cmd_train(args):
    ckpt = checkpoint.load(args.model)
    digits = load_train_digits(args.data)
    rank = train(ckpt, digits, steps=args.steps, device=args.device, batch=args.batch, seed=args.seed)
    if rank == 0:
        checkpoint.save(args.out, ckpt, backend=f"pytorch-{args.device.split(':')[0]}")
        print(f"step {ckpt.step}: wrote {args.out}")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m diffusion_playground", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="sample a model (DDIM by default) into a PNG grid or raw float32")
    s.add_argument("model", help="the app's export (.zip), its folder, or its model.safetensors")
    s.add_argument("--out", default="samples.png", help=".png (a grid), anything else: raw float32 [N*784]")
    s.add_argument("--count", type=int, default=20)
    s.add_argument("--labels", default="", help="comma-separated digits, cycled (default 0-9; 'none' = unconditional)")
    s.add_argument("--noise", help="raw float32 file of starting noise [N*28*28] instead of --seed")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument(
        "--sampler",
        choices=["ddim", "ddpm", "euler", "heun"],
        help="ddim (default) or ddpm; euler (default) or heun for a flow-matching model",
    )
    s.add_argument("--steps", type=int, default=50)
    s.add_argument("--spacing", choices=["leading", "trailing", "linspace"], default="trailing")
    s.add_argument("--eta", type=float, default=0.0)
    s.add_argument("--guidance", type=float, default=2.0)
    s.add_argument("--clip", action=argparse.BooleanOptionalAction, default=False, help="clip x̂0 to [-1, 1]")
    s.add_argument("--device", default=default_device())
    s.set_defaults(run=cmd_sample)
    t = sub.add_parser("train", help="train further (torchrun --nproc_per_node=N for DDP across GPUs)")
    t.add_argument("model", help="the app's export (.zip), its folder, or its model.safetensors")
    t.add_argument("--out", required=True, help="where to write the trained model (.zip the app loads)")
    t.add_argument("--steps", type=int, required=True, help="updates to add")
    t.add_argument("--batch", type=int, help="batch per process (default: the model's own)")
    t.add_argument("--data", help="the app's mnist.bin (default: the repository's public/data/mnist.bin)")
    t.add_argument("--seed", type=int)
    t.add_argument("--device", default=default_device())
    t.set_defaults(run=cmd_train)
    args = ap.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    sys.exit(main())
