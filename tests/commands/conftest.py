from tests.commands.behaviour import both_sides, run_both

__all__ = ["both_sides", "run_both"]
