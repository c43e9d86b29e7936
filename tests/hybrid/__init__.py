"""Tests of hybrid constructions: composite signatures, KEM combiners."""
