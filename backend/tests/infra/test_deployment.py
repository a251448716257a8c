"""Deployment files validated without a cluster: every Kubernetes object against the official JSON schemas
(kubernetes-validate), the production overlay rendered like kustomize does (base + resources + JSON 6902
patches + image and namespace overrides), the compose file and the Dockerfile checked for what the
runbook promises. `docker compose config` runs too where a Docker engine with compose exists."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonpatch
import kubernetes_validate
import pytest
import yaml

from app.config import REPO_ROOT

K8S = REPO_ROOT / "infra" / "k8s"
KUBERNETES_VERSION = "1.30.0"


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def render(directory: Path) -> list[dict[str, Any]]:
    """What `kustomize build directory` produces for the features these files use."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    objects: list[dict[str, Any]] = []
    for entry in kustomization.get("resources", []):
        target = (directory / entry).resolve()
        objects += render(target) if target.is_dir() else _documents(target)
    for patch in kustomization.get("patches", []):
        selected = [
            obj
            for obj in objects
            if obj["kind"] == patch["target"]["kind"] and obj["metadata"]["name"] == patch["target"]["name"]
        ]
        assert selected, f"{directory}: patch target {patch['target']} matches nothing"
        operations = jsonpatch.JsonPatch(yaml.safe_load(patch["patch"]))
        for obj in selected:
            objects[objects.index(obj)] = operations.apply(obj)
    for image in kustomization.get("images", []):
        for obj in objects:
            for container in _containers(obj):
                if container["image"].split(":")[0] in (image["name"], image.get("newName")):
                    container["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    for label in kustomization.get("labels", []):
        for obj in objects:
            obj["metadata"].setdefault("labels", {}).update(label["pairs"])
    if "namespace" in kustomization:
        for obj in objects:
            obj["metadata"]["namespace"] = kustomization["namespace"]
    return objects


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    if obj["kind"] in ("Deployment", "Job"):
        spec: dict[str, Any] = obj["spec"]["template"]["spec"]
        return spec
    return None


def _containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = _pod_spec(obj)
    return spec["containers"] if spec else []


def _by(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


@pytest.fixture(scope="module")
def production() -> list[dict[str, Any]]:
    return render(K8S / "overlays" / "production")


@pytest.mark.parametrize("overlay", [K8S / "base", K8S / "overlays" / "production"], ids=["base", "production"])
def test_every_object_matches_the_kubernetes_schema(overlay: Path) -> None:
    objects = render(overlay)
    assert objects
    for obj in objects:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_the_validator_refuses_a_broken_object() -> None:
    broken = yaml.safe_load((K8S / "base" / "api-deployment.yaml").read_text(encoding="utf-8"))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = {"no": "way"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_base_has_every_required_object() -> None:
    kinds = {(o["kind"], o["metadata"]["name"]) for o in render(K8S / "base")}
    assert {
        ("Deployment", "mtf-api"),
        ("Deployment", "mtf-worker"),
        ("Job", "mtf-migrate"),
        ("ConfigMap", "mtf-config"),
        ("Service", "mtf-api"),
        ("HorizontalPodAutoscaler", "mtf-api"),
        ("HorizontalPodAutoscaler", "mtf-worker"),
        ("PodDisruptionBudget", "mtf-api"),
        ("NetworkPolicy", "mtf-api"),
        ("NetworkPolicy", "mtf-worker"),
    } <= kinds
    # Secrets are referenced, never committed.
    assert not any(kind == "Secret" for kind, _ in kinds)


def test_the_api_rolls_out_gated_on_readiness(production: list[dict[str, Any]]) -> None:
    api = _by(production, "Deployment", "mtf-api")
    assert api["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    container = _containers(api)[0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["image"] == "registry.example.com/mt-facturation:1.0.0"
    env = {item["name"]: item["value"] for item in container.get("env", [])}
    assert env["MTF_FORWARDED_ALLOW_IPS"], "production trusts forwarded headers from the ingress only"
    sources = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
    assert sources == {"mtf-config", "mtf-secrets"}


def test_every_pod_runs_as_non_root_with_the_shared_configuration(production: list[dict[str, Any]]) -> None:
    for obj in production:
        spec = _pod_spec(obj)
        if spec is None:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True, obj["metadata"]["name"]
        for container in spec["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert {next(iter(ref.values()))["name"] for ref in container["envFrom"]} == {"mtf-config", "mtf-secrets"}
        assert obj["metadata"]["namespace"] == "mt-facturation"


def test_selectors_find_their_pods(production: list[dict[str, Any]]) -> None:
    pods = {
        o["metadata"]["name"]: o["spec"]["template"]["metadata"]["labels"]
        for o in production
        if _pod_spec(o) is not None
    }

    def selects(selector: dict[str, str]) -> list[str]:
        return [name for name, labels in pods.items() if selector.items() <= labels.items()]

    for obj in production:
        if obj["kind"] == "Service":
            assert selects(obj["spec"]["selector"]) == ["mtf-api"]
        elif obj["kind"] in ("PodDisruptionBudget",):
            assert selects(obj["spec"]["selector"]["matchLabels"]) == [obj["metadata"]["name"]]
        elif obj["kind"] == "NetworkPolicy":
            assert selects(obj["spec"]["podSelector"]["matchLabels"]) == [obj["metadata"]["name"]]
        elif obj["kind"] == "HorizontalPodAutoscaler":
            target = obj["spec"]["scaleTargetRef"]
            _by(production, target["kind"], target["name"])
        elif obj["kind"] == "Ingress":
            backend = obj["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
            service = _by(production, "Service", backend["name"])
            assert backend["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}


def test_the_configmap_names_only_known_settings(production: list[dict[str, Any]]) -> None:
    from app.config import Settings

    known = {f"MTF_{name.upper()}" for name in Settings.model_fields}
    for key in _by(production, "ConfigMap", "mtf-config")["data"]:
        assert key in known or key.startswith("OTEL_"), f"{key} is not a setting of app.config.Settings"


COMPOSE = REPO_ROOT / "infra" / "docker-compose.yml"


def test_compose_has_the_documented_services() -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "api", "worker", "redis"}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["migrate"]["command"] == ["mtf", "migrate"]
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["build"]["dockerfile"] == "backend/Dockerfile"
    assert services["worker"]["command"] == ["mtf-worker"]
    assert services["redis"]["profiles"] == ["shared-rate-limits"]
    init_script = services["postgres"]["volumes"][1].split(":")[0]
    assert "CREATE DATABASE mt_facturation_test" in (COMPOSE.parent / init_script).read_text(encoding="utf-8")


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode != 0,
    reason="no docker compose on this machine (CI's ubuntu runners have it)",
)
def test_docker_compose_config_accepts_the_file() -> None:
    subprocess.run(["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"], check=True)


def test_the_dockerfile_builds_the_spa_and_runs_as_non_root() -> None:
    dockerfile = (REPO_ROOT / "backend" / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM (\S+) AS (\S+)$", dockerfile, flags=re.MULTILINE)
    assert [name for _, name in stages] == ["spa", "backend", "runtime"]
    assert "RUN npm ci" in dockerfile
    assert "RUN npm run build" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "COPY --from=spa" in dockerfile
    assert "MTF_FRONTEND_DIST=/srv/spa" in dockerfile
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert re.search(r"^USER 10001", runtime, flags=re.MULTILINE)
    assert "HEALTHCHECK" in runtime
    assert "/health/live" in runtime
    # Every file the stages copy from the repository exists (frontend/ once the SPA has landed).
    for source in re.findall(r"^COPY (?!--from)(?:--\S+ )*(\S+) ", dockerfile, flags=re.MULTILINE):
        if source.startswith("frontend/") and not (REPO_ROOT / "frontend").exists():
            continue
        assert (REPO_ROOT / source).exists(), source
