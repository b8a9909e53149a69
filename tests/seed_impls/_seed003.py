"""Seed 003_816896a507cb48a9.txt, transcribed as posted: `im2col`, `col2im` and the `Pooling` layer.
The copy lost all indentation; it is restored in the only way the code runs. Wrapped by
`ja_im2col_pooling`.
"""
# ruff: noqa
# In[1]
import numpy as np
np.random.seed(1)
# In[2]
def im2col(x, fil_size, y_size, stride, pad):
    x_b, x_c, x_h, x_w = x.shape
    fil_h, fil_w = fil_size, fil_size
    y_h, y_w = y_size, y_size
    index = -1
    x_pad = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    x_col = np.zeros((fil_h*fil_w, x_b, x_c, y_h, y_w))
    for h in range(fil_h):
        h2 = h + y_h*stride
        for w in range(fil_w):
            index += 1
            w2 = w + y_w*stride
            x_col[index,:,:,:,:] = x_pad[:,:,h:h2:stride,w:w2:stride]
    x_col = x_col.transpose(2,0,1,3,4).reshape(x_c*fil_h*fil_w, x_b*y_h*y_w)
    return x_col
def col2im(dx_col, x_shape, fil_size, y_size, stride, pad):
    x_b, x_c, x_h, x_w = x_shape
    fil_h, fil_w = fil_size, fil_size
    y_h, y_w = y_size, y_size
    index = -1
    dx_col = dx_col.reshape(x_c, fil_h*fil_w, x_b, y_h, y_w).transpose(1,2,0,3,4)
    dx = np.zeros((x_b, x_c, x_h+2*pad+stride-1, x_w+2*pad+stride-1))
    for h in range(fil_h):
        h2 = h + y_h*stride
        for w in range(fil_w):
            index += 1
            w2 = w + y_w*stride
            dx[:,:,h:h2:stride,w:w2:stride] += dx_col[index,:,:,:,:]
    return dx[:,:,pad:x_h+pad, pad:x_w+pad]
# in[13]
class Pooling:
    def __init__(self, pool):
        self.pool = pool
    def forward(self, x):
        self.xshape = x.shape
        self.x_b, self.x_c, self.x_h, self.x_w = x.shape
        self.y_h = self.x_h//self.pool if self.x_h%self.pool==0 else self.x_h//self.pool+1
        self.y_w = self.x_w//self.pool if self.x_w%self.pool==0 else self.x_w//self.pool+1
        x_col = im2col(x, self.pool, self.y_h, self.pool, 0).T.reshape(-1,self.pool*self.pool)
        y = np.max(x_col, axis=1)
        self.y = y.reshape(self.x_b, self.y_h, self.y_w, self.x_c).transpose(0,3,1,2)
        self.max_index = np.argmax(x_col, axis=1)
        return self.y
    def backward(self, dy):
        dy = dy.transpose(0,2,3,1)
        dx = np.zeros((self.pool*self.pool, dy.size))
        dx[self.max_index.reshape(-1), np.arange(dy.size)] = dy.reshape(-1)
        dx = dx.reshape(self.pool, self.pool, self.x_b, self.y_h, self.y_w, self.x_c)
        dx = dx.transpose(5,0,1,2,3,4)
        dx = dx.reshape(self.x_c*self.pool*self.pool, self.x_b*self.y_h*self.y_w)
        self.dx = col2im(dx, self.xshape, self.pool, self.y_h, self.pool, 0)
        return self.dx
