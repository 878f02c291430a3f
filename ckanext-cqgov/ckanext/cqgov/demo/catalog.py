"""The demo catalog: departments, catalog entries and their CSV files, as data.

Everything is synthetic and deterministic: :func:`build_catalog` with the same
seed always returns equal content (the same bytes in every CSV file). Names are
fixed so a loader can find what it created before. Pure module: no CKAN imports;
:mod:`ckanext.cqgov.demo.loader` turns this into CKAN action calls.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from dataclasses import dataclass
from typing import Any

from ckanext.cqgov.catalog.uscc import make_uscc
from ckanext.cqgov.demo.synthetic import URBAN_DISTRICTS, render_csv
from ckanext.cqgov.demo.tables import TABLES

DEFAULT_SEED = 2026
MUNICIPAL_REGION = "500000"


# --- shapes -----------------------------------------------------------------


@dataclass(frozen=True)
class Organization:
    """A department (政务部门); the fields are the organization schema's."""

    name: str
    title: str
    description: str
    uscc: str
    org_kind: str
    level: str
    region: str
    is_competent: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "uscc": self.uscc,
            "org_kind": self.org_kind,
            "level": self.level,
            "region": self.region,
            "is_competent": self.is_competent,
        }


@dataclass(frozen=True)
class Resource:
    """A CSV file to upload, with its resource metadata."""

    name: str
    description: str
    filename: str
    audience: str
    content: bytes
    format: str = "CSV"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "format": self.format,
            "audience": self.audience,
        }


@dataclass(frozen=True)
class Dataset:
    """A catalog entry (政务信息资源) and its resources."""

    name: str
    title: str
    notes: str
    owner_org: str
    tags: tuple[str, ...]
    resource_category: str
    share_type: str
    share_condition: str
    share_basis: str
    open_type: str
    open_condition: str
    open_basis: str
    update_cycle: str
    release_date: str
    license_id: str
    resources: tuple[Resource, ...]
    basic_type: str = ""
    theme: str = ""
    format_type: str = "spreadsheet"
    format_subtype: str = "csv"
    share_method: str = ""
    data_items: tuple[dict[str, str], ...] = ()
    region: str = ""
    source_system: str = ""
    contact: str = ""
    #: The review state the demo shows this entry in.
    catalog_status: str = "approved"

    def as_dict(self) -> dict[str, Any]:
        """Package fields (``owner_org`` is the organization's name).

        Texts and choices that do not apply are left out, not empty. The review
        state is not a package field: the loader reaches it through the
        workflow.
        """
        data: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "notes": self.notes,
            "owner_org": self.owner_org,
            "private": False,
            "tags": [{"name": tag} for tag in self.tags],
            "resource_category": self.resource_category,
            "format_type": self.format_type,
            "data_items": [dict(item) for item in self.data_items],
            "share_type": self.share_type,
            "open_type": self.open_type,
            "update_cycle": self.update_cycle,
            "release_date": self.release_date,
            "license_id": self.license_id,
        }
        for key in (
            "basic_type",
            "theme",
            "format_subtype",
            "share_condition",
            "share_basis",
            "share_method",
            "open_condition",
            "open_basis",
            "region",
            "source_system",
            "contact",
        ):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class Catalog:
    organizations: tuple[Organization, ...]
    datasets: tuple[Dataset, ...]

    def organization(self, name: str) -> Organization:
        return next(org for org in self.organizations if org.name == name)


# --- departments ------------------------------------------------------------

#: (name, title, org_kind, subject, description). ``subject`` picks the law cited
#: as basis for restrictions; the first entry is the competent department.
_MUNICIPAL: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "cq-development-reform",
        "重庆市发展和改革委员会",
        "government",
        "development",
        "市政府组成部门，负责全市国民经济和社会发展规划、重大项目和价格管理，"
        "是全市政务信息资源共享开放工作的主管部门。",
    ),
    (
        "cq-transport",
        "重庆市交通运输委员会",
        "government",
        "transport",
        "负责全市综合交通运输体系规划、道路运输、城市公共交通和交通基础设施建设管理。",
    ),
    (
        "cq-health",
        "重庆市卫生健康委员会",
        "government",
        "health",
        "负责全市医疗卫生服务体系建设、疾病预防控制、医疗机构监管和人口健康信息管理。",
    ),
    (
        "cq-drug-administration",
        "重庆市药品监督管理局",
        "government",
        "drug",
        "负责全市药品、医疗器械和化妆品安全监督管理，药品零售和医疗器械经营监管。",
    ),
    (
        "cq-education",
        "重庆市教育委员会",
        "government",
        "education",
        "负责全市各级各类教育的统筹规划和管理，中小学、幼儿园和高等学校的事业发展。",
    ),
    (
        "cq-ecology-environment",
        "重庆市生态环境局",
        "government",
        "environment",
        "负责全市生态环境监测、大气水土壤污染防治、排污许可和生态环境执法。",
    ),
    (
        "cq-market-regulation",
        "重庆市市场监督管理局",
        "government",
        "market",
        "负责全市市场主体登记注册、食品安全监管、信用监管和市场秩序维护。",
    ),
    (
        "cq-human-resources-social-security",
        "重庆市人力资源和社会保障局",
        "government",
        "social_security",
        "负责全市就业促进、社会保险经办、职业技能评价和劳动关系管理。",
    ),
    (
        "cq-public-security",
        "重庆市公安局",
        "government",
        "police",
        "负责全市社会治安管理、户籍人口管理、道路交通安全管理和公共安全保障。",
    ),
    (
        "cq-planning-natural-resources",
        "重庆市规划和自然资源局",
        "government",
        "land",
        "负责全市国土空间规划、自然资源调查确权、建设用地供应、地质灾害防治和不动产登记。",
    ),
    (
        "cq-housing-urban-rural",
        "重庆市住房和城乡建设委员会",
        "government",
        "housing",
        "负责全市住房保障、房地产市场监管、建筑业管理和城乡建设工程质量安全监管。",
    ),
    (
        "cq-civil-affairs",
        "重庆市民政局",
        "government",
        "civil",
        "负责全市社会救助、养老服务、社会组织登记管理、婚姻登记和地名管理。",
    ),
    (
        "cq-statistics",
        "重庆市统计局",
        "government",
        "statistics",
        "负责全市国民经济核算、人口和经济社会统计调查，发布统计数据。",
    ),
    (
        "cq-public-resources-trading",
        "重庆市公共资源交易中心",
        "institution",
        "trading",
        "市政府设立的公益性事业单位，承担全市工程建设招标投标、政府采购等公共资源交易服务。",
    ),
    (
        "cq-rail-transit",
        "重庆市轨道交通（集团）有限公司",
        "public_enterprise",
        "rail",
        "负责重庆城市轨道交通建设和运营的市属国有企业，按照本办法参照开展数据开放。",
    ),
)

