"""The domain's closed sets (docs/domain.md §1-8), each member with zh-Hans, zh-Hant and English labels."""

from __future__ import annotations

from foodsafety.vocab._term import Term

__all__ = [
    "AssessmentGrade",
    "BodyKind",
    "BusinessKind",
    "BusinessPost",
    "CampaignPhase",
    "DemonstrationStandard",
    "DivisionKind",
    "FindingSource",
    "FindingState",
    "Level",
    "OfficialPost",
    "PairingList",
    "PairingTier",
    "Rating",
    "RectificationAction",
    "ResponsibilityKind",
    "RiskGrade",
    "Routine",
    "Severity",
    "StarLevel",
    "VisitMode",
]


class Level(Term):
    """Level of government (行政层级): 省、市、县、乡 and the village (村) below them.

    "Four levels" means 省市县乡 for the coordination system and 市县乡村 for pairing cadres in
    a city (docs/domain.md §1); both are expressed with this one enum.
    """

    __label_zh__ = "层级"
    __label_en__ = "level"

    PROVINCE = ("province", "省", "省", "province", ("省级", "自治区", "直辖市", "省本级"))
    CITY = (
        "city",
        "市",
        "市",
        "city",
        ("市级", "地级", "地级市", "市州", "市(州)", "自治州", "盟", "市本级"),
    )
    COUNTY = (
        "county",
        "县",
        "縣",
        "county",
        ("县市区", "县(市、区)", "区县", "县级市", "市辖区", "旗", "区", "區"),
    )
    TOWNSHIP = (
        "township",
        "乡",
        "鄉",
        "township",
        ("乡镇", "鄉鎮", "乡镇街道", "街道", "镇", "鎮", "town", "subdistrict"),
    )
    VILLAGE = (
        "village",
        "村",
        "村",
        "village",
        (
            "社区",
            "社區",
            "村居",
            "居委会",
            "村委会",
            "村(社区)",
            "村(社區)",
            "村居委会",
            "community",
        ),
    )

    @property
    def depth(self) -> int:
        """0 for province down to 4 for village."""
        return _LEVEL_ORDER.index(self)

    @property
    def below(self) -> Level | None:
        """The next level down, or ``None`` for the village."""
        i = _LEVEL_ORDER.index(self)
        return _LEVEL_ORDER[i + 1] if i + 1 < len(_LEVEL_ORDER) else None

    @property
    def above(self) -> Level | None:
        """The next level up, or ``None`` for the province."""
        i = _LEVEL_ORDER.index(self)
        return _LEVEL_ORDER[i - 1] if i > 0 else None

    def is_above(self, other: Level) -> bool:
        """True when ``self`` is a higher level of government than ``other``."""
        return self.depth < other.depth


_LEVEL_ORDER: tuple[Level, ...] = tuple(Level)


