"""Week 8 hidden items: the same functions on other sizes, seeds and edge cases."""

from __future__ import annotations

from typing import Any

import numpy as np
from grading import (
    TENSOR,
    TRAINED_THRESHOLD,
    check_sampling,
    check_trained,
    check_vae,
    digit_split,
    gaussian_params,
    pixels_and_logits,
    probe_interpolate,
    probe_sampling,
    probe_trained,
    probe_vae,
    tensor,
)

from autograder.spec import Item, checks


def probe_pixel_subset(ns: dict[str, Any]) -> float:
    train, held_out = digit_split()
    return float(ns["independent_pixel_nll"](train[::2], held_out[:150]))


def probe_pixel_edges(ns: dict[str, Any]) -> float:
    # pixel 0 is never inked in training but is in every test image; pixel 63 always inked in training
    train, held_out = digit_split()
    train, test = train.clone(), held_out[:50].clone()
    train[:, 0], train[:, 63], test[:, 0] = 0.0, 1.0, 0.5
    return float(ns["independent_pixel_nll"](train, test))


def probe_nll_extremes(ns: dict[str, Any]) -> Any:
    x = tensor(np.tile([0.0, 1.0, 0.5, 1.0], (3, 16)))
    logits = tensor(
        np.tile([100.0, -100.0, 30.0, 100.0], (3, 16)) * np.array([[1.0], [-1.0], [0.5]])
    )
    return ns["bernoulli_nll"](x, logits)


ITEMS = [
    Item(
        "independent_pixel_nll.hidden",
        1,
        probe=probe_pixel_subset,
        check=checks.close(rtol=1e-5, atol=1e-6),
        requires=("independent_pixel_nll",),
        hint="mean over test images of the per-image sum.",
    ),
    Item(
        "independent_pixel_nll.edge_cases",
        1,
        probe=probe_pixel_edges,
        check=checks.close(rtol=1e-5, atol=1e-6),
        requires=("independent_pixel_nll",),
        hint="clip p into [1e-3, 1 - 1e-3] before taking logarithms.",
    ),
    Item(
        "gaussian_kl.hidden",
        1,
        probe=lambda ns: ns["gaussian_kl"](*gaussian_params(10, 9, 6, spread=2.0)),
        check=TENSOR,
        requires=("gaussian_kl",),
        hint="one KL per row, summed over the latent dimensions.",
    ),
    Item(
        "reparameterize.hidden",
        1,
        probe=lambda ns: ns["reparameterize"](
            *gaussian_params(11, 7, 5), tensor(np.random.default_rng(12).normal(size=(7, 5)))
        ),
        check=TENSOR,
        requires=("reparameterize",),
        hint="mu + exp(0.5 * logvar) * eps.",
    ),
    Item(
        "bernoulli_nll.hidden",
        1,
        probe=lambda ns: ns["bernoulli_nll"](*pixels_and_logits(13, 9, scale=6.0)),
        check=TENSOR,
        requires=("bernoulli_nll",),
        hint="sum over pixels, one value per image.",
    ),
    Item(
        "bernoulli_nll.edge_cases",
        1,
        probe=probe_nll_extremes,
        check=TENSOR,
        requires=("bernoulli_nll",),
        hint="compute from the logits with softplus; log(sigmoid(100)) and log(1 - sigmoid(100)) break in float32.",
    ),
    Item(
        "elbo_loss.hidden",
        1,
        probe=lambda ns: ns["elbo_loss"](
            *pixels_and_logits(14, 5), *gaussian_params(14, 5, 4), beta=0.5
        ),
        check=TENSOR,
        requires=("elbo_loss",),
        hint="beta multiplies the KL term only.",
    ),
    Item(
        "VAE.hidden",
        1,
        probe=lambda ns: probe_vae(ns, seed=20, n=3, n_pixels=20, hidden=7, latent=2),
        check=check_vae,
        requires=("VAE",),
        hint="use n_pixels, hidden and latent from the arguments.",
    ),
    Item(
        "VAE.defaults",
        1,
        probe=lambda ns: probe_vae(ns, seed=21, n=4),
        check=check_vae,
        requires=("VAE",),
        hint="the defaults are n_pixels=64, hidden=128, latent=8.",
    ),
    Item(
        "train_vae.hidden",
        2,
        probe=lambda ns: probe_trained(ns, seed=5, rows=slice(1, None, 2)),
        check=check_trained(TRAINED_THRESHOLD),
        requires=("train_vae",),
        hint="follow the training recipe exactly; check the loss goes down.",
        timeout=60.0,
    ),
    Item(
        "sample_images.hidden",
        1,
        probe=lambda ns: probe_sampling(ns, seed=11, n=4, n_pixels=64, hidden=10, latent=5),
        check=check_sampling,
        requires=("sample_images",),
        hint="use model.latent for the size of z.",
    ),
    Item(
        "interpolate.hidden",
        1,
        probe=lambda ns: probe_interpolate(ns, seed=22, steps=4, n_pixels=30, hidden=6, latent=4),
        check=TENSOR,
        requires=("interpolate",),
        hint="t runs over torch.linspace(0, 1, steps): decode (1 - t) * mu_a + t * mu_b.",
    ),
]
