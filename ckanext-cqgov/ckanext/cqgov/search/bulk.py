"""The dataset dicts of a search-index rebuild, read a batch at a time.

``ckan.lib.search.rebuild`` indexes what ``package_show`` returns (no
validation, no cache, ``ignore_auth``), one dataset after another: about a
dozen queries per dataset. :func:`package_dicts` returns the same dicts for a
batch of datasets from one query per table (packages with their extras,
resources, tags, extras, groups, organizations, relationships), dictized by
CKAN's own dictization helpers and passed through the same plugin hooks as
``package_show`` (``IPackageController.read`` / ``after_dataset_show``,
``IResourceController.before_resource_show``). A test compares the index
documents of both paths field by field.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from ckan import model, plugins
from ckan.lib import dictization
from ckan.lib.dictization import model_dictize
from ckan.types import Context

from ckanext.cqgov import batch_memo
from ckanext.cqgov.access import subjects
from ckanext.cqgov.catalog import hooks as catalog_hooks

#: datasets read (and their documents built) per batch
BATCH_SIZE = 200

# Columns added to CKAN's own row shapes to tell which dataset a row belongs
# to; taken out of the dictized rows again.
_OWNER = "cqgov_bulk_package_id"


def show_context() -> Context:
    """The context ``ckan.lib.search.rebuild`` gives ``package_show``, as
    CKAN's action wrapper completes it."""
    from ckan.common import g

    try:
        user = g.user
    except (AttributeError, RuntimeError, TypeError):
        user = ""
    return {
        "ignore_auth": True,
        "validate": False,
        "use_cache": False,
        "model": model,
        "session": model.Session,
        "user": user,
    }


