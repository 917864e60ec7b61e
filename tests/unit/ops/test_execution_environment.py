"""execution-environment.yml (ansible-builder v3) makes a build context that carries the
collection and its requirements; the installed collection declares its own requirements the
way ansible-builder discovers them (meta/execution-environment.yml)."""

from __future__ import annotations

import shutil

import yaml
from ops_lab import BIN, ROOT, build_collection, clean_env, run

EE_FILES = ("execution-environment.yml", "requirements.yml", "requirements.txt", "bindep.txt")


def test_builder_create_makes_a_complete_context(tmp_path):
    env = clean_env(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    for name in EE_FILES:
        shutil.copy2(ROOT / name, project / name)
    tarball = build_collection(project / "build", env)  # what the EE file's additional_build_files takes

    run([str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml", "-c", "context",
         "--output-filename", "Containerfile"], project, env)
    context = project / "context"
    containerfile = (context / "Containerfile").read_text()
    build = context / "_build"
    # the dependency files are copied as they are, and the Containerfile installs each
    for name in ("requirements.yml", "requirements.txt", "bindep.txt"):
        assert (build / name).read_text() == (ROOT / name).read_text(), name
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "introspect --user-pip=requirements.txt --user-bindep=bindep.txt" in containerfile
    # the collection itself is in the context and installed in the galaxy stage
    assert (build / "voicesec" / tarball.name).read_bytes() == tarball.read_bytes()
    galaxy_stage = containerfile.split("FROM base AS galaxy", 1)[1].split("FROM base AS builder", 1)[0]
    assert "/tmp/voicesec/voicesec-mivb-*.tar.gz" in galaxy_stage
    # ansible-core / ansible-runner from the definition, the Python the EE runs them with
    definition = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    assert definition["version"] == 3
    assert f'ANSIBLE_INSTALL_REFS="{definition["dependencies"]["ansible_core"]["package_pip"]} ' \
           f'{definition["dependencies"]["ansible_runner"]["package_pip"]}"' in containerfile
    assert 'PYCMD="/usr/bin/python3.12"' in containerfile


def test_installed_collection_declares_its_requirements_to_ansible_builder(tmp_path):
    env = clean_env(tmp_path)
    tarball = build_collection(tmp_path / "build", env)
    target = tmp_path / "collections"
    run([str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "-p", str(target), str(tarball)],
        tmp_path, env)
    proc = run([str(BIN / "ansible-builder"), "introspect", str(target)], tmp_path, env)
    found = yaml.safe_load(proc.stdout.split("\n", 1)[1])
    python = [line.split("#")[0].strip() for line in found["python"] if "voicesec.mivb" in line]
    system = [line.split("#")[0].strip() for line in found["system"] if "voicesec.mivb" in line]
    declared = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    declared = [line for line in declared if line]
    # everything requirements.txt declares, except what ansible-builder knows ansible-core brings
    assert python == [req for req in declared if not req.lower().startswith("pyyaml")]
    bindep = [line.split("#")[0].strip() for line in (ROOT / "bindep.txt").read_text().splitlines()]
    assert system == [line for line in bindep if line]
