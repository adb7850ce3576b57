"""Week 8 grading spec (public items): a variational autoencoder on the digits, as a generative model.

Probes only call the student's code and export raw tensors; every verdict
(the held-out bound, determinism of sampling, sample quality) is computed here,
in the trusted checks, with NumPy. Models are graded two ways: with fixed
weights loaded into the student's architecture (exact numbers), and after
seeded training (a held-out bound below a threshold set from reference runs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.spec import Check, Item, Outcome, checks

SETTINGS = {"title": "Week 8: generation (a VAE on the digits)"}


# float32 tensors: a few ulps of float32 through two small layers
TENSOR = checks.close(rtol=1e-4, atol=1e-5)

N_TRAIN = 1400  # the digits split every probe uses: a fixed permutation, 1,400 train / 397 held out
TRAIN_EPOCHS = 15


# ----------------------------------------------------------------------------- data and fixed inputs
def digit_split() -> tuple[Any, Any]:
    """(train, held_out) digit images flattened to (N, 64) float32 tensors in [0, 1]."""
    from course_lib.digits_images import load_digit_images

    images = load_digit_images().images.reshape(-1, 64)
    order = np.random.default_rng(0).permutation(len(images))
    return images[order[:N_TRAIN]], images[order[N_TRAIN:]]


def tensor(array: np.ndarray) -> Any:
    import torch

    return torch.as_tensor(np.asarray(array, dtype=np.float32))


def gaussian_params(seed: int, n: int, d: int, spread: float = 1.0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    return tensor(rng.normal(0, 1.5, (n, d))), tensor(rng.normal(-0.5, spread, (n, d)))


def pixels_and_logits(seed: int, n: int, scale: float = 3.0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, 64))
    x[:, :8] = 0.0  # some pixels exactly 0 or 1, as in the digits
    x[:, -4:] = 1.0
    return tensor(x), tensor(rng.normal(0, scale, (n, 64)))


def load_fixed_weights(model: Any, seed: int) -> dict[str, list[int]]:
    """Overwrite every parameter with seeded values; returns the parameter shapes by name."""
    import torch

    rng = np.random.default_rng(seed)
    state = model.state_dict()
    fixed = {}
    for name in sorted(state):
        shape = tuple(state[name].shape)
        fan_in = shape[-1] if len(shape) > 1 else 4
        fixed[name] = torch.as_tensor(rng.normal(0, 1 / np.sqrt(fan_in), shape).astype(np.float32))
    model.load_state_dict(fixed)
    return {name: list(shape.shape) for name, shape in sorted(state.items())}


def fixed_model(ns: dict[str, Any], seed: int, **sizes: int) -> tuple[Any, dict[str, list[int]]]:
    model = ns["VAE"](**sizes)
    shapes = load_fixed_weights(model, seed)
    return model.eval(), shapes


# ----------------------------------------------------------------------------- VAE architecture
def probe_vae(ns: dict[str, Any], seed: int, n: int, **sizes: int) -> dict[str, Any]:
    import torch

    model, shapes = fixed_model(ns, seed, **sizes)
    rng = np.random.default_rng(seed + 1)
    n_pixels, latent = sizes.get("n_pixels", 64), sizes.get("latent", 8)
    x = tensor(rng.uniform(0, 1, (n, n_pixels)))
    eps = tensor(rng.normal(size=(n, latent)))
    z = tensor(rng.normal(size=(n, latent)))
    with torch.no_grad():
        return {
            "parameters": shapes,
            "encode": model.encode(x),
            "decode": model.decode(z),
            "forward": model(x, eps),
        }


def check_vae(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or not isinstance(got.get("parameters"), dict):
        return Outcome(0.0, "unexpected result")
    if got["parameters"] != ref["parameters"]:
        expected = ", ".join(f"{k} {tuple(v)}" for k, v in ref["parameters"].items())
        found = ", ".join(f"{k} {tuple(v)}" for k, v in got["parameters"].items())
        return Outcome(0.0, f"parameters (name and shape) should be {expected}; got {found}")
    for part in ("encode", "decode", "forward"):
        outcome = TENSOR(got.get(part), ref[part], reveal)
        if not outcome.passed:
            return Outcome(
                0.0, f"with the grader's fixed weights, {part}: {outcome.message}", outcome.detail
            )
    return Outcome(1.0, "architecture and outputs match")


# ----------------------------------------------------------------------------- trained model
def probe_trained(
    ns: dict[str, Any], seed: int, rows: slice = slice(None), epochs: int = TRAIN_EPOCHS
) -> dict[str, Any]:
    """Train on the fixed split, export the model's raw outputs on (some of) the held-out images."""
    import torch

    train, held_out = digit_split()
    held_out = held_out[rows]
    model = ns["train_vae"](train, epochs, seed)
    eps = tensor(np.random.default_rng(1234).normal(size=(len(held_out), 8)))
    with torch.no_grad():
        logits, mu, logvar = model(held_out, eps)
    return {
        "parameters": {k: list(v.shape) for k, v in sorted(model.state_dict().items())},
        "x": held_out,
        "logits": logits,
        "mu": mu,
        "logvar": logvar,
    }


