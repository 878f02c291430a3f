"""Column layouts of the demo catalog's CSV files, by subject.

Each entry is a :class:`~ckanext.cqgov.demo.synthetic.Table`; datasets in
:mod:`ckanext.cqgov.demo.catalog` refer to them by key. Pure module.
"""

from __future__ import annotations

from ckanext.cqgov.demo.synthetic import (
    RAIL_LINES,
    RAIL_STATIONS,
    Table,
    address,
    choice,
    clock,
    date,
    decimal,
    district,
    district_by_month,
    enterprise_uscc,
    integer,
    latitude,
    longitude,
    month,
    name,
    past_date,
    phone,
    seq,
    street,
    street_by_month,
    table,
    timestamp,
    uscc_code,
    weighted,
)

#: One row per month and place: 12 months x 9 places.
MONTHLY_ROWS = 108

_PROJECT_KINDS = (
    "智能制造产业园",
    "综合交通枢纽",
    "数据中心",
    "污水处理厂提标改造",
    "城市更新",
    "物流园区",
    "新能源汽车零部件基地",
    "生物医药研发基地",
    "老旧小区改造",
    "山城步道",
)
_GOODS = (
    ("大米", "元/500克"),
    ("菜籽油", "元/升"),
    ("猪肉（后腿肉）", "元/500克"),
    ("鸡蛋", "元/500克"),
    ("大白菜", "元/500克"),
    ("土豆", "元/500克"),
    ("西红柿", "元/500克"),
    ("牛奶", "元/升"),
    ("鲜鸡", "元/500克"),
    ("草鱼", "元/500克"),
    ("青椒", "元/500克"),
    ("苹果", "元/500克"),
)


def _goods() -> tuple[str, ...]:
    return tuple(goods for goods, _ in _GOODS)


