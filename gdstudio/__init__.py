"""Gradient Descent Studio: watch gradient descent work."""

__version__ = "0.1.0"
