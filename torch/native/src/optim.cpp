// Fused optimizer updates: one call per parameter does the whole in-place update, without recording
// gradients and without handing temporaries to C#. The equations are PyTorch's (torch.optim.AdamW and
// torch.optim.SGD, single-tensor "for-loop" implementations).
#include "common.h"

#include <ATen/core/grad_mode.h>
#include <cmath>

using namespace zt;

// AdamW (Loshchilov & Hutter, decoupled weight decay), step t >= 1:
//   θ ← θ·(1 − lr·λ);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  v̂max ← max(v̂max, v) (amsgrad)
//   θ ← θ − lr/(1−β1^t) · m / (√v / √(1−β2^t) + ε)
// max_exp_avg_sq is null unless amsgrad; maximize uses −g.
ZT_EXPORT int32_t zt_adamw_step(TH param, TH grad, TH exp_avg, TH exp_avg_sq, TH max_exp_avg_sq, double lr, double beta1,
                                double beta2, double eps, double weight_decay, int64_t step, int32_t maximize) {
  ZT_BEGIN
  at::NoGradGuard no_grad;
  TORCH_CHECK_VALUE(step >= 1, "adamw: step must be >= 1, got ", step);
  at::Tensor& p = *param;
  const at::Tensor g = maximize ? grad->neg() : *grad;
  if (weight_decay != 0) p.mul_(1 - lr * weight_decay);
  exp_avg->lerp_(g, 1 - beta1);
  exp_avg_sq->mul_(beta2).addcmul_(g, g, 1 - beta2);
  const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, static_cast<double>(step)));
  at::Tensor denom;
  if (max_exp_avg_sq) {
    at::maximum_out(*max_exp_avg_sq, *max_exp_avg_sq, *exp_avg_sq);
    denom = max_exp_avg_sq->sqrt().div_(bias_correction2_sqrt).add_(eps);
  } else {
    denom = exp_avg_sq->sqrt().div_(bias_correction2_sqrt).add_(eps);
  }
  p.addcdiv_(*exp_avg, denom, -lr / bias_correction1);
  return 0;
  ZT_END(-1)
}

// SGD with optional L2 weight decay, momentum (dampening) and Nesterov:
//   d ← ±g + λ·θ;  b ← d (first step) or μ·b + (1−τ)·d;  d ← d + μ·b (nesterov) or b;  θ ← θ − lr·d
// buf is null when momentum is 0; `first` says the buffer has not been initialised yet.
ZT_EXPORT int32_t zt_sgd_step(TH param, TH grad, TH buf, double lr, double momentum, double dampening,
                              double weight_decay, int32_t nesterov, int32_t maximize, int32_t first) {
  ZT_BEGIN
  at::NoGradGuard no_grad;
  at::Tensor d = maximize ? grad->neg() : *grad;
  if (weight_decay != 0) d = d.add(*param, weight_decay);
  if (momentum != 0) {
    TORCH_CHECK_VALUE(buf != nullptr, "sgd: momentum ", momentum, " needs a momentum buffer");
    if (first) {
      buf->copy_(d);
    } else {
      buf->mul_(momentum).add_(d, 1 - dampening);
    }
    d = nesterov ? d.add(*buf, momentum) : *buf;
  }
  param->add_(d, -lr);
  return 0;
  ZT_END(-1)
}
