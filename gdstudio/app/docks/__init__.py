"""The Controls, Plots and Readouts docks."""