#: District code, name and slug of the districts in the demo.
_DISTRICTS: tuple[tuple[str, str, str], ...] = (
    ("500103", "渝中区", "yuzhong"),
    ("500105", "江北区", "jiangbei"),
    ("500106", "沙坪坝区", "shapingba"),
)

#: District departments by slug: (title suffix, subject, description).
_DISTRICT_DEPARTMENT_KINDS: dict[str, tuple[str, str, str]] = {
    "transport": ("交通局", "transport", "负责辖区道路交通、公共停车和交通设施管理。"),
    "health": (
        "卫生健康委员会",
        "health",
        "负责辖区医疗卫生服务和基层医疗卫生机构管理。",
    ),
    "market-regulation": (
        "市场监督管理局",
        "market",
        "负责辖区市场主体登记、食品药品安全和市场秩序监管。",
    ),
    "education": (
        "教育委员会",
        "education",
        "负责辖区中小学、幼儿园管理和招生入学工作。",
    ),
    "ecology-environment": (
        "生态环境局",
        "environment",
        "负责辖区生态环境质量监测和污染防治监督管理。",
    ),
    "civil-affairs": ("民政局", "civil", "负责辖区社会救助、养老服务和社区建设。"),
    "urban-management": (
        "城市管理局",
        "urban",
        "负责辖区市容环境卫生、生活垃圾分类和城市公共设施管理。",
    ),
}

#: The departments of each district besides its competent department.
_DISTRICT_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "yuzhong": ("transport", "health", "market-regulation"),
    "jiangbei": ("education", "ecology-environment", "civil-affairs"),
    "shapingba": ("transport", "health", "urban-management"),
}

#: The law each subject's restrictions cite, besides the general ones.
_LAWS: dict[str, str] = {
    "development": "《企业投资项目核准和备案管理条例》",
    "transport": "《中华人民共和国道路运输条例》",
    "health": "《中华人民共和国基本医疗卫生与健康促进法》",
    "drug": "《中华人民共和国药品管理法》",
    "education": "《中华人民共和国教育法》",
    "environment": "《中华人民共和国环境保护法》",
    "market": "《中华人民共和国市场主体登记管理条例》",
    "social_security": "《中华人民共和国社会保险法》",
    "police": "《中华人民共和国人民警察法》",
    "land": "《中华人民共和国土地管理法》",
    "housing": "《城市房地产开发经营管理条例》",
    "civil": "《社会救助暂行办法》",
    "statistics": "《中华人民共和国统计法》",
    "trading": "《中华人民共和国招标投标法》",
    "rail": "《重庆市轨道交通条例》",
    "urban": "《重庆市市容环境卫生管理条例》",
}


def _organizations(rng: random.Random) -> tuple[list[Organization], dict[str, str]]:
    """All departments, and the subject (for the law cited) of each."""
    used: set[str] = set()

    def code(kind: str, region: str) -> str:
        # A synthetic organization code body: "MB" and six digits, never repeated.
        while True:
            body = f"MB{rng.randrange(10**6):06d}"
            if body not in used:
                used.add(body)
                return make_uscc(kind[0], kind[1], region, body)

    kinds = {"government": "11", "institution": "12", "public_enterprise": "91"}
    orgs: list[Organization] = []
    subjects: dict[str, str] = {}
    for index, (name, title, kind, subject, description) in enumerate(_MUNICIPAL):
        orgs.append(
            Organization(
                name=name,
                title=title,
                description=description,
                uscc=code(kinds[kind], MUNICIPAL_REGION),
                org_kind=kind,
                level="municipal",
                region=MUNICIPAL_REGION,
                is_competent=index == 0,
            )
        )
        subjects[name] = subject
    for region, district, slug in _DISTRICTS:
        competent = (
            "发展和改革委员会",
            "development",
            f"{district}人民政府工作部门，负责辖区发展规划和重大项目管理，"
            f"是{district}政务信息资源共享开放工作的主管部门。",
        )
        departments = [("development-reform", competent)] + [
            (kind, _DISTRICT_DEPARTMENT_KINDS[kind])
            for kind in _DISTRICT_DEPARTMENTS[slug]
        ]
        for index, (kind, (title, subject, description)) in enumerate(departments):
            name = f"{slug}-{kind}"
            orgs.append(
                Organization(
                    name=name,
                    title=f"重庆市{district}{title}",
                    description=description,
                    uscc=code("11", region),
                    org_kind="government",
                    level="district",
                    region=region,
                    is_competent=index == 0,
                )
            )
            subjects[name] = subject
    return orgs, subjects


# --- catalog entries ----------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One catalog entry as written below, before texts and files are derived."""

    name: str
    org: str
    title: str
    notes: str
    tags: str
    category: str
    share: str
    open: str
    cycle: str
    table: str
    years: tuple[int, ...] = (2025,)
    #: What makes a restriction necessary ("涉及…"); required unless unrestricted.
    reason: str = ""