class DivisionKind(Term):
    """What kind of administrative division a jurisdiction is (区划类型); special cases of docs/domain.md §1."""

    __label_zh__ = "区划类型"
    __label_en__ = "division kind"

    PROVINCE = ("province", "省", "省", "province")
    AUTONOMOUS_REGION = ("autonomous_region", "自治区", "自治區", "autonomous region")
    MUNICIPALITY = ("municipality", "直辖市", "直轄市", "municipality")
    SAR = ("sar", "特别行政区", "特別行政區", "special administrative region")
    PREFECTURE_CITY = ("prefecture_city", "地级市", "地級市", "prefecture-level city")
    AUTONOMOUS_PREFECTURE = ("autonomous_prefecture", "自治州", "自治州", "autonomous prefecture")
    LEAGUE = ("league", "盟", "盟", "league")
    PREFECTURE = ("prefecture", "地区", "地區", "prefecture")
    MUNICIPAL_DISTRICTS = (
        "municipal_districts",
        "市辖区(统计)",
        "市轄區(統計)",
        "city districts placeholder",
        ("市辖区汇总",),
    )
    DISTRICT = ("district", "市辖区", "市轄區", "district")
    COUNTY = ("county", "县", "縣", "county")
    COUNTY_CITY = ("county_city", "县级市", "縣級市", "county-level city")
    AUTONOMOUS_COUNTY = ("autonomous_county", "自治县", "自治縣", "autonomous county")
    BANNER = ("banner", "旗", "旗", "banner")
    AUTONOMOUS_BANNER = ("autonomous_banner", "自治旗", "自治旗", "autonomous banner")
    FORESTRY_DISTRICT = ("forestry_district", "林区", "林區", "forestry district")
    SPECIAL_DISTRICT = ("special_district", "特区", "特區", "special district")
    PROVINCE_ADMINISTERED_COUNTY = (
        "province_administered_county",
        "省直管县",
        "省直管縣",
        "province-administered county",
        ("省直辖县级行政区划",),
    )
    FUNCTIONAL_ZONE = (
        "functional_zone",
        "功能区",
        "功能區",
        "functional zone",
        ("开发区", "開發區", "管委会", "高新区", "经开区", "新区"),
    )
    TOWN = ("town", "镇", "鎮", "town")
    TOWNSHIP = ("township", "乡", "鄉", "township")
    ETHNIC_TOWNSHIP = ("ethnic_township", "民族乡", "民族鄉", "ethnic township")
    SUBDISTRICT = ("subdistrict", "街道", "街道", "subdistrict")
    SUMU = ("sumu", "苏木", "蘇木", "sumu")
    ETHNIC_SUMU = ("ethnic_sumu", "民族苏木", "民族蘇木", "ethnic sumu")
    DISTRICT_OFFICE = ("district_office", "区公所", "區公所", "district office")
    VILLAGE = ("village", "村", "村", "village", ("行政村", "村委会"))
    COMMUNITY = ("community", "社区", "社區", "residents' community", ("居委会", "居民委员会"))
    OTHER = ("other", "其他", "其他", "other")


class BusinessKind(Term):
    """Kind of food business (业态), docs/domain.md §3."""

    __label_zh__ = "业态"
    __label_en__ = "business kind"

    PRODUCTION = (
        "production",
        "食品生产",
        "食品生產",
        "food production",
        ("生产", "生產", "食品生产主体", "生产企业"),
    )
    OPERATION = (
        "operation",
        "食品经营",
        "食品經營",
        "food operation (retail and distribution)",
        ("经营", "經營", "食品销售", "流通", "retail", "食品经营主体"),
    )
    CATERING = (
        "catering",
        "餐饮服务",
        "餐飲服務",
        "catering",
        ("餐饮", "餐飲", "餐饮服务主体", "food service"),
    )
    SMALL_WORKSHOP = (
        "small_workshop",
        "小作坊",
        "小作坊",
        "small workshop",
        ("食品小作坊", "小作坊主体"),
    )
    VENDOR = ("vendor", "小摊贩", "小攤販", "street vendor", ("食品小摊贩", "摊贩"))
    FARM_MARKET = (
        "farm_market",
        "农贸市场",
        "農貿市場",
        "farm-produce market",
        ("集贸市场", "食用农产品市场"),
    )

    @property
    def licensed(self) -> bool:
        """Production, operation and catering are licensed; the others are registered locally."""
        return self in (BusinessKind.PRODUCTION, BusinessKind.OPERATION, BusinessKind.CATERING)


class PairingTier(Term):
    """Pairing tier of a business (包保主体分级): decides which level's cadre pairs it (docs/domain.md §4).

    Not the same scale as :class:`RiskGrade`.
    """

    __label_zh__ = "包保主体分级"
    __label_en__ = "pairing tier"

    A = ("A", "A级", "A級", "tier A", ("A级包保主体", "A类", "A類", "tier-a"))
    B = ("B", "B级", "B級", "tier B", ("B级包保主体", "B类", "B類", "tier-b"))
    C = ("C", "C级", "C級", "tier C", ("C级包保主体", "C类", "C類", "tier-c"))
    D = ("D", "D级", "D級", "tier D", ("D级包保主体", "D类", "D類", "tier-d"))


class RiskGrade(Term):
    """Regulatory risk grade (风险分级): drives the regulator's inspection frequency (docs/domain.md §3).

    Not the same scale as :class:`PairingTier`.
    """

    __label_zh__ = "风险等级"
    __label_en__ = "risk grade"

    A = ("A", "A级风险", "A級風險", "risk grade A", ("风险A级", "低风险", "risk-a"))
    B = ("B", "B级风险", "B級風險", "risk grade B", ("风险B级", "较低风险", "risk-b"))
    C = ("C", "C级风险", "C級風險", "risk grade C", ("风险C级", "较高风险", "risk-c"))
    D = ("D", "D级风险", "D級風險", "risk grade D", ("风险D级", "高风险", "risk-d"))


