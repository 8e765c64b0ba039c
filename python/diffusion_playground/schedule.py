"""Noise schedules, timestep spacings and the learning-rate schedule, as src/ml/schedule.ts,
src/ml/samplers.ts and src/ml/train/lr.ts compute them (diffusers' conventions), in float64."""

import math

import numpy as np


def betas_for(kind, T):
    if kind == "linear":
        return np.linspace(1e-4, 0.02, T)
    if kind == "scaled-linear":
        return np.linspace(math.sqrt(1e-4), math.sqrt(0.02), T) ** 2
    if kind == "sigmoid":
        return 1 / (1 + np.exp(-np.linspace(-6, 6, T))) * (0.02 - 1e-4) + 1e-4
    if kind == "cosine":
        f = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
        return np.array([min(1 - f((i + 1) / T) / f(i / T), 0.999) for i in range(T)])
    raise ValueError(f"unknown schedule kind {kind!r}")


def rescale_zero_terminal_snr(betas):
    """diffusers' rescale_zero_terminal_snr: the last timestep becomes pure noise."""
    sqrt_bar = np.sqrt(np.cumprod(1 - betas))
    first, last = sqrt_bar[0], sqrt_bar[-1]
    scale = 0.0 if first == last else first / (first - last)
    bar = ((sqrt_bar - last) * scale) ** 2
    return np.concatenate([[1 - bar[0]], 1 - bar[1:] / bar[:-1]])


def alphas_cumprod(kind, T, zero_terminal_snr=False):
    """ᾱ_t for t in 0..T-1 (float64)."""
    betas = betas_for(kind, T)
    if zero_terminal_snr:
        betas = rescale_zero_terminal_snr(betas)
    return np.cumprod(1 - betas)


def schedule_from_settings(settings):
    s = settings["schedule"]
    return alphas_cumprod(s["kind"], s["T"], bool(s.get("zeroTerminalSnr", False)))


def _round_half_even(x):
    return int(np.round(x))


def inference_timesteps(T, n, spacing):
    """Descending timesteps for n of T steps, as diffusers' set_timesteps (samplers.ts)."""
    if not 1 <= n <= T:
        raise ValueError(f"steps must be in 1..{T}, got {n}")
    if spacing == "leading":
        return [i * (T // n) for i in range(n)][::-1]
    if spacing == "trailing":
        delta = T - T / n - T
        return [_round_half_even(T + i * delta) - 1 for i in range(n)]
    if spacing == "linspace":
        if n == 1:
            return [0]
        step = (T - 1) / (n - 1)
        return [T - 1 if i == n - 1 else _round_half_even(i * step) for i in range(n)][::-1]
    raise ValueError(f"unknown spacing {spacing!r}")


def learning_rate(step, peak, warmup, total):
    """src/ml/train/lr.ts with the floor at 5% of peak (from-settings.ts)."""
    floor = peak * 0.05
    if step < warmup:
        return peak * step / warmup
    span = total - warmup
    if span <= 0:
        return peak if step == warmup else floor
    p = min((step - warmup) / span, 1)
    return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * p))
