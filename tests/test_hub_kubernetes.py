"""The Zero to JupyterHub values (issue 13, item 8) name the image, the exchange and hide the
instructor-only nbgrader extensions, the same list the student bundle hides."""

from __future__ import annotations

from pathlib import Path

import yaml

from negotiation_course.hub.learner import (
    HUB_DISABLED_LAB_PLUGINS,
    HUB_DISABLED_SERVER_EXTENSIONS,
    MENU,
)

VALUES = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes" / "values.yaml"


def _values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def test_values_name_the_learner_image_and_limits():
    single = _values()["singleuser"]
    assert single["image"]["name"].endswith("negotiation-course-learner")
    assert single["image"]["tag"]
    assert single["cpu"]["limit"] and single["memory"]["limit"]


def test_values_mount_the_exchange_from_a_shared_claim():
    single = _values()["singleuser"]
    (volume,) = [v for v in single["storage"]["extraVolumes"] if v["name"] == "nbgrader-exchange"]
    assert volume["persistentVolumeClaim"]["claimName"]
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    assert mounts["nbgrader-exchange"] == "/srv/nbgrader/exchange"
    assert 'Exchange.root = "/srv/nbgrader/exchange"' in (
        single["extraFiles"]["nbgrader-config"]["stringData"])


def test_values_keep_only_the_learner_extensions():
    files = _values()["singleuser"]["extraFiles"]
    server = files["learner-server-extensions"]["data"]["ServerApp"]["jpserver_extensions"]
    assert server["nbgrader.server_extensions.assignment_list"] is True
    assert server["nbgrader.server_extensions.validate_assignment"] is True
    assert all(server[name] is False for name in HUB_DISABLED_SERVER_EXTENSIONS)
    lab = files["learner-lab-extensions"]["data"]["disabledExtensions"]
    assert all(lab[plugin] is True for plugin in HUB_DISABLED_LAB_PLUGINS)
    assert MENU not in lab  # the learner's way to the Assignment List


def test_values_give_each_learner_a_distinct_uid():
    config = _values()["hub"]["extraConfig"]["per-learner-uid"]
    assert "c.KubeSpawner.uid = learner_uid" in config and "spawner.user.id" in config