class ResponsibilityKind(Term):
    """Kind of responsibility, the type of an edge in the responsibility graph (docs/architecture.md)."""

    __label_zh__ = "责任类型"
    __label_en__ = "responsibility kind"

    PRIMARY = ("primary", "主体责任", "主體責任", "primary responsibility", ("企业主体责任",))
    PAIRING = ("pairing", "包保责任", "包保責任", "pairing", ("包保",))
    TERRITORIAL = (
        "territorial",
        "属地管理责任",
        "屬地管理責任",
        "territorial management",
        ("属地管理", "属地责任"),
    )
    PARTY_GOVERNMENT = (
        "party_government",
        "党政同责",
        "黨政同責",
        "shared party-government responsibility",
        ("党政同责责任",),
    )
    REGULATORY = ("regulatory", "监管责任", "監管責任", "regulatory supervision", ("监管", "監管"))
    COORDINATION = (
        "coordination",
        "综合协调",
        "綜合協調",
        "coordination",
        ("协调", "協調", "统筹协调"),
    )
    PORTFOLIO = (
        "portfolio",
        "分管/一岗双责",
        "分管/一崗雙責",
        "portfolio responsibility",
        ("分管", "一岗双责", "一崗雙責", "分管责任"),
    )


class BusinessPost(Term):
    """Food-safety posts inside a business (企业食品安全岗位), docs/domain.md §3."""

    __label_zh__ = "企业岗位"
    __label_en__ = "business post"

    PRINCIPAL = (
        "principal",
        "主要负责人",
        "主要負責人",
        "principal",
        ("法定代表人", "负责人", "企业负责人"),
    )
    FOOD_SAFETY_DIRECTOR = (
        "food_safety_director",
        "食品安全总监",
        "食品安全總監",
        "food safety director",
        ("食品总监", "食品總監", "总监"),
    )
    FOOD_SAFETY_OFFICER = (
        "food_safety_officer",
        "食品安全员",
        "食品安全員",
        "food safety officer",
        ("安全员",),
    )


class Routine(Term):
    """The three routines of a business (日管控、周排查、月调度), each leaving a record (docs/domain.md §3)."""

    __label_zh__ = "三项制度"
    __label_en__ = "routine"

    DAILY = ("daily", "日管控", "日管控", "daily control", ("每日检查记录", "每日檢查記錄", "日"))
    WEEKLY = (
        "weekly",
        "周排查",
        "週排查",
        "weekly hazard review",
        ("每周排查治理报告", "每週排查治理報告", "周"),
    )
    MONTHLY = (
        "monthly",
        "月调度",
        "月調度",
        "monthly dispatch",
        ("每月调度会议纪要", "每月調度會議紀要", "月"),
    )

    @property
    def record_zh(self) -> str:
        """The name of the record the routine leaves (每日检查记录...)."""
        return self.aliases[0]

    @property
    def signed_by(self) -> BusinessPost:
        """Who signs the record: officer (daily), director (weekly), principal (monthly)."""
        return {
            Routine.DAILY: BusinessPost.FOOD_SAFETY_OFFICER,
            Routine.WEEKLY: BusinessPost.FOOD_SAFETY_DIRECTOR,
            Routine.MONTHLY: BusinessPost.PRINCIPAL,
        }[self]