def negative_elbo(x: np.ndarray, logits: np.ndarray, mu: np.ndarray, logvar: np.ndarray) -> float:
    """Mean over images of the Bernoulli reconstruction NLL plus the KL term, in nats (trusted NumPy)."""
    logits, mu, logvar = (np.asarray(a, dtype=np.float64) for a in (logits, mu, logvar))
    reconstruction = (np.logaddexp(0.0, logits) - x * logits).sum(axis=1)
    kl = 0.5 * (np.exp(logvar) + mu**2 - 1.0 - logvar).sum(axis=1)
    return float(np.mean(reconstruction + kl))


def check_trained(threshold: float) -> Check:
    """The held-out negative ELBO (computed here from raw outputs) must be at most ``threshold``."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict) or got.get("parameters") != ref["parameters"]:
            return Outcome(
                0.0,
                "train_vae must return a VAE() with the default sizes (64 pixels, 128 hidden, 8 latent)",
            )
        n = len(ref["x"])
        for key, width in (("logits", 64), ("mu", 8), ("logvar", 8)):
            value = got.get(key)
            if not isinstance(value, np.ndarray) or value.shape != (n, width):
                return Outcome(
                    0.0,
                    f"the model's {key} on the held-out images should have shape ({n}, {width})",
                )
            if not np.all(np.isfinite(value)):
                return Outcome(
                    0.0, f"the trained model's {key} hold NaN or inf: did training diverge?"
                )
        # the images come from the reference, never from the submission
        bound = negative_elbo(ref["x"], got["logits"], got["mu"], got["logvar"])
        if bound <= threshold:
            return Outcome(
                1.0, f"held-out negative ELBO {bound:.2f} nats per image (needs <= {threshold})"
            )
        return Outcome(
            0.0, f"held-out negative ELBO {bound:.2f} nats per image, needs <= {threshold}"
        )

    return check


# Held-out negative ELBO (nats per image) of the reference solution, 15 epochs, seeds 0-7:
# 24.87 - 25.20 (mean 25.04); the DataLoader right variant 25.12 - 25.18 (seeds 0-2).
# Independent-pixel baseline: 27.24. Wrong trainings (seeds 0-2): learning rate 3e-4 28.4 - 28.5,
# no zero_grad 31.7 - 32.0, beta = 0 (no KL) 84 - 90. The threshold sits 0.8 above the worst reference run.
# The hidden item scores the odd-numbered held-out images: reference 24.87 - 25.08 over seeds 0-7.
TRAINED_THRESHOLD = 26.0


# ----------------------------------------------------------------------------- sampling
def probe_sampling(ns: dict[str, Any], seed: int, n: int, **sizes: int) -> dict[str, Any]:
    model, _ = fixed_model(ns, 7, **sizes)
    sample = ns["sample_images"]
    return {
        "first": sample(model, n, seed),
        "again": sample(model, n, seed),
        "other_seed": sample(model, n, seed + 1),
    }


def check_sampling(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Valid images, reproducible with a seed, different for another seed, equal to the reference."""
    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    shape = ref["first"].shape
    for key in ("first", "again", "other_seed"):
        value = got.get(key)
        if not isinstance(value, np.ndarray) or value.shape != shape:
            found = value.shape if isinstance(value, np.ndarray) else type(value).__name__
            return Outcome(
                0.0, f"sample_images should return a tensor of shape {shape}, got {found}"
            )
        if not np.all(np.isfinite(value)) or value.min() < 0 or value.max() > 1:
            return Outcome(
                0.0,
                "samples must be pixel intensities in [0, 1]: apply the sigmoid to the decoder's logits",
            )
    if not np.array_equal(got["first"], got["again"]):
        return Outcome(
            0.0,
            "the same seed gave different samples: draw z with torch.Generator().manual_seed(seed)",
        )
    if np.array_equal(got["first"], got["other_seed"]):
        return Outcome(0.0, "another seed gave the same samples: is the seed used?")
    outcome = TENSOR(got["first"], ref["first"], reveal)
    if not outcome.passed:
        return Outcome(0.0, f"with the grader's fixed weights: {outcome.message}", outcome.detail)
    return Outcome(1.0, "valid, reproducible samples that match the reference")