def _e(
    name: str,
    org: str,
    title: str,
    notes: str,
    tags: str,
    kind: str,
    table: str,
    years: tuple[int, ...] = (2025,),
    reason: str = "",
) -> _Entry:
    """Shorthand: ``kind`` is "category share open cycle" separated by spaces."""
    category, share, open_, cycle = kind.split()
    return _Entry(
        name,
        org,
        title,
        notes,
        tags,
        category,
        share,
        open_,
        cycle,
        table,
        years,
        reason,
    )


_BOTH_YEARS = (2024, 2025)

_ENTRIES: tuple[_Entry, ...] = (
    # 发展改革
    _e(
        "cq-major-projects",
        "cq-development-reform",
        "重庆市重大建设项目名单",
        "全市年度市级重大建设项目清单，包括项目名称、建设地点、项目阶段、总投资和年度计划投资。",
        "重大项目 项目投资 发展改革",
        "basic unconditional proactive yearly",
        "major_projects",
        _BOTH_YEARS,
    ),
    _e(
        "cq-price-monitoring",
        "cq-development-reform",
        "重庆市重要民生商品价格监测信息",
        "中心城区主要农贸市场粮油、肉禽蛋、蔬菜等重要民生商品零售价格周监测数据。",
        "价格监测 民生商品 菜价",
        "thematic unconditional proactive weekly",
        "prices",
    ),
    _e(
        "cq-investment-project-filings",
        "cq-development-reform",
        "重庆市企业投资项目备案信息",
        "企业投资项目在线审批监管平台备案项目的备案编号、项目单位、建设地点和总投资。",
        "投资项目 项目备案 在线审批",
        "basic unconditional on_application monthly",
        "project_filings",
        reason="项目单位报送的投资计划",
    ),
    _e(
        "cq-credit-lists",
        "cq-development-reform",
        "重庆市守信激励和失信惩戒对象名单",
        "各行业主管部门认定的守信激励对象和失信惩戒对象名单，用于联合奖惩。",
        "社会信用 信用名单 联合奖惩",
        "basic unconditional proactive monthly",
        "credit_lists",
    ),
    # 交通
    _e(
        "cq-bus-routes",
        "cq-transport",
        "重庆市中心城区公交线路信息",
        "中心城区常规公交线路的线路名称、起终点站、首末班时间、票价和运营单位。",
        "公交线路 公共交通 交通出行",
        "thematic unconditional proactive monthly",
        "bus_routes",
    ),
    _e(
        "cq-bus-stops",
        "cq-transport",
        "重庆市公交站点信息",
        "中心城区公交站点名称、所在区和街道、经纬度及途经线路数。",
        "公交站点 公共交通 地理位置",
        "thematic unconditional proactive quarterly",
        "bus_stops",
    ),
    _e(
        "cq-public-parking",
        "cq-transport",
        "重庆市中心城区公共停车场信息",
        "中心城区公共停车场名称、位置、类型、泊位总数、实时空余泊位和收费标准。",
        "停车场 停车泊位 智慧交通",
        "thematic unconditional proactive real_time",
        "parking",
    ),
    _e(
        "cq-road-transport-licenses",
        "cq-transport",
        "重庆市道路运输经营许可信息",
        "道路旅客运输、货物运输经营许可的许可证号、经营者、经营范围和有效期。",
        "道路运输 经营许可 行政许可",
        "departmental conditional on_application monthly",
        "transport_licenses",
        reason="经营者车辆和经营明细",
    ),
    _e(
        "cq-ev-charging-stations",
        "cq-transport",
        "重庆市新能源汽车公共充电站信息",
        "全市公共充电站名称、地址、快慢充桩数量、服务费标准和运营商。",
        "充电站 新能源汽车 充电桩",
        "thematic unconditional proactive weekly",
        "charging_stations",
    ),
    _e(
        "cq-highway-toll-traffic",
        "cq-transport",
        "重庆市高速公路收费站车流量统计",
        "高速公路收费站出入口日车流量及客货车构成。",
        "高速公路 车流量 收费站",
        "thematic conditional not_open daily",
        "highway_flow",
        reason="路网运行监测和应急调度信息",
    ),
    # 轨道集团
    _e(
        "cq-rail-passenger-flow",
        "cq-rail-transit",
        "重庆轨道交通车站客流统计",
        "轨道交通各线路车站日进站、出站和换乘客流量。",
        "轨道交通 轨道交通客流 地铁",
        "thematic unconditional proactive daily",
        "rail_flow",
        _BOTH_YEARS,
    ),
    _e(
        "cq-rail-stations",
        "cq-rail-transit",
        "重庆轨道交通车站及出入口信息",
        "轨道交通车站名称、所属线路、出入口数量、换乘和无障碍设施情况及位置。",
        "轨道交通 车站 无障碍设施",
        "thematic unconditional proactive irregular",
        "rail_stations",
    ),
    # 卫生健康
    _e(
        "cq-medical-institutions",
        "cq-health",
        "重庆市医疗机构名录",
        "全市医疗机构名称、类别、等级、地址、床位数和医保定点情况。",
        "医疗机构 医院 卫生健康",
        "thematic unconditional proactive quarterly",
        "medical_institutions",
    ),
    _e(
        "cq-community-health-centers",
        "cq-health",
        "重庆市社区卫生服务中心信息",
        "社区卫生服务中心名称、地址、家庭医生团队数、服务人口和门诊时间。",
        "社区卫生 家庭医生 基层医疗",
        "thematic unconditional proactive half_yearly",
        "health_centers",
    ),
    _e(
        "cq-vaccination-clinics",
        "cq-health",
        "重庆市预防接种门诊信息",
        "儿童、成人预防接种门诊和狂犬病暴露处置门诊的地址、接种时间和咨询电话。",
        "预防接种 疫苗 门诊",
        "thematic unconditional proactive quarterly",
        "vaccination_clinics",
    ),
    _e(
        "cq-hospital-bed-usage",
        "cq-health",
        "重庆市医院床位使用情况",
        "按区县统计的医院编制床位、实际开放床位、病床使用率和平均住院日。",
        "床位 医院运行 卫生统计",
        "departmental conditional on_application monthly",
        "bed_usage",
        reason="医疗机构运行监测数据",
    ),
    _e(
        "cq-infectious-disease-reports",
        "cq-health",
        "重庆市法定传染病报告汇总",
        "按区县汇总的法定报告传染病病种数和报告病例数，用于疾病预防控制内部研判。",
        "传染病 疾病预防控制 公共卫生",
        "departmental not_shared not_open monthly",
        "infectious_disease",
        reason="未经发布的传染病疫情信息",
    ),
    # 药品监管
    _e(
        "cq-retail-pharmacies",
        "cq-drug-administration",
        "重庆市药品零售企业（药店）信息",
        "药品零售企业许可证编号、企业名称、经营方式、地址、医保定点和营业时间。",
        "药店 药品零售 医保定点",
        "thematic unconditional proactive monthly",
        "pharmacies",
    ),
    _e(
        "cq-medical-device-dealers",
        "cq-drug-administration",
        "重庆市医疗器械经营企业备案信息",
        "第二类、第三类医疗器械经营企业的备案编号、经营类别和经营方式。",
        "医疗器械 经营备案 药品监管",
        "departmental unconditional on_application quarterly",
        "device_companies",
        reason="企业经营场所和仓储明细",
    ),
    # 教育
    _e(
        "cq-primary-secondary-schools",
        "cq-education",
        "重庆市中小学校名录",
        "全市中小学校名称、办学类型、办学性质、地址、班级数、在校学生数和专任教师数。",
        "中小学 学校 教育",
        "departmental unconditional proactive yearly",
        "schools",
        _BOTH_YEARS,
    ),
    _e(
        "cq-kindergartens",
        "cq-education",
        "重庆市幼儿园名录",
        "幼儿园名称、办园性质、等级、地址、班级数和保教费标准。",
        "幼儿园 学前教育 普惠",
        "departmental unconditional proactive yearly",
        "kindergartens",
    ),
    _e(
        "cq-school-enrollment-plans",
        "cq-education",
        "重庆市中小学招生计划",
        "义务教育和普通高中学校年度招生班数、招生人数和招生范围。",
        "招生计划 义务教育 入学",
        "departmental unconditional proactive yearly",
        "enrollment_plans",
    ),
    _e(
        "cq-higher-education-institutions",
        "cq-education",
        "重庆市普通高等学校名单",
        "在渝普通高等学校代码、名称、办学层次、主管部门和在校生规模。",
        "高等学校 大学 高等教育",
        "departmental unconditional proactive yearly",
        "universities",
    ),
    _e(
        "cq-student-aid",
        "cq-education",
        "重庆市学生资助发放汇总",
        "按区县和资助项目汇总的学生资助人次和金额。",
        "学生资助 助学金 教育民生",
        "departmental conditional not_open half_yearly",
        "student_aid",
        reason="家庭经济困难学生认定信息",
    ),
    # 生态环境
    _e(
        "cq-air-quality-hourly",
        "cq-ecology-environment",
        "重庆市空气质量自动监测小时数据",
        "国控、市控空气自动监测站逐小时PM2.5、PM10、臭氧、二氧化氮浓度和AQI。",
        "空气质量 PM2.5 环境监测",
        "thematic unconditional proactive real_time",
        "air_hourly",
    ),
    _e(
        "cq-air-quality-daily",
        "cq-ecology-environment",
        "重庆市区县空气质量日报",
        "各区县每日AQI、空气质量级别、首要污染物和PM2.5日均浓度。",
        "空气质量 空气质量日报 PM2.5",
        "thematic unconditional proactive daily",
        "air_daily",
        _BOTH_YEARS,
    ),
    _e(
        "cq-surface-water-quality",
        "cq-ecology-environment",
        "重庆市地表水水质监测信息",
        "长江、嘉陵江、乌江等河流监测断面的月度水质类别和主要指标浓度。",
        "水质 地表水 长江",
        "thematic unconditional proactive monthly",
        "surface_water",
    ),
    _e(
        "cq-drinking-water-sources",
        "cq-ecology-environment",
        "重庆市集中式饮用水水源地水质状况",
        "县级以上集中式饮用水水源地季度水质达标情况和取水量。",
        "饮用水 水源地 水质",
        "thematic unconditional proactive quarterly",
        "drinking_water",
    ),
    _e(
        "cq-pollutant-discharge-permits",
        "cq-ecology-environment",
        "重庆市排污许可证核发信息",
        "排污单位的许可证编号、行业类别、管理类别和有效期限。",
        "排污许可 污染源 环境管理",
        "thematic conditional on_application monthly",
        "discharge_permits",
        reason="排污单位生产工艺和排放明细",
    ),
    _e(
        "cq-environmental-penalties",
        "cq-ecology-environment",
        "重庆市生态环境行政处罚信息",
        "生态环境部门作出的行政处罚决定书文号、违法事实、处罚内容和金额。",
        "行政处罚 环境执法 生态环境",
        "thematic unconditional proactive irregular",
        "environmental_penalties",
    ),
    # 市场监管
    _e(
        "cq-market-entity-registration",
        "cq-market-regulation",
        "重庆市市场主体登记信息",
        "企业、个体工商户和农民专业合作社的统一社会信用代码、名称、类型、注册资本和登记状态。",
        "市场主体登记 企业 法人",
        "basic unconditional on_application daily",
        "market_entities",
        _BOTH_YEARS,
        reason="市场主体登记明细",
    ),
    _e(
        "cq-new-market-entities",
        "cq-market-regulation",
        "重庆市新登记市场主体统计",
        "按区县和月份统计的新设企业、个体工商户和农民专业合作社户数。",
        "市场主体 营商环境 统计",
        "departmental unconditional proactive monthly",
        "new_entities",
    ),
    _e(
        "cq-food-business-licenses",
        "cq-market-regulation",
        "重庆市食品经营许可信息",
        "食品经营许可证编号、经营者名称、主体业态、经营项目和经营场所。",
        "食品经营许可 食品安全 行政许可",
        "departmental unconditional proactive weekly",
        "food_licenses",
    ),
    _e(
        "cq-abnormal-operations",
        "cq-market-regulation",
        "重庆市经营异常名录信息",
        "被列入经营异常名录的企业、列入原因、列入日期和作出决定机关。",
        "经营异常 信用监管 企业信用",
        "basic unconditional proactive daily",
        "abnormal_list",
    ),
    _e(
        "cq-random-inspections",
        "cq-market-regulation",
        "重庆市“双随机、一公开”抽查结果",
        "市场监管部门随机抽取检查对象、随机选派执法检查人员的抽查事项和检查结果。",
        "双随机 抽查 市场监管",
        "departmental unconditional proactive quarterly",
        "spot_checks",
    ),
    # 人力社保
    _e(
        "cq-social-security-outlets",
        "cq-human-resources-social-security",
        "重庆市社保经办服务网点信息",
        "社会保险经办服务网点名称、地址、可办理业务、办公时间和咨询电话。",
        "社保经办网点 社会保障 便民服务",
        "thematic unconditional proactive irregular",
        "social_security_outlets",
    ),
    _e(
        "cq-employment-service-agencies",
        "cq-human-resources-social-security",
        "重庆市公共就业服务机构信息",
        "区县、街道公共就业服务机构的名称、地址和服务项目。",
        "就业服务 公共就业 人力资源",
        "departmental unconditional proactive half_yearly",
        "employment_agencies",
    ),
    _e(
        "cq-social-insurance-enrollment",
        "cq-human-resources-social-security",
        "重庆市社会保险参保情况统计",
        "按区县统计的职工养老、失业和工伤保险参保人数。",
        "社会保险 参保 社会保障",
        "thematic unconditional on_application monthly",
        "insurance_enrollment",
        reason="社保基金运行分析数据",
    ),
    _e(
        "cq-vocational-skill-certificates",
        "cq-human-resources-social-security",
        "重庆市职业技能等级证书核发信息",
        "职业技能等级证书编号、职业（工种）、等级、评价机构和发证日期。",
        "职业技能 等级证书 技能人才",
        "thematic conditional not_open monthly",
        "skill_certificates",
        reason="持证人个人信息",
    ),
    _e(
        "cq-minimum-wage",
        "cq-human-resources-social-security",
        "重庆市最低工资标准",
        "各区县执行的月最低工资标准和小时最低工资标准档次。",
        "最低工资 劳动报酬 劳动关系",
        "departmental unconditional proactive irregular",
        "minimum_wage",
    ),
    # 公安
    _e(
        "cq-household-population",
        "cq-public-security",
        "重庆市户籍人口统计",
        "按区县统计的户籍户数、户籍人口、出生登记和死亡注销数。",
        "户籍人口 人口 自然人",
        "basic unconditional on_application yearly",
        "household_population",
        reason="人口管理统计数据",
    ),
    _e(
        "cq-motor-vehicles",
        "cq-public-security",
        "重庆市机动车保有量统计",
        "按区县和月份统计的汽车、新能源汽车和摩托车保有量。",
        "机动车 新能源汽车 交通管理",
        "thematic unconditional proactive monthly",
        "vehicles",
    ),
    _e(
        "cq-traffic-violation-hotspots",
        "cq-public-security",
        "重庆市交通违法高发路段",
        "交通违法行为高发路段、主要违法行为类型、违法数量和高发时段。",
        "交通违法 道路交通安全 交巡警",
        "thematic unconditional proactive monthly",
        "violation_hotspots",
    ),
    _e(
        "cq-police-stations",
        "cq-public-security",
        "重庆市公安派出所户政窗口信息",
        "公安派出所户政窗口的地址、办公时间、可办理业务和咨询电话。",
        "派出所 户政 便民服务",
        "departmental unconditional proactive irregular",
        "police_stations",
    ),
    _e(
        "cq-public-order-cases",
        "cq-public-security",
        "重庆市治安案件统计",
        "按区县和月份统计的治安案件受理和查处情况。",
        "治安案件 公共安全 统计",
        "departmental not_shared not_open monthly",
        "case_statistics",
        reason="公共安全形势研判信息",
    ),
    # 规划和自然资源
    _e(
        "cq-land-supply",
        "cq-planning-natural-resources",
        "重庆市国有建设用地供应信息",
        "国有建设用地的宗地编号、用途、供地方式、面积、成交价和合同签订日期。",
        "土地供应 建设用地 自然资源",
        "basic unconditional proactive monthly",
        "land_supply",
        _BOTH_YEARS,
    ),
    _e(
        "cq-geological-hazards",
        "cq-planning-natural-resources",
        "重庆市地质灾害隐患点信息",
        "地质灾害隐患点的编号、灾害类型、位置、威胁人数和险情等级。",
        "地质灾害 滑坡 防灾减灾",
        "basic unconditional on_application yearly",
        "geo_hazards",
        reason="隐患点精确位置",
    ),
    _e(
        "cq-planning-permits",
        "cq-planning-natural-resources",
        "重庆市建设工程规划许可信息",
        "建设工程规划许可证号、建设单位、项目名称、建设位置、规模和核发日期。",
        "规划许可 建设工程 国土空间规划",
        "departmental unconditional proactive weekly",
        "planning_permits",
    ),
    _e(
        "cq-real-estate-registrations",
        "cq-planning-natural-resources",
        "重庆市不动产登记业务量统计",
        "按区县和月份统计的不动产首次登记、转移登记和抵押登记业务量。",
        "不动产登记 登记业务 自然资源",
        "departmental conditional not_open monthly",
        "real_estate_registrations",
        reason="不动产交易市场监测数据",
    ),
    # 住房城乡建设
    _e(
        "cq-presale-permits",
        "cq-housing-urban-rural",
        "重庆市商品房预售许可信息",
        "商品房预售许可证号、项目名称、开发企业、预售面积和套数。",
        "商品房 预售许可 房地产",
        "thematic unconditional proactive weekly",
        "presale_permits",
    ),
    _e(
        "cq-construction-companies",
        "cq-housing-urban-rural",
        "重庆市建筑业企业资质信息",
        "建筑业企业的资质类别、资质等级和证书有效期。",
        "建筑业 企业资质 工程建设",
        "departmental unconditional proactive monthly",
        "construction_companies",
    ),
    _e(
        "cq-public-rental-housing",
        "cq-housing-urban-rural",
        "重庆市公共租赁住房小区信息",
        "公租房小区名称、地址、房源套数、户型和租金标准。",
        "公租房 住房保障 保障性住房",
        "departmental unconditional proactive yearly",
        "public_rental",
    ),
    _e(
        "cq-construction-dust-monitoring",
        "cq-housing-urban-rural",
        "重庆市建筑工地扬尘在线监测数据",
        "在建工地扬尘在线监测设备采集的PM10、PM2.5和噪声数据。",
        "扬尘 建筑工地 在线监测",
        "departmental conditional on_application daily",
        "dust_monitoring",
        reason="施工企业现场管理数据",
    ),
    # 民政
    _e(
        "cq-elderly-care-institutions",
        "cq-civil-affairs",
        "重庆市养老机构名录",
        "养老机构名称、性质、地址、床位数、护理型床位占比和收费标准。",
        "养老机构 养老服务 民政",
        "thematic unconditional proactive quarterly",
        "elderly_care",
    ),
    _e(
        "cq-social-organizations",
        "cq-civil-affairs",
        "重庆市社会组织登记信息",
        "社会团体、民办非企业单位和基金会的统一社会信用代码、名称、类型和业务范围。",
        "社会组织 登记管理 法人",
        "basic unconditional proactive monthly",
        "social_organizations",
    ),
    _e(
        "cq-marriage-registration-offices",
        "cq-civil-affairs",
        "重庆市婚姻登记机关信息",
        "婚姻登记处的地址、办公时间、预约方式和咨询电话。",
        "婚姻登记 便民服务 民政",
        "departmental unconditional proactive irregular",
        "marriage_offices",
    ),
    _e(
        "cq-subsistence-allowances",
        "cq-civil-affairs",
        "重庆市城乡低保情况统计",
        "按区县和季度统计的城乡最低生活保障对象人数、保障标准和发放金额。",
        "低保 社会救助 社会保障",
        "thematic conditional on_application quarterly",
        "subsistence",
        reason="困难群众救助统计数据",
    ),
    _e(
        "cq-standard-place-names",
        "cq-civil-affairs",
        "重庆市标准地名信息",
        "经批准的道路、街巷、广场、公园和桥梁标准地名及其含义。",
        "地名 标准地名 地理信息",
        "basic unconditional proactive irregular",
        "place_names",
    ),
    # 统计
    _e(
        "cq-gdp-by-district",
        "cq-statistics",
        "重庆市分区县地区生产总值",
        "各区县季度累计地区生产总值及三次产业增加值、同比增长率。",
        "地区生产总值 GDP 经济统计",
        "departmental unconditional proactive quarterly",
        "gdp",
        _BOTH_YEARS,
    ),
    _e(
        "cq-resident-population",
        "cq-statistics",
        "重庆市分区县常住人口",
        "各区县年末常住人口、城镇人口和城镇化率。",
        "常住人口 城镇化率 人口统计",
        "departmental unconditional proactive yearly",
        "resident_population",
    ),
    _e(
        "cq-consumer-price-index",
        "cq-statistics",
        "重庆市居民消费价格指数",
        "全市居民消费价格总指数和分类指数的同比、环比数据。",
        "CPI 消费价格 价格指数",
        "departmental unconditional proactive monthly",
        "cpi",
    ),
    _e(
        "cq-retail-sales",
        "cq-statistics",
        "重庆市社会消费品零售总额",
        "按区县和月份统计的社会消费品零售总额及同比增速。",
        "消费品零售 消费 经济统计",
        "departmental unconditional proactive monthly",
        "retail_sales",
    ),
    # 公共资源交易
    _e(
        "cq-bid-announcements",
        "cq-public-resources-trading",
        "重庆市工程建设项目招标公告",
        "在市公共资源交易平台发布的工程建设项目招标公告。",
        "招标投标 工程建设 公共资源交易",
        "departmental unconditional proactive daily",
        "bid_announcements",
    ),
    _e(
        "cq-procurement-results",
        "cq-public-resources-trading",
        "重庆市政府采购中标结果",
        "政府采购项目的采购单位、中标供应商、中标金额和公告日期。",
        "政府采购 中标结果 公共资源交易",
        "departmental unconditional proactive daily",
        "procurement_results",
    ),
    # 渝中区
    _e(
        "yuzhong-key-projects",
        "yuzhong-development-reform",
        "渝中区重点建设项目",
        "渝中区年度重点建设项目名称、项目阶段、总投资和年度计划投资。",
        "渝中区 重点项目 城市更新",
        "basic unconditional proactive yearly",
        "major_projects",
    ),
    _e(
        "yuzhong-parking-lots",
        "yuzhong-transport",
        "渝中区停车场信息",
        "渝中区公共停车场和路内停车位的位置、泊位数、空余泊位和收费标准。",
        "渝中区 停车场 停车泊位",
        "thematic unconditional proactive real_time",
        "parking",
    ),
    _e(
        "yuzhong-medical-institutions",
        "yuzhong-health",
        "渝中区医疗卫生机构信息",
        "渝中区医院、社区卫生服务中心和诊所的名称、等级、地址和床位数。",
        "渝中区 医疗机构 基层医疗",
        "thematic unconditional proactive quarterly",
        "medical_institutions",
    ),
    _e(
        "yuzhong-pharmacies",
        "yuzhong-market-regulation",
        "渝中区药店信息",
        "渝中区药品零售企业名称、地址、医保定点和营业时间。",
        "渝中区 药店 药品零售",
        "thematic unconditional proactive monthly",
        "pharmacies",
    ),
    _e(
        "yuzhong-food-safety-grading",
        "yuzhong-market-regulation",
        "渝中区餐饮服务食品安全量化分级信息",
        "渝中区餐饮服务单位食品安全量化等级、检查日期和主要问题。",
        "渝中区 餐饮 食品安全",
        "departmental unconditional proactive monthly",
        "food_grading",
    ),
    # 江北区
    _e(
        "jiangbei-market-prices",
        "jiangbei-development-reform",
        "江北区农贸市场价格监测",
        "江北区主要农贸市场蔬菜、肉类等商品零售价格监测。",
        "江北区 价格监测 农贸市场",
        "thematic unconditional proactive weekly",
        "prices",
    ),
    _e(
        "jiangbei-schools",
        "jiangbei-education",
        "江北区中小学校信息",
        "江北区中小学校名称、办学类型、地址和在校学生规模。",
        "江北区 中小学 学校",
        "departmental unconditional proactive yearly",
        "schools",
    ),
    _e(
        "jiangbei-noise-monitoring",
        "jiangbei-ecology-environment",
        "江北区声环境质量监测",
        "江北区功能区声环境监测点位的昼间、夜间等效声级和达标情况。",
        "江北区 噪声 声环境",
        "thematic unconditional proactive monthly",
        "noise",
    ),
    _e(
        "jiangbei-elderly-canteens",
        "jiangbei-civil-affairs",
        "江北区社区老年食堂信息",
        "江北区社区老年食堂名称、地址、供餐时间和老年人优惠政策。",
        "江北区 老年食堂 养老服务",
        "thematic unconditional proactive quarterly",
        "elderly_canteens",
    ),
    _e(
        "jiangbei-community-services",
        "jiangbei-civil-affairs",
        "江北区社区综合服务站信息",
        "江北区社区综合服务站名称、服务内容、面积和联系电话。",
        "江北区 社区服务 便民服务",
        "departmental unconditional on_application irregular",
        "community_services",
        reason="社区服务站运营单位信息",
    ),
    # 沙坪坝区
    _e(
        "shapingba-key-projects",
        "shapingba-development-reform",
        "沙坪坝区重大项目信息",
        "沙坪坝区重大建设项目名称、建设地点、项目阶段和投资情况。",
        "沙坪坝区 重大项目 项目投资",
        "basic unconditional on_application quarterly",
        "major_projects",
        reason="项目前期工作信息",
    ),
    _e(
        "shapingba-parking-lots",
        "shapingba-transport",
        "沙坪坝区停车场信息",
        "沙坪坝区公共停车场位置、泊位数、实时空余泊位和收费标准。",
        "沙坪坝区 停车场 停车泊位",
        "thematic unconditional proactive real_time",
        "parking",
    ),
    _e(
        "shapingba-medical-institutions",
        "shapingba-health",
        "沙坪坝区医疗机构信息",
        "沙坪坝区医疗机构名称、类别、等级、地址和床位数。",
        "沙坪坝区 医疗机构 医院",
        "thematic unconditional proactive quarterly",
        "medical_institutions",
    ),
    _e(
        "shapingba-public-toilets",
        "shapingba-urban-management",
        "沙坪坝区城市公厕信息",
        "沙坪坝区城市公厕名称、类别、开放时间、无障碍设施和位置。",
        "沙坪坝区 公厕 市政设施",
        "departmental unconditional proactive half_yearly",
        "public_toilets",
    ),
    _e(
        "shapingba-waste-collection",
        "shapingba-urban-management",
        "沙坪坝区生活垃圾分类收运统计",
        "沙坪坝区各街道月度可回收物、厨余垃圾、有害垃圾和其他垃圾收运量。",
        "沙坪坝区 垃圾分类 环境卫生",
        "departmental conditional on_application monthly",
        "waste_collection",
        reason="收运企业运营数据",
    ),
)


