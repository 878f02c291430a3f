"""CKAN's search contract through its actions, API, helpers and CLI, with the
cqgov_pgsearch backend (real PostgreSQL, no Solr)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.cli.cli import ckan as ckan_cli
from ckan.common import config
from ckan.lib import search
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.tests import factories, helpers

from ckanext.cqgov.search import plugin as pgsearch


def names(result):
    return sorted(d["name"] for d in result["results"])


def package_search(**kwargs):
    return helpers.call_action("package_search", **kwargs)


def as_sysadmin(action, **kwargs):
    admin = factories.Sysadmin()
    return helpers.call_action(action, context={"user": admin["name"]}, **kwargs)


pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


class TestPlugin:
    def test_make_connection_is_the_postgresql_client(self):
        assert pgsearch.installed()
        assert search.is_available()
        assert search.check_solr_schema_version() is True

    def test_unloading_restores_solr_and_is_idempotent(self):
        import ckan.lib.search.common as common

        pgsearch.install()
        pgsearch.install()
        pgsearch.uninstall()
        assert not pgsearch.installed()
        assert common.make_connection is not pgsearch.make_connection
        pgsearch.install()
        assert pgsearch.installed()


class TestIndexing:
    def test_create_update_delete(self, dataset_factory):
        dataset = dataset_factory(name="bus-routes", title="重庆市公共交通线路")
        assert names(package_search(q="公共交通")) == ["bus-routes"]

        as_sysadmin(
            "package_patch", id=dataset["id"], title="中小学校名录", notes="学校地址"
        )
        assert package_search(q="公共交通")["count"] == 0
        assert names(package_search(q="学校")) == ["bus-routes"]

        as_sysadmin("package_delete", id=dataset["id"])
        assert package_search(q="学校")["count"] == 0
        assert search.query_for(model.Package).get_all_entity_ids() == []

    def test_search_returns_the_validated_dataset(self, dataset_factory):
        dataset = dataset_factory(title="Bus", tags=[{"name": "traffic"}])
        (result,) = package_search(q="bus")["results"]
        assert result["id"] == dataset["id"]
        assert result["resource_category"] == "departmental"
        assert [t["name"] for t in result["tags"]] == ["traffic"]

    def test_bulk_update_private_and_public(self, dataset_factory):
        org = factories.Organization()
        first = dataset_factory(owner_org=org["id"])
        second = dataset_factory(owner_org=org["id"])
        as_sysadmin(
            "bulk_update_private",
            datasets=[first["id"], second["id"]],
            org_id=org["id"],
        )
        assert package_search()["count"] == 0
        assert package_search(include_private=True)["count"] == 2
        as_sysadmin("bulk_update_public", datasets=[first["id"]], org_id=org["id"])
        assert names(package_search()) == [first["name"]]

    def test_bulk_update_delete(self, dataset_factory):
        org = factories.Organization()
        first = dataset_factory(owner_org=org["id"])
        second = dataset_factory(owner_org=org["id"])
        as_sysadmin("bulk_update_delete", datasets=[first["id"]], org_id=org["id"])
        assert names(package_search()) == [second["name"]]


class TestIndexMaintenance:
    def test_rebuild_clear_all_and_show(self, dataset_factory):
        first = dataset_factory(name="first-ds", title="第一个")
        dataset_factory(name="second-ds", title="第二个")
        search.clear_all()
        assert package_search()["count"] == 0
        with pytest.raises(SearchError):
            search.show(first["id"])

        search.rebuild(quiet=True)
        assert names(package_search()) == ["first-ds", "second-ds"]
        shown = search.show("first-ds")
        assert shown["id"] == first["id"]
        assert shown["title"] == "第一个"
        assert shown["site_id"] == config.get("ckan.site_id")

        search.clear("first-ds")
        assert names(package_search()) == ["second-ds"]
        search.rebuild(only_missing=True, quiet=True)
        assert names(package_search()) == ["first-ds", "second-ds"]
        search.rebuild(package_id=first["id"])
        search.commit()
        search.check()
        assert package_search()["count"] == 2

    def test_cli_rebuild_clear_show(self, cli, dataset_factory):
        dataset = dataset_factory(name="cli-ds", title="命令行")
        result = cli.invoke(ckan_cli, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert package_search()["count"] == 0

        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "--quiet"])
        assert result.exit_code == 0, result.output
        assert names(package_search()) == ["cli-ds"]

        result = cli.invoke(ckan_cli, ["search-index", "show", dataset["id"]])
        assert result.exit_code == 0, result.output
        assert "cli-ds" in result.output

        result = cli.invoke(ckan_cli, ["search-index", "check"])
        assert result.exit_code == 0, result.output
        assert "Packages not indexed = 0" in result.output

    def test_cli_rebuild_fast(self, cli, dataset_factory):
        # one process per CPU, forked from this one: each opens its own
        # database connections instead of sharing the inherited ones
        for i in range(6):
            dataset_factory(name=f"fast-{i}", title=f"并行重建{i}")
        model.Session.execute(sa.text("SELECT 1"))  # a pooled connection
        search.clear_all()
        result = cli.invoke(ckan_cli, ["search-index", "rebuild-fast"])
        assert result.exit_code == 0, result.output
        assert names(package_search()) == [f"fast-{i}" for i in range(6)]
        # and this process's own connections still work
        assert model.Session.execute(sa.text("SELECT 2")).scalar() == 2

    def test_forked_child_forgets_inherited_connections(self):
        engine = model.meta.engine
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
        pool = engine.pool
        from ckanext.cqgov.search import client

        searches = client._search_engine()
        with searches.connect() as conn:
            search_raw = conn.connection.dbapi_connection
        pgsearch._forget_inherited_connections()
        assert engine.pool is not pool
        # the parent's connections were not closed (dispose(close=False))
        assert raw.closed == 0
        assert search_raw.closed == 0
        # and searches open connections of their own
        assert client._search_engine() is not searches

    def test_clean_index_fixture_left_an_empty_index(self):
        assert search.query_for(model.Package).get_all_entity_ids() == []
        assert package_search(include_private=True, include_drafts=True)["count"] == 0


class TestQueries:
    @pytest.fixture
    def datasets(self, dataset_factory):
        org = factories.Organization(name="cq-traffic")
        other = factories.Organization(name="cq-edu")
        return [
            dataset_factory(
                name="bus",
                title="重庆市公共交通线路",
                notes="全市公交线路与站点信息",
                owner_org=org["id"],
                tags=[{"name": "traffic"}, {"name": "bus"}],
                resources=[
                    {
                        "url": "http://example.com/a.csv",
                        "format": "CSV",
                        "audience": "open",
                    }
                ],
            ),
            dataset_factory(
                name="metro",
                title="轨道交通站点",
                notes="Metro stations and lines",
                owner_org=org["id"],
                tags=[{"name": "traffic"}],
            ),
            dataset_factory(
                name="schools",
                title="中小学校名录",
                notes="学校名称与地址",
                owner_org=other["id"],
                tags=[{"name": "education"}],
                share_type="conditional",
                share_condition="仅限政务部门履行职责使用",
                share_basis="《中华人民共和国教育法》",
            ),
        ]

    @pytest.mark.parametrize(
        "q, expected",
        [
            ("", ["bus", "metro", "schools"]),
            ("*:*", ["bus", "metro", "schools"]),
            ("公共交通", ["bus"]),
            ("交通", ["bus", "metro"]),
            ("重庆", ["bus"]),
            ("站点", ["bus", "metro"]),
            ("公交线路", ["bus"]),
            # both words, not necessarily together
            ("学校地址", ["schools"]),
            ("学校 线路", []),
            ("名称", ["schools"]),
            ("metro", ["metro"]),
            ("stations", ["metro"]),
            ('"metro stations"', ["metro"]),
            ("title:交通", ["bus", "metro"]),
            ("notes:站点", ["bus"]),
            ("tags:traffic AND title:轨道", ["metro"]),
            ("tags:traffic OR tags:education", ["bus", "metro", "schools"]),
            ("tags:traffic AND NOT name:bus", ["metro"]),
            ("organization:cq-edu", ["schools"]),
            ("share_type:conditional", ["schools"]),
            ("res_format:CSV", ["bus"]),
            ("num_resources:[1 TO *]", ["bus"]),
            (
                "metadata_modified:[2020-01-01T00:00:00Z TO NOW]",
                ["bus", "metro", "schools"],
            ),
            ("metadata_modified:[* TO NOW-1DAY]", []),
            ("（交通）！", ["bus", "metro"]),
            ("交通 OR 学校", ["bus", "metro", "schools"]),
        ],
    )
    def test_q(self, datasets, q, expected):
        assert names(package_search(q=q)) == expected

    @pytest.mark.parametrize(
        "q",
        [
            "中",
            "重庆市公共交通线路信息资源",
            "公共 交通 线路",
            "“交通”",
            "交通：",
            "交通)",
        ],
    )
    def test_chinese_queries_never_error(self, datasets, q):
        package_search(q=q)

    @pytest.mark.parametrize(
        "fq, expected",
        [
            ("tags:traffic", ["bus", "metro"]),
            ("-tags:traffic", ["schools"]),
            ("-dataset_type:harvest", ["bus", "metro", "schools"]),
            ("dataset_type:dataset", ["bus", "metro", "schools"]),
            ("+organization:cq-traffic +res_format:CSV", ["bus"]),
            ("metadata_created:[NOW-1DAY TO NOW+1DAY]", ["bus", "metro", "schools"]),
            ("metadata_created:[* TO 2020-01-01T00:00:00Z]", []),
            ("name:(bus OR schools)", ["bus", "schools"]),
            ("name:me*", ["metro"]),
        ],
    )
    def test_fq(self, datasets, fq, expected):
        assert names(package_search(fq=fq)) == expected

    def test_fq_list(self, datasets):
        result = package_search(fq_list=["tags:traffic", "-name:bus"])
        assert names(result) == ["metro"]

    def test_facets_cover_all_matches_across_pages(self, datasets):
        result = package_search(
            q="*:*", rows=1, **{"facet.field": '["tags", "organization"]'}
        )
        assert result["count"] == 3 and len(result["results"]) == 1
        assert result["facets"]["tags"] == {"traffic": 2, "bus": 1, "education": 1}
        assert result["facets"]["organization"] == {"cq-traffic": 2, "cq-edu": 1}
        items = result["search_facets"]["organization"]["items"]
        assert {i["name"]: i["count"] for i in items} == {"cq-traffic": 2, "cq-edu": 1}

    def test_facet_limit_and_mincount(self, datasets):
        result = package_search(
            **{"facet.field": '["tags"]', "facet.limit": 1, "facet.mincount": 1}
        )
        assert result["facets"]["tags"] == {"traffic": 2}
        result = package_search(**{"facet.field": '["tags"]', "facet.mincount": 2})
        assert result["facets"]["tags"] == {"traffic": 2}
        result = package_search(**{"facet.field": '["tags"]', "facet.limit": -1})
        assert len(result["facets"]["tags"]) == 3

    @pytest.mark.parametrize(
        "sort, expected",
        [
            ("name asc", ["bus", "metro", "schools"]),
            ("name desc", ["schools", "metro", "bus"]),
            ("metadata_created asc", ["bus", "metro", "schools"]),
            ("metadata_modified desc", ["schools", "metro", "bus"]),
            # code point order, as Solr's string sort: 中 < 轨 < 重
            ("title_string asc", ["schools", "metro", "bus"]),
            ("num_tags desc, name asc", ["bus", "metro", "schools"]),
            ("score desc, metadata_modified desc", ["schools", "metro", "bus"]),
        ],
    )
    def test_sort(self, datasets, sort, expected):
        result = package_search(sort=sort)
        assert [d["name"] for d in result["results"]] == expected

    def test_paging(self, datasets):
        pages = [
            package_search(sort="name asc", rows=2, start=start) for start in (0, 2, 4)
        ]
        assert [[d["name"] for d in p["results"]] for p in pages] == [
            ["bus", "metro"],
            ["schools"],
            [],
        ]
        assert all(p["count"] == 3 for p in pages)

    @pytest.mark.ckan_config("ckan.search.rows_max", "2")
    def test_rows_max(self, datasets):
        result = package_search(rows=100)
        assert len(result["results"]) == 2 and result["count"] == 3

    def test_fl(self, datasets):
        result = package_search(q="name:bus", fl="id,name,title")
        assert result["results"] == [
            {"id": datasets[0]["id"], "name": "bus", "title": "重庆市公共交通线路"}
        ]
        result = package_search(q="name:bus", fl="name")
        assert result["results"] == [{"name": "bus"}]

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "title:("},
            {"q": "交通:"},
            {"q": 'name:"unclosed'},
            {"fq": "metadata_modified:[yesterday TO NOW]"},
            {"sort": "nonexistent desc"},
            {"sort": "name"},
            {"sort": "tags asc"},
        ],
    )
    def test_bad_queries_raise_search_query_error(self, datasets, params):
        with pytest.raises(SearchQueryError):
            package_search(**params)


class TestApiErrors:
    @pytest.mark.parametrize(
        "query",
        [
            "q=title:(",
            "sort=nonexistent%20desc",
            "sort=title_string",
            "fq=num_tags:[1%20TO",
        ],
    )
    def test_bad_search_is_a_client_error_not_a_500(self, app, query):
        response = app.get(f"/api/3/action/package_search?{query}", status=409)
        error = response.json["error"]
        assert error["__type"] == "Search Query Error"
        assert "Search Query is invalid" in error["message"]

    def test_good_search_through_the_api(self, app, dataset_factory):
        dataset_factory(name="api-ds", title="接口数据")
        response = app.get("/api/3/action/package_search?q=接口", status=200)
        assert response.json["result"]["count"] == 1


class TestVisibility:
    @pytest.fixture
    def world(self, dataset_factory):
        member = factories.User()
        outsider = factories.User()
        org_a = factories.Organization(
            name="org-a", users=[{"name": member["name"], "capacity": "editor"}]
        )
        org_b = factories.Organization(name="org-b")
        dataset_factory(name="a-public", title="公开甲", owner_org=org_a["id"])
        dataset_factory(
            name="a-private", title="私有甲", owner_org=org_a["id"], private=True
        )
        dataset_factory(name="b-public", title="公开乙", owner_org=org_b["id"])
        dataset_factory(
            name="b-private", title="私有乙", owner_org=org_b["id"], private=True
        )
        return {"member": member, "outsider": outsider}

    def search_as(self, user, **kwargs):
        context = {"user": user["name"], "ignore_auth": False}
        kwargs.setdefault("facet.field", '["organization"]')
        return helpers.call_action("package_search", context=context, **kwargs)

    def test_member_sees_own_private_datasets_only(self, world):
        result = self.search_as(world["member"], include_private=True)
        assert names(result) == ["a-private", "a-public", "b-public"]
        assert result["count"] == 3
        assert result["facets"]["organization"] == {"org-a": 2, "org-b": 1}

    def test_member_search_for_the_other_orgs_private_dataset(self, world):
        result = self.search_as(world["member"], include_private=True, q="私有乙")
        assert result["count"] == 0 and result["facets"]["organization"] == {}
        result = self.search_as(
            world["member"], include_private=True, q="*:*", fq="name:b-private"
        )
        assert result["count"] == 0

    def test_outsider_and_anonymous_see_public_only(self, world):
        result = self.search_as(world["outsider"], include_private=True)
        assert names(result) == ["a-public", "b-public"]
        assert result["facets"]["organization"] == {"org-a": 1, "org-b": 1}
        context = {"user": "", "ignore_auth": False}
        result = helpers.call_action(
            "package_search", context=context, include_private=True
        )
        assert names(result) == ["a-public", "b-public"]

    def test_without_include_private_nobody_sees_private(self, world):
        assert names(self.search_as(world["member"])) == ["a-public", "b-public"]

    def test_sysadmin_sees_everything(self, world):
        admin = factories.Sysadmin()
        result = self.search_as(admin, include_private=True)
        assert result["count"] == 4

    def test_drafts_only_for_their_creator_with_include_drafts(
        self, world, catalog_fields
    ):
        creator = world["member"]
        context = {"user": creator["name"], "ignore_auth": False}
        helpers.call_action(
            "package_create",
            context=context,
            name="a-draft",
            title="草稿",
            notes="草稿摘要",
            owner_org="org-a",
            state="draft",
            **catalog_fields,
        )
        assert "a-draft" not in names(self.search_as(creator, include_private=True))
        assert "a-draft" in names(self.search_as(creator, include_drafts=True))
        assert "a-draft" not in names(
            self.search_as(world["outsider"], include_drafts=True)
        )

    @pytest.mark.parametrize("q", ["gongkai", "公開", "公开"])
    def test_autocomplete_by_viewer(self, world, app, q):
        # pinyin, traditional and plain: each viewer gets what they may see
        def autocomplete(user):
            context = {"user": user["name"], "ignore_auth": False}
            found = helpers.call_action("package_autocomplete", context=context, q=q)
            return sorted(d["name"] for d in found)

        public = ["a-public", "b-public"]
        assert autocomplete(world["outsider"]) == public
        assert autocomplete(world["member"]) == public
        response = app.get("/api/3/action/package_autocomplete", params={"q": q})
        assert sorted(d["name"] for d in response.json["result"]) == public
        private_q = {"gongkai": "siyou", "公開": "私有", "公开": "私有"}[q]
        context = {"user": world["member"]["name"], "ignore_auth": False}
        found = helpers.call_action(
            "package_autocomplete", context=context, q=private_q
        )
        assert [d["name"] for d in found] == ["a-private"]
        response = app.get(
            "/api/3/action/package_autocomplete", params={"q": private_q}
        )
        assert response.json["result"] == []

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", "false")
    def test_include_deleted(self, world):
        admin = factories.Sysadmin()
        as_sysadmin("package_delete", id="a-public")
        assert "a-public" not in names(self.search_as(admin, include_private=True))
        assert "a-public" in names(self.search_as(admin, include_deleted=True))


class TestDatasetType:
    def test_dataset_type_filter_on_the_index(self, dataset_factory):
        """The scheming configuration only has ``dataset``; another type is
        indexed straight through the index API to check the filter."""
        dataset = dataset_factory(name="normal")
        index = search.index_for(model.Package)
        pkg = helpers.call_action("package_show", id=dataset["id"])
        pkg.update(id="harvest-1", name="harvested-one", type="harvest")
        index.index_package(pkg)
        assert names(package_search(fq="-dataset_type:harvest")) == ["normal"]
        assert names(package_search(fq="dataset_type:harvest")) == ["harvested-one"]
        assert package_search()["count"] == 2


class TestPages:
    def test_dataset_and_organization_search_pages(self, app, dataset_factory):
        org = factories.Organization(name="page-org")
        dataset_factory(name="page-ds", title="页面交通数据", owner_org=org["id"])
        response = app.get("/dataset/?q=交通", status=200)
        assert "页面交通数据" in response.body
        # CKAN answers an invalid query with 400 "Invalid search query"
        app.get("/dataset/?q=title:(", status=400)
        response = app.get("/organization/page-org", status=200)
        assert "页面交通数据" in response.body
