"""The ``cqgov`` RDF profile: the catalog fields in DCAT / DCAT-AP 3 terms.

It runs after ``euro_dcat_ap_3`` (``ckanext.dcat.rdf.profiles = euro_dcat_ap_3
cqgov``) and replaces or adds what the national catalog guide says:

=====================  ==========================================================
catalog field          DCAT / DCAT-AP 3
=====================  ==========================================================
``resource_code``      ``dct:identifier`` (the CKAN id stays the dataset URI)
``update_cycle``       ``dct:accrualPeriodicity`` — EU frequency authority table
``open_type``          ``dct:accessRights`` — EU access-right table (``PUBLIC``,
                       ``RESTRICTED``, ``NON_PUBLIC``)
provider               ``dct:publisher`` — a ``foaf:Organization`` whose
                       ``dct:identifier`` (and ``adms:identifier``) is its USCC
``theme``,             ``dcat:theme`` — the project's ``skos:Concept`` for the value
``basic_type``         (zh/en labels from the schema) and the EU data theme where
                       one clearly corresponds
``resource_category``  ``dct:type`` — the project's ``skos:Concept``
``data_items``         ``dct:conformsTo`` of the dataset and of every distribution:
                       a ``csvw:Schema`` whose ``csvw:column`` list holds one
                       ``csvw:Column`` per item (``csvw:name``, ``csvw:title``,
                       ``dct:description``, ``csvw:datatype`` from the national
                       type code, and ``cq:dataType``, ``cq:length``,
                       ``cq:sensitiveCategory``)
``release_date``       ``dct:issued``
``contact``            ``dcat:contactPoint`` (``vcard:Kind``)
share/open attributes  ``cq:shareType``, ``cq:shareCondition``, ``cq:shareBasis``,
                       ``cq:shareMethod``, ``cq:openType``, ``cq:openCondition``,
                       ``cq:openBasis``, ``cq:updateCycle``, ``cq:region``,
                       ``cq:relatedCode`` (code names, as the API uses them)
=====================  ==========================================================

Chinese literals (titles, descriptions, keywords, names, conditions and bases)
carry the language tag ``zh``. Only fields listed here are written: internal
fields of the schema never reach the graph. :meth:`parse_dataset` reads the
same terms back (harvesting from another cqgov portal).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import (
    ADMS,
    DCAT,
    DCT,
    FOAF,
    RDF,
    RDFS,
    SKOS,
    VCARD,
    XSD,
    RDFProfile,
)
from ckanext.dcat.utils import publisher_uri_organization_fallback, resource_uri
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ckanext.cqgov.dcat import vocabulary as voc

#: The project's own terms (fixed, documented in the README).
CQ = Namespace("https://cqgov.github.io/ns/catalog#")
#: The project's concept schemes: ``<VOCABULARY><field>/<value>``.
VOCABULARY = "https://cqgov.github.io/ns/vocabulary/"
CSVW = Namespace("http://www.w3.org/ns/csvw#")
ZH = "zh"

#: Text predicates whose Chinese literals get the ``zh`` language tag.
TEXT_PREDICATES = (
    DCT.title,
    DCT.description,
    DCAT.keyword,
    FOAF.name,
    VCARD.fn,
    SKOS.prefLabel,
    RDFS.label,
    CSVW.title,
)

#: field → (predicate, is free text). Written as plain literals (code names) or
#: Chinese text.
LITERAL_FIELDS = {
    "resource_category": (CQ.resourceCategory, False),
    "basic_type": (CQ.basicType, False),
    "share_type": (CQ.shareType, False),
    "share_condition": (CQ.shareCondition, True),
    "share_basis": (CQ.shareBasis, True),
    "share_method": (CQ.shareMethod, False),
    "open_type": (CQ.openType, False),
    "open_condition": (CQ.openCondition, True),
    "open_basis": (CQ.openBasis, True),
    "update_cycle": (CQ.updateCycle, False),
    "region": (CQ.region, False),
    "related_codes": (CQ.relatedCode, False),
}
CONCEPT_FIELDS = ("theme", "basic_type")

DATA_ITEMS = "data_items"
ITEM_TERMS = {
    "data_type": CQ.dataType,
    "length": CQ.length,
    "sensitive_category": CQ.sensitiveCategory,
}


def values_of(value: Any) -> list[str]:
    """A field value as a list of strings (lists, JSON lists, scalars)."""
    if value in (None, "", [], {}):
        return []
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def text_literal(value: str) -> Literal:
    return Literal(value, lang=ZH) if voc.is_chinese(value) else Literal(value)


def concept_uri(field: str, value: str) -> URIRef:
    return URIRef(f"{VOCABULARY}{field}/{value}")


class CqgovDCATProfile(RDFProfile):
    """DCAT-AP 3 for the national catalog guide's fields (see module doc)."""

    # --- CKAN → RDF -------------------------------------------------------

    def graph_from_dataset(self, dataset_dict: dict, dataset_ref: Node) -> None:
        g = self.g
        g.bind("cq", CQ)
        g.bind("csvw", CSVW)

        code = dataset_dict.get("resource_code")
        if code:
            g.remove((dataset_ref, DCT.identifier, None))
            g.add((dataset_ref, DCT.identifier, Literal(code)))

        self._replace(
            dataset_ref,
            DCT.accrualPeriodicity,
            voc.frequency_uri(dataset_dict.get("update_cycle")),
            DCT.Frequency,
        )
        self._replace(
            dataset_ref,
            DCT.accessRights,
            voc.access_right_uri(dataset_dict.get("open_type")),
            DCT.RightsStatement,
        )
        if dataset_dict.get("release_date"):
            g.remove((dataset_ref, DCT.issued, None))
            self._add_date_triple(dataset_ref, DCT.issued, dataset_dict["release_date"])

        for field, (predicate, free_text) in LITERAL_FIELDS.items():
            for value in values_of(dataset_dict.get(field)):
                obj = text_literal(value) if free_text else Literal(value)
                g.add((dataset_ref, predicate, obj))

        language = URIRef(voc.EU_LANGUAGE + "ZHO")
        g.add((dataset_ref, DCT.language, language))
        g.add((language, RDF.type, DCT.LinguisticSystem))
        self._themes(dataset_dict, dataset_ref)
        self._publisher(dataset_dict, dataset_ref)
        self._contact(dataset_dict, dataset_ref)
        self._data_items(dataset_dict, dataset_ref)
        self._tag_chinese_literals()

    def graph_from_catalog(self, catalog_dict: dict, catalog_ref: Node) -> None:
        # DCAT-AP names languages by the EU language table, not a locale code.
        self.g.remove((catalog_ref, DCT.language, None))
        self.g.add((catalog_ref, DCT.language, URIRef(voc.EU_LANGUAGE + "ZHO")))
        self.g.add((URIRef(voc.EU_LANGUAGE + "ZHO"), RDF.type, DCT.LinguisticSystem))
        self._tag_chinese_literals()

    def _replace(
        self, subject: Node, predicate: URIRef, uri: str | None, _class: URIRef
    ) -> None:
        if not uri:
            return
        self.g.remove((subject, predicate, None))
        self.g.add((subject, predicate, URIRef(uri)))
        self.g.add((URIRef(uri), RDF.type, _class))

    def _choice_labels(self, field_name: str) -> dict[str, dict[str, str]]:
        """value → {lang: label} from the scheming schema, at runtime."""
        field = self._schema_field(field_name) or {}
        labels = {}
        for choice in field.get("choices") or []:
            label = choice.get("label")
            if isinstance(label, str):
                label = {ZH: label}
            labels[str(choice.get("value"))] = label or {}
        return labels

    def _concept(self, field: str, value: str) -> URIRef:
        concept = concept_uri(field, value)
        g = self.g
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.notation, Literal(value)))
        g.add((concept, SKOS.inScheme, URIRef(f"{VOCABULARY}{field}")))
        for lang, label in self._choice_labels(field).get(value, {}).items():
            tag = ZH if lang.startswith("zh") else lang.split("_")[0]
            g.add((concept, SKOS.prefLabel, Literal(label, lang=tag)))
        return concept

    def _themes(self, dataset_dict: dict, dataset_ref: Node) -> None:
        g = self.g
        # The base profile reads `theme` as URIs; our values are code names.
        g.remove((dataset_ref, DCAT.theme, None))
        for field in CONCEPT_FIELDS:
            for value in values_of(dataset_dict.get(field)):
                g.add((dataset_ref, DCAT.theme, self._concept(field, value)))
                eu_theme = voc.data_theme_uri(value)
                if eu_theme:
                    g.add((dataset_ref, DCAT.theme, URIRef(eu_theme)))
                    g.add((URIRef(eu_theme), RDF.type, SKOS.Concept))
        category = dataset_dict.get("resource_category")
        if category:
            g.remove((dataset_ref, DCT.type, None))
            concept = self._concept("resource_category", category)
            g.add((dataset_ref, DCT.type, concept))

    def _organization(self, dataset_dict: dict) -> dict | None:
        org_id = dataset_dict.get("owner_org") or (
            dataset_dict.get("organization") or {}
        ).get("id")
        if not org_id:
            return None
        try:
            return tk.get_action("organization_show")(
                {"ignore_auth": True},
                {
                    "id": org_id,
                    "include_datasets": False,
                    "include_users": False,
                    "include_groups": False,
                    "include_tags": False,
                    "include_followers": False,
                },
            )
        except tk.ObjectNotFound:
            return None

    def _publisher(self, dataset_dict: dict, dataset_ref: Node) -> None:
        g = self.g
        org = self._organization(dataset_dict)
        if not org:
            return
        for old in list(g.objects(dataset_ref, DCT.publisher)):
            g.remove((dataset_ref, DCT.publisher, old))
            if not list(g.subjects(DCT.publisher, old)):
                g.remove((old, None, None))
        publisher = URIRef(
            publisher_uri_organization_fallback({**dataset_dict, "organization": org})
        )
        g.remove((publisher, None, None))
        g.add((dataset_ref, DCT.publisher, publisher))
        g.add((publisher, RDF.type, FOAF.Organization))
        g.add((publisher, RDF.type, FOAF.Agent))
        g.add((publisher, FOAF.name, text_literal(org.get("title") or org["name"])))
        uscc = org.get("uscc")
        if uscc:
            g.add((publisher, DCT.identifier, Literal(uscc)))
            identifier = URIRef(f"{publisher}#uscc")
            g.add((publisher, ADMS.identifier, identifier))
            g.add((identifier, RDF.type, ADMS.Identifier))
            g.add((identifier, SKOS.notation, Literal(uscc)))
        if org.get("region"):
            g.add((publisher, CQ.region, Literal(org["region"])))

    def _contact(self, dataset_dict: dict, dataset_ref: Node) -> None:
        contact = dataset_dict.get("contact")
        if not contact:
            return
        if isinstance(contact, str):
            try:
                contact = json.loads(contact)
            except ValueError:
                contact = {"name": contact}
        contacts = contact if isinstance(contact, list) else [contact]
        g = self.g
        for old in list(g.objects(dataset_ref, DCAT.contactPoint)):
            g.remove((dataset_ref, DCAT.contactPoint, old))
            g.remove((old, None, None))
        for item in contacts:
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict) or not any(item.values()):
                continue
            node = BNode()
            g.add((dataset_ref, DCAT.contactPoint, node))
            g.add((node, RDF.type, VCARD.Kind))
            if item.get("name"):
                g.add((node, VCARD.fn, text_literal(str(item["name"]))))
            if item.get("email"):
                g.add((node, VCARD.hasEmail, URIRef(self._add_mailto(item["email"]))))
            phone = item.get("phone") or item.get("telephone")
            if phone:
                tel = "".join(str(phone).split())
                g.add((node, VCARD.hasTelephone, URIRef(f"tel:{tel}")))

    def _data_items(self, dataset_dict: dict, dataset_ref: Node) -> None:
        items = dataset_dict.get(DATA_ITEMS)
        if isinstance(items, str):
            try:
                items = json.loads(items)
            except ValueError:
                items = None
        if not items or not isinstance(items, list):
            return
        g = self.g
        if isinstance(dataset_ref, URIRef):
            schema = URIRef(f"{dataset_ref}#data-items")
        else:
            schema = BNode()
        g.add((schema, RDF.type, CSVW.Schema))
        g.add((schema, RDF.type, DCT.Standard))
        g.add((schema, DCT.title, Literal("信息项", lang=ZH)))
        g.add((schema, DCT.title, Literal("Data items", lang="en")))
        columns = []
        for item in items:
            if not isinstance(item, dict) or not item.get("name"):
                continue
            column = BNode()
            columns.append(column)
            g.add((column, RDF.type, CSVW.Column))
            g.add((column, CSVW.name, Literal(item["name"])))
            g.add((column, CSVW.title, text_literal(item["name"])))
            g.add(
                (column, CSVW.datatype, URIRef(voc.xsd_datatype(item.get("data_type"))))
            )
            if item.get("description"):
                g.add((column, DCT.description, text_literal(item["description"])))
            for key, predicate in ITEM_TERMS.items():
                value = item.get(key)
                if value in (None, ""):
                    continue
                if key == "length":
                    try:
                        g.add(
                            (
                                column,
                                predicate,
                                Literal(int(value), datatype=XSD.integer),
                            )
                        )
                    except (TypeError, ValueError):
                        g.add((column, predicate, Literal(str(value))))
                else:
                    g.add((column, predicate, Literal(str(value))))
        head = BNode()
        Collection(g, head, columns)
        g.add((schema, CSVW.column, head))
        g.add((dataset_ref, DCT.conformsTo, schema))
        for resource in dataset_dict.get("resources") or []:
            g.add((URIRef(resource_uri(resource)), DCT.conformsTo, schema))

    def _tag_chinese_literals(self) -> None:
        g = self.g
        for predicate in TEXT_PREDICATES:
            for s, _p, o in list(g.triples((None, predicate, None))):
                if (
                    isinstance(o, Literal)
                    and o.language is None
                    and o.datatype is None
                    and voc.is_chinese(str(o))
                ):
                    g.remove((s, predicate, o))
                    g.add((s, predicate, Literal(str(o), lang=ZH)))

    # --- RDF → CKAN (harvesting) ------------------------------------------

    def parse_dataset(self, dataset_dict: dict, dataset_ref: Node) -> dict:
        g = self.g
        extras = {e["key"]: e for e in dataset_dict.get("extras", [])}

        def take_extra(key: str) -> None:
            if key in extras:
                dataset_dict["extras"].remove(extras.pop(key))
            dataset_dict.pop(key, None)

        identifier = self._object_value(dataset_ref, DCT.identifier)
        if identifier and self._schema_field("resource_code"):
            take_extra("identifier")
            dataset_dict["resource_code"] = identifier

        for field, (predicate, _free) in LITERAL_FIELDS.items():
            if not self._schema_field(field):
                continue
            values = [str(o) for o in g.objects(dataset_ref, predicate)]
            if values:
                dataset_dict[field] = self._field_value(field, values)

        frequency = self._object_value(dataset_ref, DCT.accrualPeriodicity)
        cycle = voc.update_cycle_from_uri(frequency)
        if cycle:
            take_extra("frequency")
            dataset_dict.setdefault("update_cycle", cycle)
        access = self._object_value(dataset_ref, DCT.accessRights)
        open_type = voc.open_type_from_uri(access)
        if open_type:
            take_extra("access_rights")
            dataset_dict.setdefault("open_type", open_type)

        theme_values = {field: [] for field in CONCEPT_FIELDS}
        for theme in g.objects(dataset_ref, DCAT.theme):
            for field in CONCEPT_FIELDS:
                prefix = f"{VOCABULARY}{field}/"
                if str(theme).startswith(prefix):
                    theme_values[field].append(str(theme)[len(prefix) :])
        if self._schema_field("theme"):
            take_extra("theme")
            if theme_values["theme"]:
                dataset_dict["theme"] = self._field_value(
                    "theme", theme_values["theme"]
                )

        items = self._parse_data_items(dataset_ref)
        if items and self._schema_field(DATA_ITEMS):
            dataset_dict[DATA_ITEMS] = items
        return dataset_dict

    def _field_value(self, field: str, values: list[str]) -> Any:
        schema_field = self._schema_field(field) or {}
        validators = str(schema_field.get("validators", ""))
        preset = schema_field.get("preset", "")
        if (
            "multiple" in preset
            or "scheming_multiple" in validators
            or field == "related_codes"
        ):
            return sorted(set(values))
        return values[0]

    def _parse_data_items(self, dataset_ref: Node) -> list[dict]:
        g = self.g
        for schema in g.objects(dataset_ref, DCT.conformsTo):
            head = g.value(schema, CSVW.column)
            if head is None:
                continue
            items = []
            for column in Collection(g, head):
                item = {
                    "name": self._object_value(column, CSVW.name),
                    "description": self._object_value(column, DCT.description),
                }
                for key, predicate in ITEM_TERMS.items():
                    value = self._object_value(column, predicate)
                    if value:
                        item[key] = value
                items.append(item)
            return items
        return []