def probe_sample_quality(ns: dict[str, Any], seed: int) -> dict[str, Any]:
    train, held_out = digit_split()
    model = ns["train_vae"](train, TRAIN_EPOCHS, seed)
    return {"samples": ns["sample_images"](model, 200, seed), "real": held_out}


def sample_statistics(samples: np.ndarray, real: np.ndarray) -> tuple[float, float]:
    """(mean distance from a sample to its nearest real image, mean distance between two samples)."""
    samples, real = samples.astype(np.float64), real.astype(np.float64)

    def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.sqrt(
            np.maximum((a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2 * a @ b.T, 0.0)
        )

    nearest = distances(samples, real).min(axis=1).mean()
    between = distances(samples, samples)
    spread = between.sum() / (len(samples) * (len(samples) - 1))
    return float(nearest), float(spread)


# 200 samples of the reference model (15 epochs, seeds 0-7): mean distance to the nearest held-out digit
# 1.35 - 1.38, mean distance between two samples 1.66 - 1.76 (samples are pixel probabilities, so smoother
# than real digits: held-out digits lie 1.04 from the nearest training digit and 3.05 from each other).
# What must fail: uniform noise (nearest 3.62), the mean training image repeated (nearest 1.63, spread 0),
# beta = 0 training (nearest 1.82 - 1.84), no zero_grad (1.90 - 2.03), lr 3e-4 (spread 0.52 - 0.67).
NEAREST_AT_MOST = 1.55
SPREAD_AT_LEAST = 1.3


def check_sample_quality(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or not isinstance(got.get("samples"), np.ndarray):
        return Outcome(0.0, "unexpected result")
    samples = got["samples"]
    if (
        samples.shape != (200, 64)
        or not np.all(np.isfinite(samples))
        or samples.min() < 0
        or samples.max() > 1
    ):
        return Outcome(0.0, "expected 200 samples of 64 pixel intensities in [0, 1]")
    nearest, spread = sample_statistics(samples, ref["real"])
    if nearest > NEAREST_AT_MOST:
        return Outcome(
            0.0,
            f"samples lie {nearest:.2f} from the nearest real digit on average (needs <= {NEAREST_AT_MOST}): they do not look like digits",
        )
    if spread < SPREAD_AT_LEAST:
        return Outcome(
            0.0,
            f"samples are too alike (mean distance {spread:.2f}, needs >= {SPREAD_AT_LEAST}): does z really vary?",
        )
    return Outcome(
        1.0, f"samples look like digits (nearest {nearest:.2f}) and vary (spread {spread:.2f})"
    )


# ----------------------------------------------------------------------------- interpolation
def probe_interpolate(ns: dict[str, Any], seed: int, steps: int, **sizes: int) -> Any:
    import torch

    model, _ = fixed_model(ns, seed, **sizes)
    rng = np.random.default_rng(seed + 2)
    n_pixels = sizes.get("n_pixels", 64)
    x_a, x_b = tensor(rng.uniform(0, 1, n_pixels)), tensor(rng.uniform(0, 1, n_pixels))
    with torch.no_grad():
        return ns["interpolate"](model, x_a, x_b, steps)


# ----------------------------------------------------------------------------- independent pixels
def probe_pixel_baseline(ns: dict[str, Any]) -> Any:
    train, held_out = digit_split()
    return float(ns["independent_pixel_nll"](train, held_out))


ITEMS = [
    Item(
        "gaussian_kl",
        1,
        probe=lambda ns: ns["gaussian_kl"](*gaussian_params(0, 5, 3)),
        check=TENSOR,
        requires=("gaussian_kl",),
        hint="KL = 0.5 * sum_j (exp(logvar_j) + mu_j^2 - 1 - logvar_j), one value per row (sum over dim 1).",
    ),
    Item(
        "reparameterize",
        1,
        probe=lambda ns: ns["reparameterize"](
            *gaussian_params(1, 4, 3), tensor(np.linspace(-1, 1, 12).reshape(4, 3))
        ),
        check=TENSOR,
        requires=("reparameterize",),
        hint="the standard deviation is exp(0.5 * logvar), not exp(logvar).",
    ),
    Item(
        "bernoulli_nll",
        1,
        probe=lambda ns: ns["bernoulli_nll"](*pixels_and_logits(2, 4)),
        check=TENSOR,
        requires=("bernoulli_nll",),
        hint="sum (not mean) over the 64 pixels of softplus(logit) - x * logit, one value per image.",
    ),
    Item(
        "elbo_loss",
        1,
        probe=lambda ns: ns["elbo_loss"](*pixels_and_logits(3, 6), *gaussian_params(3, 6, 8)),
        check=TENSOR,
        requires=("elbo_loss",),
        hint="the mean over the batch of (bernoulli_nll + beta * gaussian_kl): both terms are added (fix those two first: this uses them).",
    ),
    Item(
        "independent_pixel_nll",
        1,
        probe=probe_pixel_baseline,
        check=checks.close(rtol=1e-5, atol=1e-6),
        requires=("independent_pixel_nll",),
        hint="p_j = mean of pixel j over the training images, clipped to [1e-3, 1 - 1e-3]; sum the 64 pixel NLLs, average over images.",
    ),
    Item(
        "VAE",
        2,
        probe=lambda ns: probe_vae(ns, seed=0, n=5, n_pixels=64, hidden=16, latent=3),
        check=check_vae,
        requires=("VAE",),
        hint="the encoder's last layer outputs 2 * latent numbers: the first half is mu, the second logvar.",
    ),
    Item(
        "train_vae",
        2,
        probe=lambda ns: probe_trained(ns, seed=0),
        check=check_trained(TRAINED_THRESHOLD),
        requires=("train_vae",),
        hint="Adam(lr=3e-3), batches of 64 from torch.randperm, elbo_loss with fresh eps each step, optimizer.zero_grad() before backward.",
        timeout=60.0,
    ),
    Item(
        "sample_images",
        1,
        probe=lambda ns: probe_sampling(ns, seed=3, n=6, n_pixels=64, hidden=16, latent=3),
        check=check_sampling,
        requires=("sample_images",),
        hint="z = torch.randn(n, model.latent, generator=torch.Generator().manual_seed(seed)); return torch.sigmoid(model.decode(z)) (this uses your VAE).",
    ),
    Item(
        "sample_images.quality",
        1,
        probe=lambda ns: probe_sample_quality(ns, seed=0),
        check=check_sample_quality,
        requires=("train_vae", "sample_images"),
        hint="sample z from the prior N(0, I) and decode it with the trained model; return probabilities, not logits.",
        timeout=60.0,
    ),
    Item(
        "interpolate",
        1,
        probe=lambda ns: probe_interpolate(ns, seed=4, steps=5, n_pixels=64, hidden=16, latent=3),
        check=TENSOR,
        requires=("interpolate",),
        hint="interpolate the encoder means mu_a and mu_b (not the pixels), then decode and apply the sigmoid (this uses your VAE: fix it first).",
    ),
]
