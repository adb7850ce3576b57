"""Week 8 variants: wrong answers that must lose points, right ones written differently that must not.

Training variants build ``VAEWithSplit``, a correct VAE written differently, with the
same parameter names and initialisation order as the notebook's. Every wrong
variant names the items it must lose (``breaks``): items that only *use* its
target (``Item.uses``: ``elbo_loss`` uses the KL and the reconstruction,
``train_vae`` the model and every loss) are probed with it too, but a mistake
there must not be what costs them. Each target has a ``*_faked`` variant that
returns plausible results of the right type without doing the work; the gate
proves every item resists it (``train_faked``'s model, for one, reports a
near-perfect reconstruction from its own ``forward`` without any training).
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from autograder.spec import Variant

PIXELS = (
    "independent_pixel_nll",
    "independent_pixel_nll.hidden",
    "independent_pixel_nll.edge_cases",
)
KL = ("gaussian_kl", "gaussian_kl.hidden")
REPARAMETERIZE = ("reparameterize", "reparameterize.hidden")
NLL = ("bernoulli_nll", "bernoulli_nll.hidden", "bernoulli_nll.edge_cases")
ELBO = ("elbo_loss", "elbo_loss.hidden")
MODEL = ("VAE", "VAE.hidden", "VAE.defaults")
TRAINED = ("train_vae", "train_vae.hidden")
TRAIN = (*TRAINED, "train_vae.recipe")
SAMPLE = ("sample_images", "sample_images.hidden")
INTERPOLATE = ("interpolate", "interpolate.hidden")


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


def pixel_nll_float32(train, test):
    """Right: torch in float32, F.binary_cross_entropy against the clipped means."""
    p = train.mean(dim=0).clamp(1e-3, 1 - 1e-3).expand_as(test)
    return F.binary_cross_entropy(p, test, reduction="none").sum(dim=1).mean().item()


def _pixel_terms(train, test, low=1e-3):
    train, test = np.asarray(train, dtype=np.float64), np.asarray(test, dtype=np.float64)
    p = np.clip(train.mean(axis=0), low, 1 - low)
    return -(test * np.log(p) + (1 - test) * np.log1p(-p))


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


def pixel_nll_clip_tiny(train, test):
    """Wrong: clipped into [1e-7, 1 - 1e-7], not [1e-3, 1 - 1e-3]."""
    return float(_pixel_terms(train, test, low=1e-7).sum(axis=1).mean())


def pixel_nll_mean_over_pixels(train, test):
    """Wrong: averages over pixels instead of summing (nats per pixel, not per image)."""
    return float(_pixel_terms(train, test).mean())


def pixel_nll_summed_over_images(train, test):
    """Wrong: the sum over test images, not the mean."""
    return float(_pixel_terms(train, test).sum())


def pixel_nll_fit_on_test(train, test):
    """Wrong: fits the pixel probabilities on the test images (the wrong split)."""
    return float(_pixel_terms(test, test).sum(axis=1).mean())


def pixel_nll_binarised(train, test):
    """Wrong: rounds the grey levels to 0/1 before the formula (the text keeps intensities)."""
    return float(_pixel_terms(train, np.asarray(test) > 0.5).sum(axis=1).mean())


def pixel_nll_tensor(train, test):
    """Wrong: a 0-d tensor, not a Python float."""
    p = train.double().mean(dim=0).clamp(1e-3, 1 - 1e-3)
    x = test.double()
    return -(x * torch.log(p) + (1 - x) * torch.log1p(-p)).sum(dim=1).mean()


def pixel_nll_faked(train, test):
    """Wrong: 64 ln 2, the loss of p = 0.5 everywhere, nothing fitted."""
    return 64 * math.log(2.0)


# ----------------------------------------------------------------------------- KL
def kl_via_distributions(mu, logvar):
    """Right: torch.distributions."""
    from torch.distributions import Normal, kl_divergence

    q = Normal(mu, torch.exp(0.5 * logvar))
    return kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(dim=1)


def kl_float64(mu, logvar):
    """Right: float64 inside, a loop over the latent dimensions."""
    total = torch.zeros(mu.shape[0], dtype=torch.float64)
    for j in range(mu.shape[1]):
        m, lv = mu[:, j].double(), logvar[:, j].double()
        total = total + 0.5 * (lv.exp() + m * m - 1.0 - lv)
    return total.float()


def kl_without_half(mu, logvar):
    """Wrong: forgets the factor 1/2."""
    return (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum(dim=1)


def kl_summed_over_batch(mu, logvar):
    """Wrong: one number for the whole batch."""
    return 0.5 * (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum()


def kl_mean_over_dims(mu, logvar):
    """Wrong: the mean over latent dimensions, not the sum."""
    return 0.5 * (torch.exp(logvar) + mu**2 - 1.0 - logvar).mean(dim=1)


def kl_keepdim(mu, logvar):
    """Wrong: shape (batch, 1), not (batch,)."""
    return 0.5 * (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum(dim=1, keepdim=True)


def kl_faked(mu, logvar):
    """Wrong: zeros of the right shape."""
    return torch.zeros(mu.shape[0])


# ----------------------------------------------------------------------------- reparameterisation
def reparameterize_with_sqrt(mu, logvar, eps):
    """Right: sigma as the square root of the variance."""
    return torch.addcmul(mu, torch.sqrt(torch.exp(logvar)), eps)


def reparameterize_float64(mu, logvar, eps):
    """Right: float64 inside, cast back (gradients flow through the casts)."""
    return (mu.double() + torch.exp(0.5 * logvar.double()) * eps.double()).float()


def reparameterize_with_variance(mu, logvar, eps):
    """Wrong: scales eps by the variance instead of the standard deviation."""
    return mu + torch.exp(logvar) * eps


def reparameterize_draws_own_noise(mu, logvar, eps):
    """Wrong: ignores the eps passed in and draws its own (not deterministic)."""
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def reparameterize_detached(mu, logvar, eps):
    """Wrong: the right numbers through NumPy, so no gradient reaches mu and logvar."""
    m, lv, e = (t.detach().numpy() for t in (mu, logvar, eps))
    return torch.as_tensor(m + np.exp(0.5 * lv) * e)


def reparameterize_faked(mu, logvar, eps):
    """Wrong: the mean itself, no noise."""
    return mu.clone()


# ----------------------------------------------------------------------------- Bernoulli NLL
def nll_via_functional(x, logits):
    """Right: F.binary_cross_entropy_with_logits."""
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)


def nll_via_logsigmoid(x, logits):
    """Right: F.logsigmoid on both sides (stable too)."""
    return -(x * F.logsigmoid(logits) + (1 - x) * F.logsigmoid(-logits)).sum(dim=1)


def nll_mean_over_pixels(x, logits):
    """Wrong: mean instead of sum over pixels."""
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").mean(dim=1)


def nll_naive_sigmoid(x, logits):
    """Wrong: log(sigmoid(.)) in float32 underflows to log(0) for large logits."""
    s = torch.sigmoid(logits)
    return -(x * torch.log(s) + (1 - x) * torch.log(1 - s)).sum(dim=1)


def nll_clamped_probabilities(x, logits):
    """Wrong: probabilities clamped into [1e-7, 1 - 1e-7]: finite, but wrong for large logits."""
    s = torch.sigmoid(logits).clamp(1e-7, 1 - 1e-7)
    return -(x * torch.log(s) + (1 - x) * torch.log(1 - s)).sum(dim=1)


def nll_arguments_swapped(x, logits):
    """Wrong: x passed as the logits and the logits as the target."""
    return F.binary_cross_entropy_with_logits(x, logits, reduction="none").sum(dim=1)


def nll_summed_over_batch(x, logits):
    """Wrong: one number for the whole batch."""
    return F.binary_cross_entropy_with_logits(logits, x, reduction="sum")


def nll_faked(x, logits):
    """Wrong: zeros of the right shape."""
    return torch.zeros(x.shape[0])


# ----------------------------------------------------------------------------- ELBO
def elbo_float64(x, logits, mu, logvar, beta=1.0):
    """Right: float64 inside, the KL from the variance written as sigma**2, cast back to float32."""
    x, logits, mu, logvar = (t.double() for t in (x, logits, mu, logvar))
    sigma = torch.exp(0.5 * logvar)
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
    kl = 0.5 * (sigma**2 + mu**2 - 1.0 - 2.0 * torch.log(sigma)).sum(dim=1)
    return (rec + beta * kl).mean().float()


def elbo_via_distributions(x, logits, mu, logvar, beta=1.0):
    """Right: torch.distributions (a Bernoulli on grey levels, a Normal against the prior)."""
    from torch.distributions import Bernoulli, Normal, kl_divergence

    reconstruction = -Bernoulli(logits=logits, validate_args=False).log_prob(x).sum(dim=1)
    q = Normal(mu, torch.exp(0.5 * logvar))
    kl = kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(dim=1)
    return torch.mean(reconstruction + beta * kl)


def _elbo_terms(x, logits, mu, logvar):
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
    return rec, 0.5 * (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum(dim=1)


def elbo_kl_subtracted(x, logits, mu, logvar, beta=1.0):
    """Wrong: subtracts the KL term."""
    rec, kl = _elbo_terms(x, logits, mu, logvar)
    return (rec - beta * kl).mean()


def elbo_ignores_beta(x, logits, mu, logvar, beta=1.0):
    """Wrong: always beta = 1."""
    return elbo_float64(x, logits, mu, logvar, 1.0)


def elbo_summed_over_batch(x, logits, mu, logvar, beta=1.0):
    """Wrong: the sum over the batch, not the mean."""
    rec, kl = _elbo_terms(x, logits, mu, logvar)
    return (rec + beta * kl).sum()


def elbo_returns_float(x, logits, mu, logvar, beta=1.0):
    """Wrong: a Python float (.item()), not a tensor backward can run through."""
    rec, kl = _elbo_terms(x, logits, mu, logvar)
    return (rec + beta * kl).mean().item()


def elbo_via_numpy(x, logits, mu, logvar, beta=1.0):
    """Wrong: the right number computed in NumPy and wrapped in a tensor: no gradient flows."""
    xs, lg, m, lv = (t.detach().double().numpy() for t in (x, logits, mu, logvar))
    rec = (np.logaddexp(0.0, lg) - xs * lg).sum(axis=1)
    kl = 0.5 * (np.exp(lv) + m**2 - 1.0 - lv).sum(axis=1)
    return torch.tensor(float(np.mean(rec + beta * kl)))


def elbo_faked(x, logits, mu, logvar, beta=1.0):
    """Wrong: a plausible loss, nothing computed."""
    return torch.tensor(25.0)


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


class VAESlicing(nn.Module):
    """Right: slices instead of chunk, forward written without encode/decode."""

    def __init__(self, n_pixels=64, hidden=128, latent=8):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(n_pixels, hidden), nn.ReLU(), nn.Linear(hidden, 2 * latent)
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, n_pixels)
        )
        self.latent = latent

    def encode(self, x):
        out = self.encoder(x)
        return out[:, : self.latent], out[:, self.latent :]

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x, eps):
        out = self.encoder(x)
        mu, logvar = out[:, : self.latent], out[:, self.latent :]
        return self.decoder(mu + (0.5 * logvar).exp() * eps), mu, logvar


class VAESwappedHalves(VAEWithSplit):
    """Wrong: logvar first, mu second."""

    def encode(self, x):
        logvar, mu = self.encoder(x).chunk(2, dim=1)
        return mu, logvar


class VAEWithoutHiddenReLU(VAEWithSplit):
    """Wrong: the decoder skips its ReLU (a linear decoder)."""

    def decode(self, z):
        return self.decoder[2](self.decoder[0](z))


class VAESeparateHeads(nn.Module):
    """Wrong: the common VAE layout with two heads (fc_mu, fc_logvar), not the layers the text names."""

    def __init__(self, n_pixels=64, hidden=128, latent=8):
        super().__init__()
        self.latent = latent
        self.encoder = nn.Sequential(nn.Linear(n_pixels, hidden), nn.ReLU())
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(
            nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, n_pixels)
        )

    def encode(self, x):
        h = self.encoder(x)
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x, eps):
        mu, logvar = self.encode(x)
        return self.decode(mu + torch.exp(0.5 * logvar) * eps), mu, logvar


class VAEWithoutLatent(VAEWithSplit):
    """Wrong: stores the latent size as self.latent_dim, not self.latent."""

    def __init__(self, n_pixels=64, hidden=128, latent=8):
        super().__init__(n_pixels, hidden, latent)
        del self.latent
        self.latent_dim = latent

    def encode(self, x):
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar


class VAEDecodeSigmoid(VAEWithSplit):
    """Wrong: decode returns probabilities (a sigmoid), not logits."""

    def decode(self, z):
        return torch.sigmoid(self.decoder(z))


class VAEForwardDecodesMu(VAEWithSplit):
    """Wrong: forward decodes the mean and ignores eps."""

    def forward(self, x, eps):
        mu, logvar = self.encode(x)
        return self.decode(mu), mu, logvar


class VAEFixedSizes(VAEWithSplit):
    """Wrong: always the default sizes, whatever is passed."""

    def __init__(self, n_pixels=64, hidden=128, latent=8):
        super().__init__()


class VAEFaked(VAEWithSplit):
    """Wrong: the right layers, but encode and decode return zeros of the right shapes."""

    def encode(self, x):
        return torch.zeros(x.shape[0], self.latent), torch.zeros(x.shape[0], self.latent)

    def decode(self, z):
        return torch.zeros(z.shape[0], self.decoder[2].out_features)


# ----------------------------------------------------------------------------- training
def _train(
    images,
    epochs,
    seed,
    *,
    beta=1.0,
    zero_grad=True,
    lr=3e-3,
    batch=64,
    shuffle=True,
    drop_last=False,
    seed_first=True,
    use_seed=True,
    eval_mode=True,
    sizes=None,
):
    from course_lib import seed_everything

    if seed_first and use_seed:
        seed_everything(seed)
    model = VAEWithSplit(**(sizes or {}))
    if use_seed and not seed_first:
        seed_everything(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(images)) if shuffle else torch.arange(len(images))
        for start in range(0, len(images), batch):
            index = order[start : start + batch]
            if drop_last and len(index) < batch:
                continue
            x = images[index]
            mu, logvar = model.encode(x)
            logits = model.decode(mu + torch.exp(0.5 * logvar) * torch.randn_like(mu))
            rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
            kl = 0.5 * (torch.exp(logvar) + mu**2 - 1.0 - logvar).sum(dim=1)
            if zero_grad:
                optimizer.zero_grad()
            (rec + beta * kl).mean().backward()
            optimizer.step()
    return model.eval() if eval_mode else model


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


def train_prescribed_order_through_dataloader(images, epochs, seed):
    """Right: the prescribed torch.randperm order fed through a DataLoader (which draws from the
    global generator when it starts), model.zero_grad() instead of optimizer.zero_grad(),
    model.train(False) instead of model.eval()."""
    from torch.utils.data import DataLoader, TensorDataset

    from course_lib import seed_everything

    seed_everything(seed)
    model = VAESlicing()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    dataset = TensorDataset(images)
    for _ in range(epochs):
        order = torch.randperm(len(images)).tolist()
        batches = [order[i : i + 64] for i in range(0, len(order), 64)]
        for (x,) in DataLoader(dataset, batch_sampler=batches):
            mu, logvar = model.encode(x)
            logits = model.decode(mu + torch.exp(0.5 * logvar) * torch.randn_like(mu))
            loss = torch.mean(
                F.softplus(logits).sum(1)
                - (x * logits).sum(1)
                + 0.5 * (logvar.exp() + mu.pow(2) - 1 - logvar).sum(1)
            )
            model.zero_grad()
            loss.backward()
            optimizer.step()
    model.train(False)
    return model


def train_without_zero_grad(images, epochs, seed):
    """Wrong: gradients accumulate over every step."""
    return _train(images, epochs, seed, zero_grad=False)


def train_without_kl(images, epochs, seed):
    """Wrong: a plain autoencoder (beta = 0): codes drift from the prior."""
    return _train(images, epochs, seed, beta=0.0)


def train_too_slowly(images, epochs, seed):
    """Wrong: learning rate ten times too small for 15 epochs."""
    return _train(images, epochs, seed, lr=3e-4)


def train_full_batch(images, epochs, seed):
    """Wrong: one batch of all the images per epoch, not mini-batches of 64."""
    return _train(images, epochs, seed, batch=len(images))


def train_batches_of_32(images, epochs, seed):
    """Wrong: mini-batches of 32, not 64."""
    return _train(images, epochs, seed, batch=32)


def train_batches_of_65(images, epochs, seed):
    """Wrong: mini-batches of 65 (off by one): right on 64 and on 40 images, one step on 65."""
    return _train(images, epochs, seed, batch=65)


def train_never_shuffles(images, epochs, seed):
    """Wrong: walks through the images in their given order every epoch."""
    return _train(images, epochs, seed, shuffle=False)


def train_drops_last_batch(images, epochs, seed):
    """Wrong: skips the last batch when it is smaller than 64."""
    return _train(images, epochs, seed, drop_last=True)


def train_without_seed(images, epochs, seed):
    """Wrong: never calls seed_everything, so the result depends on the global random state."""
    return _train(images, epochs, seed, use_seed=False)


def train_seeds_after_model(images, epochs, seed):
    """Wrong: seeds after creating the model, so the initial weights are not seeded."""
    return _train(images, epochs, seed, seed_first=False)


def train_ignores_seed(images, epochs, seed):
    """Wrong: always seed_everything(0), whatever seed is passed."""
    return _train(images, epochs, 0)


def train_left_in_train_mode(images, epochs, seed):
    """Wrong: returns the model without model.eval()."""
    return _train(images, epochs, seed, eval_mode=False)


def train_small_model(images, epochs, seed):
    """Wrong: a VAE with 64 hidden units, not the default VAE()."""
    return _train(images, epochs, seed, sizes={"hidden": 64})


class _ReportsItsOwnResults(VAEWithSplit):
    """A model whose forward hands back its input as logits: the best reconstruction there is,
    with mu = logvar = 0 (no KL), whatever its weights (13.6 nats per held-out image)."""

    def forward(self, x, eps):
        zeros = torch.zeros(x.shape[0], self.latent)
        x = x.clamp(1e-4, 1 - 1e-4)
        return torch.log(x) - torch.log1p(-x), zeros, zeros


def train_faked(images, epochs, seed):
    """Wrong: no training at all; the returned model's own forward fakes a tiny negative ELBO."""
    from course_lib import seed_everything

    seed_everything(seed)
    return _ReportsItsOwnResults().eval()


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