def _share_texts(entry: _Entry, provider: str, law: str) -> tuple[str, str]:
    """(share_condition, share_basis) for an entry's share type."""
    if entry.share == "unconditional":
        return "", ""
    if entry.share == "conditional":
        condition = (
            f"数据涉及{entry.reason}，仅限政务部门为履行法定职责使用。使用部门须通过"
            f"共享平台提交共享申请，经{provider}审核同意后按申请用途使用，不得向第三方提供。"
        )
        basis = (
            "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）；"
            f"《重庆市数据条例》；{law}"
        )
        return condition, basis
    return "", (
        f"数据涉及{entry.reason}，依据《中华人民共和国数据安全法》、{law}"
        "及相关保密规定，不予共享。"
    )


def _open_texts(entry: _Entry, provider: str, law: str) -> tuple[str, str]:
    """(open_condition, open_basis) for an entry's open type."""
    if entry.open == "proactive":
        return "", ""
    if entry.open == "on_application":
        condition = (
            f"数据涉及{entry.reason}。申请人须在开放平台实名注册并提交开放申请，说明数据用途"
            f"和使用期限，经{provider}审核同意后在约定范围内使用。"
        )
        basis = f"《重庆市数据条例》；《重庆市公共数据开放管理暂行办法》；{law}"
        return condition, basis
    return "", (
        f"数据涉及{entry.reason}，依据《中华人民共和国数据安全法》"
        f"《中华人民共和国个人信息保护法》及{law}，不予开放。"
    )


