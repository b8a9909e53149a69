"""Divergences of torch.nn.functional from the spec."""
