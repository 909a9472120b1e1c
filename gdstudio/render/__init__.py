"""OpenGL rendering: the 3D landscape view, its GL items and the Qt-free geometry behind them."""