TABLES: dict[str, Table] = {
    # --- development and reform ---------------------------------------------
    "major_projects": table(
        ("项目编号", seq("XM2025-", 4)),
        ("项目名称", name("{district}{word}{kind}项目", kind=_PROJECT_KINDS)),
        ("建设地点", district),
        ("项目阶段", choice("前期", "新开工", "续建", "竣工投产")),
        ("总投资（亿元）", decimal(0.5, 120, 2)),
        ("年度计划投资（亿元）", decimal(0.1, 30, 2)),
        ("计划开工年份", integer(2021, 2025)),
        (
            "行业领域",
            choice("工业", "交通", "能源", "水利", "城建", "社会事业", "生态环保"),
        ),
    ),
    "prices": table(
        ("监测日期", date),
        ("监测点", name("{district}{word}农贸市场")),
        ("商品名称", choice(*_goods())),
        ("计价单位", choice("元/500克", "元/升")),
        ("零售价格", decimal(1.5, 32, 2)),
        ("环比涨跌（%）", decimal(-8, 8, 1)),
    ),
    "project_filings": table(
        ("备案编号", seq("2025-500000-", 6)),
        ("项目名称", name("{word}{kind}项目", kind=_PROJECT_KINDS)),
        ("项目单位统一社会信用代码", enterprise_uscc),
        ("建设地点", district),
        ("总投资（万元）", integer(200, 500000)),
        ("备案日期", date),
        ("备案机关", name("{district}发展和改革委员会")),
    ),
    "credit_lists": table(
        ("序号", seq("", 3)),
        (
            "主体名称",
            name(
                "重庆{word}示例{trade}有限公司",
                trade=("科技", "建材", "物流", "食品", "商贸"),
            ),
        ),
        ("统一社会信用代码", enterprise_uscc),
        ("名单类型", choice("守信激励对象", "失信惩戒对象")),
        (
            "认定部门",
            choice("市发展改革委", "市市场监管局", "市税务局", "市住房城乡建委"),
        ),
        ("列入日期", date),
        ("有效期至", choice("2026-12-31", "2027-06-30", "2027-12-31")),
    ),
    # --- transport ----------------------------------------------------------
    "bus_routes": table(
        ("线路编号", integer(101, 899)),
        ("线路名称", name("{n}路")),
        ("起点站", name("{road}站")),
        ("终点站", name("{road}站")),
        ("首班时间", clock("05:30", "07:30")),
        ("末班时间", clock("20:00", "23:30")),
        ("票价（元）", choice("1", "2", "3")),
        ("线路长度（公里）", decimal(5, 45, 1)),
        ("运营单位", choice("重庆公交集团", "重庆西部公交公司", "重庆北部公交公司")),
    ),
    "bus_stops": table(
        ("站点编号", seq("ZD", 5)),
        ("站点名称", name("{road}{n}号站")),
        ("所在区", district),
        ("所在街道", street),
        ("经度", longitude),
        ("纬度", latitude),
        ("途经线路数", integer(1, 18)),
    ),
    "parking": table(
        ("停车场编号", seq("TCC", 5)),
        ("停车场名称", name("{street}{word}公共停车场")),
        ("所在区", district),
        ("地址", address),
        ("类型", choice("路内停车位", "地面停车场", "地下停车库", "机械式立体车库")),
        ("泊位总数", integer(20, 1200)),
        ("空余泊位", integer(0, 300)),
        (
            "收费标准",
            choice("首小时5元，之后每小时2元", "每小时3元", "白天每小时4元，夜间免费"),
        ),
        ("开放时间", choice("全天", "07:00-22:00", "08:00-20:00")),
        ("经度", longitude),
        ("纬度", latitude),
        ("更新时间", timestamp),
    ),
    "transport_licenses": table(
        ("许可证号", seq("渝交运管许可字500000", 6)),
        ("经营者名称", name("重庆{word}示例运输有限公司")),
        ("统一社会信用代码", enterprise_uscc),
        (
            "经营范围",
            choice("道路普通货物运输", "县际班车客运", "旅游客运", "危险货物运输"),
        ),
        ("车辆数", integer(3, 300)),
        ("发证日期", date),
        ("有效期至", choice("2027-12-31", "2028-12-31", "2029-06-30")),
    ),
    "charging_stations": table(
        ("充电站编号", seq("CD", 5)),
        ("充电站名称", name("{district}{word}充电站")),
        ("地址", address),
        ("快充桩数", integer(0, 40)),
        ("慢充桩数", integer(0, 60)),
        ("服务费（元/千瓦时）", decimal(0.2, 0.8, 2)),
        (
            "运营商",
            choice("国网重庆电力", "重庆充电桩运营示例公司", "城市公共充电示例平台"),
        ),
        ("经度", longitude),
        ("纬度", latitude),
    ),
    "highway_flow": table(
        ("统计日期", date),
        ("收费站名称", name("{word}收费站")),
        (
            "所属高速",
            choice(
                "G65包茂高速",
                "G75兰海高速",
                "G85银昆高速",
                "G93成渝环线",
                "G50沪渝高速",
            ),
        ),
        ("入口车流量（辆次）", integer(800, 42000)),
        ("出口车流量（辆次）", integer(800, 42000)),
        ("客车占比（%）", decimal(40, 90, 1)),
    ),
    "rail_flow": table(
        ("日期", date),
        ("线路", choice(*RAIL_LINES)),
        ("车站", choice(*RAIL_STATIONS)),
        ("进站客流（人次）", integer(1500, 68000)),
        ("出站客流（人次）", integer(1500, 68000)),
        ("换乘客流（人次）", integer(0, 40000)),
    ),
    "rail_stations": table(
        ("车站编号", seq("ST", 3)),
        ("车站名称", choice(*RAIL_STATIONS)),
        ("所属线路", choice(*RAIL_LINES)),
        ("所在区", district),
        ("出入口数量", integer(2, 12)),
        ("是否换乘站", choice("是", "否")),
        ("无障碍电梯", choice("有", "无")),
        ("经度", longitude),
        ("纬度", latitude),
    ),
    # --- health and drugs -----------------------------------------------------
    "medical_institutions": table(
        ("机构编号", seq("YL", 5)),
        (
            "机构名称",
            name(
                "{district}{word}{kind}",
                kind=("医院", "中医院", "社区卫生服务中心", "门诊部", "诊所"),
            ),
        ),
        ("机构类别", choice("综合医院", "中医医院", "专科医院", "基层医疗卫生机构")),
        (
            "医院等级",
            choice("三级甲等", "三级乙等", "二级甲等", "二级乙等", "一级", "未定级"),
        ),
        ("所在区", district),
        ("地址", address),
        ("床位数", integer(0, 2500)),
        ("是否医保定点", choice("是", "否")),
        ("咨询电话", phone),
    ),
    "health_centers": table(
        ("机构名称", name("{street}社区卫生服务中心")),
        ("所在区", district),
        ("所在街道", street),
        ("地址", address),
        ("家庭医生团队数", integer(3, 40)),
        ("服务人口（万人）", decimal(1, 15, 1)),
        ("门诊时间", choice("08:00-17:30", "08:00-20:00", "全天")),
    ),
    "vaccination_clinics": table(
        ("门诊名称", name("{street}社区卫生服务中心预防接种门诊")),
        ("所在区", district),
        ("地址", address),
        (
            "门诊类型",
            choice("儿童预防接种门诊", "成人预防接种门诊", "狂犬病暴露处置门诊"),
        ),
        (
            "接种时间",
            choice(
                "周一至周五 08:30-11:30", "周二、周四全天", "周一至周六 08:30-16:30"
            ),
        ),
        ("咨询电话", phone),
    ),
    "bed_usage": table(
        ("统计月份", month),
        ("区县", district_by_month),
        ("编制床位数", integer(800, 12000)),
        ("实际开放床位数", integer(800, 12000)),
        ("病床使用率（%）", decimal(60, 105, 1)),
        ("平均住院日", decimal(6, 12, 1)),
        rows=MONTHLY_ROWS,
    ),
    "infectious_disease": table(
        ("统计月份", month),
        ("区县", district_by_month),
        ("法定报告传染病病种数", integer(5, 25)),
        ("报告病例数", integer(20, 3000)),
        ("较上月变化（%）", decimal(-30, 30, 1)),
        rows=MONTHLY_ROWS,
    ),
    "pharmacies": table(
        ("许可证编号", seq("渝CA023", 4)),
        ("企业名称", name("重庆{word}示例大药房{street}店")),
        ("统一社会信用代码", enterprise_uscc),
        ("经营方式", choice("零售（连锁）", "零售（单体）")),
        ("所在区", district),
        ("地址", address),
        ("是否医保定点", choice("是", "否")),
        ("营业时间", choice("08:00-22:00", "24小时", "08:30-21:00")),
        ("发证日期", past_date(2021)),
    ),
    "device_companies": table(
        ("备案编号", seq("渝械经营备", 6)),
        ("企业名称", name("重庆{word}示例医疗器械有限公司")),
        ("统一社会信用代码", enterprise_uscc),
        ("经营类别", choice("第二类医疗器械", "第三类医疗器械", "第二、三类医疗器械")),
        ("经营方式", choice("批发", "零售", "批零兼营")),
        ("住所", address),
        ("备案日期", past_date(2022)),
    ),
    # --- education ----------------------------------------------------------
    "schools": table(
        ("学校标识码", seq("3150000", 4)),
        (
            "学校名称",
            name(
                "重庆市{district}{word}{kind}",
                kind=("小学", "中学", "实验学校", "第一中学校"),
            ),
        ),
        (
            "办学类型",
            choice("小学", "初级中学", "完全中学", "九年一贯制学校", "高级中学"),
        ),
        ("办学性质", weighted(公办=9, 民办=1)),
        ("所在区", district),
        ("地址", address),
        ("班级数", integer(6, 90)),
        ("在校学生数", integer(200, 4800)),
        ("专任教师数", integer(20, 380)),
    ),
    "kindergartens": table(
        ("幼儿园名称", name("{district}{word}幼儿园")),
        ("办园性质", choice("公办", "普惠性民办", "民办")),
        ("等级", choice("市级示范", "一级", "二级", "三级")),
        ("所在街道", street),
        ("地址", address),
        ("班级数", integer(3, 20)),
        ("保教费（元/月）", integer(300, 2200)),
    ),
    "enrollment_plans": table(
        (
            "学校名称",
            name("重庆市{district}{word}{kind}", kind=("小学", "中学", "实验学校")),
        ),
        ("所在区", district),
        ("学段", choice("小学一年级", "初中一年级", "高中一年级")),
        ("计划招生班数", integer(2, 24)),
        ("计划招生人数", integer(90, 1100)),
        ("招生范围", name("{street}所辖社区")),
    ),
    "universities": table(
        ("学校代码", seq("1", 5)),
        (
            "学校名称",
            name("重庆{word}{kind}", kind=("大学", "学院", "职业技术学院", "师范学院")),
        ),
        ("办学层次", choice("本科", "专科")),
        ("主管部门", choice("重庆市", "教育部", "重庆市教委")),
        ("所在区", district),
        ("在校生数", integer(3000, 50000)),
    ),
    "student_aid": table(
        ("统计期", choice("春季学期", "秋季学期")),
        ("区县", district),
        (
            "资助项目",
            choice("国家助学金", "国家奖学金", "生源地信用助学贷款", "营养改善计划"),
        ),
        ("资助人次", integer(100, 60000)),
        ("资助金额（万元）", decimal(10, 8000, 2)),
    ),
    # --- environment --------------------------------------------------------
    "air_hourly": table(
        ("监测站点", name("{district}{word}监测站")),
        ("区县", district),
        ("监测时间", timestamp),
        ("PM2.5（微克/立方米）", integer(5, 160)),
        ("PM10（微克/立方米）", integer(10, 220)),
        ("臭氧（微克/立方米）", integer(10, 230)),
        ("二氧化氮（微克/立方米）", integer(5, 90)),
        ("AQI", integer(15, 210)),
    ),
    "air_daily": table(
        ("日期", date),
        ("区县", district),
        ("AQI", integer(20, 200)),
        ("空气质量级别", choice("优", "良", "轻度污染", "中度污染")),
        ("首要污染物", choice("PM2.5", "PM10", "臭氧", "—")),
        ("PM2.5日均值（微克/立方米）", integer(5, 120)),
    ),
    "surface_water": table(
        (
            "断面名称",
            name(
                "{river}{word}断面",
                river=("长江", "嘉陵江", "乌江", "綦江", "涪江", "大宁河"),
            ),
        ),
        ("所在区", district),
        ("监测月份", month),
        ("水质类别", weighted(**{"Ⅰ类": 2, "Ⅱ类": 10, "Ⅲ类": 5, "Ⅳ类": 1})),
        ("溶解氧（毫克/升）", decimal(5, 11, 2)),
        ("高锰酸盐指数（毫克/升）", decimal(1, 6, 2)),
        ("氨氮（毫克/升）", decimal(0.02, 1.2, 3)),
        ("总磷（毫克/升）", decimal(0.01, 0.25, 3)),
    ),
    "drinking_water": table(
        ("水源地名称", name("{district}{word}水库水源地")),
        ("水源类型", choice("河流型", "湖库型", "地下水型")),
        ("监测季度", choice("第一季度", "第二季度", "第三季度", "第四季度")),
        ("达标情况", weighted(达标=19, 不达标=1)),
        ("取水量（万吨）", decimal(10, 900, 1)),
    ),
    "discharge_permits": table(
        ("许可证编号", lambda row: enterprise_uscc(row) + "001P"),
        (
            "单位名称",
            name(
                "重庆{word}示例{trade}有限公司",
                trade=("化工", "造纸", "汽车零部件", "食品", "电子"),
            ),
        ),
        (
            "行业类别",
            choice(
                "化学原料和化学制品制造业",
                "造纸和纸制品业",
                "汽车制造业",
                "农副食品加工业",
            ),
        ),
        ("所在区", district),
        ("管理类别", choice("重点管理", "简化管理")),
        ("有效期限", choice("2025-03-01至2030-02-28", "2024-07-01至2029-06-30")),
    ),
    "environmental_penalties": table(
        ("处罚决定书文号", seq("渝环罚〔2025〕", 3)),
        (
            "被处罚单位",
            name(
                "重庆{word}示例{trade}有限公司",
                trade=("建材", "机械", "混凝土", "印染"),
            ),
        ),
        (
            "违法事实",
            choice(
                "超标排放大气污染物",
                "未按规定设置排污口",
                "危险废物贮存不规范",
                "建设项目未批先建",
            ),
        ),
        ("处罚内容", choice("罚款", "罚款并责令改正", "责令停产整治")),
        ("罚款金额（万元）", decimal(1, 100, 1)),
        ("处罚日期", date),
    ),
    "noise": table(
        ("监测点位", name("{street}{road}点位")),
        ("功能区类别", choice("1类", "2类", "3类", "4a类")),
        ("监测月份", month),
        ("昼间等效声级（分贝）", decimal(45, 70, 1)),
        ("夜间等效声级（分贝）", decimal(38, 60, 1)),
        ("是否达标", weighted(是=9, 否=1)),
    ),
    # --- market regulation ----------------------------------------------------
    "market_entities": table(
        ("统一社会信用代码", enterprise_uscc),
        (
            "主体名称",
            name(
                "重庆{word}示例{trade}有限公司",
                trade=("科技", "餐饮管理", "商贸", "文化传媒", "建筑劳务"),
            ),
        ),
        (
            "主体类型",
            choice("有限责任公司", "股份有限公司", "个人独资企业", "农民专业合作社"),
        ),
        ("注册资本（万元）", integer(3, 50000)),
        ("成立日期", past_date(2015)),
        ("登记机关", name("{district}市场监督管理局")),
        ("登记状态", weighted(存续=17, 注销=2, 吊销=1)),
    ),
    "new_entities": table(
        ("统计月份", month),
        ("区县", district_by_month),
        ("新设企业（户）", integer(200, 6000)),
        ("新设个体工商户（户）", integer(400, 9000)),
        ("新设农民专业合作社（户）", integer(0, 60)),
        rows=MONTHLY_ROWS,
    ),
    "food_licenses": table(
        ("许可证编号", seq("JY250010", 7)),
        ("经营者名称", name("{district}{word}示例餐饮店")),
        ("主体业态", choice("餐饮服务经营者", "食品销售经营者", "单位食堂")),
        (
            "经营项目",
            choice(
                "热食类食品制售", "预包装食品销售", "冷食类食品制售", "散装食品销售"
            ),
        ),
        ("经营场所", address),
        ("发证日期", date),
    ),
    "abnormal_list": table(
        ("统一社会信用代码", enterprise_uscc),
        (
            "企业名称",
            name(
                "重庆{word}示例{trade}有限公司",
                trade=("商贸", "咨询", "装饰", "网络科技"),
            ),
        ),
        (
            "列入原因",
            choice(
                "未按规定报送年度报告", "通过登记的住所无法联系", "未按规定公示即时信息"
            ),
        ),
        ("列入日期", date),
        ("作出决定机关", name("{district}市场监督管理局")),
    ),
    "spot_checks": table(
        ("抽查任务编号", seq("SJ2025", 4)),
        (
            "检查对象",
            name("重庆{word}示例{trade}有限公司", trade=("食品", "商贸", "建材")),
        ),
        ("抽查事项", choice("营业执照使用情况", "产品质量", "广告发布", "食品安全")),
        ("检查结果", weighted(未发现问题=8, 发现问题已责令改正=2, 未按规定公示=1)),
        ("检查日期", date),
    ),
    # --- human resources and social security --------------------------------
    "social_security_outlets": table(
        ("网点名称", name("{street}社保经办服务站")),
        ("所在区", district),
        ("地址", address),
        (
            "办理业务",
            choice(
                "参保登记、缴费查询",
                "养老保险待遇领取认证",
                "社保卡申领、补换",
                "失业保险金申领",
            ),
        ),
        ("办公时间", choice("工作日 09:00-12:00、14:00-17:00", "工作日 08:30-17:30")),
        ("咨询电话", phone),
        ("经度", longitude),
        ("纬度", latitude),
    ),
    "employment_agencies": table(
        ("机构名称", name("{district}{street}就业服务站")),
        ("所在区", district),
        ("地址", address),
        ("服务项目", choice("职业介绍", "就业登记", "职业指导", "创业指导")),
        ("咨询电话", phone),
    ),
    "insurance_enrollment": table(
        ("统计月份", month),
        ("区县", district_by_month),
        ("职工养老保险参保（万人）", decimal(5, 120, 2)),
        ("失业保险参保（万人）", decimal(2, 60, 2)),
        ("工伤保险参保（万人）", decimal(2, 70, 2)),
        rows=MONTHLY_ROWS,
    ),
    "skill_certificates": table(
        ("证书编号", seq("S000050000000", 5)),
        (
            "职业（工种）",
            choice("电工", "焊工", "育婴员", "保育师", "中式烹调师", "养老护理员"),
        ),
        ("等级", choice("五级/初级工", "四级/中级工", "三级/高级工", "二级/技师")),
        ("评价机构", name("重庆{word}示例职业技能评价中心")),
        ("发证日期", date),
    ),
    "minimum_wage": table(
        ("区县", district),
        ("档次", choice("第一档", "第二档")),
        ("月最低工资标准（元）", choice("2100", "2000")),
        ("小时最低工资标准（元）", choice("21", "20")),
        ("执行日期", choice("2022-04-01", "2025-04-01")),
    ),
    # --- public security ------------------------------------------------------
    "household_population": table(
        ("统计年度", choice("2023", "2024", "2025")),
        ("区县", district),
        ("户籍户数（万户）", decimal(5, 60, 2)),
        ("户籍人口（万人）", decimal(15, 180, 2)),
        ("出生登记（人）", integer(800, 16000)),
        ("死亡注销（人）", integer(900, 15000)),
    ),
    "vehicles": table(
        ("统计月份", month),
        ("区县", district_by_month),
        ("汽车保有量（辆）", integer(80000, 900000)),
        ("新能源汽车（辆）", integer(3000, 120000)),
        ("摩托车（辆）", integer(1000, 90000)),
        rows=MONTHLY_ROWS,
    ),
    "violation_hotspots": table(
        ("路段", name("{road}（{district}段）")),
        ("区县", district),
        (
            "主要违法行为",
            choice("违法停车", "不按导向车道行驶", "闯红灯", "违法变更车道"),
        ),
        ("违法数量（起）", integer(50, 6000)),
        ("高发时段", choice("07:00-09:00", "17:00-19:00", "11:00-13:00")),
    ),
    "police_stations": table(
        ("单位名称", name("重庆市公安局{district}分局{street}派出所")),
        ("地址", address),
        (
            "户政窗口办公时间",
            choice("工作日 09:00-17:00", "工作日 08:30-17:30，周六上午"),
        ),
        ("可办理业务", choice("户口迁移、身份证办理", "居住证办理", "户籍证明")),
        ("咨询电话", phone),
    ),
    "case_statistics": table(
        ("统计月份", month),
        ("区县", district_by_month),
        ("受理治安案件（起）", integer(100, 5000)),
        ("查处治安案件（起）", integer(80, 4800)),
        ("同比变化（%）", decimal(-25, 25, 1)),
        rows=MONTHLY_ROWS,
    ),
    # --- planning, natural resources, housing --------------------------------
    "land_supply": table(
        ("宗地编号", seq("渝地2025-", 3)),
        ("所在区", district),
        (
            "土地用途",
            choice("住宅用地", "商服用地", "工业用地", "公共管理与公共服务用地"),
        ),
        ("供地方式", choice("招标", "拍卖", "挂牌", "划拨")),
        ("面积（公顷）", decimal(0.3, 60, 2)),
        ("成交价（万元）", integer(0, 450000)),
        ("签订日期", date),
    ),
    "geo_hazards": table(
        ("隐患点编号", seq("DZ500", 5)),
        ("隐患点名称", name("{street}{word}滑坡")),
        ("灾害类型", choice("滑坡", "崩塌", "泥石流", "地面塌陷")),
        ("所在区", district),
        ("威胁人数", integer(0, 500)),
        ("险情等级", choice("小型", "中型", "大型")),
        ("经度", longitude),
        ("纬度", latitude),
    ),
    "planning_permits": table(
        ("许可证号", seq("建字第500000202500", 4)),
        ("建设单位", name("重庆{word}示例置业有限公司")),
        (
            "项目名称",
            name(
                "{district}{word}{kind}",
                kind=("住宅小区", "商业综合体", "学校", "社区服务中心"),
            ),
        ),
        ("建设位置", address),
        ("建设规模（平方米）", integer(2000, 380000)),
        ("核发日期", date),
    ),
    "real_estate_registrations": table(
        ("统计月份", month),
        ("区县", district_by_month),
        ("不动产首次登记（件）", integer(100, 9000)),
        ("转移登记（件）", integer(300, 15000)),
        ("抵押登记（件）", integer(200, 12000)),
        rows=MONTHLY_ROWS,
    ),
    "presale_permits": table(
        ("预售许可证号", seq("渝住建委〔2025〕预字第", 4)),
        (
            "项目名称",
            name("{word}{kind}", kind=("花园", "雅苑", "壹号", "江山樾", "云著")),
        ),
        ("开发企业", name("重庆{word}示例房地产开发有限公司")),
        ("所在区", district),
        ("预售面积（平方米）", integer(3000, 120000)),
        ("预售套数", integer(30, 1200)),
        ("发证日期", date),
    ),
    "construction_companies": table(
        ("统一社会信用代码", enterprise_uscc),
        ("企业名称", name("重庆{word}示例建设工程有限公司")),
        (
            "资质类别",
            choice(
                "建筑工程施工总承包",
                "市政公用工程施工总承包",
                "建筑装修装饰工程专业承包",
            ),
        ),
        ("资质等级", choice("特级", "一级", "二级", "三级")),
        ("证书有效期", choice("2026-12-31", "2027-12-31", "2028-12-31")),
    ),
    "public_rental": table(
        (
            "小区名称",
            name(
                "{word}{kind}公租房",
                kind=("民心佳园", "康庄美地", "城南家园", "两江名居"),
            ),
        ),
        ("所在区", district),
        ("地址", address),
        ("房源套数", integer(500, 18000)),
        ("户型", choice("单间配套", "一室一厅", "两室一厅", "三室一厅")),
        ("租金标准（元/平方米·月）", decimal(9, 14, 1)),
    ),
    "dust_monitoring": table(
        ("工地名称", name("{district}{word}项目工地")),
        ("监测时间", timestamp),
        ("PM10（微克/立方米）", integer(20, 260)),
        ("PM2.5（微克/立方米）", integer(10, 160)),
        ("噪声（分贝）", decimal(50, 85, 1)),
        ("是否超标", weighted(否=9, 是=1)),
    ),
    # --- civil affairs ------------------------------------------------------
    "elderly_care": table(
        ("机构名称", name("{district}{word}养老服务中心")),
        ("机构性质", choice("公办", "民办", "公建民营")),
        ("所在区", district),
        ("地址", address),
        ("床位数", integer(20, 800)),
        ("护理型床位占比（%）", decimal(20, 90, 1)),
        ("收费标准（元/月）", integer(1500, 8000)),
        ("咨询电话", phone),
    ),
    "social_organizations": table(
        ("统一社会信用代码", uscc_code("51")),
        (
            "社会组织名称",
            name(
                "重庆市{word}{kind}",
                kind=("行业协会", "志愿服务协会", "研究会", "社会工作服务中心"),
            ),
        ),
        ("组织类型", choice("社会团体", "民办非企业单位", "基金会")),
        ("登记管理机关", choice("重庆市民政局", "区县民政局")),
        ("成立登记日期", past_date(2010)),
        (
            "业务范围",
            choice("行业服务、交流培训", "志愿服务", "学术研究", "社会工作服务"),
        ),
    ),
    "marriage_offices": table(
        ("登记处名称", name("{district}婚姻登记处")),
        ("地址", address),
        (
            "办公时间",
            choice("工作日 09:00-12:00、14:00-17:00", "工作日及周六 09:00-17:00"),
        ),
        ("预约方式", choice("渝快办预约", "现场取号")),
        ("咨询电话", phone),
    ),
    "subsistence": table(
        ("统计季度", choice("第一季度", "第二季度", "第三季度", "第四季度")),
        ("区县", district),
        ("城市低保对象（人）", integer(1000, 40000)),
        ("农村低保对象（人）", integer(1000, 60000)),
        ("保障标准（元/月）", choice("800", "780", "760")),
        ("发放金额（万元）", decimal(100, 6000, 2)),
    ),
    "place_names": table(
        (
            "标准名称",
            name("{word}{kind}", kind=("路", "街", "巷", "广场", "公园", "桥")),
        ),
        ("地名类别", choice("道路", "街巷", "广场", "公园", "桥梁")),
        ("所在区", district),
        ("所在街道", street),
        ("命名日期", past_date(1990)),
        ("地名含义", choice("以历史地名命名", "以山川命名", "以序列命名", "寓意美好")),
    ),
    "elderly_canteens": table(
        ("名称", name("{street}{word}社区老年食堂")),
        ("所在街道", street),
        ("地址", address),
        ("供餐时间", choice("11:00-13:00", "11:00-13:00、17:00-18:30")),
        ("老年人优惠", choice("60岁以上减免2元", "80岁以上免费早餐", "每餐补贴3元")),
    ),
    "community_services": table(
        ("服务站名称", name("{street}{word}社区服务站")),
        ("所在街道", street),
        ("服务内容", choice("社区养老", "托育服务", "便民维修", "法律咨询")),
        ("面积（平方米）", integer(80, 1200)),
        ("联系电话", phone),
    ),
    # --- statistics ---------------------------------------------------------
    "gdp": table(
        ("统计期", choice("一季度", "上半年", "前三季度", "全年")),
        ("区县", district),
        ("地区生产总值（亿元）", decimal(60, 2600, 2)),
        ("第一产业（亿元）", decimal(0, 160, 2)),
        ("第二产业（亿元）", decimal(10, 1200, 2)),
        ("第三产业（亿元）", decimal(40, 1800, 2)),
        ("同比增长（%）", decimal(2, 9, 1)),
    ),
    "resident_population": table(
        ("年份", choice("2021", "2022", "2023", "2024")),
        ("区县", district),
        ("常住人口（万人）", decimal(20, 230, 2)),
        ("城镇人口（万人）", decimal(10, 220, 2)),
        ("城镇化率（%）", decimal(45, 100, 2)),
    ),
    "cpi": table(
        ("统计月份", month),
        (
            "类别",
            choice(
                "总指数",
                "食品烟酒",
                "衣着",
                "居住",
                "交通通信",
                "教育文化娱乐",
                "医疗保健",
            ),
        ),
        ("同比（上年同月=100）", decimal(98, 103, 1)),
        ("环比（上月=100）", decimal(99, 101.5, 1)),
    ),
    "retail_sales": table(
        ("统计月份", month),
        ("区县", district_by_month),
        ("社会消费品零售总额（亿元）", decimal(10, 200, 2)),
        ("同比增长（%）", decimal(-3, 12, 1)),
        rows=MONTHLY_ROWS,
    ),
    # --- public resources trading ---------------------------------------------
    "bid_announcements": table(
        ("公告编号", seq("CQGGZY-2025-", 5)),
        (
            "项目名称",
            name(
                "{district}{word}{kind}",
                kind=("道路改造工程", "学校新建工程", "管网改造工程", "公园提升工程"),
            ),
        ),
        ("招标人", name("{district}{word}示例建设管理有限公司")),
        ("招标方式", choice("公开招标", "邀请招标")),
        ("估算金额（万元）", integer(80, 60000)),
        ("发布日期", date),
        ("开标日期", date),
    ),
    "procurement_results": table(
        ("项目编号", seq("CQZC-2025-", 5)),
        (
            "采购项目名称",
            choice(
                "办公设备采购",
                "物业管理服务",
                "信息化运维服务",
                "课桌椅采购",
                "医疗设备采购",
            ),
        ),
        (
            "采购单位",
            choice(
                "重庆市某区人民医院",
                "重庆市某中学",
                "某区机关事务管理局",
                "某街道办事处",
            ),
        ),
        (
            "中标供应商",
            name(
                "重庆{word}示例{trade}有限公司",
                trade=("科技", "物业", "办公设备", "医疗器械"),
            ),
        ),
        ("中标金额（万元）", decimal(5, 3000, 2)),
        ("公告日期", date),
    ),
    # --- urban management (district) ---------------------------------------
    "public_toilets": table(
        ("公厕名称", name("{street}{road}公厕")),
        ("所在街道", street),
        ("类别", choice("一类", "二类", "三类")),
        ("开放时间", choice("全天", "06:00-23:00")),
        ("无障碍设施", choice("有", "无")),
        ("经度", longitude),
        ("纬度", latitude),
    ),
    "waste_collection": table(
        ("统计月份", month),
        ("街道", street_by_month),
        ("可回收物（吨）", decimal(50, 900, 1)),
        ("厨余垃圾（吨）", decimal(100, 2500, 1)),
        ("有害垃圾（吨）", decimal(0.1, 5, 2)),
        ("其他垃圾（吨）", decimal(300, 6000, 1)),
        rows=MONTHLY_ROWS,
    ),
    "food_grading": table(
        ("单位名称", name("{street}{word}示例餐饮店")),
        ("所在街道", street),
        ("量化等级", weighted(A级=3, B级=6, C级=1)),
        ("检查日期", date),
        (
            "主要问题",
            choice("无", "从业人员健康证过期", "后厨卫生不达标", "索证索票不全"),
        ),
    ),
    "street_prices": table(
        ("监测日期", date),
        ("农贸市场", name("{street}农贸市场")),
        ("商品名称", choice(*_goods())),
        ("零售价格（元/500克）", decimal(1.5, 32, 2)),
    ),
}
