"""Benchmarks: speed against NumPy and PyTorch, and the gradient-correctness report."""