class BodyKind(Term):
    """Kinds of bodies in a jurisdiction (机构), docs/domain.md §2."""

    __label_zh__ = "机构类型"
    __label_en__ = "body kind"

    PARTY_COMMITTEE = (
        "party_committee",
        "党委",
        "黨委",
        "party committee",
        ("党工委", "市委", "县委", "省委"),
    )
    GOVERNMENT = (
        "government",
        "政府",
        "政府",
        "people's government",
        ("人民政府", "办事处", "街道办事处"),
    )
    FOOD_SAFETY_COMMITTEE = (
        "food_safety_committee",
        "食品安全委员会",
        "食品安全委員會",
        "food safety committee",
        ("食安委", "食药安委", "食安委员会"),
    )
    FOOD_SAFETY_OFFICE = (
        "food_safety_office",
        "食品安全委员会办公室",
        "食品安全委員會辦公室",
        "food safety office",
        ("食安办", "食安辦", "食药安办"),
    )
    MARKET_REGULATION_BUREAU = (
        "market_regulation_bureau",
        "市场监督管理局",
        "市場監督管理局",
        "market regulation bureau",
        ("市场监管局", "市監局", "市场监管部门"),
    )
    MARKET_REGULATION_STATION = (
        "market_regulation_station",
        "市场监管所",
        "市場監管所",
        "market regulation station",
        ("市场监督管理所",),
    )
    MEMBER_UNIT = ("member_unit", "成员单位", "成員單位", "member unit", ("食安委成员单位",))
    VILLAGE_COMMITTEE = (
        "village_committee",
        "村(居)民委员会",
        "村(居)民委員會",
        "village committee",
        ("村委会", "居委会"),
    )


class OfficialPost(Term):
    """Posts held by officials (领导职务).

    Open-world (``__open__``): a pairing cadre's post in a real ledger is often one this list
    does not name (县委常委, 人大副主任); :class:`~foodsafety.models.cadre.Cadre` and the loaders
    keep such a label as written, with a warning. (An :class:`~foodsafety.models.bodies.Official`
    still needs one of these posts: its responsibilities follow from it.)
    """

    __label_zh__ = "领导职务"
    __label_en__ = "official post"
    __open__ = True

    PARTY_SECRETARY = (
        "party_secretary",
        "党委书记",
        "黨委書記",
        "party secretary",
        ("书记", "書記"),
    )
    GOVERNMENT_HEAD = (
        "government_head",
        "政府主要负责人",
        "政府主要負責人",
        "head of government",
        ("省长", "市长", "县长", "区长", "乡长", "镇长", "主任"),
    )
    DEPUTY_IN_CHARGE = (
        "deputy_in_charge",
        "分管负责人",
        "分管負責人",
        "deputy in charge of food safety",
        ("分管副职", "分管领导", "副市长", "副县长"),
    )
    OTHER_LEADER = ("other_leader", "其他班子成员", "其他班子成員", "other leader", ("班子成员",))
    COMMITTEE_CHAIR = ("committee_chair", "食安委主任", "食安委主任", "committee chair")
    COMMITTEE_DEPUTY_CHAIR = (
        "committee_deputy_chair",
        "食安委副主任",
        "食安委副主任",
        "committee deputy chair",
    )
    OFFICE_DIRECTOR = ("office_director", "食安办主任", "食安辦主任", "office director")
    BUREAU_DIRECTOR = (
        "bureau_director",
        "市场监管局局长",
        "市場監管局局長",
        "bureau director",
        ("局长",),
    )
    STATION_HEAD = ("station_head", "市场监管所所长", "市場監管所所長", "station head", ("所长",))
    UNIT_HEAD = ("unit_head", "成员单位主要负责人", "成員單位主要負責人", "member unit head")
    LIAISON_OFFICER = ("liaison_officer", "联络员", "聯絡員", "liaison officer")
    VILLAGE_HEAD = (
        "village_head",
        "村(居)委会主任",
        "村(居)委會主任",
        "village committee head",
        ("村主任", "村支书"),
    )


class VisitMode(Term):
    """How a supervision visit (督导) or follow-up was done.

    Open-world (``__open__``): a mode this list does not name (联合督导, 线上督导) is kept as
    written, with a warning.
    """

    __label_zh__ = "督导方式"
    __label_en__ = "visit mode"
    __open__ = True

    ON_SITE = (
        "on_site",
        "现场",
        "現場",
        "on site",
        ("现场督导", "現場督導", "现场检查", "現場檢查", "实地督导", "实地检查", "onsite"),
    )
    VIDEO = (
        "video",
        "视频",
        "視頻",
        "video",
        (
            "视频督导",
            "視頻督導",
            "视频检查",
            "视频连线",
            "远程",
            "远程督导",
            "遠程督導",
            "remote",
        ),
    )
    PHONE = (
        "phone",
        "电话",
        "電話",
        "phone",
        ("电话督导", "電話督導", "电话检查", "电话回访", "telephone"),
    )


