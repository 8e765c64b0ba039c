"""DDIM and DDPM as src/ml/sample.ts and src/ml/samplers.ts compute them (diffusers' DDIMScheduler
and DDPMScheduler): float64 coefficients, x̂0 clipped to [-1, 1] when asked, ε̂ always from the
unclipped x̂0, classifier-free guidance ε_u + s·(ε_c − ε_u) on the model output. A flow-matching
model (prediction "flow") is sampled with Euler or Heun as src/ml/flow-matching.ts does."""

import math

import torch

from .schedule import inference_timesteps
from .unet import NULL_LABEL


# diffusers' Euler scheduler puts ᾱ here instead of 0 (zero terminal SNR), as samplers.ts does.
EPSILON_ALPHA_BAR_FLOOR = 2**-24


def _predictions(out, x, a, prediction):
    """(x̂0, ε̂) implied by the model output at ᾱ = a."""
    sa, s1 = math.sqrt(a), math.sqrt(1 - a)
    if prediction == "epsilon":
        if a < EPSILON_ALPHA_BAR_FLOOR:
            s = math.sqrt(EPSILON_ALPHA_BAR_FLOOR)
            return (x * (1 / s) + out * (-s1 / s)).clamp(-1, 1), out
        return x * (1 / sa) + out * (-s1 / sa), out
    if prediction == "v":
        return x * sa + out * -s1, out * sa + x * s1
    if prediction == "x0":
        return out, x * (1 / s1) + out * (-sa / s1)
    raise ValueError(f"unknown prediction {prediction!r}")


def _model_output(model, x, t, labels, guidance):
    n = x.shape[0]
    if guidance == 1 or bool((labels == NULL_LABEL).all()):
        return model(x, torch.full((n,), t, device=x.device), labels)
    both = model(
        torch.cat([x, x]),
        torch.full((2 * n,), t, device=x.device),
        torch.cat([labels, torch.full_like(labels, NULL_LABEL)]),
    )
    cond, uncond = both.chunk(2)
    return uncond + (cond - uncond) * guidance


def _flow_sample(model, x, labels, T, steps, sampler, guidance):
    """dx/dτ = v from τ = 1 to 0 in `steps` even steps; the network reads τ·T − 1 (float between
    grid points), and Heun's step onto τ = 0 stays Euler."""
    if not 1 <= steps <= T:
        raise ValueError(f"steps must be in 1..{T}")
    for i in range(steps):
        t, t_next = T * (steps - i) / steps - 1, T * (steps - i - 1) / steps - 1
        tau, tau_next = (t + 1) / T, (t_next + 1) / T
        v = _model_output(model, x, t, labels, guidance)
        euler = x + v * (tau_next - tau)
        if sampler == "heun" and tau_next > 0:
            v2 = _model_output(model, euler, t_next, labels, guidance)
            x = x + (v + v2) * (0.5 * (tau_next - tau))
        else:
            x = euler
    return x


@torch.no_grad()
def sample(
    model,
    alphas_cumprod,
    x,
    labels,
    *,
    sampler="ddim",
    steps=20,
    spacing="trailing",
    eta=0.0,
    variance="fixed-small",
    prediction="x0",
    guidance=1.0,
    clip=True,
    generator=None,
):
    """Runs the reverse process from noise `x` [B, 1, 28, 28] for `labels` [B] (0..9, 10 = none)
    and returns x_0 in about [-1, 1]. ᾱ is the float64 array of schedule.alphas_cumprod. DDIM with
    eta 0 is deterministic: the same weights and noise give the app's samples to float precision."""
    T = len(alphas_cumprod)
    labels = labels.to(x.device)
    if (prediction == "flow") != (sampler in ("euler", "heun")):
        raise ValueError(
            "a flow-matching model samples with euler or heun"
            if prediction == "flow"
            else f"euler and heun sample flow-matching models; this one predicts {prediction}: use ddim or ddpm"
        )
    if prediction == "flow":
        return _flow_sample(model, x, labels, T, steps, sampler, guidance)
    ts = inference_timesteps(T, steps, spacing)
    for i, t in enumerate(ts):
        prev = t - T // steps if sampler == "ddim" else (ts[i + 1] if i + 1 < len(ts) else -1)
        a = float(alphas_cumprod[t])
        a_prev = float(alphas_cumprod[prev]) if prev >= 0 else 1.0
        out = _model_output(model, x, t, labels, guidance)
        x0, eps = _predictions(out, x, a, prediction)
        if clip:
            x0 = x0.clamp(-1, 1)
        noise = lambda: torch.randn(x.shape, generator=generator, device=x.device)
        if sampler == "ddim":
            sigma = eta * math.sqrt((1 - a_prev) / (1 - a) * (1 - a / a_prev))
            x = x0 * math.sqrt(a_prev) + eps * math.sqrt(max(1 - a_prev - sigma * sigma, 0))
            if sigma > 0 and prev >= 0:
                x = x + noise() * sigma
        elif sampler == "ddpm":
            alpha, beta = a / a_prev, 1 - a / a_prev
            mean = x0 * (math.sqrt(a_prev) * beta / (1 - a)) + x * (math.sqrt(alpha) * (1 - a_prev) / (1 - a))
            var = beta if variance == "fixed-large" else max((1 - a_prev) / (1 - a) * beta, 1e-20)
            x = mean + noise() * math.sqrt(var) if t > 0 else mean
        else:
            raise ValueError(f"unknown sampler {sampler!r}")
    return x
