"""The benchmark (`python -m gdstudio.bench`): one module per part of the studio it times."""