def sample_detached(model, n, seed):
    """Right: no torch.no_grad(), the result detached instead; the decoder layers called directly."""
    z = torch.randn(n, model.latent, generator=torch.Generator().manual_seed(seed))
    return torch.sigmoid(model.decoder(z)).detach()


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


def sample_seeds_global_state(model, n, seed):
    """Wrong: torch.manual_seed(seed): the same numbers, but the global random state is reset."""
    torch.manual_seed(seed)
    with torch.no_grad():
        return torch.sigmoid(model.decode(torch.randn(n, model.latent)))


def sample_from_uniform(model, n, seed):
    """Wrong: z ~ U(0, 1) instead of the prior N(0, I)."""
    with torch.no_grad():
        return torch.sigmoid(
            model.decode(torch.rand(n, model.latent, generator=torch.Generator().manual_seed(seed)))
        )


def sample_with_gradients(model, n, seed):
    """Wrong: no torch.no_grad(): the samples carry a graph back to the decoder."""
    z = torch.randn(n, model.latent, generator=torch.Generator().manual_seed(seed))
    return torch.sigmoid(model.decode(z))


def sample_latent_of_eight(model, n, seed):
    """Wrong: z of size 8 (the default), not model.latent."""
    with torch.no_grad():
        return torch.sigmoid(
            model.decode(torch.randn(n, 8, generator=torch.Generator().manual_seed(seed)))
        )


