"""The coverage snapshot computation, one module per step of its pipeline.

inputs → unions → areas → addresses → hexagons → results, with the population sums
(people) when a raster is loaded; `run.coverage_compute` runs them on two threads
(background: what the second thread does) in one transaction.
"""
