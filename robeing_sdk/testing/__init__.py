"""Helpers for testing skills; the fixtures live in :mod:`robeing_sdk.testing.pytest_plugin`."""

from robeing_sdk.testing.helpers import find_skill_name, runtime_with, translation_problems

__all__ = ["find_skill_name", "runtime_with", "translation_problems"]