class Holiday(Term):
    """A statutory holiday (法定节假日) of the State Council's annual notice on days off.

    The days of each year's holidays and make-up working days (调休) come from the
    ``chinesecalendar`` package (see :mod:`foodsafety.rules.calendar`); this vocabulary names
    the holidays, for policies that require visits before them (节前督导).
    """

    __label_zh__ = "法定节假日"
    __label_en__ = "statutory holiday"

    NEW_YEARS_DAY = ("new_years_day", "元旦", "元旦", "New Year's Day")
    SPRING_FESTIVAL = (
        "spring_festival",
        "春节",
        "春節",
        "Spring Festival",
        ("农历新年", "農曆新年", "chinese new year"),
    )
    TOMB_SWEEPING_DAY = ("tomb_sweeping_day", "清明节", "清明節", "Tomb-sweeping Day", ("清明",))
    LABOUR_DAY = ("labour_day", "劳动节", "勞動節", "Labour Day", ("五一", "五一劳动节"))
    DRAGON_BOAT_FESTIVAL = (
        "dragon_boat_festival",
        "端午节",
        "端午節",
        "Dragon Boat Festival",
        ("端午",),
    )
    MID_AUTUMN_FESTIVAL = (
        "mid_autumn_festival",
        "中秋节",
        "中秋節",
        "Mid-autumn Festival",
        ("中秋",),
    )
    NATIONAL_DAY = ("national_day", "国庆节", "國慶節", "National Day", ("国庆", "十一"))


class PairingList(Term):
    """The three lists of "three lists and one pledge" (三清单一承诺), plus the pledge itself."""

    __label_zh__ = "三清单一承诺"
    __label_en__ = "pairing document"

    RESPONSIBILITY = ("responsibility", "责任清单", "責任清單", "responsibility list")
    TASK = ("task", "任务清单", "任務清單", "task list")
    SUPERVISION = ("supervision", "督查清单", "督查清單", "supervision list")
    PLEDGE = (
        "pledge",
        "承诺书",
        "承諾書",
        "pledge",
        ("食品安全责任与任务承诺书", "《食品安全责任与任务承诺书》"),
    )


class Severity(Term):
    """Severity of an audit finding or inspection problem."""

    __label_zh__ = "严重程度"
    __label_en__ = "severity"

    INFO = ("info", "提示", "提示", "info")
    MINOR = ("minor", "一般", "一般", "minor")
    MAJOR = ("major", "较重", "較重", "major", ("较大",))
    CRITICAL = ("critical", "严重", "嚴重", "critical", ("重大",))

    @property
    def rank(self) -> int:
        """0 (info) to 3 (critical), for sorting."""
        return list(Severity).index(self)


class FindingState(Term):
    """States of a finding in the rectification loop (docs/domain.md §8)."""

    __label_zh__ = "问题状态"
    __label_en__ = "finding state"

    FOUND = ("found", "发现", "發現", "found")
    NOTIFIED = ("notified", "已通知", "已通知", "notified", ("已反馈",))
    RECTIFYING = ("rectifying", "整改中", "整改中", "rectifying")
    SUBMITTED = ("submitted", "已提交整改", "已提交整改", "submitted")
    VERIFIED = ("verified", "已验收", "已驗收", "verified", ("验收复核",))
    CLOSED = ("closed", "已销号", "已銷號", "closed", ("销号",))
    OVERDUE = ("overdue", "逾期", "逾期", "overdue")
    REOPENED = ("reopened", "重新打开", "重新打開", "reopened", ("回潮",))


class RectificationAction(Term):
    """Actions of the rectification loop that the seeds name (004: 约谈, 限期整改, 通报...).

    ``notify`` (情况反馈), ``submit`` (提交整改报告) and ``mark_overdue`` (逾期) are the steps
    between them that the loop needs (004: 反馈机制, 整改情况; docs/domain.md §8).
    """

    __label_zh__ = "整改措施"
    __label_en__ = "rectification action"

    NOTIFY = ("notify", "反馈通知", "反饋通知", "notification", ("情况反馈", "反馈", "通知整改"))
    WARNING_TALK = ("warning_talk", "约谈", "約談", "warning talk", ("警示约谈",))
    RECTIFICATION_DEADLINE = (
        "rectification_deadline",
        "限期整改",
        "限期整改",
        "rectification deadline",
    )
    PUBLIC_NOTICE = ("public_notice", "通报", "通報", "public notice")
    FOLLOW_UP = ("follow_up", "回头看", "回頭看", "follow-up check", ("督导回头看",))
    ACCEPTANCE_CHECK = ("acceptance_check", "验收复核", "驗收複核", "acceptance check")
    CLOSING = ("closing", "销号", "銷號", "closing")
    SUBMIT = ("submit", "提交整改报告", "提交整改報告", "submission", ("整改报告",))
    MARK_OVERDUE = ("mark_overdue", "逾期未改", "逾期未改", "marked overdue", ("逾期标记",))


