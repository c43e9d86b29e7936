from tests.commands.behaviour import run_both

__all__ = ["run_both"]
