"""Seed 001_b99ffe26e7130a52.txt, the "Manual" numpy snippets, transcribed as posted.

Each snippet is a top-level script in the post; here each is a function whose parameters are the
snippet's globals: `x` is the TF tensor (`tf.random.normal(shape=...)`) as a numpy array in its NHWC (or
(1, L, 1)) layout, `f, s` are the pool size and stride (`L, f, s = 1021` in the copy is `10, 2, 1`), and
`L` / `N, n_H, n_W, n_C` are read from x.shape. The bodies are the post's lines. Wrapped by `ko_tf_pooling`.
"""
# ruff: noqa
import math # gauss func
import numpy as np


def max_pool_1d(x, f, s):
    """Section "1D Max Pooling". `s` is a parameter of the snippet's setup and unused, as in the post."""
    L = x.shape[1]
    x = x.flatten()
    pooled_max_man = np.zeros((L - f + 1, ))
    for i in range(L - f + 1):
      window = x[i:i+f]
      pooled_max_man[i] = np.max(window)
    return pooled_max_man


def max_pool_2d(x, f, s):
    """Section "2D Max Pooling" (single channel). `s` unused, as in the post."""
    N, n_H, n_W, n_C = x.shape
    x = x.squeeze()
    pooled_max_man = np.zeros(shape=(n_H - f + 1, n_W - f + 1))
    for i in range(n_H - f + 1):
      for j in range(n_W - f + 1):
        window = x[i:i+f, j:j+f]
        pooled_max_man[i, j] = np.max(window)
    # output shape = (n_H-f+1, n_W-f+1)
    return pooled_max_man


def max_pool_2d_multichannel(x, f, s):
    """Section "3D Max Pooling" (multi-channel 2-D). Returns (n_H_, n_W_, n_C)."""
    N, n_H, n_W, n_C = x.shape
    x = x.squeeze()
    n_H_ = math.floor((n_H - f)/s + 1)
    n_W_ = math.floor((n_W - f)/s + 1)
    pooled_max_man = np.zeros(shape=(n_H_,n_W_,n_C))

    # channel별로 들어옴
    for c in range(n_C):
      c_image = x[:, :, c]

    # input image의 index와 output image의 index가 달라 변수설정
      h_ = 0
      for h in range(0, n_H - f + 1, s):
        w_ = 0
        for w in range(0, n_W - f + 1, s):
          window = c_image[h:h+f, w:w+f]
          pooled_max_man[h_, w_, c] = np.max(window)

          w_ += 1
        h_ += 1
    return pooled_max_man


def avg_pool_1d(x, f, s):
    """Section "1D Average Pooling". `s` unused, as in the post."""
    L = x.shape[1]
    x = x.flatten()
    pooled_avg_man = np.zeros((L - f + 1, ))
    for i in range(L - f + 1):
      window = x[i:i+f]
      pooled_avg_man [i] = np.mean(window)
    return pooled_avg_man


def avg_pool_2d(x, f, s):
    """Section "2D Average Pooling" (single channel). `s` unused, as in the post."""
    N, n_H, n_W, n_C = x.shape
    x = x.squeeze()
    pooled_avg_man = np.zeros(shape=(n_H - f + 1, n_W - f + 1))
    for i in range(n_H - f + 1):
      for j in range(n_W - f + 1):
        window = x[i:i+f, j:j+f]
        pooled_avg_man[i, j] = np.mean(window)
    # output shape = (n_H-f+1, n_W-f+1)
    return pooled_avg_man