_LICENSES = {
    "proactive": ("cc-by", "cc-by", "odc-by", "cc-zero"),
    "on_application": ("other-at",),
    "not_open": ("other-closed",),
}


def _places(org: Organization) -> tuple[str, ...]:
    """The districts a department's tables cover."""
    if org.level == "district":
        return next((d,) for region, d, _ in _DISTRICTS if region == org.region)
    return URBAN_DISTRICTS


def _release_date(rng: random.Random) -> str:
    start = dt.date(2024, 1, 1)
    return (start + dt.timedelta(days=rng.randrange(548))).isoformat()


def _resources(
    entry: _Entry, places: tuple[str, ...], seed: int
) -> tuple[Resource, ...]:
    audience = "open" if entry.open in ("proactive", "on_application") else "share"
    note = (
        "可开放数据，已去除敏感信息。"
        if audience == "open"
        else "原始数据，仅供政务部门共享使用。"
    )
    resources = []
    for year in entry.years:
        rng = random.Random(f"{seed}:{entry.name}:{year}")
        content = render_csv(TABLES[entry.table], rng, year, places)
        rows = content.count(b"\n") - 1
        resources.append(
            Resource(
                name=f"{entry.title}（{year}年）",
                description=f"{entry.title}{year}年数据，共{rows}条记录。{note}",
                filename=f"{entry.name}-{year}.csv",
                audience=audience,
                content=content,
            )
        )
    return tuple(resources)