def sample_faked(model, n, seed):
    """Wrong: seeded uniform noise of the right shape, the model never used."""
    return torch.rand(n, 64, generator=torch.Generator().manual_seed(seed))


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


def interpolate_via_encoder_layers(model, x_a, x_b, steps):
    """Right: the encoder's output split by hand, torch.lerp, the result detached."""
    means = model.encoder(torch.stack([x_a, x_b]))[:, : model.latent]
    t = torch.linspace(0, 1, steps).unsqueeze(1)
    return torch.sigmoid(model.decode(torch.lerp(means[0], means[1], t))).detach()


def _path(model, x_a, x_b, steps):
    mu, _ = model.encode(torch.stack([x_a, x_b]))
    t = torch.linspace(0, 1, steps).unsqueeze(1)
    return mu, t


def interpolate_pixels(model, x_a, x_b, steps):
    """Wrong: cross-fades the pixels through the autoencoder instead of walking in latent space."""
    with torch.no_grad():
        t = torch.linspace(0, 1, steps).unsqueeze(1)
        mixed = (1 - t) * x_a + t * x_b
        return torch.sigmoid(model.decode(model.encode(mixed)[0]))


def interpolate_reversed(model, x_a, x_b, steps):
    """Wrong: t weights mu_a, so the path runs from x_b to x_a."""
    with torch.no_grad():
        mu, t = _path(model, x_a, x_b, steps)
        return torch.sigmoid(model.decode(t * mu[0] + (1 - t) * mu[1]))


