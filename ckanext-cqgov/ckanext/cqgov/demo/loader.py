"""Loads the demo catalog into CKAN through its action API, idempotently.

Every organization, dataset and resource has a fixed name. The loader looks each
one up first and creates it when missing, patches it when it differs from the
catalog and leaves it alone otherwise, so a second run changes nothing. Uploaded
files are compared byte for byte with the generated CSV.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from werkzeug.datastructures import FileStorage

from ckanext.cqgov.demo.catalog import Catalog, Dataset, Organization, Resource

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
KINDS = ("organizations", "datasets", "resources")


@dataclass
class Summary:
    """How many objects of each kind were created, updated or left unchanged."""

    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {kind: Counter() for kind in KINDS}
    )

    def add(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            kind: {o: self.counts[kind][o] for o in (CREATED, UPDATED, UNCHANGED)}
            for kind in KINDS
        }

    def lines(self) -> list[str]:
        return [
            f"{kind}: {n[CREATED]} created, {n[UPDATED]} updated, "
            f"{n[UNCHANGED]} unchanged"
            for kind, n in self.as_dict().items()
        ]


class LoadError(Exception):
    """An object of the catalog that CKAN refused; says which one and why."""


def site_user_name() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


class Loader:
    """Converges CKAN to a :class:`Catalog`, acting as the sysadmin ``user``."""

    def __init__(self, user: str, echo: Callable[[str], None] | None = None) -> None:
        self.user = user
        self.echo = echo or (lambda message: None)
        self.summary = Summary()

    def _call(self, action: str, data: dict[str, Any]) -> Any:
        # A fresh context per call: actions store objects in the one they get.
        # The generated demo files hold no personal data: the desensitization
        # gate is not run on them.
        context = {"user": self.user, "cqgov_desensitize_skip": True}
        return tk.get_action(action)(context, data)

    def _show(self, action: str, name: str, **extra: Any) -> dict[str, Any] | None:
        try:
            return self._call(action, {"id": name, **extra})
        except tk.ObjectNotFound:
            return None

    def _record(self, kind: str, outcome: str, name: str) -> None:
        self.summary.add(kind, outcome)
        if outcome != UNCHANGED:
            self.echo(f"{outcome} {kind[:-1]} {name}")

    def load(self, catalog: Catalog) -> Summary:
        """Create or update everything in ``catalog``; raises :class:`LoadError`."""
        if not uploader.get_storage_path():
            raise LoadError("ckan.storage_path is not set: nowhere to upload the files")
        for organization in catalog.organizations:
            with _naming("organization", organization.name):
                self.load_organization(organization)
        for dataset in catalog.datasets:
            with _naming("dataset", dataset.name):
                self.load_dataset(dataset)
        return self.summary

    # organizations

    def load_organization(self, org: Organization) -> None:
        wanted = {**org.as_dict(), "state": "active"}
        current = self._show(
            "organization_show", org.name, include_datasets=False, include_users=False
        )
        if current is None:
            self._call("organization_create", wanted)
            outcome = CREATED
        elif _differs(wanted, current):
            self._call("organization_patch", {**wanted, "id": current["id"]})
            outcome = UPDATED
        else:
            outcome = UNCHANGED
        self._record("organizations", outcome, org.name)

    # datasets

    def load_dataset(self, dataset: Dataset) -> None:
        wanted = {**dataset.as_dict(), "state": "active"}
        current = self._show("package_show", dataset.name)
        if current is None:
            current = self._call("package_create", wanted)
            outcome = CREATED
        elif _dataset_differs(wanted, current):
            current = self._call("package_patch", {**wanted, "id": current["id"]})
            outcome = UPDATED
        else:
            outcome = UNCHANGED
        if current.get("catalog_status") != dataset.catalog_status:
            self.review_to(current, dataset.catalog_status)
            outcome = UPDATED if outcome == UNCHANGED else outcome
        self._record("datasets", outcome, dataset.name)

        existing = {res.get("name"): res for res in current.get("resources", [])}
        for resource in dataset.resources:
            self.load_resource(current["id"], resource, existing.get(resource.name))

    def review_to(self, current: dict[str, Any], wanted: str) -> None:
        """Bring an entry to the ``wanted`` review state through the workflow,
        so its history shows the steps (submitted, returned with a reason,
        approved)."""
        entry = {"id": current["id"]}
        status = current.get("catalog_status") or "draft"
        if wanted == "draft" or status == "approved":
            self._call("package_patch", {**entry, "catalog_status": "draft"})
            status = "draft"
        if wanted == "draft":
            return
        if status in ("draft", "returned"):
            self._call("cqgov_catalog_submit", entry)
        if wanted == "approved":
            self._call("cqgov_catalog_approve", entry)
        elif wanted == "returned":
            self._call(
                "cqgov_catalog_return",
                {
                    **entry,
                    "comment": "请补充共享条件的适用范围和信息项说明后重新报送。",
                },
            )

    # resources

    def load_resource(
        self, package_id: str, resource: Resource, current: dict[str, Any] | None
    ) -> None:
        wanted = resource.as_dict()
        if current is None:
            self._call(
                "resource_create",
                {**wanted, "package_id": package_id, "upload": _file(resource)},
            )
            outcome = CREATED
        elif not _stored_file_matches(current, resource.content):
            self._call(
                "resource_patch",
                {**wanted, "id": current["id"], "upload": _file(resource)},
            )
            outcome = UPDATED
        elif _differs(wanted, current):
            self._call("resource_patch", {**wanted, "id": current["id"]})
            outcome = UPDATED
        else:
            outcome = UNCHANGED
        self._record("resources", outcome, resource.name)


@contextmanager
def _naming(kind: str, name: str) -> Iterator[None]:
    try:
        yield
    except tk.ValidationError as error:
        raise LoadError(f"{kind} {name}: {error.error_summary}") from error


def _file(resource: Resource) -> FileStorage:
    return FileStorage(
        stream=io.BytesIO(resource.content),
        filename=resource.filename,
        content_type="text/csv",
    )


def _differs(wanted: dict[str, Any], current: dict[str, Any]) -> bool:
    return any(current.get(key) != value for key, value in wanted.items())


def _dataset_differs(wanted: dict[str, Any], current: dict[str, Any]) -> bool:
    plain = {k: v for k, v in wanted.items() if k not in ("tags", "owner_org")}
    return (
        _differs(plain, current)
        or _tag_names(wanted["tags"]) != _tag_names(current.get("tags", []))
        or (current.get("organization") or {}).get("name") != wanted["owner_org"]
    )


def _tag_names(tags: Iterable[dict[str, Any]]) -> set[str]:
    return {tag["name"] for tag in tags}


def _stored_file_matches(current: dict[str, Any], content: bytes) -> bool:
    """True when ``current`` is an upload whose stored bytes are ``content``."""
    if current.get("url_type") != "upload":
        return False
    upload = uploader.get_resource_uploader(dict(current))
    get_path = getattr(upload, "get_path", None)
    if get_path is None:
        # Another storage (IUploader plugin): the recorded size is all we know.
        return current.get("size") == len(content)
    path = get_path(current["id"])
    if not os.path.isfile(path) or os.path.getsize(path) != len(content):
        return False
    with open(path, "rb") as stored:
        return stored.read() == content