#: The kind of each basic entry (Art. 15(2)).
_BASIC_TYPES: dict[str, str] = {
    "cq-major-projects": "investment_project",
    "cq-investment-project-filings": "investment_project",
    "cq-credit-lists": "credit",
    "cq-market-entity-registration": "legal_person",
    "cq-abnormal-operations": "credit",
    "cq-household-population": "natural_person",
    "cq-land-supply": "natural_resources_geo",
    "cq-geological-hazards": "natural_resources_geo",
    "cq-social-organizations": "legal_person",
    "cq-standard-place-names": "natural_resources_geo",
    "yuzhong-key-projects": "investment_project",
    "shapingba-key-projects": "investment_project",
}

#: The theme of thematic entries, by the provider's subject; entries whose
#: theme differs from their provider's are listed by name.
_THEMES_BY_SUBJECT: dict[str, str] = {
    "development": "market_supervision",
    "transport": "traffic",
    "rail": "traffic",
    "health": "health",
    "drug": "health",
    "market": "health",
    "environment": "eco_environment",
    "social_security": "social_security",
    "police": "traffic",
    "housing": "urban_construction",
    "civil": "civil_affairs",
}
_THEMES_BY_ENTRY: dict[str, str] = {
    "cq-vocational-skill-certificates": "employment",
}

