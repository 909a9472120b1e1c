"""The network lesson's views: decision boundary, train/validation curves, sharpness (Qt)."""