class FindingSource(Term):
    """Where a finding came from."""

    __label_zh__ = "问题来源"
    __label_en__ = "finding source"

    AUDIT = ("audit", "台账核查", "台賬核查", "ledger audit")
    SUPERVISION_VISIT = (
        "supervision_visit",
        "包保督导",
        "包保督導",
        "supervision visit",
        ("督导",),
    )
    CAMPAIGN = ("campaign", "专项督查", "專項督查", "campaign", ("大督查",))
    ASSESSMENT = ("assessment", "评议考核", "評議考核", "assessment", ("考核",))
    INSPECTION = ("inspection", "监督检查", "監督檢查", "regulatory inspection")


class AssessmentGrade(Term):
    """Grades of the national-style annual assessment (A/B/C/D), docs/domain.md §5."""

    __label_zh__ = "考核等次"
    __label_en__ = "assessment grade"

    A = ("A", "A级", "A級", "grade A")
    B = ("B", "B级", "B級", "grade B")
    C = ("C", "C级", "C級", "grade C")
    D = ("D", "D级", "D級", "grade D")


class Rating(Term):
    """Ratings of provincial member-unit assessments (优秀/良好/合格/不合格)."""

    __label_zh__ = "评定等次"
    __label_en__ = "rating"

    EXCELLENT = ("excellent", "优秀", "優秀", "excellent")
    GOOD = ("good", "良好", "良好", "good")
    PASS = ("pass", "合格", "合格", "pass", ("达标", "基本合格"))
    FAIL = ("fail", "不合格", "不合格", "fail", ("不达标",))


class StarLevel(Term):
    """Star rating of a township food safety office (星级食安办), docs/domain.md §6."""

    __label_zh__ = "星级"
    __label_en__ = "star level"

    ONE = ("1", "一星级", "一星級", "one star", ("一星", "1星", "★"))
    TWO = ("2", "二星级", "二星級", "two stars", ("二星", "2星", "★★"))
    THREE = ("3", "三星级", "三星級", "three stars", ("三星", "3星", "★★★"))
    FOUR = ("4", "四星级", "四星級", "four stars", ("四星", "4星", "★★★★"))
    FIVE = ("5", "五星级", "五星級", "five stars", ("五星", "5星", "★★★★★"))

    @property
    def stars(self) -> int:
        """The number of stars, 1 to 5."""
        return int(self.value)


class DemonstrationStandard(Term):
    """The three standards of demonstration-city evaluation (示范创建), docs/domain.md §7."""

    __label_zh__ = "示范评价标准"
    __label_en__ = "demonstration standard"

    SATISFACTION = (
        "satisfaction",
        "群众满意度",
        "群眾滿意度",
        "public satisfaction",
        ("满意度", "滿意度"),
    )
    DOCUMENT_REVIEW = ("document_review", "资料评审", "資料評審", "document review")
    SITE_CHECK = (
        "site_check",
        "明察暗访",
        "明察暗訪",
        "unannounced site check",
        ("现场验收", "現場驗收", "暗访"),
    )


class CampaignPhase(Term):
    """Phases of a provincial campaign (002: self-inspection, inspection by groups, summary)."""

    __label_zh__ = "督查阶段"
    __label_en__ = "campaign phase"

    SELF_INSPECTION = ("self_inspection", "自查自纠", "自查自糾", "self-inspection", ("自查",))
    INSPECTION = (
        "inspection",
        "督查检查",
        "督查檢查",
        "inspection by groups",
        ("督查", "集中督查"),
    )
    SUMMARY = ("summary", "总结", "總結", "summary", ("总结提升",))
