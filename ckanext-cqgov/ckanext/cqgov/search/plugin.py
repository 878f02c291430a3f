"""cqgov_pgsearch: CKAN's package search over PostgreSQL instead of Solr.

CKAN 2.11 has no search-backend interface, but every piece of its search code
obtains Solr through ``make_connection()``. While this plugin is loaded that
name returns a :class:`~.client.PgSolrClient` in each module that imported it,
and the availability / schema checks CKAN runs at start-up look at the index
table instead of a Solr server. Unloading the plugin restores the originals, so
switching to Solr is a configuration change plus ``ckan search-index rebuild``.

The index table comes from this plugin's migrations:
``ckan db upgrade -p cqgov_pgsearch`` (plain ``ckan db upgrade`` runs them too).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection
from typing import Any

import ckan.lib.search as search
import ckan.lib.search.common as search_common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
import ckan.plugins as p

from . import client

log = logging.getLogger(__name__)

PLACEHOLDER_SOLR_URL = "http://127.0.0.1:8983/solr/unused-by-cqgov-pgsearch"

_MODULES_USING_CONNECTION = (search_common, search_index, search_query, search)
_originals: dict[tuple[Any, str], Any] = {}


def make_connection(decode_dates: bool = True) -> client.PgSolrClient:
    """Replacement for ``ckan.lib.search.common.make_connection``."""
    return client.PgSolrClient(decode_dates=decode_dates)


def is_available() -> bool:
    """Replacement for ``ckan.lib.search.is_available``: the table exists."""
    try:
        return client.table_exists()
    except Exception as e:  # noqa: BLE001 - any failure means "not available"
        log.warning("PostgreSQL search index is not available: %s", e)
        return False


def check_solr_schema_version(schema_file: str | None = None) -> bool:
    """Replacement for ``ckan.lib.search.check_solr_schema_version``.

    The index table's layout is versioned by this plugin's migrations, so
    there is nothing to compare; only warn if the table is missing (before the
    database engine exists, e.g. early in start-up, there is nothing to check).
    """
    from ckan.model import meta

    if meta.engine is None:
        return False
    if not is_available():
        log.warning(
            "Search index table %s is missing: run `ckan db upgrade -p cqgov_pgsearch`",
            client.TABLE,
        )
        return False
    return True


def rebuild(
    package_id: str | None = None,
    only_missing: bool = False,
    force: bool = False,
    defer_commit: bool = False,
    package_ids: Collection[str] | None = None,
    quiet: bool = False,
    clear: bool = False,
) -> None:
    """``ckan.lib.search.rebuild`` (same arguments, same documents) with
    bulk reads and batched writes.

    One dataset (``package_id``) goes CKAN's way. Otherwise the datasets are
    read :data:`.bulk.BATCH_SIZE` at a time with a few queries per batch
    (:func:`.bulk.package_dicts`: what ``package_show`` returns) instead of a
    dozen per dataset, organization look-ups of the plugin hooks are made
    once per batch (:mod:`ckanext.cqgov.batch_memo`), and with
    ``defer_commit`` (what ``ckan search-index rebuild`` passes unless
    ``--commit-each``; always for ``package_ids``, as in CKAN) the documents
    are written several hundred per statement (:func:`.client.batched_writes`).
    A batch that cannot be read in bulk is read with ``package_show`` one
    dataset at a time, so errors are reported (or skipped with ``force``)
    per dataset as CKAN does.

    A full rebuild (neither ``package_id`` nor ``package_ids``) of a large
    catalog runs in :func:`rebuild_processes` forked processes, each with a
    share of the datasets (what ``ckan search-index rebuild-fast`` does, here
    also for ``ckan search-index rebuild`` and its options).
    """
    original = _originals.get((search, "rebuild"), search.rebuild)
    if original is rebuild:  # pragma: no cover - defensive
        raise RuntimeError("cqgov_pgsearch: original rebuild lost")
    with client.batched_writes():
        if package_id:
            return original(package_id=package_id, defer_commit=defer_commit)
        return _bulk_rebuild(
            only_missing, force, defer_commit, package_ids, quiet, clear
        )


def _ids_to_rebuild(only_missing: bool, clear: bool) -> list[str]:
    """The datasets a full rebuild indexes, as CKAN chooses them (clearing
    the index first with ``clear``)."""
    from ckan import model
    from ckan.common import config

    packages = model.Session.query(model.Package.id)
    if config.get("ckan.search.remove_deleted_packages"):
        packages = packages.filter(model.Package.state != "deleted")
    ids = [r[0] for r in packages.all()]
    if only_missing:
        log.info("Indexing only missing packages...")
        indexed = set(
            search.query_for(model.Package).get_all_entity_ids(max_results=len(ids))
        )
        return [i for i in ids if i not in indexed]
    log.info("Rebuilding the whole index...")
    if clear:
        search.index_for(model.Package).clear()
    return ids


def _bulk_rebuild(
    only_missing: bool,
    force: bool,
    defer_commit: bool,
    package_ids: Collection[str] | None,
    quiet: bool,
    clear: bool,
) -> None:
    from ckan import model

    log.info("Rebuilding search index...")
    if package_ids is not None:
        # CKAN: every given dataset, documents deferred, errors raised
        ids, defer, force, announce = list(package_ids), True, False, True
    else:
        ids, defer, announce = _ids_to_rebuild(only_missing, clear), defer_commit, False
        if only_missing and not ids:
            log.info("All datasets are already indexed")
            return
    processes = 1 if package_ids is not None else rebuild_processes(len(ids))
    if processes > 1:
        _index_in_processes(ids, processes, force, defer, quiet)
    else:
        progress = None if quiet or announce else _Progress(len(ids))
        _index_ids(ids, force, defer, announce, progress)
    model.Session.commit()
    log.info("Finished rebuilding search index.")


#: fewest datasets per process of a parallel full rebuild (below that one
#: process is quicker than starting more)
PARALLEL_MIN_SHARE = 500


def rebuild_processes(datasets: int) -> int:
    """How many processes a full rebuild of ``datasets`` datasets uses:
    ``ckanext.cqgov.search.rebuild_processes`` (0, the default: one per
    CPU), fewer when each would get under :data:`PARALLEL_MIN_SHARE`."""
    from ckan.common import config

    try:
        wanted = int(config.get("ckanext.cqgov.search.rebuild_processes") or 0)
    except (TypeError, ValueError):
        wanted = 0
    if wanted <= 0:
        wanted = os.cpu_count() or 1
    return max(1, min(wanted, datasets // max(1, PARALLEL_MIN_SHARE)))


class _Progress:
    """``Indexing dataset n/total`` on one line of standard output, as CKAN's
    rebuild writes it."""

    def __init__(self, total: int):
        self.total = total

    def __call__(self, done: int) -> None:
        import sys

        sys.stdout.write(f"\rIndexing dataset {done}/{self.total}")
        sys.stdout.flush()


def _index_ids(
    ids: list[str],
    force: bool,
    defer: bool,
    announce: bool,
    progress: Callable[[int], None] | None,
) -> None:
    """Index ``ids`` a batch at a time (:func:`.bulk.package_dicts`), each
    dataset through ``update_dict`` as CKAN's rebuild does; ``progress`` is
    told how many are done after each."""
    from ckan import logic, model

    from ckanext.cqgov import batch_memo

    from . import bulk

    package_index = search.index_for(model.Package)
    context = bulk.show_context()
    counter = 0
    for batch in bulk.batches(ids):
        with batch_memo.scope():
            try:
                # (the list keeps the packages in the session's identity map
                # for the labels that index_package reads from them)
                loaded = bulk.package_dicts(context, batch)
                shown = {pkg.id: package_dict for pkg, package_dict in loaded}
            except Exception as e:  # noqa: BLE001 - retried one by one below
                log.warning("Bulk read failed, reading one by one: %r", e)
                model.Session.rollback()
                shown = {}
            for pkg_id in batch:
                counter += 1
                try:
                    pkg_dict = shown.pop(pkg_id, None)
                    if pkg_dict is None:
                        pkg_dict = logic.get_action("package_show")(
                            context, {"id": pkg_id}
                        )
                    if announce:
                        log.debug("Indexing just package %r...", pkg_dict["name"])
                    package_index.update_dict(pkg_dict, defer)
                except Exception as e:
                    log.error("Error while indexing dataset %s: %r", pkg_id, e)
                    if not force:
                        raise
                    log.exception("Dataset %s skipped", pkg_id)
                if progress is not None:
                    progress(counter)


def _index_in_processes(
    ids: list[str], processes: int, force: bool, defer: bool, quiet: bool
) -> None:
    """A full rebuild in ``processes`` forked processes, each indexing a
    contiguous share of ``ids`` and writing its own batches (the database
    takes them side by side). Progress is summed here; the first error of a
    process (without ``force``) stops the others and is raised here."""
    import multiprocessing

    from ckan import model

    ctx = multiprocessing.get_context("fork")
    done = ctx.Array("q", processes, lock=False)
    errors = ctx.SimpleQueue()
    # Nothing pending and no connection checked out across the fork: each
    # process opens its own (see _forget_inherited_connections).
    client.flush()
    model.Session.commit()
    model.Session.remove()
    size = -(-len(ids) // processes)
    workers = [
        ctx.Process(
            target=_index_share,
            args=(ids[n * size : (n + 1) * size], n, done, errors, force, defer),
            name=f"cqgov-rebuild-{n}",
            daemon=True,
        )
        for n in range(processes)
    ]
    progress = None if quiet else _Progress(len(ids))
    try:
        for worker in workers:
            worker.start()
        while errors.empty() and any(w.is_alive() for w in workers):
            for worker in workers:
                worker.join(0.2)
            if progress is not None:
                progress(sum(done))
        error = None if errors.empty() else errors.get()
        if error is None and progress is not None:
            progress(sum(done))
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
    if error is not None:
        raise error
    lost = [w.name for w in workers if w.exitcode]
    if lost:
        raise search_common.SearchIndexError(
            f"search-index rebuild: {', '.join(lost)} ended with an error"
        )


def _index_share(ids, slot, done, errors, force, defer) -> None:
    """One process of :func:`_index_in_processes`."""
    import pickle
    import sys

    from ckan import model

    def progress(n: int) -> None:
        done[slot] = n

    try:
        _index_ids(ids, force, defer, announce=False, progress=progress)
        client.flush()
        model.Session.commit()
    except BaseException as e:  # noqa: BLE001 - handed to the parent
        try:
            pickle.loads(pickle.dumps(e))
        except Exception:  # noqa: BLE001 - not every exception pickles
            e = search_common.SearchIndexError(repr(e))
        errors.put(e)
        sys.exit(1)


_REPLACEMENTS: list[tuple[Any, str, Any]] = [
    *(
        (module, "make_connection", make_connection)
        for module in _MODULES_USING_CONNECTION
    ),
    (search_common, "is_available", is_available),
    (search, "is_available", is_available),
    (search, "check_solr_schema_version", check_solr_schema_version),
    (search, "rebuild", rebuild),
]


def _forget_inherited_connections() -> None:
    """In a forked child (``ckan search-index rebuild-fast`` runs one per
    CPU): drop, without closing, the database connections inherited from the
    parent. Two processes talking over one connection corrupt each other's
    results; the child opens its own."""
    from ckan.model import meta

    from . import client

    if meta.engine is not None:
        meta.engine.dispose(close=False)
    client.forget_search_engines()


def _load_analysis_before_fork() -> None:
    """Before a fork (``rebuild-fast``'s children, pre-forking servers):
    load the Chinese analysis (jieba's dictionary, about a second) once in
    the parent, shared by the children, instead of once in every child."""
    from . import chinese

    try:
        chinese.warm_up()
    except Exception as e:  # noqa: BLE001 - each child then loads it itself
        log.warning("Could not load the Chinese analysis before fork: %s", e)


_fork_hook_registered = False


def install() -> None:
    """Point CKAN's search code at PostgreSQL (idempotent)."""
    global _fork_hook_registered
    if not _fork_hook_registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(
            before=_load_analysis_before_fork,
            after_in_child=_forget_inherited_connections,
        )
        _fork_hook_registered = True
    for module, name, replacement in _REPLACEMENTS:
        current = getattr(module, name)
        if current is replacement:
            continue
        _originals.setdefault((module, name), current)
        setattr(module, name, replacement)


def uninstall() -> None:
    """Give CKAN its Solr functions back (idempotent)."""
    for (module, name), original in list(_originals.items()):
        setattr(module, name, original)
        del _originals[(module, name)]


def create_index_table() -> None:
    """Create the index table by this plugin's migrations (as ``ckan db
    upgrade -p cqgov_pgsearch`` does), e.g. after a test reset dropped it."""
    from ckan import model

    ini = os.path.join(
        os.path.dirname(os.path.dirname(__file__)),
        "migration",
        "cqgov_pgsearch",
        "alembic.ini",
    )
    original = model.repo._alembic_ini
    model.repo._alembic_ini = ini
    try:
        model.repo.upgrade_db()
    finally:
        model.repo._alembic_ini = original


def installed() -> bool:
    return search_common.make_connection is make_connection


class PgSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IPluginObserver, inherit=True)

    # IConfigurer

    def update_config(self, config_):
        # CKAN requires solr_url even though this backend never calls Solr.
        if not config_.get("solr_url"):
            config_["solr_url"] = PLACEHOLDER_SOLR_URL
        install()

    # IPluginObserver

    def after_unload(self, service):
        if service is self:
            uninstall()
