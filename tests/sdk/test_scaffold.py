"""The scaffold's project builds as a wheel, installs, and its own tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from robeing_sdk.scaffold import create_skill


def test_a_scaffolded_skill_builds_installs_and_passes_its_own_tests(tmp_path: Path) -> None:
    project = create_skill("Probe_Skill", tmp_path)
    assert project.name == "probe-skill"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp_path / "dist"), str(project)],
                   check=True)
    wheels = list((tmp_path / "dist").glob("probe_skill-0.1.0-*.whl"))
    assert len(wheels) == 1
    target = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheels[0])],
                   check=True)
    assert (target / "probe_skill" / "robeing-skill.toml").is_file()
    assert (target / "probe_skill" / "locales" / "ja" / "LC_MESSAGES" / "messages.po").is_file()
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "tests")],
        cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