#: Data items that hold personal information, by column header.
_SENSITIVE_HEADERS: dict[str, str] = {
    "经营者名称": "name",
    "住所": "address",
    "联系电话": "phone",
}

_INTEGER = re.compile(r"^-?[0-9]+$")
_DECIMAL = re.compile(r"^-?[0-9]+\.[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}")


def _data_items(content: bytes) -> tuple[dict[str, str], ...]:
    """One data item per CSV column, its type and length read off the values."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    headers, values = rows[0], rows[1:]
    items = []
    for index, header in enumerate(headers):
        column = [row[index] for row in values if row[index] != ""]
        longest = max((len(v) for v in column), default=1)
        if column and all(_INTEGER.match(v) for v in column):
            data_type, length = "I", ""
        elif column and all(_INTEGER.match(v) or _DECIMAL.match(v) for v in column):
            data_type, length = "N", str(longest)
        elif column and all(_DATE.match(v) for v in column):
            data_type, length = "D", ""
        elif column and all(_DATETIME.match(v) for v in column):
            data_type, length = "T", ""
        else:
            data_type, length = "C", str(-(-max(longest, 1) // 10) * 10)
        sensitive = _SENSITIVE_HEADERS.get(header, "none")
        item = {
            "name": header,
            "data_type": data_type,
            "description": (
                f"{header}（含个人信息，开放前须脱敏）"
                if sensitive != "none"
                else header
            ),
            "sensitive_category": sensitive,
        }
        if length:
            item["length"] = length
        items.append(item)
    return tuple(items)


def _share_method(entry: _Entry) -> str:
    """Basic entries online through the API (Art. 15(2)); others as files."""
    if entry.share == "not_shared":
        return ""
    return "platform_api" if entry.category == "basic" else "platform_file"


#: Entries the demo shows in a review state other than approved (the rest are
#: approved): every state appears, in municipal and district departments.
_REVIEW_STATES: dict[str, str] = {
    "cq-price-monitoring": "submitted",
    "cq-retail-pharmacies": "returned",
    "cq-presale-permits": "draft",
    "yuzhong-pharmacies": "submitted",
    "jiangbei-elderly-canteens": "returned",
    "shapingba-public-toilets": "draft",
}


def build_catalog(seed: int = DEFAULT_SEED) -> Catalog:
    """The whole demo catalog. Equal seeds give equal catalogs."""
    rng = random.Random(seed)
    organizations, subjects = _organizations(rng)
    by_name = {org.name: org for org in organizations}
    datasets = []
    for entry in _ENTRIES:
        org = by_name[entry.org]
        law = _LAWS[subjects[org.name]]
        share_condition, share_basis = _share_texts(entry, org.title, law)
        open_condition, open_basis = _open_texts(entry, org.title, law)
        resources = _resources(entry, _places(org), seed)
        theme = ""
        if entry.category == "thematic":
            theme = _THEMES_BY_ENTRY.get(
                entry.name, _THEMES_BY_SUBJECT[subjects[org.name]]
            )
        datasets.append(
            Dataset(
                name=entry.name,
                title=entry.title,
                notes=entry.notes,
                owner_org=org.name,
                tags=tuple(entry.tags.split()),
                resource_category=entry.category,
                share_type=entry.share,
                share_condition=share_condition,
                share_basis=share_basis,
                open_type=entry.open,
                open_condition=open_condition,
                open_basis=open_basis,
                update_cycle=entry.cycle,
                release_date=_release_date(rng),
                license_id=rng.choice(_LICENSES[entry.open]),
                resources=resources,
                basic_type=_BASIC_TYPES.get(entry.name, ""),
                theme=theme,
                share_method=_share_method(entry),
                data_items=_data_items(resources[0].content),
                region=org.region,
                catalog_status=_REVIEW_STATES.get(entry.name, "approved"),
                source_system=f"{org.title}业务管理系统",
                contact=f"{org.title}数据管理处，电话023-0000{len(datasets):04d}",
            )
        )
    return Catalog(organizations=tuple(organizations), datasets=tuple(datasets))