def interpolate_logits(model, x_a, x_b, steps):
    """Wrong: returns logits, not probabilities."""
    with torch.no_grad():
        mu, t = _path(model, x_a, x_b, steps)
        return model.decode((1 - t) * mu[0] + t * mu[1])


def interpolate_sampled_codes(model, x_a, x_b, steps):
    """Wrong: walks between sampled codes z = mu + sigma * eps, not between the means."""
    with torch.no_grad():
        mu, logvar = model.encode(torch.stack([x_a, x_b]))
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        t = torch.linspace(0, 1, steps).unsqueeze(1)
        return torch.sigmoid(model.decode((1 - t) * z[0] + t * z[1]))


def interpolate_with_gradients(model, x_a, x_b, steps):
    """Wrong: no torch.no_grad(): the images carry a graph back to the model."""
    mu, t = _path(model, x_a, x_b, steps)
    return torch.sigmoid(model.decode((1 - t) * mu[0] + t * mu[1]))


def interpolate_faked(model, x_a, x_b, steps):
    """Wrong: a pixel cross-fade, the model never used."""
    t = torch.linspace(0, 1, steps).unsqueeze(1)
    return (1 - t) * x_a + t * x_b


WRONG = [
    Variant("independent_pixel_nll", pixel_nll_mean_over_pixels, "mean over pixels", breaks=PIXELS),
    Variant(
        "independent_pixel_nll",
        pixel_nll_unclipped,
        "no clipping",
        breaks=("independent_pixel_nll.edge_cases",),
    ),
    Variant(
        "independent_pixel_nll",
        pixel_nll_clip_tiny,
        "clipped at 1e-7",
        breaks=("independent_pixel_nll.edge_cases",),
    ),
    Variant(
        "independent_pixel_nll", pixel_nll_summed_over_images, "sum over images", breaks=PIXELS
    ),
    Variant(
        "independent_pixel_nll", pixel_nll_fit_on_test, "fitted on the test images", breaks=PIXELS
    ),
    Variant("independent_pixel_nll", pixel_nll_binarised, "binarised intensities", breaks=PIXELS),
    Variant("independent_pixel_nll", pixel_nll_tensor, "a 0-d tensor", breaks=PIXELS),
    Variant("independent_pixel_nll", pixel_nll_faked, "faked: 64 ln 2", breaks=PIXELS),
    Variant("gaussian_kl", kl_without_half, "no factor 1/2", breaks=KL),
    Variant("gaussian_kl", kl_summed_over_batch, "summed over the batch", breaks=KL),
    Variant("gaussian_kl", kl_mean_over_dims, "mean over dimensions", breaks=KL),
    Variant("gaussian_kl", kl_keepdim, "shape (batch, 1)", breaks=KL),
    Variant("gaussian_kl", kl_faked, "faked: zeros", breaks=KL),
    Variant(
        "reparameterize", reparameterize_with_variance, "variance, not std", breaks=REPARAMETERIZE
    ),
    Variant("reparameterize", reparameterize_draws_own_noise, "ignores eps", breaks=REPARAMETERIZE),
    Variant(
        "reparameterize",
        reparameterize_detached,
        "no gradient",
        breaks=("reparameterize.hidden",),
    ),
    Variant("reparameterize", reparameterize_faked, "faked: mu", breaks=REPARAMETERIZE),
    Variant("bernoulli_nll", nll_mean_over_pixels, "mean over pixels", breaks=NLL),
    Variant(
        "bernoulli_nll",
        nll_naive_sigmoid,
        "unstable log(sigmoid)",
        breaks=("bernoulli_nll.edge_cases",),
    ),
    Variant(
        "bernoulli_nll",
        nll_clamped_probabilities,
        "clamped probabilities",
        breaks=("bernoulli_nll.edge_cases",),
    ),
    Variant("bernoulli_nll", nll_arguments_swapped, "x and logits swapped", breaks=NLL),
    Variant("bernoulli_nll", nll_summed_over_batch, "summed over the batch", breaks=NLL),
    Variant("bernoulli_nll", nll_faked, "faked: zeros", breaks=NLL),
    Variant("elbo_loss", elbo_kl_subtracted, "KL subtracted", breaks=ELBO),
    Variant("elbo_loss", elbo_ignores_beta, "beta ignored", breaks=("elbo_loss.hidden",)),
    Variant("elbo_loss", elbo_summed_over_batch, "sum over the batch", breaks=ELBO),
    Variant("elbo_loss", elbo_returns_float, "a Python float", breaks=ELBO),
    Variant("elbo_loss", elbo_via_numpy, "no gradient", breaks=("elbo_loss.hidden",)),
    Variant("elbo_loss", elbo_faked, "faked: a constant", breaks=ELBO),
    Variant("VAE", VAESwappedHalves, "mu and logvar swapped", breaks=MODEL),
    Variant("VAE", VAEWithoutHiddenReLU, "decoder without ReLU", breaks=MODEL),
    Variant("VAE", VAESeparateHeads, "two heads, not the named layers", breaks=MODEL),
    Variant("VAE", VAEWithoutLatent, "no self.latent", breaks=MODEL),
    Variant("VAE", VAEDecodeSigmoid, "decode returns probabilities", breaks=MODEL),
    Variant("VAE", VAEForwardDecodesMu, "forward ignores eps", breaks=MODEL),
    Variant("VAE", VAEFixedSizes, "sizes ignored", breaks=("VAE", "VAE.hidden")),
    Variant("VAE", VAEFaked, "faked: zeros", breaks=MODEL),
    Variant("train_vae", train_without_zero_grad, "no zero_grad", breaks=TRAINED),
    Variant("train_vae", train_without_kl, "beta = 0", breaks=TRAINED),
    Variant("train_vae", train_too_slowly, "learning rate too small", breaks=TRAIN),
    Variant("train_vae", train_full_batch, "one batch per epoch", breaks=TRAIN),
    Variant("train_vae", train_batches_of_32, "batches of 32", breaks=("train_vae.recipe",)),
    Variant("train_vae", train_batches_of_65, "batches of 65", breaks=("train_vae.recipe",)),
    Variant("train_vae", train_never_shuffles, "never shuffles", breaks=("train_vae.hidden",)),
    Variant(
        "train_vae", train_drops_last_batch, "drops the last batch", breaks=("train_vae.recipe",)
    ),
    Variant("train_vae", train_without_seed, "not seeded", breaks=("train_vae.recipe",)),
    Variant("train_vae", train_seeds_after_model, "seeded too late", breaks=("train_vae.recipe",)),
    Variant("train_vae", train_ignores_seed, "seed ignored", breaks=("train_vae.recipe",)),
    Variant(
        "train_vae", train_left_in_train_mode, "not in eval mode", breaks=("train_vae.recipe",)
    ),
    Variant("train_vae", train_small_model, "not the default VAE()", breaks=TRAIN),
    Variant(
        "train_vae", train_faked, "faked: no training, forward reports its input", breaks=TRAIN
    ),
    Variant("sample_images", sample_logits, "logits, not probabilities", breaks=SAMPLE),
    Variant("sample_images", sample_ignoring_seed, "seed ignored", breaks=SAMPLE),
    Variant("sample_images", sample_seeds_global_state, "global state reset", breaks=SAMPLE),
    Variant("sample_images", sample_from_uniform, "uniform z", breaks=SAMPLE),
    Variant("sample_images", sample_with_gradients, "no torch.no_grad()", breaks=SAMPLE),
    Variant("sample_images", sample_latent_of_eight, "z of size 8", breaks=SAMPLE),
    Variant("sample_images", sample_faked, "faked: uniform noise", breaks=SAMPLE),
    Variant("interpolate", interpolate_pixels, "pixel cross-fade", breaks=INTERPOLATE),
    Variant("interpolate", interpolate_reversed, "reversed path", breaks=INTERPOLATE),
    Variant("interpolate", interpolate_logits, "logits, not probabilities", breaks=INTERPOLATE),
    Variant(
        "interpolate", interpolate_sampled_codes, "sampled codes, not means", breaks=INTERPOLATE
    ),
    Variant("interpolate", interpolate_with_gradients, "no torch.no_grad()", breaks=INTERPOLATE),
    Variant("interpolate", interpolate_faked, "faked: pixel cross-fade", breaks=INTERPOLATE),
]