def batches(ids: Iterable[str], size: int = BATCH_SIZE) -> Iterator[list[str]]:
    batch: list[str] = []
    for one in ids:
        batch.append(one)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _grouped(rows: Iterable[Any], key: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = collections.defaultdict(list)
    for row in rows:
        out[getattr(row, key)].append(row)
    return out


def _without_owner(dicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for one in dicts:
        one.pop(_OWNER, None)
    return dicts


class _Rows:
    """The rows ``package_dictize`` reads, for a batch of packages."""

    def __init__(self, packages: list[model.Package]):
        session = model.Session
        ids = [p.id for p in packages]
        res = model.resource_table
        self.resources = _grouped(
            session.execute(sa.select(res).where(res.c["package_id"].in_(ids))),
            "package_id",
        )
        tag, pkg_tag = model.tag_table, model.package_tag_table
        self.tags = _grouped(
            session.execute(
                sa.select(
                    tag, pkg_tag.c["state"], pkg_tag.c["package_id"].label(_OWNER)
                )
                .join(pkg_tag, tag.c["id"] == pkg_tag.c["tag_id"])
                .where(pkg_tag.c["package_id"].in_(ids))
            ),
            _OWNER,
        )
        extra = model.package_extra_table
        self.extras = _grouped(
            session.execute(sa.select(extra).where(extra.c["package_id"].in_(ids))),
            "package_id",
        )
        member, group = model.member_table, model.group_table
        self.groups = _grouped(
            session.execute(
                sa.select(
                    group, member.c["capacity"], member.c["table_id"].label(_OWNER)
                )
                .join(member, group.c["id"] == member.c["group_id"])
                .where(
                    member.c["table_id"].in_(ids),
                    member.c["state"] == "active",
                    group.c["is_organization"] == sa.false(),
                )
            ),
            _OWNER,
        )
        org_ids = sorted({p.owner_org for p in packages if p.owner_org})
        self.organizations = {
            row.id: row
            for row in session.execute(
                sa.select(group).where(
                    group.c["id"].in_(org_ids), group.c["state"] == "active"
                )
            )
        }
        rel = model.package_relationship_table
        self.as_subject = _grouped(
            session.execute(sa.select(rel).where(rel.c["subject_package_id"].in_(ids))),
            "subject_package_id",
        )
        self.as_object = _grouped(
            session.execute(sa.select(rel).where(rel.c["object_package_id"].in_(ids))),
            "object_package_id",
        )


def _dictize(pkg: model.Package, rows: _Rows, context: Context) -> dict[str, Any]:
    """``model_dictize.package_dictize(pkg, context)`` from prefetched rows
    (same helpers, same order of keys)."""
    result = dictization.table_dictize(pkg, context)
    if result.get("title"):
        result["title"] = result["title"].strip()
    result.pop("plugin_data", None)

    result["resources"] = model_dictize.resource_list_dictize(
        rows.resources.get(pkg.id, []), context
    )
    result["num_resources"] = len(result["resources"])

    result["tags"] = _without_owner(
        dictization.obj_list_dictize(
            rows.tags.get(pkg.id, []), context, lambda x: x["name"]
        )
    )
    result["num_tags"] = len(result["tags"])
    for tag_dict in result["tags"]:
        tag_dict["display_name"] = tag_dict["name"]

    result["extras"] = model_dictize.extras_list_dictize(
        rows.extras.get(pkg.id, []), context
    )

    context["with_capacity"] = False
    result["groups"] = _without_owner(
        model_dictize.group_list_dictize(
            rows.groups.get(pkg.id, []), context, with_package_counts=False
        )
    )

    organization = rows.organizations.get(pkg.owner_org) if pkg.owner_org else None
    result["organization"] = (
        dictization.obj_list_dictize([organization], context)[0]
        if organization is not None
        else None
    )
    # (obj_list_dictize drops inactive rows; the query kept only active ones)

    result["relationships_as_subject"] = dictization.obj_list_dictize(
        rows.as_subject.get(pkg.id, []), context
    )
    result["relationships_as_object"] = dictization.obj_list_dictize(
        rows.as_object.get(pkg.id, []), context
    )

    result["isopen"] = pkg.isopen if isinstance(pkg.isopen, bool) else pkg.isopen()
    result["type"] = pkg.type or "dataset"
    if pkg.license and pkg.license.url:
        result["license_url"] = pkg.license.url
        result["license_title"] = pkg.license.title.split("::")[-1]
    elif pkg.license:
        result["license_title"] = pkg.license.title
    else:
        result["license_title"] = pkg.license_id
    result["metadata_modified"] = pkg.metadata_modified.isoformat()
    result["metadata_created"] = (
        pkg.metadata_created.isoformat() if pkg.metadata_created else None
    )
    return result


def load_packages(ids: list[str]) -> dict[str, model.Package]:
    """The packages with these ids."""
    found = model.Session.query(model.Package).filter(model.Package.id.in_(ids)).all()
    return {p.id: p for p in found}


def package_dicts(
    context: Context, ids: list[str]
) -> list[tuple[model.Package, dict[str, Any]]]:
    """What ``package_show(context, {"id": id})`` returns for each id, with
    ``context`` from :func:`show_context` (no validation, no cache), in the
    order of ``ids``; ids that are not package ids are left out. Inside a
    :func:`~ckanext.cqgov.batch_memo.scope`, each package's extras are
    remembered for its permission labels.

    Raises whatever dictization or a plugin hook raises; the caller then
    falls back to ``package_show`` one dataset at a time.
    """
    by_id = load_packages(ids)
    packages = [by_id[i] for i in ids if i in by_id]
    rows = _Rows(packages)
    # (the organization look-ups of the hooks below, one query each per batch)
    org_ids = sorted(rows.organizations)
    subjects.remember_organization_extras(org_ids)
    catalog_hooks.remember_organization_usccs(org_ids)
    out = []
    for pkg in packages:
        # the permission labels read the extras of the package object (every
        # row, as its ``extras`` has them): given from the rows read here
        batch_memo.remember(
            subjects.package_extras_key(pkg.id),
            {row.key: row.value for row in rows.extras.get(pkg.id, [])},
        )
        context["package"] = pkg
        package_dict = _dictize(pkg, rows, context)
        for item in plugins.PluginImplementations(plugins.IPackageController):
            item.read(pkg)
        for item in plugins.PluginImplementations(plugins.IResourceController):
            for resource_dict in package_dict["resources"]:
                item.before_resource_show(resource_dict)
        for item in plugins.PluginImplementations(plugins.IPackageController):
            item.after_dataset_show(context, package_dict)
        out.append((pkg, package_dict))
    return out
