/**
 * The glossary: every term the app's screens use, in plain words, each tied to its formula where
 * it has one. The formulas follow docs/ARCHITECTURE.md's conventions (diffusers' schedulers).
 */
export interface GlossaryEntry {
  /** Anchor for links from the screens (`<Term id="…">`). */
  readonly id: string;
  readonly term: string;
  /** Other spellings a learner may type into the filter ("alpha bar" for ᾱ). */
  readonly aka: readonly string[];
  readonly text: string;
  readonly formula?: string;
  /** Related entries, by id. */
  readonly see: readonly string[];
}

export const GLOSSARY: readonly GlossaryEntry[] = [
  {
    id: 'forward-process',
    term: 'Forward process',
    aka: ['noising', 'q(x_t|x_0)'],
    text: 'Destroys an image on purpose by mixing it with Gaussian noise, more at every timestep, until nothing of it is left. It has no learned parts: any x_t can be made in one jump from x₀.',
    formula: 'x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε',
    see: ['alpha-bar', 'noise', 'timestep'],
  },
  {
    id: 'reverse-process',
    term: 'Reverse process (sampling)',
    aka: ['denoising', 'generation', 'sampling'],
    text: 'Starts from pure noise x_T and walks back to t = 0, one step at a time: at each step the denoiser guesses the clean image and a sampler (DDPM or DDIM) moves x_t a little toward it.',
    formula: 'x_T ~ N(0, I) → x_{T−1} → … → x₀',
    see: ['denoiser', 'ddpm', 'ddim', 'x0-hat'],
  },
  {
    id: 'timestep',
    term: 'Timestep t',
    aka: ['t', 'noise level'],
    text: 'Which step of the forward process an image is at, from 0 (clean) to T−1 (almost pure noise). The denoiser is told t so that it knows how much noise to expect.',
    formula: 't ∈ {0, 1, …, T−1}',
    see: ['T', 'alpha-bar'],
  },
  {
    id: 'T',
    term: 'T (number of timesteps)',
    aka: ['num_train_timesteps', 'steps of the schedule'],
    text: 'How many noise levels the schedule has. The model is trained on all of them; a sampler may visit only a few (see spacing). With a small T some schedules do not reach pure noise.',
    see: ['timestep', 'spacing', 'zero-snr'],
  },
  {
    id: 'beta',
    term: 'β (beta) and the schedule',
    aka: ['beta', 'betas', 'noise schedule', 'linear', 'cosine', 'sigmoid', 'scaled-linear'],
    text: 'β_t is the share of variance replaced by fresh noise at step t. The schedule (linear, cosine, scaled-linear, sigmoid) says how β grows with t, and so how fast the digit fades.',
    formula: 'x_t = √(1−β_t)·x_{t−1} + √β_t·ε;  linear: β = linspace(1e-4, 0.02, T)',
    see: ['alpha-bar'],
  },
  {
    id: 'alpha-bar',
    term: 'ᾱ_t (alpha-bar)',
    aka: ['alpha bar', 'alphas_cumprod', 'signal share', 'alpha'],
    text: 'How much of the clean image survives at step t, as a share of variance: 1 at the start, near 0 at the end. √ᾱ_t is the weight of the digit in x_t, √(1−ᾱ_t) that of the noise.',
    formula: 'ᾱ_t = Π_{i≤t} (1 − β_i)',
    see: ['beta', 'snr'],
  },
  {
    id: 'snr',
    term: 'SNR (signal-to-noise ratio)',
    aka: ['signal to noise', 'min-snr', 'log snr'],
    text: 'How loud the digit is compared with the noise at step t. It falls from very large to near 0 as t grows; loss weightings such as min-SNR use it to balance easy and hard noise levels.',
    formula: 'SNR(t) = ᾱ_t / (1 − ᾱ_t)',
    see: ['alpha-bar', 'zero-snr'],
  },
  {
    id: 'zero-snr',
    term: 'Zero terminal SNR',
    aka: ['rescale_betas_zero_snr', 'terminal snr', 'x_T'],
    text: 'A schedule whose last step still keeps some of the digit (ᾱ_{T−1} far from 0) trains on an x_T that sampling never starts from. Rescaling the schedule so that ᾱ_{T−1} = 0 (Lin et al. 2023) closes that gap.',
    formula: 'ᾱ_{T−1} = 0  ⇔  SNR(T−1) = 0',
    see: ['snr', 'alpha-bar'],
  },
  {
    id: 'noise',
    term: 'ε (noise)',
    aka: ['epsilon', 'gaussian noise', 'eps'],
    text: 'Gaussian noise: independent random numbers per pixel with mean 0 and variance 1. The forward process mixes it in; an ε-predicting model learns to find it again in x_t.',
    formula: 'ε ~ N(0, I)',
    see: ['forward-process', 'epsilon-prediction', 'seed'],
  },
  {
    id: 'epsilon-prediction',
    term: 'ε-prediction',
    aka: ['epsilon prediction', 'predicts noise'],
    text: 'The denoiser outputs its guess ε̂ of the noise in x_t (DDPM’s original choice). The clean image follows from the forward formula.',
    formula: 'x̂₀ = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t',
    see: ['x0-hat', 'v-prediction', 'x0-prediction'],
  },
  {
    id: 'v-prediction',
    term: 'v-prediction',
    aka: ['velocity', 'v'],
    text: 'The denoiser outputs a mix of noise and image, the “velocity” v. It behaves well at both ends of the schedule, where ε- or x₀-prediction alone get hard.',
    formula: 'v = √ᾱ_t·ε − √(1−ᾱ_t)·x₀;  x̂₀ = √ᾱ_t·x_t − √(1−ᾱ_t)·v̂',
    see: ['epsilon-prediction', 'x0-prediction'],
  },
  {
    id: 'x0-prediction',
    term: 'x₀-prediction',
    aka: ['x0 prediction', 'sample prediction', 'clean image'],
    text: 'The denoiser outputs its guess of the clean image directly; the noise estimate follows from the forward formula.',
    formula: 'ε̂ = (x_t − √ᾱ_t·x̂₀) / √(1−ᾱ_t)',
    see: ['x0-hat', 'epsilon-prediction'],
  },
  {
    id: 'x0-hat',
    term: 'x̂₀ (predicted clean image)',
    aka: ['x0 hat', 'predicted x0', 'pred_original_sample'],
    text: 'The model’s current guess of the finished digit, whatever it predicts. Early in sampling it is a blurry average; it sharpens as t falls. The Sample tab shows it beside x_t.',
    see: ['epsilon-prediction', 'reverse-process'],
  },
  {
    id: 'denoiser',
    term: 'Denoiser (UNet)',
    aka: ['unet', 'model', 'network'],
    text: 'The neural network that looks at a noisy x_t, the timestep t and (optionally) the class, and predicts ε, v or x₀. A UNet shrinks the image to see its shape, then grows it back with skip connections to keep the detail.',
    formula: 'ε̂ = f_θ(x_t, t, class)',
    see: ['epsilon-prediction', 'training-loss'],
  },
  {
    id: 'training-loss',
    term: 'Loss (training objective)',
    aka: ['mse', 'objective', 'loss by timestep'],
    text: 'Each step noises real digits to random timesteps and scores the denoiser’s guess by mean squared error. Lower is better; the loss by timestep shows that very noisy levels stay hard.',
    formula: 'L = E_{x₀,t,ε} ‖ε − ε̂(x_t, t)‖²',
    see: ['denoiser', 'learning-rate'],
  },
  {
    id: 'loss-weighting',
    term: 'Loss weighting (min-SNR-γ)',
    aka: ['min-snr', 'min snr gamma', 'weighting'],
    text: 'Scales each sample’s loss by its noise level so that the many easy, nearly clean timesteps do not crowd out the rest. min-SNR-γ caps the weight at γ (5 in the paper).',
    formula: 'w_t = min(SNR(t), γ)  (in x₀ terms)',
    see: ['snr', 'training-loss'],
  },
  {
    id: 'batch',
    term: 'Batch',
    aka: ['batch size'],
    text: 'How many images one training step looks at. Larger batches give smoother gradients but take longer per step.',
    see: ['training-loss', 'learning-rate'],
  },
  {
    id: 'ddpm',
    term: 'DDPM',
    aka: ['ancestral sampling', 'denoising diffusion probabilistic models'],
    text: 'The original sampler (Ho et al. 2020): each step moves to the mean of the step before and adds fresh noise. It is accurate only with (nearly) all T steps.',
    formula: 'x_{t−1} = μ(x_t, x̂₀) + σ_t·z,  z ~ N(0, I)',
    see: ['ddim', 'variance'],
  },
  {
    id: 'variance',
    term: 'Variance (fixed-small / fixed-large)',
    aka: ['fixed-small', 'fixed-large', 'beta tilde'],
    text: 'How much fresh noise DDPM adds at each step: the posterior’s β̃ (fixed-small, the default) or the forward β (fixed-large).',
    formula: 'β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t',
    see: ['ddpm'],
  },
  {
    id: 'ddim',
    term: 'DDIM',
    aka: ['denoising diffusion implicit models', 'deterministic sampler'],
    text: 'A sampler (Song et al. 2021) that uses the same trained model but can jump over many timesteps at once. With η = 0 the path is deterministic: the same seed always gives the same digits, and 20–50 steps suffice.',
    formula: 'x_prev = √ᾱ_prev·x̂₀ + √(1−ᾱ_prev−σ²)·ε̂ + σ·z',
    see: ['eta', 'spacing', 'ddpm'],
  },
  {
    id: 'eta',
    term: 'η (eta)',
    aka: ['eta'],
    text: 'DDIM’s amount of fresh noise per step: 0 is deterministic, 1 adds as much as DDPM.',
    formula: 'σ = η·√((1−ᾱ_prev)/(1−ᾱ_t)·(1−ᾱ_t/ᾱ_prev))',
    see: ['ddim'],
  },
  {
    id: 'spacing',
    term: 'Spacing (leading / trailing / linspace)',
    aka: ['leading', 'trailing', 'linspace', 'timestep spacing'],
    text: 'Which timesteps a sampler with fewer steps than T visits. Trailing starts at T−1 (pure noise) and is the safest with few steps; leading starts at a multiple of T/steps; linspace spreads them evenly.',
    formula: 'trailing: round(arange(T, 0, −T/n)) − 1',
    see: ['T', 'ddim'],
  },
  {
    id: 'guidance',
    term: 'Guidance (classifier-free, CFG)',
    aka: ['cfg', 'classifier-free guidance', 'guidance scale', 's'],
    text: 'Runs the model with and without the class and pushes the guess further in the direction the class adds. A scale above 1 gives sharper, more typical digits at the cost of variety; with no class chosen it does nothing.',
    formula: 'ε̃ = ε_u + s·(ε_c − ε_u)',
    see: ['label-dropout'],
  },
  {
    id: 'label-dropout',
    term: 'Label dropout',
    aka: ['class dropout', 'unconditional'],
    text: 'During training the class is hidden 10 % of the time, so one network also learns to denoise without a label — the “without” half that guidance needs.',
    see: ['guidance'],
  },
  {
    id: 'ema',
    term: 'EMA (exponential moving average)',
    aka: ['ema decay', 'moving average'],
    text: 'A slowly updated copy of the weights that averages out the noise of single training steps. Previews, sampling and the quality meter use it. Decay near 1 averages over more steps.',
    formula: 'θ_EMA ← d·θ_EMA + (1−d)·θ',
    see: ['learning-rate'],
  },
  {
    id: 'learning-rate',
    term: 'Learning rate',
    aka: ['lr', 'adam', 'cosine decay'],
    text: 'How big a step the optimiser (Adam) takes on the weights each training step. Too high and the loss jumps or turns NaN; too low and nothing learns. It may fall along a cosine toward the end.',
    formula: 'θ ← θ − lr·Adam(∇L)',
    see: ['warmup', 'clip-grad-norm'],
  },
  {
    id: 'warmup',
    term: 'Warmup',
    aka: ['lr warmup', 'warm-up'],
    text: 'The first steps raise the learning rate from 0 to its value, so that the untrained network’s large early gradients do not throw it off.',
    formula: 'lr_k = lr·min(1, k / warmup)',
    see: ['learning-rate'],
  },
  {
    id: 'clip-grad-norm',
    term: 'Clip grad norm',
    aka: ['gradient clipping', 'grad norm'],
    text: 'If the gradient of a step is longer than this value, it is scaled down to it before the update: one bad batch cannot wreck the weights.',
    formula: 'g ← g·min(1, c / ‖g‖)',
    see: ['learning-rate'],
  },
  {
    id: 'sdedit',
    term: 'SDEdit (strength)',
    aka: ['img2img', 'image to image', 'strength'],
    text: 'Edits an image with a diffusion model: noise your image to a middle timestep with the forward process, then let the reverse process finish from there. Low strength keeps more of your image; strength 1 ignores it.',
    formula: 'x_{t₀} = √ᾱ_{t₀}·x + √(1−ᾱ_{t₀})·ε,  t₀ ≈ strength·T',
    see: ['forward-process', 'reverse-process'],
  },
  {
    id: 'inpainting',
    term: 'Inpainting (RePaint)',
    aka: ['repaint', 'mask', 'fill in'],
    text: 'Fills in the hidden part of an image: at every reverse step the known pixels are replaced by the original noised to that step, so the model only invents the rest. Jumping back and forth a few times blends the two.',
    formula: 'x_{t−1} = m⊙x_{t−1}^known + (1−m)⊙x_{t−1}^model',
    see: ['reverse-process', 'sdedit'],
  },
  {
    id: 'interpolation',
    term: 'Interpolation (slerp)',
    aka: ['slerp', 'morph', 'latent interpolation'],
    text: 'Blends two starting noises along the sphere where Gaussian noise lives, so every blend is still plausible noise; with DDIM (η = 0) the digits then change smoothly from one to the other.',
    formula: 'slerp(z₀, z₁; λ) = sin((1−λ)θ)/sin θ·z₀ + sin(λθ)/sin θ·z₁',
    see: ['ddim', 'seed'],
  },
  {
    id: 'flow-matching',
    term: 'Flow matching',
    aka: ['rectified flow', 'velocity field', 'euler'],
    text: 'A close cousin of diffusion: points move on straight lines between data and noise, and the network learns their velocity. Sampling follows that velocity from noise back to data with a few solver steps (Euler, Heun …). In the image lab, “velocity (flow matching)” puts timestep t at τ = (t+1)/T, so the same UNet and T serve both.',
    formula: 'x_t = (1−t)·x₀ + t·ε,  v = ε − x₀',
    see: ['v-prediction', 'reverse-process', 'euler-heun'],
  },
  {
    id: 'euler-heun',
    term: 'Euler and Heun samplers',
    aka: ['euler', 'heun', 'ODE solver'],
    text: 'The samplers of a flow-matching model: they follow its velocity from τ = 1 (noise) to 0 (data) in even steps. Euler takes the velocity where it stands; Heun also asks the model at the end of the step and averages the two, a straighter path for twice the model calls (the last step, onto the data, stays Euler). A flow model’s guess of the clean image is x̂₀ = x_τ − τ·v̂.',
    formula: 'Euler: x ← x + (τ′ − τ)·v̂(x, τ)',
    see: ['flow-matching', 'ddim'],
  },
  {
    id: 'score',
    term: 'Score',
    aka: ['score function', 'gradient of log density', 'field'],
    text: 'The direction in which the density of x_t grows fastest: uphill toward likely images. An ε-predicting model gives it for free, which is why diffusion is also called score-based modelling.',
    formula: '∇ log p_t(x_t) = −ε̂ / √(1−ᾱ_t)',
    see: ['epsilon-prediction', 'exact-denoiser'],
  },
  {
    id: 'exact-denoiser',
    term: 'Exact (ideal) denoiser',
    aka: ['posterior mean', 'ideal denoiser', 'optimal denoiser'],
    text: 'The best possible guess of x₀ for a finite training set: a weighted average of the training points, weighted by how likely each is to have produced x_t. Sampling with it only reproduces training points — it memorises; a network generalises because it is smoother.',
    formula: 'x̂₀ = E[x₀ | x_t] = Σ_i w_i(x_t)·x₀ⁱ',
    see: ['memorised', 'x0-hat'],
  },
  {
    id: 'kid',
    term: 'KID (kernel inception distance)',
    aka: ['quality', 'fid', 'kernel distance'],
    text: 'How far the samples’ features are from real digits’ features, measured with a small digit classifier. Lower is better, 0 means indistinguishable. It is unbiased, so it can come out slightly negative when the two sets are very close.',
    formula: 'KID = MMD²_unbiased with k(a,b) = (a·b/d + 1)³',
    see: ['real-vs-real', 'memorised'],
  },
  {
    id: 'real-vs-real',
    term: 'Real-vs-real floor',
    aka: ['floor', 'baseline'],
    text: 'The KID between two disjoint sets of real digits: the best any model could score with this many samples. A model’s KID near the floor is as good as the meter can tell.',
    see: ['kid'],
  },
  {
    id: 'memorised',
    term: 'Memorised',
    aka: ['memorization', 'copying', 'nearest neighbour'],
    text: 'The share of samples closer to some training digit than almost any unseen real digit is (the 1st percentile of held-out distances): a sign the model copies instead of generating.',
    see: ['kid'],
  },
  {
    id: 'class-accuracy',
    term: 'Class accuracy',
    aka: ['accuracy'],
    text: 'The share of samples asked for a digit that the classifier reads as that digit: does the model draw what it was asked for?',
    see: ['guidance', 'kid'],
  },
  {
    id: 'seed',
    term: 'Seed',
    aka: ['random seed', 'rng'],
    text: 'The number a random generator starts from. The same seed gives the same noise, and so the same samples or the same training batches — useful to compare settings fairly.',
    see: ['noise'],
  },
  {
    id: 'backend',
    term: 'Backend',
    aka: ['tfjs backend', 'webgl', 'cpu'],
    text: 'Where the maths runs in your browser: the GPU (WebGPU or WebGL) or the CPU (WebAssembly, plain JavaScript). The app measures each and picks the fastest trainer; the header’s menu moves a model to another.',
    see: ['webgpu', 'wasm'],
  },
  {
    id: 'webgpu',
    term: 'WebGPU',
    aka: ['gpu', 'gpu commands'],
    text: 'The browser’s modern GPU interface. Here a training step is recorded once as a list of GPU commands and replayed for every following step, which saves most of the JavaScript work.',
    see: ['backend', 'wasm'],
  },
  {
    id: 'wasm',
    term: 'WebAssembly (wasm)',
    aka: ['wasm', 'threads', 'simd'],
    text: 'Fast compiled code on the CPU, on several threads when the page allows it. On machines without a real GPU it is often the fastest trainer.',
    see: ['backend', 'webgpu'],
  },
];

/** Entries whose term, other spellings, text or formula contain every word of the query. */
export function filterGlossary(query: string): readonly GlossaryEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return GLOSSARY;
  return GLOSSARY.filter((e) => {
    const hay = [e.term, ...e.aka, e.text, e.formula ?? ''].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export function glossaryEntry(id: string): GlossaryEntry | undefined {
  return GLOSSARY.find((e) => e.id === id);
}