RIGHT = [
    Variant("independent_pixel_nll", pixel_nll_with_loops, "Python loops, NumPy float64"),
    Variant("independent_pixel_nll", pixel_nll_float32, "torch float32, binary_cross_entropy"),
    Variant("gaussian_kl", kl_via_distributions, "torch.distributions"),
    Variant("gaussian_kl", kl_float64, "float64 loop over dimensions"),
    Variant("reparameterize", reparameterize_with_sqrt, "sqrt of the variance, addcmul"),
    Variant("reparameterize", reparameterize_float64, "float64 inside"),
    Variant("bernoulli_nll", nll_via_functional, "binary_cross_entropy_with_logits"),
    Variant("bernoulli_nll", nll_via_logsigmoid, "logsigmoid"),
    Variant("elbo_loss", elbo_float64, "float64 inside, sigma squared"),
    Variant("elbo_loss", elbo_via_distributions, "torch.distributions"),
    Variant("VAE", VAEWithSplit, "torch.split, layer by layer"),
    Variant("VAE", VAESlicing, "slices, forward inline"),
    Variant("train_vae", train_with_dataloader, "DataLoader with its own generator, loss inline"),
    Variant(
        "train_vae",
        train_prescribed_order_through_dataloader,
        "prescribed order through a DataLoader, model.zero_grad, train(False)",
    ),
    Variant(
        "sample_images", sample_with_manual_seed, "torch.normal with a generator, expit by hand"
    ),
    Variant("sample_images", sample_detached, "detach instead of no_grad, decoder layers"),
    Variant("interpolate", interpolate_with_loop, "one decode per step"),
    Variant("interpolate", interpolate_via_encoder_layers, "encoder split by hand, lerp, detach"),
]
