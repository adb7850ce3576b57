"""Week 8 variants: wrong answers that must lose points, right ones written differently that must not.

Training variants build ``VAEWithSplit``, a correct VAE written differently, with the
same parameter names and initialisation order as the notebook's.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from autograder.spec import Variant


# ----------------------------------------------------------------------------- independent pixels
def pixel_nll_with_loops(train, test):
    """Right: math.log over pixels and images, in Python."""
    train, test = np.asarray(train, dtype=np.float64), np.asarray(test, dtype=np.float64)
    p = [min(max(float(train[:, j].mean()), 1e-3), 1 - 1e-3) for j in range(train.shape[1])]
    total = 0.0
    for image in test:
        total -= sum(
            x * math.log(q) + (1 - x) * math.log(1 - q)
            for x, q in zip(image.tolist(), p, strict=True)
        )
    return total / len(test)


def pixel_nll_unclipped(train, test):
    """Wrong: no clipping; a pixel never inked in training makes the loss infinite."""
    train, test = np.asarray(train, dtype=np.float64), np.asarray(test, dtype=np.float64)
    p = train.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = -(
            np.where(test > 0, test * np.log(p), 0.0)
            + np.where(test < 1, (1 - test) * np.log1p(-p), 0.0)
        )
    return float(terms.sum(axis=1).mean())


def pixel_nll_mean_over_pixels(train, test):
    """Wrong: averages over pixels instead of summing (nats per pixel, not per image)."""
    return pixel_nll_with_loops(train, test) / np.asarray(test).shape[1]


# ----------------------------------------------------------------------------- KL, reparameterisation, NLL, ELBO
def kl_via_distributions(mu, logvar):
    """Right: torch.distributions."""
    from torch.distributions import Normal, kl_divergence

    q = Normal(mu, torch.exp(0.5 * logvar))
    return kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(dim=1)


def kl_without_half(mu, logvar):
    """Wrong: forgets the factor 1/2."""
    return (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum(dim=1)


def kl_summed_over_batch(mu, logvar):
    """Wrong: one number for the whole batch."""
    return 0.5 * (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum()


def reparameterize_with_sqrt(mu, logvar, eps):
    """Right: sigma as the square root of the variance."""
    return torch.addcmul(mu, torch.sqrt(torch.exp(logvar)), eps)


def reparameterize_with_variance(mu, logvar, eps):
    """Wrong: scales eps by the variance instead of the standard deviation."""
    return mu + torch.exp(logvar) * eps


def nll_via_functional(x, logits):
    """Right: F.binary_cross_entropy_with_logits."""
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)


def nll_mean_over_pixels(x, logits):
    """Wrong: mean instead of sum over pixels."""
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").mean(dim=1)


def nll_naive_sigmoid(x, logits):
    """Wrong: log(sigmoid(.)) in float32 underflows to log(0) for large logits."""
    s = torch.sigmoid(logits)
    return -(x * torch.log(s) + (1 - x) * torch.log(1 - s)).sum(dim=1)


def elbo_per_sample_loop(x, logits, mu, logvar, beta=1.0):
    """Right: a loop over the batch, float64 inside."""
    total = torch.zeros((), dtype=torch.float64)
    for i in range(x.shape[0]):
        rec = F.binary_cross_entropy_with_logits(logits[i].double(), x[i].double(), reduction="sum")
        kl = 0.5 * torch.sum(
            torch.exp(logvar[i].double()) + mu[i].double() ** 2 - 1 - logvar[i].double()
        )
        total = total + rec + beta * kl
    return (total / x.shape[0]).float()


def elbo_kl_subtracted(x, logits, mu, logvar, beta=1.0):
    """Wrong: subtracts the KL term."""
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
    kl = 0.5 * (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum(dim=1)
    return (rec - beta * kl).mean()


def elbo_ignores_beta(x, logits, mu, logvar, beta=1.0):
    """Wrong: always beta = 1."""
    return elbo_per_sample_loop(x, logits, mu, logvar, 1.0)


# ----------------------------------------------------------------------------- the model
class VAEWithSplit(nn.Module):
    """Right: torch.split, sigma via sqrt, layers called one by one."""

    def __init__(self, n_pixels=64, hidden=128, latent=8):
        super().__init__()
        self.latent = latent
        self.encoder = nn.Sequential(
            nn.Linear(n_pixels, hidden), nn.ReLU(), nn.Linear(hidden, 2 * latent)
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, n_pixels)
        )

    def encode(self, x):
        h = x
        for layer in self.encoder:
            h = layer(h)
        mu, logvar = torch.split(h, self.latent, dim=-1)
        return mu, logvar

    def decode(self, z):
        return self.decoder[2](torch.clamp(self.decoder[0](z), min=0))

    def forward(self, x, eps):
        mu, logvar = self.encode(x)
        return self.decode(mu + torch.sqrt(torch.exp(logvar)) * eps), mu, logvar


class VAESwappedHalves(VAEWithSplit):
    """Wrong: logvar first, mu second."""

    def encode(self, x):
        logvar, mu = self.encoder(x).chunk(2, dim=1)
        return mu, logvar


class VAEWithoutHiddenReLU(VAEWithSplit):
    """Wrong: the decoder skips its ReLU (a linear decoder)."""

    def decode(self, z):
        return self.decoder[2](self.decoder[0](z))


# ----------------------------------------------------------------------------- training
def train_with_dataloader(images, epochs, seed):
    """Right: a DataLoader over a TensorDataset with its own seeded generator, loss written inline."""
    from torch.utils.data import DataLoader, TensorDataset

    from course_lib import seed_everything

    seed_everything(seed)
    model = VAEWithSplit()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(
        TensorDataset(images),
        batch_size=64,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    for _ in range(epochs):
        for (x,) in loader:
            mu, logvar = model.encode(x)
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            rec = F.binary_cross_entropy_with_logits(model.decode(z), x, reduction="sum")
            kl = 0.5 * torch.sum(torch.exp(logvar) + mu**2 - 1 - logvar)
            optimizer.zero_grad()
            ((rec + kl) / len(x)).backward()
            optimizer.step()
    return model.eval()


def _train(images, epochs, seed, *, beta=1.0, zero_grad=True, lr=3e-3):
    from course_lib import seed_everything

    seed_everything(seed)
    model = VAEWithSplit()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(images))
        for start in range(0, len(images), 64):
            x = images[order[start : start + 64]]
            mu, logvar = model.encode(x)
            logits = model.decode(mu + torch.exp(0.5 * logvar) * torch.randn_like(mu))
            rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
            kl = 0.5 * (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum(dim=1)
            if zero_grad:
                optimizer.zero_grad()
            (rec + beta * kl).mean().backward()
            optimizer.step()
    return model.eval()


def train_without_zero_grad(images, epochs, seed):
    """Wrong: gradients accumulate over every step."""
    return _train(images, epochs, seed, zero_grad=False)


def train_without_kl(images, epochs, seed):
    """Wrong: a plain autoencoder (beta = 0): codes drift from the prior."""
    return _train(images, epochs, seed, beta=0.0)


def train_too_slowly(images, epochs, seed):
    """Wrong: learning rate ten times too small for 15 epochs."""
    return _train(images, epochs, seed, lr=3e-4)


# ----------------------------------------------------------------------------- sampling and interpolation
def sample_with_manual_seed(model, n, seed):
    """Right: a Generator with the seed, expit written out."""
    generator = torch.Generator()
    generator.manual_seed(int(seed))
    with torch.no_grad():
        z = torch.normal(
            torch.zeros(n, model.latent), torch.ones(n, model.latent), generator=generator
        )
        return 1.0 / (1.0 + torch.exp(-model.decode(z)))


def sample_logits(model, n, seed):
    """Wrong: returns logits, not probabilities."""
    with torch.no_grad():
        return model.decode(
            torch.randn(n, model.latent, generator=torch.Generator().manual_seed(seed))
        )


def sample_ignoring_seed(model, n, seed):
    """Wrong: uses the global random state (no seed)."""
    with torch.no_grad():
        return torch.sigmoid(model.decode(torch.randn(n, model.latent)))


def sample_from_uniform(model, n, seed):
    """Wrong: z ~ U(0, 1) instead of the prior N(0, I)."""
    with torch.no_grad():
        return torch.sigmoid(
            model.decode(torch.rand(n, model.latent, generator=torch.Generator().manual_seed(seed)))
        )


def interpolate_with_loop(model, x_a, x_b, steps):
    """Right: one decode per step, float64 weights for t."""
    with torch.no_grad():
        mu_a, _ = model.encode(x_a.unsqueeze(0))
        mu_b, _ = model.encode(x_b.unsqueeze(0))
        rows = []
        for i in range(steps):
            t = i / (steps - 1) if steps > 1 else 0.0
            rows.append(torch.sigmoid(model.decode(mu_a + t * (mu_b - mu_a)))[0])
        return torch.stack(rows)


def interpolate_pixels(model, x_a, x_b, steps):
    """Wrong: cross-fades the pixels through the autoencoder instead of walking in latent space."""
    with torch.no_grad():
        t = torch.linspace(0, 1, steps).unsqueeze(1)
        mixed = (1 - t) * x_a + t * x_b
        return torch.sigmoid(model.decode(model.encode(mixed)[0]))


WRONG = [
    Variant("independent_pixel_nll", pixel_nll_mean_over_pixels, "mean over pixels"),
    Variant(
        "independent_pixel_nll",
        pixel_nll_unclipped,
        "no clipping",
        breaks=("independent_pixel_nll.edge_cases",),
    ),
    Variant("gaussian_kl", kl_without_half, "no factor 1/2"),
    Variant("gaussian_kl", kl_summed_over_batch, "summed over the batch"),
    Variant("reparameterize", reparameterize_with_variance, "variance, not std"),
    Variant("bernoulli_nll", nll_mean_over_pixels, "mean over pixels"),
    Variant(
        "bernoulli_nll",
        nll_naive_sigmoid,
        "unstable log(sigmoid)",
        breaks=("bernoulli_nll.edge_cases",),
    ),
    Variant("elbo_loss", elbo_kl_subtracted, "KL subtracted"),
    Variant("elbo_loss", elbo_ignores_beta, "beta ignored", breaks=("elbo_loss.hidden",)),
    Variant("VAE", VAESwappedHalves, "mu and logvar swapped"),
    Variant("VAE", VAEWithoutHiddenReLU, "decoder without ReLU"),
    Variant("train_vae", train_without_zero_grad, "no zero_grad"),
    Variant("train_vae", train_without_kl, "beta = 0"),
    Variant(
        "train_vae",
        train_too_slowly,
        "learning rate too small",
        breaks=("train_vae", "train_vae.hidden"),
    ),
    Variant("sample_images", sample_logits, "logits, not probabilities"),
    Variant(
        "sample_images",
        sample_ignoring_seed,
        "seed ignored",
        breaks=("sample_images", "sample_images.hidden"),
    ),
    Variant(
        "sample_images",
        sample_from_uniform,
        "uniform z",
        breaks=("sample_images", "sample_images.hidden"),
    ),
    Variant("interpolate", interpolate_pixels, "pixel cross-fade"),
]

RIGHT = [
    Variant("independent_pixel_nll", pixel_nll_with_loops, "Python loops, NumPy float64"),
    Variant("gaussian_kl", kl_via_distributions, "torch.distributions"),
    Variant("reparameterize", reparameterize_with_sqrt, "sqrt of the variance, addcmul"),
    Variant("bernoulli_nll", nll_via_functional, "binary_cross_entropy_with_logits"),
    Variant("elbo_loss", elbo_per_sample_loop, "loop, float64 inside"),
    Variant("VAE", VAEWithSplit, "torch.split, layer by layer"),
    Variant("train_vae", train_with_dataloader, "DataLoader, loss inline"),
    Variant(
        "sample_images", sample_with_manual_seed, "torch.normal with a generator, expit by hand"
    ),
    Variant("interpolate", interpolate_with_loop, "one decode per step"),
]
