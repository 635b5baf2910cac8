"""The demo tenant's sample data: a programme nine months into its life.

`add_demo_sample_data` tells one fixed story through the application services, exactly as the
API's controllers call them: members sign up and verify their address, write their profiles,
assess their business and answer the baseline survey; entrepreneurs ask mentors for mentoring,
mentors accept or decline, pairs talk, meet, log and confirm their sessions, and months later
entrepreneurs answer their follow-up surveys; a few members are reported to the programme's
admins. Nothing is written to a table or a stream directly.

Time. The story is told in story time on the platform's one clock (`Ithaca.clock`, a
`SettableClock` the demo bootstraps with): the story sets it to each step's moment, from about
nine months before the real now up to it, so every application's "now" and every event's
timestamp are the step's. Every step is planned first, then all of them are run in time order,
so the tenant's stream reads as the programme's history: the dashboard's monthly series spread
over the nine months, and an as-of replay to a date inside the story shows the programme then.
Meetings planned after the real now are the upcoming ones. Afterwards the clock is as it was.

Idempotency. The tenant admin (`admin@demo.example`) is created last: once it exists the sample
is complete and a new run returns at once; a sample cut short (its first member exists, its
admin does not) is refused with an explanation rather than half-written twice. The story is
anchored to the moment of the first run, so the data ages with the tenant (upcoming meetings
become past meetings that nobody logged, pending requests expire).

Determinism: fixed names and texts, and one `random.Random` with a fixed seed for the figures
(ratings, revenue changes, meeting lengths); only ids and the anchor moment differ per run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from infra.bootstrap import Ithaca
from infra.clock import SettableClock
from services.accounts.application import VERIFICATION_LIFETIME, Accounts, Caller
from services.accounts.domain import Member, Role
from services.accounts.tokens import VERIFY_EMAIL, LinkToken
from services.actor import Actor
from services.errors import ConflictError
from services.impact.application import Impact
from services.impact.domain import RevenueBand, SurveyAnswers, SurveyKind, add_months
from services.meetings.application import Meetings
from services.meetings.places import Locator
from services.mentoring.application import Mentoring
from services.mentoring.domain import DeclineReason
from services.moderation.application import Moderation
from services.moderation.domain import Decision, ReportReason
from services.profiles.application import Profiles
from services.profiles.domain import EntrepreneurDetails, MentorDetails, WorkingHours
from services.programme.application import Programme, current_questionnaire
from services.programme.domain import ProgrammeSettings
from services.taxonomy import expertise_name
from tenants.directory import TenantRecord
from tenants.domain import Branding

__all__ = [
    "DEMO_BRANDING",
    "DEMO_NAME",
    "DEMO_PASSWORD",
    "DEMO_SIGN_INS",
    "DEMO_SLUG",
    "add_demo_sample_data",
]

DEMO_SLUG = "demo"
DEMO_NAME = "Ithaca Demo Programme"
DEMO_BRANDING = Branding(
    product_name="Ithaca Demo Programme",
    logo_url="/static/favicon.svg",
    primary_colour="#1f4e79",
    accent_colour="#f2a900",
    support_email="support@demo.ithaca.localhost",
)
DEMO_PASSWORD = "ithaca-demo"  # noqa: S105 - the demo's published password
"""Every demo member's password."""
DEMO_SIGN_INS: tuple[tuple[str, str], ...] = (
    ("tenant and programme admin", "admin@demo.example"),
    ("programme admin", "programme@demo.example"),
    ("auditor", "auditor@demo.example"),
    ("mentor", "mentor@demo.example"),
    ("entrepreneur", "entrepreneur@demo.example"),
)
"""(who, e-mail) of the demo sign-ins `ithaca demo` prints; all use `DEMO_PASSWORD`."""

STORY_DAYS = 270
"""The story starts this many days before the first run."""
_SEED = 20_250_901
_PROGRAMME = ProgrammeSettings(
    corporate=True, programmes=["women-in-business", "export-ready", "agri-food"]
)
"""A corporate volunteering programme (mentors name their employer) with three tracks."""
_MEET = "https://meet.demo.example/"


# The cast ----------------------------------------------------------------------------------


def _hours(start: str, end: str, weekdays: str = "01234") -> WorkingHours:
    return WorkingHours(
        start=time.fromisoformat(start), end=time.fromisoformat(end),
        weekdays=[int(day) for day in weekdays],
    )


@dataclass(frozen=True)
class _Mentor:
    key: str
    name: str
    email: str
    locale: str
    country: str
    time_zone: str
    languages: list[str]
    expertise: list[str]
    industries: list[str]
    experience: list[str]
    capacity: int
    monthly_hours: int
    working_hours: WorkingHours
    employer: str
    employee_id: str
    headline: str
    bio: str
    programme: str = ""


@dataclass(frozen=True)
class _Entrepreneur:
    key: str
    name: str
    email: str
    locale: str
    country: str
    city: str
    time_zone: str
    languages: list[str]
    business: str
    description: str
    stage: str
    industry: str
    employees: int
    part_time: int
    challenges: str
    goals: str
    weak: list[str]
    revenue: tuple[str, str] | RevenueBand
    joins: int
    """The story day they join."""
    website: str = ""
    programme: str = ""
    working_hours: WorkingHours = field(default_factory=lambda: _hours("08:00", "18:00"))


MENTORS: tuple[_Mentor, ...] = (
    _Mentor(
        "elena", "Elena Martín", "mentor@demo.example", "en", "ES", "Europe/Madrid",
        ["es", "en", "fr"], ["finance", "pricing", "export", "business-planning"],
        ["C", "G", "I"], ["ES", "MX", "KE", "MA", "SN"], 4, 8, _hours("09:00", "19:00"),
        "Meridian Bank", "MB-20417",
        "Trade finance and export pricing for food and craft producers",
        "I have spent eighteen years in trade finance at Meridian Bank in Madrid, most of them "
        "lending to small exporters in Spain, Mexico and North Africa. I help founders price "
        "for wholesale and export, build a cash-flow forecast they actually use, and get ready "
        "for their first conversation with a bank. I mentor in Spanish, English and French.",
        "export-ready",
    ),
    _Mentor(
        "ben", "Ben Carter", "ben.carter@demo.example", "en", "GB", "Europe/London", ["en"],
        ["marketing", "branding", "e-commerce", "social-media"], ["G", "I", "R"],
        ["GB", "IE", "NG", "GH"], 2, 4, _hours("17:00", "20:00", "0123"),
        "Kite & Partners", "KP-0381",
        "Brand and online marketing for consumer products",
        "Brand strategist at Kite & Partners in London. Before consulting I launched two "
        "skincare brands on a shoestring, so I like practical marketing: a clear promise, a "
        "few channels done well, and numbers that show what works.",
    ),
    _Mentor(
        "amina", "Amina Okafor", "amina.okafor@demo.example", "en", "NG", "Africa/Lagos",
        ["en", "yo"], ["operations", "supply-chain", "manufacturing", "procurement"],
        ["C", "A", "H"], ["NG", "GH", "KE"], 3, 8, _hours("08:00", "17:00"),
        "Northwind Logistics", "NW-11902",
        "Operations and supply chains that keep up with growth",
        "Head of regional operations at Northwind Logistics in Lagos. I have set up "
        "warehouses, delivery fleets and supplier contracts across West Africa and enjoy "
        "helping founders turn daily firefighting into simple routines.",
    ),
    _Mentor(
        "rahul", "Rahul Mehta", "rahul.mehta@demo.example", "en", "IN", "Asia/Kolkata",
        ["en", "hi"], ["technology", "digital", "data", "product"], ["J", "M", "C"],
        ["IN", "SG", "ID", "KE"], 2, 5, _hours("10:00", "19:00"),
        "Solara Energy", "SE-4471",
        "Digital products and data for small businesses",
        "Product lead for Solara Energy's customer apps in Bengaluru. I help small teams "
        "choose the few digital tools that matter, measure what customers do, and build "
        "online sales without an engineering department.",
    ),
    _Mentor(
        "claire", "Claire Dubois", "claire.dubois@demo.example", "fr", "FR", "Europe/Paris",
        ["fr", "en"], ["legal", "intellectual-property", "tax"], ["M", "C", "A"],
        ["FR", "SN", "CI", "MA"], 2, 4, _hours("09:00", "18:00"),
        "Kite & Partners", "KP-0412",
        "Droit des affaires, marques et fiscalité des PME",
        "Avocate d'affaires chez Kite & Partners à Paris, j'accompagne depuis dix ans des "
        "entrepreneurs d'Afrique de l'Ouest et du Maghreb : statuts, contrats, protection "
        "des marques et premiers pas fiscaux. J'aime rendre le droit simple et utile.",
    ),
    _Mentor(
        "youssef", "Youssef El Amrani", "youssef.elamrani@demo.example", "ar", "MA",
        "Africa/Casablanca", ["ar", "fr", "en"],
        ["sales", "negotiation", "export", "partnerships"], ["A", "C", "G"],
        ["MA", "TN", "SN", "FR"], 3, 6, _hours("09:00", "18:00"),
        "Meridian Bank", "MB-30988",
        "المبيعات والتصدير والشراكات للتعاونيات والشركات الصغيرة",
        "أعمل مديراً للعلاقات التجارية في ميريديان بنك بالدار البيضاء منذ اثني عشر عاماً. "
        "ساعدت تعاونيات زراعية وشركات صغيرة على إيجاد موزعين في أوروبا والتفاوض على عقود "
        "عادلة. أرشد باللغة العربية والفرنسية والإنجليزية.",
    ),
    _Mentor(
        "lina", "Lina Haddad", "lina.haddad@demo.example", "ar", "JO", "Asia/Amman",
        ["ar", "en"], ["human-resources", "leadership", "strategy"], ["P", "Q", "S"],
        ["JO", "LB", "EG", "AE"], 2, 5, _hours("09:00", "17:00", "0123"),
        "Solara Energy", "SE-5120",
        "People, leadership and strategy for first-time founders",
        "HR director at Solara Energy's Amman office. I coach founders through their first "
        "hires, their first difficult conversations and the moment they have to stop doing "
        "everything themselves. Arabic and English.",
        "women-in-business",
    ),
    _Mentor(
        "dewi", "Dewi Kusuma", "dewi.kusuma@demo.example", "id", "ID", "Asia/Jakarta",
        ["id", "en"], ["e-commerce", "social-media", "marketing", "customer-service"],
        ["G", "I", "C"], ["ID", "MY", "SG"], 3, 6, _hours("09:00", "18:00"),
        "Northwind Logistics", "NW-12877",
        "Jualan online dan media sosial untuk UMKM",
        "Saya memimpin tim e-commerce Northwind Logistics di Jakarta. Selama sepuluh tahun "
        "saya membantu UMKM membuka toko di marketplace, mengatur foto dan konten Instagram, "
        "dan melayani pelanggan dengan cepat lewat WhatsApp.",
        "women-in-business",
    ),
    _Mentor(
        "budi", "Budi Santoso", "budi.santoso@demo.example", "id", "ID", "Asia/Makassar",
        ["id", "en"], ["agriculture", "supply-chain", "sustainability", "finance"], ["A", "C"],
        ["ID", "PH", "VN"], 2, 4, _hours("08:00", "16:00"),
        "Solara Energy", "SE-3302",
        "Agribusiness, sourcing and sustainable supply chains",
        "Agronomist turned sustainability manager at Solara Energy in Makassar. I work with "
        "coffee, cocoa and seaweed farmers on quality, certification and fair contracts with "
        "buyers.",
        "agri-food",
    ),
    _Mentor(
        "carlos", "Carlos Restrepo", "carlos.restrepo@demo.example", "es", "CO",
        "America/Bogota", ["es", "en"], ["fundraising", "finance", "strategy"],
        ["J", "K", "M", "C"], ["CO", "PE", "MX", "CL"], 2, 6, _hours("08:00", "18:00"),
        "Meridian Bank", "MB-41576",
        "Financiación e inversión para emprendimientos en crecimiento",
        "Banquero de inversión en Meridian Bank Bogotá. He acompañado rondas semilla y "
        "créditos de crecimiento para más de cuarenta empresas latinoamericanas. Ayudo a "
        "preparar el modelo financiero, el discurso para inversionistas y la negociación.",
    ),
    _Mentor(
        "mariana", "Mariana Souza", "mariana.souza@demo.example", "en", "BR",
        "America/Sao_Paulo", ["pt", "es", "en"],
        ["sustainability", "operations", "manufacturing"], ["C", "D", "E"],
        ["BR", "AR", "MZ", "AO"], 2, 4, _hours("09:00", "18:00"),
        "Solara Energy", "SE-2290",
        "Circular economy, recycling and clean energy operations",
        "Engineer at Solara Energy in São Paulo, working on recycling and solar projects. "
        "I help founders in recycling, energy and manufacturing run safer, leaner plants and "
        "tell their environmental story with real figures.",
    ),
    _Mentor(
        "james", "James Whitfield", "james.whitfield@demo.example", "en", "US",
        "America/New_York", ["en", "es"], ["sales", "strategy", "leadership", "negotiation"],
        ["G", "N", "M", "A"], ["US", "MX", "CO", "PE"], 3, 8, _hours("09:00", "17:00"),
        "Kite & Partners", "KP-0155",
        "Sales strategy and negotiation for growing businesses",
        "Partner at Kite & Partners in New York, twenty years in B2B sales. I help founders "
        "find the customers worth chasing, build a repeatable sales process and negotiate "
        "with large buyers without giving the margin away.",
        "export-ready",
    ),
    _Mentor(
        "sophie", "Sophie Tremblay", "sophie.tremblay@demo.example", "fr", "CA",
        "America/Toronto", ["fr", "en"], ["accounting", "tax", "finance"], ["K", "M", "G", "A"],
        ["CA", "HT", "SN", "CI", "TN"], 2, 5, _hours("09:00", "17:00"),
        "Meridian Bank", "MB-50233",
        "Comptabilité, fiscalité et pilotage financier",
        "Comptable agréée chez Meridian Bank à Montréal. J'aide les petites entreprises à "
        "tenir une comptabilité simple, à comprendre leurs marges et à préparer un dossier "
        "de crédit solide.",
    ),
    _Mentor(
        "kwame", "Kwame Mensah", "kwame.mensah@demo.example", "en", "GH", "Africa/Accra",
        ["en", "ak"], ["business-planning", "fundraising", "leadership"], ["A", "G", "J"],
        ["GH", "NG", "CI", "KE"], 2, 4, _hours("08:00", "17:00"),
        "Meridian Bank", "MB-60719",
        "Business plans and growth capital for West and East African SMEs",
        "SME banking manager at Meridian Bank in Accra. I have read hundreds of business "
        "plans and help founders write the one a lender or investor wants to read.",
        "agri-food",
    ),
    _Mentor(
        "fatou", "Fatou Diallo", "fatou.diallo@demo.example", "fr", "SN", "Africa/Dakar",
        ["fr", "wo", "en"], ["marketing", "branding", "social-media"], ["R", "S", "C", "I"],
        ["SN", "ML", "CI", "FR"], 2, 4, _hours("09:00", "18:00"),
        "Kite & Partners", "KP-0477",
        "Marque, communication et réseaux sociaux",
        "Directrice de création chez Kite & Partners à Dakar. Je construis des marques "
        "africaines fières de leurs racines et j'aide les entrepreneurs à raconter leur "
        "histoire sur les réseaux sociaux.",
        "women-in-business",
    ),
    _Mentor(
        "thandiwe", "Thandiwe Nkosi", "thandiwe.nkosi@demo.example", "en", "ZA",
        "Africa/Johannesburg", ["en", "zu"], ["insurance", "finance", "accounting"],
        ["K", "Q", "A"], ["ZA", "BW", "KE", "UG"], 2, 3, _hours("08:00", "16:00"),
        "Meridian Bank", "MB-70345",
        "Risk, insurance and financial controls",
        "Risk manager at Meridian Bank in Johannesburg. I help founders understand which "
        "risks can sink them, what insurance is worth paying for and how to keep simple "
        "financial controls.",
    ),
    _Mentor(
        "jasmine", "Jasmine Villanueva", "jasmine.villanueva@demo.example", "en", "PH",
        "Asia/Manila", ["en", "tl"], ["customer-service", "operations", "human-resources"],
        ["N", "I"], ["PH", "SG"], 2, 4, _hours("09:00", "18:00"),
        "Northwind Logistics", "NW-13350",
        "Customer service and small-team operations",
        "Customer experience manager at Northwind Logistics in Manila. Fifteen years of "
        "building service teams; I help owners hire, train and keep good staff.",
    ),
    _Mentor(
        "omar", "Omar Farouk", "omar.farouk@demo.example", "ar", "EG", "Africa/Cairo",
        ["ar", "en"], ["pricing", "procurement", "supply-chain", "public-sector-contracts"],
        ["F", "C", "H", "D"], ["EG", "JO", "SA", "AE"], 2, 5, _hours("09:00", "17:00", "6012"),
        "Northwind Logistics", "NW-14021",
        "التسعير والمشتريات والمناقصات الحكومية",
        "أعمل في إدارة المشتريات في نورثويند للخدمات اللوجستية بالقاهرة. أساعد رواد الأعمال "
        "على تسعير عروضهم، والتقدم للمناقصات الحكومية، وبناء علاقات طويلة مع الموردين.",
    ),
    _Mentor(
        "lucas", "Lucas Schneider", "lucas.schneider@demo.example", "en", "DE",
        "Europe/Berlin", ["de", "en"],
        ["manufacturing", "technology", "product", "intellectual-property"], ["C", "J"],
        ["DE", "PL", "KE", "IN", "VN"], 1, 3, _hours("16:00", "20:00", "012"),
        "Solara Energy", "SE-1187",
        "Product design and small-scale manufacturing",
        "Mechanical engineer at Solara Energy in Berlin. I help makers move from handmade "
        "prototypes to repeatable small-batch production, with jigs, suppliers and quality "
        "checks.",
    ),
    _Mentor(
        "olivia", "Olivia Nguyen", "olivia.nguyen@demo.example", "en", "AU",
        "Australia/Sydney", ["en", "vi"], ["e-commerce", "data", "digital", "pricing"],
        ["G", "J", "C"], ["AU", "VN", "ID"], 2, 4, _hours("08:00", "16:00"),
        "Kite & Partners", "KP-0602",
        "E-commerce and pricing with data",
        "Analytics lead at Kite & Partners in Sydney. I help online sellers read their own "
        "numbers: which products earn money, which ads pay off, and what to charge.",
    ),
    _Mentor(
        "victor", "Victor Hale", "victor.hale@demo.example", "en", "US", "America/Chicago",
        ["en"], ["sales", "fundraising"], ["G", "A"], ["US"], 5, 20, _hours("08:00", "20:00"),
        "Hale Growth Partners", "HGP-1",
        "Guaranteed investor introductions",
        "I connect serious founders with investors. Results guaranteed for committed clients.",
    ),
)

ENTREPRENEURS: tuple[_Entrepreneur, ...] = (
    _Entrepreneur(
        "grace", "Grace Wanjiru", "entrepreneur@demo.example", "en", "KE", "Nairobi",
        "Africa/Nairobi", ["en", "sw"], "Wanjiru Fresh Juices",
        "Cold-pressed juices from Kenyan mango, passion fruit and pineapple, bought directly "
        "from smallholder farmers in Murang'a and sold to cafés, gyms and two supermarkets in "
        "Nairobi. We press every morning and deliver by motorbike.",
        "early", "C", 4, 2,
        "Our margins disappear in waste and in the supermarkets' 60-day payment terms; I do not "
        "know which products or customers actually make money.",
        "Reach break-even on every product line and supply a third supermarket chain within "
        "a year.",
        ["finance", "sales"], ("3400000.00", "KES"), 85, "https://wanjirujuices.demo.example",
        "women-in-business",
    ),
    _Entrepreneur(
        "valentina", "Valentina Cruz", "valentina.cruz@demo.example", "es", "MX", "Oaxaca",
        "America/Mexico_City", ["es", "en"], "Cerámica Cruz",
        "Taller familiar de barro negro en San Bartolo Coyotepec. Hacemos vajillas y piezas "
        "decorativas a mano y vendemos en mercados de Oaxaca y por Instagram. Queremos llegar "
        "a tiendas de diseño en México y en España.",
        "early", "C", 3, 2,
        "No sé calcular precios de mayoreo ni de exportación, y no tengo contabilidad formal.",
        "Vender a diez tiendas de diseño y enviar el primer pedido a España este año.",
        ["finance", "marketing"], ("780000.00", "MXN"), 20, "", "export-ready",
    ),
    _Entrepreneur(
        "juan", "Juan Pablo Quispe", "juan.quispe@demo.example", "es", "PE", "Cusco",
        "America/Lima", ["es", "qu"], "Café Altura Andina",
        "Cooperativa de veintidós familias cafetaleras del valle de La Convención. Tostamos "
        "café de especialidad y lo vendemos a cafeterías de Lima; queremos exportar grano verde "
        "con trazabilidad.",
        "growing", "A", 9, 4,
        "Dependemos de dos compradores y no tenemos presencia digital ni un proceso de ventas.",
        "Cerrar contratos con tres importadores y lanzar la tienda en línea.",
        ["sales", "digital"], ("1250000.00", "PEN"), 120, "", "agri-food",
    ),
    _Entrepreneur(
        "camila", "Camila Rojas", "camila.rojas@demo.example", "es", "CO", "Medellín",
        "America/Bogota", ["es"], "Rojas Moda Sostenible",
        "Marca de ropa hecha con retazos textiles recuperados de las fábricas de Medellín. "
        "Trabajamos con madres cabeza de familia que cosen desde casa.",
        "early", "C", 2, 5,
        "Necesito capital para comprar maquinaria y no sé cómo presentarme ante inversionistas.",
        "Cerrar una ronda semilla pequeña y abrir la venta en línea en Colombia y Chile.",
        ["fundraising", "marketing"], ("180000000.00", "COP"), 55, "", "women-in-business",
    ),
    _Entrepreneur(
        "chinedu", "Chinedu Eze", "chinedu.eze@demo.example", "en", "NG", "Lagos",
        "Africa/Lagos", ["en", "ig"], "SwiftCart Logistics",
        "Same-day delivery for online shops in Lagos: thirty motorbike riders, a small "
        "warehouse in Yaba and an app that shops use to book pick-ups.",
        "growing", "H", 14, 16,
        "Riders leave after a few weeks and failed deliveries eat our margin.",
        "Cut failed deliveries by half and open a second hub on the Island.",
        ["operations", "human-resources"], ("95000000.00", "NGN"), 8,
    ),
    _Entrepreneur(
        "ama", "Ama Boateng", "ama.boateng@demo.example", "en", "GH", "Tamale",
        "Africa/Accra", ["en", "ak"], "Boateng Shea Naturals",
        "Shea butter soaps and creams made by a women's group in Tamale, sold in Accra "
        "boutiques and to a few hotels.",
        "early", "C", 6, 8,
        "Nobody outside Tamale knows our brand, and our labels do not meet export rules.",
        "A brand and packaging that hotels and export buyers trust.",
        ["marketing", "legal"], RevenueBand.FROM_10K_TO_50K, 5, "", "women-in-business",
    ),
    _Entrepreneur(
        "aminata", "Aminata Sow", "aminata.sow@demo.example", "fr", "SN", "Dakar",
        "Africa/Dakar", ["fr", "wo"], "Saveurs du Sahel",
        "Traiteur et épicerie fine à Dakar : bissap, jus de bouye, thiakry et plats "
        "préparés pour les entreprises et les mariages.",
        "early", "I", 5, 6,
        "Je mélange les comptes de la maison et de l'entreprise, et je ne vends presque pas "
        "en ligne.",
        "Séparer les comptes, tenir un budget mensuel et lancer les commandes en ligne.",
        ["finance", "digital"], ("18000000.00", "XOF"), 135, "", "women-in-business",
    ),
    _Entrepreneur(
        "kouadio", "Kouassi Kouadio", "kouassi.kouadio@demo.example", "fr", "CI", "Soubré",
        "Africa/Abidjan", ["fr"], "Cacao Kouadio & Fils",
        "Exploitation familiaire de cacao de 40 hectares qui transforme une partie de sa "
        "récolte en chocolat de couverture pour les pâtissiers d'Abidjan.",
        "growing", "A", 11, 20,
        "Nous avons besoin d'un financement pour une petite usine et d'une stratégie claire.",
        "Obtenir un crédit d'équipement et doubler la part transformée.",
        ["fundraising", "strategy"], ("65000000.00", "XOF"), 75, "", "agri-food",
    ),
    _Entrepreneur(
        "salma", "Salma Benali", "salma.benali@demo.example", "ar", "MA", "Essaouira",
        "Africa/Casablanca", ["ar", "fr"], "تعاونية أركان بنعلي",
        "تعاونية نسائية في ضواحي الصويرة تنتج زيت الأركان للطبخ ومستحضرات التجميل، وتبيع "
        "للسياح وللمحلات في مراكش.",
        "early", "A", 12, 6,
        "لا نملك متجراً إلكترونياً ونعتمد على الوسطاء في البيع.",
        "بيع منتجاتنا مباشرة عبر الإنترنت وإيجاد موزع في فرنسا.",
        ["digital", "sales"], ("900000.00", "MAD"), 38, "", "women-in-business",
    ),
    _Entrepreneur(
        "nour", "Nour Khalil", "nour.khalil@demo.example", "ar", "JO", "Amman",
        "Asia/Amman", ["ar", "en"], "Darb Learning",
        "منصة دروس خصوصية عبر الإنترنت لطلاب المرحلة الثانوية في الأردن، يقدمها معلمون "
        "متقاعدون.",
        "idea", "P", 2, 3,
        "لا أعرف كيف أختار نموذج العمل ولا كيف أقنع أول مستثمر.",
        "إطلاق النسخة التجريبية مع مئتي طالب والحصول على تمويل أولي.",
        ["fundraising", "strategy", "finance"], RevenueBand.UNDER_1K, 50, "",
        "women-in-business",
    ),
    _Entrepreneur(
        "mostafa", "Mostafa Hassan", "mostafa.hassan@demo.example", "ar", "EG", "Alexandria",
        "Africa/Cairo", ["ar", "en"], "Nile Solar Installers",
        "تركيب أنظمة الطاقة الشمسية للمنازل والمزارع الصغيرة في الإسكندرية والبحيرة.",
        "growing", "D", 18, 4,
        "نحتاج إلى تسعير أفضل للمشاريع وإلى الدخول في المناقصات الحكومية.",
        "الفوز بأول مناقصة حكومية وتدريب فريقي تركيب جديدين.",
        ["finance", "human-resources"], ("7500000.00", "EGP"), 180,
        working_hours=_hours("09:00", "17:00", "6012"),
    ),
    _Entrepreneur(
        "siti", "Siti Rahmawati", "siti.rahmawati@demo.example", "id", "ID", "Pekalongan",
        "Asia/Jakarta", ["id", "jv"], "Batik Rahma",
        "Usaha batik tulis dan cap keluarga di Pekalongan dengan tujuh pembatik. Kami menjual "
        "kain dan kemeja batik ke butik di Jakarta dan lewat Instagram.",
        "early", "C", 7, 3,
        "Penjualan online masih sedikit dan saya tidak tahu cara beriklan.",
        "Membuka toko di dua marketplace dan menggandakan penjualan online.",
        ["digital", "marketing"], ("850000000.00", "IDR"), 28, "", "women-in-business",
    ),
    _Entrepreneur(
        "agus", "Agus Prasetyo", "agus.prasetyo@demo.example", "id", "ID", "Toraja",
        "Asia/Makassar", ["id"], "Kopi Toraja Prasetyo",
        "Kami membeli kopi arabika dari petani di Toraja, mengolahnya dengan proses basah dan "
        "menjual biji sangrai ke kafe di Makassar.",
        "early", "A", 5, 4,
        "Harga jual tidak stabil dan kami belum punya pembeli tetap.",
        "Kontrak tetap dengan lima kafe dan catatan keuangan yang rapi.",
        ["sales", "finance"], ("600000000.00", "IDR"), 45, "", "agri-food",
    ),
    _Entrepreneur(
        "putri", "Putri Lestari", "putri.lestari@demo.example", "id", "ID", "Bandung",
        "Asia/Jakarta", ["id", "en"], "Lestari Snack Sehat",
        "Camilan sehat dari singkong dan kacang lokal tanpa pengawet, dijual ke kantin "
        "sekolah dan kantor di Bandung.",
        "idea", "C", 1, 2,
        "Saya belum punya izin edar pangan dan produksi masih di dapur rumah.",
        "Mendapat izin PIRT dan menyewa dapur produksi kecil.",
        ["operations", "legal"], RevenueBand.FROM_1K_TO_10K, 75,
    ),
    _Entrepreneur(
        "maria", "Maria Clara Reyes", "mariaclara.reyes@demo.example", "en", "PH", "Quezon City",
        "Asia/Manila", ["en", "tl"], "Reyes Home Bakery",
        "A home bakery turned small shop in Quezon City: ensaymada, ube cheese pandesal and "
        "celebration cakes, with two bakers and two delivery riders.",
        "early", "I", 4, 2,
        "I cannot tell how much each cake really costs me, and my best baker wants to leave.",
        "Price every product properly and build a team that stays.",
        ["finance", "human-resources"], ("2100000.00", "PHP"), 12,
    ),
    _Entrepreneur(
        "priya", "Priya Nair", "priya.nair@demo.example", "en", "IN", "Kochi",
        "Asia/Kolkata", ["en", "ml", "hi"], "Nair Ayurvedic Skincare",
        "Ayurvedic soaps, oils and creams made in Kochi from Kerala herbs, sold online across "
        "India and in forty pharmacies.",
        "growing", "C", 8, 3,
        "We need to protect our formulas and brand before raising money.",
        "Trademark our brand, fix our contracts and raise a first angel round.",
        ["legal", "fundraising"], ("6800000.00", "INR"), 95, "https://nairayurveda.demo.example",
        "women-in-business",
    ),
    _Entrepreneur(
        "linh", "Linh Tran", "linh.tran@demo.example", "en", "VN", "Ho Chi Minh City",
        "Asia/Ho_Chi_Minh", ["vi", "en"], "Saigon Bamboo Crafts",
        "Bamboo lamps, trays and furniture made by craft villages near Ho Chi Minh City, sold "
        "to hotels and on Etsy.",
        "early", "C", 6, 10,
        "Our products look good but we sell too few, and production quality varies.",
        "A steady wholesale buyer abroad and consistent quality.",
        ["marketing", "sales"], RevenueBand.FROM_10K_TO_50K, 65, "", "export-ready",
    ),
    _Entrepreneur(
        "rafael", "Rafael Oliveira", "rafael.oliveira@demo.example", "en", "BR", "Curitiba",
        "America/Sao_Paulo", ["pt", "es", "en"], "Oliveira Reciclagem",
        "Recycling of PET and aluminium from condominiums and events in Curitiba, working "
        "with a cooperative of waste pickers.",
        "growing", "E", 15, 10,
        "We grew without a plan and now need investment for a baler and a second truck.",
        "A three-year plan and the money for the new equipment.",
        ["strategy", "fundraising"], ("2300000.00", "BRL"), 150,
    ),
    _Entrepreneur(
        "lucia", "Lucía Fernández", "lucia.fernandez@demo.example", "es", "AR", "Rosario",
        "America/Argentina/Buenos_Aires", ["es", "en"], "Estudio Fernández Software",
        "Estudio de desarrollo de software para clínicas veterinarias: turnos, historias "
        "clínicas y facturación.",
        "early", "J", 5, 1,
        "Vendo solo por recomendaciones y me cuesta contratar y retener programadores.",
        "Un proceso de ventas repetible y un equipo de ocho personas.",
        ["sales", "human-resources"], ("48000000.00", "ARS"), 60,
    ),
    _Entrepreneur(
        "hana", "Hana Mansour", "hana.mansour@demo.example", "fr", "TN", "Sfax",
        "Africa/Tunis", ["ar", "fr"], "Huilerie Mansour",
        "Huilerie familiale près de Sfax qui produit une huile d'olive extra vierge biologique, "
        "vendue en vrac et, depuis peu, en bouteilles sous notre marque.",
        "growing", "A", 10, 25,
        "Notre marque est inconnue et nous vendons presque tout en vrac à bas prix.",
        "Vendre un tiers de la production en bouteilles en France et au Canada.",
        ["marketing", "digital"], ("1100000.00", "TND"), 100, "", "export-ready",
    ),
    _Entrepreneur(
        "joseph", "Joseph Mwangi", "joseph.mwangi@demo.example", "en", "KE", "Nakuru",
        "Africa/Nairobi", ["en", "sw"], "Mwangi Agro Inputs",
        "Three agro-dealer shops around Nakuru selling seed, fertiliser and animal feed to "
        "smallholder farmers, with advice from our own agronomist.",
        "established", "G", 22, 4,
        "Farmers buy on credit and pay late; we have no digital records of customers.",
        "Mobile-money payments, a customer database and a fourth shop.",
        ["digital", "customer-service"], ("41000000.00", "KES"), 3, "", "agri-food",
    ),
    _Entrepreneur(
        "fatima", "Fatima Yusuf", "fatima.yusuf@demo.example", "en", "NG", "Kano",
        "Africa/Lagos", ["en", "ha"], "Yusuf Fabrics",
        "Hand-dyed adire and Kano indigo fabrics, sold in Kano market and to designers in "
        "Lagos.",
        "early", "C", 2, 3,
        "I keep no records and do not know how to reach designers outside Nigeria.",
        "Sell to designers in London and keep proper accounts.",
        ["finance", "marketing"], RevenueBand.FROM_1K_TO_10K, 240, "", "women-in-business",
    ),
    _Entrepreneur(
        "diego", "Diego Martínez", "diego.martinez@demo.example", "es", "ES", "Valencia",
        "Europe/Madrid", ["es", "en"], "Bicis Martínez",
        "Taller y tienda de bicicletas de segunda mano reacondicionadas en Valencia, con "
        "alquiler para turistas en verano.",
        "early", "G", 2, 1,
        "Fijar precios de alquiler y de bicicletas reacondicionadas; el invierno es muy flojo.",
        "Un plan financiero que cubra el invierno y vender también a empresas.",
        ["finance", "strategy"], ("210000.00", "EUR"), 250,
    ),
    _Entrepreneur(
        "rosa", "Rosa Jiménez", "rosa.jimenez@demo.example", "es", "MX", "Puebla",
        "America/Mexico_City", ["es"], "Tortillería La Esperanza",
        "Tortillería de maíz nixtamalizado en Puebla con dos puntos de venta y reparto a "
        "restaurantes.",
        "established", "C", 9, 2,
        "No vendemos en línea y llevamos las cuentas en un cuaderno.",
        "Pedidos por WhatsApp y un sistema de caja sencillo.",
        ["digital", "finance"], ("2600000.00", "MXN"), 45,
    ),
    _Entrepreneur(
        "samuel", "Samuel Okello", "samuel.okello@demo.example", "en", "UG", "Gulu",
        "Africa/Kampala", ["en", "sw"], "Okello Poultry Farm",
        "Layer and broiler farm outside Gulu supplying eggs and chicken to hotels and "
        "schools.",
        "early", "A", 4, 2,
        "Feed prices keep rising and I have no savings for bad months.",
        "A cash buffer of three months and a contract with a second school.",
        ["finance", "operations"], ("95000000.00", "UGX"), 30, "", "agri-food",
    ),
)


# What happens between them -----------------------------------------------------------------


@dataclass(frozen=True)
class _Pairing:
    """One mentoring request and what became of it (story days)."""

    mentor: str
    mentee: str
    requested: int
    accepted: int | None = None
    started: int | None = None
    paused: int | None = None
    completed: int | None = None
    ended: tuple[int, str, str] | None = None
    """(day, "mentor" or "mentee", reason)."""
    declined: tuple[int, DeclineReason, str] | None = None
    withdrawn: int | None = None


PAIRINGS: tuple[_Pairing, ...] = (
    # Active relationships.
    _Pairing("elena", "grace", 100, 101, 102),
    _Pairing("elena", "valentina", 30, 31, 32),
    _Pairing("elena", "aminata", 150, 151, 153),
    _Pairing("amina", "chinedu", 18, 19, 20),
    _Pairing("dewi", "siti", 38, 39, 40),
    _Pairing("budi", "agus", 57, 58, 60),
    _Pairing("carlos", "camila", 67, 68, 70),
    _Pairing("youssef", "salma", 48, 49, 50),
    _Pairing("lina", "nour", 118, 119, 120),
    _Pairing("claire", "kouadio", 88, 89, 90),
    _Pairing("rahul", "priya", 108, 109, 110, paused=214),
    _Pairing("james", "juan", 138, 139, 140),
    _Pairing("mariana", "rafael", 168, 169, 170),
    # Completed and ended.
    _Pairing("ben", "ama", 12, 13, 15, completed=205),
    _Pairing("kwame", "joseph", 8, 9, 10, completed=195),
    _Pairing("jasmine", "maria", 22, 23, 25, completed=160),
    _Pairing("olivia", "linh", 78, 79, 80, ended=(
        142, "mentee", "Thank you, Olivia! Our biggest problem turned out to be production "
        "quality rather than online sales, so I will look for a mentor in manufacturing.",
    )),
    # Accepted, not started yet.
    _Pairing("omar", "mostafa", 262, 263),
    _Pairing("sophie", "hana", 264, 266),
    # Waiting for an answer.
    _Pairing("elena", "diego", 265),
    _Pairing("lucas", "linh", 262),
    _Pairing("ben", "fatima", 267),
    # Never answered (reads as expired), declined, withdrawn.
    _Pairing("claire", "nour", 58),
    _Pairing("james", "lucia", 116, declined=(
        118, DeclineReason.TOO_BUSY, "I am at my capacity until the autumn. Carlos Restrepo "
        "knows software sales in Latin America well; he may be a better fit.",
    )),
    _Pairing("mariana", "rosa", 100, declined=(
        103, DeclineReason.NOT_A_FIT, "Mi experiencia es en reciclaje y energía; para vender "
        "en línea una tortillería, Dewi o James le ayudarán mucho más.",
    )),
    _Pairing("thandiwe", "samuel", 88, withdrawn=92),
    _Pairing("dewi", "putri", 128, withdrawn=131),
    # A mentor who asks for money, and is reported for it.
    _Pairing("victor", "samuel", 228, 229, ended=(
        231, "mentee", "The mentor asked me to pay him and to move to WhatsApp.",
    )),
)

INTRODUCTIONS = {
    "en": "Hello {mentor}, I run {business} in {city}. {challenges} Your experience in "
          "{expertise} is what I am missing. Would you mentor me for a few months?",
    "es": "Hola {mentor}, dirijo {business} en {city}. {challenges} Su experiencia en "
          "{expertise} es justo lo que me falta. ¿Podría ser mi mentor o mentora unos meses?",
    "fr": "Bonjour {mentor}, je dirige {business} à {city}. {challenges} Votre expérience en "
          "{expertise} est exactement ce qui me manque. Accepteriez-vous de m'accompagner "
          "quelques mois ?",
    "ar": "مرحباً {mentor}، أدير {business} في {city}. {challenges} خبرتك في {expertise} هي "
          "ما ينقصني تماماً. هل تقبل أن ترشدني لبضعة أشهر؟",
    "id": "Halo {mentor}, saya mengelola {business} di {city}. {challenges} Pengalaman Anda di "
          "bidang {expertise} sangat saya butuhkan. Bersediakah Anda menjadi mentor saya "
          "selama beberapa bulan?",
}

CONVERSATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "welcome": ("Thank you for accepting, {mentor}! I am really looking forward to "
                    "working together.",
                    "Thanks {mentor}, this means a lot. Where would you like us to start?"),
        "reply": ("Happy to help, {mentee}. Before our first call, could you send me last "
                  "quarter's sales and your main costs? Rough figures are fine.",
                  "Glad to. Let's start with your numbers: what you sell, to whom, and what "
                  "it costs you. I'll propose a time for a first call."),
        "proposal": ("I've proposed a time for our next call. Tell me if it doesn't suit "
                     "you.", "I sent a meeting proposal for next week; happy to move it."),
        "thanks": ("Thank you for today, that was really useful. I'll work on what we "
                   "agreed and report back.", "Great session, thank you! I have my homework "
                   "for the next two weeks.", "Thanks again. Things are much clearer now."),
        "encourage": ("Good work so far. Send me the draft whenever it's ready.",
                      "You're making real progress. Keep going!"),
    },
    "es": {
        "welcome": ("¡Gracias por aceptar, {mentor}! Tengo muchas ganas de empezar.",
                    "Muchas gracias, {mentor}. ¿Por dónde empezamos?"),
        "reply": ("Con gusto, {mentee}. Antes de la primera llamada, ¿me puede enviar las "
                  "ventas del último trimestre y sus costos principales?",
                  "Encantado. Empecemos por los números: qué vende, a quién y cuánto le "
                  "cuesta. Le propongo una hora para la primera llamada."),
        "proposal": ("Le propuse una hora para la próxima llamada. Dígame si no le conviene.",
                     "Envié una propuesta de reunión para la semana que viene; la podemos "
                     "mover."),
        "thanks": ("Gracias por la sesión de hoy, me sirvió muchísimo. Trabajo en lo "
                   "acordado y le cuento.", "¡Excelente sesión! Ya tengo tarea para las "
                   "próximas dos semanas.", "Gracias de nuevo, ahora lo veo mucho más claro."),
        "encourage": ("Muy buen trabajo. Envíeme el borrador cuando lo tenga.",
                      "Va avanzando muy bien. ¡Siga así!"),
    },
    "fr": {
        "welcome": ("Merci d'avoir accepté, {mentor} ! J'ai hâte de commencer.",
                    "Merci beaucoup, {mentor}. Par quoi commençons-nous ?"),
        "reply": ("Avec plaisir, {mentee}. Avant notre premier appel, pouvez-vous m'envoyer "
                  "vos ventes du dernier trimestre et vos principaux coûts ?",
                  "Volontiers. Commençons par vos chiffres : ce que vous vendez, à qui et à "
                  "quel coût. Je vous propose un créneau pour un premier appel."),
        "proposal": ("J'ai proposé un créneau pour notre prochain appel. Dites-moi s'il ne "
                     "vous convient pas.", "Je vous ai envoyé une proposition de rendez-vous "
                     "pour la semaine prochaine ; on peut la déplacer."),
        "thanks": ("Merci pour la séance d'aujourd'hui, elle m'a été très utile. Je travaille "
                   "sur ce que nous avons convenu.", "Excellente séance, merci ! J'ai du "
                   "travail pour les deux prochaines semaines.", "Merci encore, tout est "
                   "beaucoup plus clair maintenant."),
        "encourage": ("Beau travail. Envoyez-moi le brouillon quand il sera prêt.",
                      "Vous avancez vraiment bien. Continuez !"),
    },
    "ar": {
        "welcome": ("شكراً لقبولك يا {mentor}! أتطلع كثيراً إلى العمل معك.",
                    "شكراً جزيلاً يا {mentor}. من أين نبدأ؟"),
        "reply": ("بكل سرور يا {mentee}. قبل مكالمتنا الأولى، هل يمكنك إرسال مبيعات الربع "
                  "الأخير وأهم التكاليف؟",
                  "يسعدني ذلك. لنبدأ بالأرقام: ماذا تبيع، ولمن، وكم يكلفك. سأقترح موعداً "
                  "لمكالمتنا الأولى."),
        "proposal": ("اقترحت موعداً لمكالمتنا القادمة. أخبرني إن لم يكن مناسباً.",
                     "أرسلت اقتراح اجتماع للأسبوع القادم، ويمكننا تغييره."),
        "thanks": ("شكراً على جلسة اليوم، كانت مفيدة جداً. سأعمل على ما اتفقنا عليه.",
                   "جلسة رائعة، شكراً! لدي ما أعمل عليه في الأسبوعين القادمين.",
                   "شكراً مرة أخرى، أصبحت الأمور أوضح بكثير."),
        "encourage": ("عمل ممتاز. أرسل لي المسودة عندما تجهز.",
                      "أنت تحقق تقدماً حقيقياً. استمر!"),
    },
    "id": {
        "welcome": ("Terima kasih sudah menerima, {mentor}! Saya sangat menantikan kerja "
                    "sama kita.", "Terima kasih banyak, {mentor}. Kita mulai dari mana?"),
        "reply": ("Dengan senang hati, {mentee}. Sebelum panggilan pertama, bisa kirimkan "
                  "penjualan kuartal lalu dan biaya utama?",
                  "Tentu. Kita mulai dari angka: apa yang dijual, ke siapa, dan berapa "
                  "biayanya. Saya usulkan waktu untuk panggilan pertama."),
        "proposal": ("Saya sudah mengusulkan waktu untuk panggilan berikutnya. Kabari kalau "
                     "tidak cocok.", "Saya kirim usulan pertemuan untuk minggu depan; bisa "
                     "kita geser."),
        "thanks": ("Terima kasih untuk sesi hari ini, sangat bermanfaat. Saya kerjakan yang "
                   "kita sepakati.", "Sesi yang bagus, terima kasih! Tugas saya untuk dua "
                   "minggu ke depan sudah jelas.", "Terima kasih lagi, sekarang jauh lebih "
                   "jelas."),
        "encourage": ("Kerja bagus. Kirimkan drafnya kalau sudah siap.",
                      "Kemajuannya nyata. Lanjutkan!"),
    },
}

SESSIONS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    # area: (agenda, summary, agreements, next steps)
    "finance": (
        ("Where the money goes: a first cash-flow forecast",
         "We listed every cost of the last three months and built a thirteen-week cash-flow "
         "forecast together.", "Update the forecast every Friday.",
         "Separate business and personal accounts; list unpaid invoices."),
        ("Margins per product", "We costed the three best-selling products line by line; one "
         "of them sells below cost.", "Raise the price of the loss-maker or drop it.",
         "Test the new price with two customers."),
        ("Payment terms and working capital", "We looked at who pays late and how much cash "
         "is tied up in stock.", "Ask new customers for 50% up front.",
         "Call the three slowest payers this week."),
    ),
    "sales": (
        ("Who buys, and why", "We segmented current customers and found the two segments "
         "that bring most of the margin.", "Focus outreach on those two segments.",
         "Draft a one-page offer for each."),
        ("A simple sales pipeline", "We set up a spreadsheet pipeline with stages and next "
         "actions.", "Review the pipeline every Monday.", "Contact ten new prospects."),
        ("Preparing a meeting with a big buyer", "We rehearsed the pitch and the questions "
         "the buyer's purchasing team will ask.", "Do not go below the floor price.",
         "Send the proposal within 48 hours of the meeting."),
    ),
    "marketing": (
        ("Brand promise in one sentence", "We worked out what makes the brand different and "
         "wrote it down in one sentence.", "Use it on the labels, website and social media.",
         "Ask five loyal customers why they buy."),
        ("A content calendar that fits a busy week", "We planned a month of posts around "
         "three themes.", "Post three times a week, batch-produced on Sundays.",
         "Track which posts bring messages."),
    ),
    "digital": (
        ("Choosing an online shop", "We compared a marketplace, a social shop and a simple "
         "website for the first online sales.", "Start with the marketplace.",
         "Photograph the ten best products."),
        ("Payments and records", "We set up mobile-money payments and a simple customer "
         "list.", "Record every sale in the app.", "Train the shop staff."),
    ),
    "operations": (
        ("Daily routine and bottlenecks", "We mapped a typical day and found the step where "
         "orders wait longest.", "Move packing to the afternoon.",
         "Measure late orders for two weeks."),
        ("Suppliers and stock", "We reviewed suppliers and agreed on reorder points for the "
         "top items.", "Keep two weeks of stock of the top items.", "Ask a second supplier "
         "for a quote."),
    ),
    "human-resources": (
        ("Hiring the next person", "We wrote a role description and interview questions.",
         "Hire for attitude, train for skill.", "Publish the vacancy."),
        ("Keeping good people", "We discussed pay, recognition and a simple career path.",
         "Monthly one-to-one with each team member.", "Draft a bonus rule."),
    ),
    "fundraising": (
        ("Is outside money the right step?", "We compared a bank loan, a grant and an "
         "angel investor for the equipment.", "Apply for the loan first.",
         "Prepare three years of accounts."),
        ("The investor pitch", "We reviewed the pitch deck slide by slide.",
         "Lead with traction, not with the product.", "Rehearse with two friendly "
         "investors."),
    ),
    "strategy": (
        ("Where to be in three years", "We wrote down the three-year goal and what has to be "
         "true for it.", "Say no to orders outside the focus.", "Write a one-page plan."),
        ("Choosing between two opportunities", "We scored both options on margin, risk and "
         "effort.", "Pursue the wholesale channel first.", "Share the plan with the team."),
    ),
    "legal": (
        ("Company form and contracts", "We reviewed the company statutes and the standard "
         "customer contract.", "Add a late-payment clause.", "Ask a notary about the "
         "change of statutes."),
        ("Protecting the brand", "We checked trademark availability in the target markets.",
         "File the trademark at home first.", "Collect proof of first use."),
    ),
    "customer-service": (
        ("What customers complain about", "We went through the last month's complaints and "
         "grouped them.", "Answer every message within a day.",
         "Write answers to the five common questions."),
    ),
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _first_name(name: str) -> str:
    return name.split(maxsplit=1)[0]


def _pair_language(mentor: _Mentor, mentee: _Entrepreneur) -> str:
    """The language they write in: the mentee's first that the mentor speaks, with texts."""
    for language in mentee.languages:
        if language in mentor.languages and language in CONVERSATIONS:
            return language
    return "en"


# Telling the story ---------------------------------------------------------------------------

_NO_SESSION = UUID(int=0)
"""The session id of the story's callers: they act in-process, never signed in over HTTP."""
_BANDS = list(RevenueBand)
_Step = tuple[datetime, int, Callable[[], None]]


def add_demo_sample_data(
    ithaca: Ithaca, tenant: TenantRecord, actor: Actor, *, now: datetime | None = None
) -> bool:
    """Fills the demo tenant with its sample programme (see the module's docstring); answers
    whether anything was added (False: the sample was already complete)."""
    accounts = ithaca.tenant_application(tenant, Accounts)
    if accounts.find_member_by_email(DEMO_SIGN_INS[0][1]) is not None:
        return False
    if accounts.find_member_by_email(DEMO_SIGN_INS[1][1]) is not None:
        raise ConflictError(
            "the %(slug)s tenant holds part of the sample data from an interrupted "
            "`ithaca demo`; give it a fresh stream (or another data directory) and run again",
            field="demo", values={"slug": tenant.slug},
        )
    clock = ithaca.clock
    if not isinstance(clock, SettableClock):
        msg = "the demo is told in story time: bootstrap(settings, clock=SettableClock())"
        raise TypeError(msg)
    with clock.borrowed():
        story = _Story(ithaca, tenant, actor, now or clock(), clock)
        story.plan()
        story.tell()
        story.finish()
    return True


class _Story:
    def __init__(
        self, ithaca: Ithaca, tenant: TenantRecord, actor: Actor, now: datetime,
        clock: SettableClock,
    ) -> None:
        self.now = now
        self.origin = datetime.combine((now - timedelta(days=STORY_DAYS)).date(), time(), UTC)
        self.clock = clock
        clock.set(self.origin)
        self.rng = random.Random(_SEED)  # noqa: S311 - sample figures, not secrets
        self.cli_actor = actor
        self.correlation = actor.correlation_id
        self.accounts = ithaca.tenant_application(tenant, Accounts)
        self.profiles = ithaca.tenant_application(tenant, Profiles)
        self.programme = ithaca.tenant_application(tenant, Programme)
        self.mentoring = ithaca.tenant_application(tenant, Mentoring)
        self.meetings = ithaca.tenant_application(tenant, Meetings)
        self.impact = ithaca.tenant_application(tenant, Impact)
        self.moderation = ithaca.tenant_application(tenant, Moderation)
        self.locator = Locator(self.profiles, tenant.time_zone)
        self.mentors = {m.key: m for m in MENTORS}
        self.entrepreneurs = {e.key: e for e in ENTREPRENEURS}
        self.ids: dict[str, UUID] = {}
        """Member ids by key, relationship and meeting ids by label, as the story creates them."""
        self.steps: list[_Step] = []

    # Planning and telling -------------------------------------------------------------------

    def day(self, day: float, hour: float = 0) -> datetime:
        return self.origin + timedelta(days=day, hours=hour)

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        """Plans an action; the ones after the real now have not happened (yet)."""
        if when < self.now:
            self.steps.append((when, len(self.steps), action))

    def tell(self) -> None:
        for when, _, action in sorted(self.steps, key=lambda step: step[:2]):
            self.clock.now = when
            action()

    def plan(self) -> None:
        self.at(self.day(0, 6), self.set_up_programme)
        self.at(self.day(0, 7), lambda: self.create_staff(
            "programme", "Nadia Rahman", DEMO_SIGN_INS[1][1], [Role.PROGRAMME_ADMIN]))
        first_asked = {p.mentor: p.requested for p in reversed(PAIRINGS)}
        for index, mentor in enumerate(MENTORS):
            joins = 220 if mentor.key == "victor" else max(
                0, min(index * 2, first_asked.get(mentor.key, 99) - 8))
            self.at(self.day(joins, 8 + index % 6), self.mentor_joins(mentor))
        for entrepreneur in ENTREPRENEURS:
            self.plan_onboarding(entrepreneur)
        for index, pairing in enumerate(PAIRINGS):
            self.plan_pairing(index, pairing)
        self.plan_unmentored_follow_ups()
        self.plan_reports()
        self.at(self.day(200, 9), lambda: self.create_staff(
            "auditor", "Tomás Lindqvist", DEMO_SIGN_INS[2][1], [Role.AUDITOR]))

    def finish(self) -> None:
        """The tenant admin, last: their account says the sample is complete."""
        self.clock.now = self.now
        self.create_staff(
            "admin", "Alex Morgan", DEMO_SIGN_INS[0][1],
            [Role.TENANT_ADMIN, Role.PROGRAMME_ADMIN],
        )

    # Who acts -------------------------------------------------------------------------------

    def caller(self, key: str) -> Caller:
        member = self.accounts.get_member(self.ids[key])
        return Caller(
            member_id=member.id, roles=frozenset(member.roles), session_id=_NO_SESSION,
            locale=member.locale,
        )

    def actor(self, key: str) -> Actor:
        return Actor(kind="member", id=str(self.ids[key]), correlation_id=self.correlation)

    @property
    def visitor(self) -> Actor:
        return Actor(kind="visitor", id="anonymous", correlation_id=self.correlation)

    # Members --------------------------------------------------------------------------------

    def set_up_programme(self) -> None:
        self.programme.change_settings(_PROGRAMME, self.cli_actor)

    def create_staff(self, key: str, name: str, email: str, roles: list[Role]) -> None:
        """Staff are created as `ithaca members create` does, then verify their address."""
        member, _ = self.accounts.create_member(
            email=email, name=name, password=DEMO_PASSWORD, roles=roles, locale="en",
            actor=self.cli_actor,
        )
        self.ids[key] = member.id
        self.verify(member)

    def sign_up(self, key: str, name: str, email: str, role: Role, locale: str) -> None:
        member_id, _ = self.accounts.sign_up(
            email=email, name=name, password=DEMO_PASSWORD, roles=[role], locale=locale,
            actor=self.visitor,
        )
        self.ids[key] = member_id
        self.verify(self.accounts.get_member(member_id))

    def verify(self, member: Member) -> None:
        """Opens the link of the verification mail, as the member would."""
        token = self.accounts.tokens.sign(LinkToken(
            purpose=VERIFY_EMAIL, member_id=member.id,
            expires_at=self.accounts.clock() + VERIFICATION_LIFETIME,
        ))
        self.accounts.verify_email(token, self.visitor)

    def mentor_joins(self, mentor: _Mentor) -> Callable[[], None]:
        def joins() -> None:
            self.sign_up(mentor.key, mentor.name, mentor.email, Role.MENTOR, mentor.locale)
            self.profiles.save_mentor_profile(self.ids[mentor.key], MentorDetails(
                headline=mentor.headline, bio=mentor.bio, expertise=mentor.expertise,
                industries=mentor.industries, languages=mentor.languages,
                country=mentor.country, countries_of_experience=mentor.experience,
                time_zone=mentor.time_zone, working_hours=mentor.working_hours,
                capacity=mentor.capacity, monthly_hours=mentor.monthly_hours,
                employer=mentor.employer, employee_id=mentor.employee_id,
                programme=mentor.programme,
            ), self.actor(mentor.key))

        return joins

    def plan_onboarding(self, e: _Entrepreneur) -> None:
        joined = self.day(e.joins, 7 + self.rng.randint(0, 10))
        areas = current_questionnaire(self.profiles).area_codes
        ratings = {
            area: self.rng.randint(1, 2) if area in e.weak else self.rng.randint(3, 5)
            for area in areas
        }
        notes = {e.weak[0]: e.challenges} if e.weak[0] in areas else {}

        def joins() -> None:
            self.sign_up(e.key, e.name, e.email, Role.ENTREPRENEUR, e.locale)
            self.profiles.save_entrepreneur_profile(self.ids[e.key], EntrepreneurDetails(
                business_name=e.business, description=e.description, stage=e.stage,
                industry=e.industry, country=e.country, languages=e.languages,
                time_zone=e.time_zone, working_hours=e.working_hours,
                challenges=e.challenges, goals=e.goals, employees=e.employees,
                website=e.website, programme=e.programme,
            ), self.actor(e.key))

        def assesses() -> None:
            self.profiles.submit_self_assessment(
                self.ids[e.key], version=current_questionnaire(self.profiles).version,
                ratings=ratings, notes=notes, actor=self.actor(e.key), now=self.clock.now,
            )

        baseline = self.baseline_answers(e)

        def answers_baseline() -> None:
            self.impact.answer(
                entrepreneur=self.caller(e.key), kind=SurveyKind.BASELINE, months_after=None,
                relationship_id=None, answers=baseline, comment="", actor=self.actor(e.key),
                mentoring=self.mentoring,
            )

        self.at(joined, joins)
        self.at(joined + timedelta(minutes=40), assesses)
        self.at(self.baseline_at(e), answers_baseline)

    def baseline_at(self, e: _Entrepreneur) -> datetime:
        return self.day(e.joins + 1, 18)

    # Impact ---------------------------------------------------------------------------------

    def baseline_answers(self, e: _Entrepreneur) -> SurveyAnswers:
        confidence = {area: 1 + len(e.name + area) % 2 for area in e.weak}
        if isinstance(e.revenue, RevenueBand):
            revenue: dict[str, object] = {"revenue_band": e.revenue}
        else:
            amount, currency = e.revenue
            revenue = {"revenue_amount": Decimal(amount), "revenue_currency": currency}
        return SurveyAnswers(
            business_operating=True, full_time_employees=e.employees,
            part_time_employees=e.part_time, confidence=confidence, new_finance=False,
            **revenue,  # type: ignore[arg-type]
        )

    def follow_up_answers(
        self, e: _Entrepreneur, months: int, mentored: bool
    ) -> SurveyAnswers:
        """A follow-up's figures: mentored businesses grow more, on average, than others."""
        rng, steps = self.rng, months // 3
        baseline = self.baseline_answers(e)
        if mentored:
            growth = sum(rng.uniform(0.05, 0.22) for _ in range(steps))
            jobs = sum(rng.choice((0, 1, 1, 2)) for _ in range(steps))
            lift = steps
        else:
            growth = sum(rng.uniform(-0.12, 0.07) for _ in range(steps))
            jobs = rng.choice((-1, 0, 0, 0, 1))
            lift = rng.choice((0, 0, 1))
        operating = not (e.key == "samuel" and months >= 6)
        revenue: dict[str, object]
        if baseline.revenue_band is not None:
            index = _BANDS.index(baseline.revenue_band)
            moved = (1 if months >= 6 or rng.random() < 0.4 else 0) if mentored else (
                -1 if rng.random() < 0.3 else 0)
            revenue = {"revenue_band": _BANDS[max(0, min(len(_BANDS) - 1, index + moved))]}
        else:
            assert baseline.revenue_amount is not None
            amount = (baseline.revenue_amount * Decimal(str(round(1 + growth, 3)))).quantize(
                Decimal("1.00"))
            if not operating:
                amount = Decimal("0.00")
            revenue = {"revenue_amount": amount, "revenue_currency": baseline.revenue_currency}
        finance_need = bool({"finance", "fundraising"} & set(e.weak))
        return SurveyAnswers(
            business_operating=operating,
            full_time_employees=max(0, e.employees + jobs) if operating else 0,
            part_time_employees=e.part_time if operating else 0,
            confidence={area: min(5, rating + lift)
                        for area, rating in baseline.confidence.items()},
            new_finance=mentored and ((finance_need and months >= 6) or rng.random() < 0.15),
            **revenue,  # type: ignore[arg-type]
        )

    def plan_follow_ups(
        self, e: _Entrepreneur, since: datetime, relationship: str | None, until: datetime,
    ) -> None:
        """The entrepreneur answers each follow-up due before `until` a few days late."""
        for months in _PROGRAMME.follow_up_months:
            due = add_months(since, months)
            answered = due + timedelta(days=self.rng.randint(1, 9), hours=self.rng.randint(0, 6))
            if answered >= until:
                continue
            answers = self.follow_up_answers(e, months, mentored=relationship is not None)

            def answer(months: int = months, answers: SurveyAnswers = answers) -> None:
                self.impact.answer(
                    entrepreneur=self.caller(e.key), kind=SurveyKind.FOLLOW_UP,
                    months_after=months,
                    relationship_id=self.ids[relationship] if relationship else None,
                    answers=answers, comment="", actor=self.actor(e.key),
                    mentoring=self.mentoring,
                )

            self.at(answered, answer)

    def plan_unmentored_follow_ups(self) -> None:
        mentored = {p.mentee for p in PAIRINGS if p.started is not None}
        for e in ENTREPRENEURS:
            if e.key not in mentored:
                self.plan_follow_ups(e, self.baseline_at(e), None, self.now)

    # Mentoring ------------------------------------------------------------------------------

    def plan_pairing(self, index: int, p: _Pairing) -> None:
        mentor, mentee = self.mentors[p.mentor], self.entrepreneurs[p.mentee]
        label = f"relationship:{p.mentor}:{p.mentee}"
        language = _pair_language(mentor, mentee)
        hour = 9 + index % 9

        def requested() -> None:
            self.ids[label] = self.mentoring.request_mentor(
                self.ids[mentee.key], self.ids[mentor.key], _introduction(mentor, mentee),
                self.actor(mentee.key),
            ).relationship.id

        def transition(key: str, command: Callable[..., object], *args: object) -> Callable[
                [], None]:
            def act() -> None:
                command(self.ids[label], self.caller(key), *args, self.actor(key))
            return act

        self.at(self.day(p.requested, hour), requested)
        if p.declined is not None:
            declined_on, decline_reason, note = p.declined
            self.at(self.day(declined_on, hour + 2 + index % 7), transition(
                mentor.key, self.mentoring.decline, decline_reason, note))
        if p.withdrawn is not None:
            self.at(self.day(p.withdrawn, hour + 1), transition(
                mentee.key, self.mentoring.withdraw))
        if p.accepted is None:
            return
        accepted_at = self.day(p.accepted, hour + 1 + index * 5 % 13)
        self.at(accepted_at, transition(mentor.key, self.mentoring.accept))
        opened = accepted_at
        if p.started is not None:
            opened = self.day(p.started, hour + 4)
            self.at(opened, transition(mentee.key, self.mentoring.start))
            self.plan_follow_ups(mentee, opened, label, self.now)
        closed: datetime | None = None
        if p.paused is not None:
            closed = self.day(p.paused, 11)
            self.at(closed, transition(mentor.key, self.mentoring.pause))
        if p.completed is not None:
            closed = self.day(p.completed, 16)
            self.at(closed, transition(mentor.key, self.mentoring.complete))
        if p.ended is not None:
            day, side, reason = p.ended
            closed = self.day(day, 15)
            ender = mentee.key if side == "mentee" else mentor.key
            self.at(closed, transition(ender, self.mentoring.end, reason))
        if mentor.key == "victor":
            self.plan_solicitation(label, mentor, mentee, accepted_at)
            return
        texts = CONVERSATIONS[language]
        names = {"mentor": _first_name(mentor.name), "mentee": _first_name(mentee.name)}
        self.say(opened + timedelta(hours=2), label, mentee.key,
                 texts["welcome"][index % 2].format(**names))
        self.say(opened + timedelta(hours=7), label, mentor.key,
                 texts["reply"][index % 2].format(**names))
        self.plan_meetings(index, label, mentor, mentee, opened, closed, texts)

    def say(self, when: datetime, label: str, sender: str, body: str) -> None:
        """The sender reads what the other wrote, then writes."""

        def says() -> None:
            caller, actor = self.caller(sender), self.actor(sender)
            relationship_id = self.ids[label]
            theirs = [m.number for m in self.mentoring.messages(relationship_id, caller)
                      if m.sender_id != caller.member_id]
            if theirs:
                self.mentoring.mark_read(relationship_id, caller, max(theirs), actor)
            self.mentoring.send_message(relationship_id, caller, body, actor)

        self.at(when, says)

    # Meetings -------------------------------------------------------------------------------

    def meeting_time(self, day: date, mentor: _Mentor, mentee: _Entrepreneur) -> datetime:
        """An hour on one of the mentor's working days that is daytime for both."""
        hours = mentor.working_hours
        while day.weekday() not in hours.weekdays:
            day += timedelta(days=1)
        theirs, yours = ZoneInfo(mentor.time_zone), ZoneInfo(mentee.time_zone)
        fallback = None
        for hour in range(24):
            instant = datetime.combine(day, time(hour), UTC)
            at_mentor, at_mentee = instant.astimezone(theirs), instant.astimezone(yours)
            if not (8 <= at_mentee.hour < 20 and 8 <= at_mentor.hour < 21):
                continue
            if hours.start <= at_mentor.time() and at_mentor.hour < hours.end.hour:
                return instant
            fallback = fallback or instant
        return fallback or datetime.combine(day, time(12), UTC)

    def plan_meetings(
        self, index: int, label: str, mentor: _Mentor, mentee: _Entrepreneur,
        opened: datetime, closed: datetime | None, texts: dict[str, tuple[str, ...]],
    ) -> None:
        until = closed or self.now
        starts = self.meeting_time(
            (opened + timedelta(days=7 + index % 4)).date(), mentor, mentee)
        number = 0
        while starts + timedelta(days=2) < until:
            self.plan_held_meeting(index, number, label, mentor, mentee, starts, texts)
            number += 1
            starts = self.meeting_time(
                (starts + timedelta(days=self.rng.randint(18, 30))).date(), mentor, mentee)
        if closed is not None:
            return
        upcoming = [self.rng.randint(3, 15)]
        if mentee.key == "grace":
            upcoming = [5, 19]
        for offset, ahead in enumerate(upcoming):
            starts = self.meeting_time((self.now + timedelta(days=ahead)).date(), mentor, mentee)
            meeting = f"{label}:upcoming:{offset}"
            proposed = self.now - timedelta(days=2 - offset, hours=index % 5)
            self.propose(proposed, meeting, label, mentor.key, starts, mentee, number + offset)
            self.say(proposed + timedelta(minutes=15), label, mentor.key,
                     texts["proposal"][index % 2])
            if offset == 0 and (index % 2 == 0 or mentee.key == "grace"):
                self.answer(proposed + timedelta(hours=6), meeting, mentee.key, accept=True)

    def propose(
        self, when: datetime, meeting: str, label: str, proposer: str, starts: datetime,
        mentee: _Entrepreneur, number: int,
    ) -> None:
        area = mentee.weak[number % len(mentee.weak)]
        sessions = SESSIONS[area]
        agenda = sessions[(number // len(mentee.weak)) % len(sessions)][0]
        duration = 60 if number % 3 else 45
        zone = (self.mentors[proposer].time_zone if proposer in self.mentors
                else mentee.time_zone)
        wall = starts.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")

        def proposes() -> None:
            caller = self.caller(proposer)
            relationship = self.mentoring.get_relationship(self.ids[label], caller)
            proposed, _ = self.meetings.propose(
                relationship, caller, self.locator, starts_at=wall, time_zone=None, fold=None,
                duration_minutes=duration, agenda=agenda,
                video_link=f"{_MEET}{mentee.key}-{number + 1}", actor=self.actor(proposer),
            )
            self.ids[meeting] = proposed.id

        self.at(when, proposes)

    def answer(self, when: datetime, meeting: str, key: str, *, accept: bool) -> None:
        command = self.meetings.accept if accept else self.meetings.decline

        def answers() -> None:
            command(self.ids[meeting], self.caller(key), self.actor(key))

        self.at(when, answers)

    def plan_held_meeting(
        self, index: int, number: int, label: str, mentor: _Mentor, mentee: _Entrepreneur,
        starts: datetime, texts: dict[str, tuple[str, ...]],
    ) -> None:
        """Proposed about a week ahead, accepted, held, logged by one and confirmed by the
        other; now and then moved by the other member first, or cancelled."""
        meeting = f"{label}:meeting:{number}"
        proposer, other = (mentor.key, mentee.key) if number % 3 != 2 else (
            mentee.key, mentor.key)
        proposed = starts - timedelta(days=6, hours=index % 5)
        self.propose(proposed, meeting, label, proposer, starts, mentee, number)
        self.say(proposed + timedelta(minutes=20), label, proposer,
                 texts["proposal"][number % 2])
        if (index + number) % 11 == 5:  # accepted, then called off
            self.answer(proposed + timedelta(hours=5), meeting, other, accept=True)
            self.cancel(starts - timedelta(days=2), meeting, proposer)
            return
        if (index + number) % 7 == 3:  # the other asks for the next day instead
            starts = self.meeting_time((starts + timedelta(days=1)).date(), mentor, mentee)
            self.reschedule(proposed + timedelta(hours=4), meeting, other, starts, mentee)
            self.answer(proposed + timedelta(hours=20), meeting, proposer, accept=True)
        else:
            self.answer(proposed + timedelta(hours=5), meeting, other, accept=True)
        area = mentee.weak[number % len(mentee.weak)]
        sessions = SESSIONS[area]
        _agenda, summary, agreements, next_steps = sessions[
            (number // len(mentee.weak)) % len(sessions)]
        held = 60 if number % 3 else 45
        minutes = held + self.rng.choice((-15, -10, -5, 0, 0, 5, 10))
        author, confirmer = (mentee.key, mentor.key) if number % 2 == 0 else (
            mentor.key, mentee.key)
        ended = starts + timedelta(minutes=held)

        def logs() -> None:
            self.meetings.log_session(
                self.ids[meeting], self.caller(author), duration_minutes=minutes,
                summary=summary, agreements=agreements, next_steps=next_steps,
                actor=self.actor(author),
            )

        def confirms() -> None:
            self.meetings.confirm_session(
                self.ids[meeting], self.caller(confirmer), self.actor(confirmer))

        self.at(ended + timedelta(minutes=25), logs)
        self.at(ended + timedelta(hours=20 + index % 6), confirms)
        self.say(ended + timedelta(hours=1), label, mentee.key,
                 texts["thanks"][number % len(texts["thanks"])])
        if number % 2:
            self.say(ended + timedelta(hours=30), label, mentor.key,
                     texts["encourage"][number % len(texts["encourage"])])

    def reschedule(
        self, when: datetime, meeting: str, mover: str, starts: datetime, mentee: _Entrepreneur
    ) -> None:
        zone = self.mentors[mover].time_zone if mover in self.mentors else mentee.time_zone
        wall = starts.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")

        def moves() -> None:
            self.meetings.reschedule(
                self.ids[meeting], self.caller(mover), self.locator, starts_at=wall,
                time_zone=None, fold=None, duration_minutes=None, actor=self.actor(mover),
            )

        self.at(when, moves)

    def cancel(self, when: datetime, meeting: str, key: str) -> None:
        def cancels() -> None:
            self.meetings.cancel(self.ids[meeting], self.caller(key), self.actor(key))

        self.at(when, cancels)

    # Moderation -----------------------------------------------------------------------------

    def plan_solicitation(
        self, label: str, mentor: _Mentor, mentee: _Entrepreneur, accepted: datetime
    ) -> None:
        """Victor accepts Samuel, asks him for money off the platform; Samuel reports it."""
        self.say(accepted + timedelta(hours=1), label, mentee.key,
                 "Thank you for accepting, Victor. When can we have our first call about my "
                 "cash buffer and the school contract?")
        self.say(accepted + timedelta(hours=3), label, mentor.key,
                 "Happy to help a serious founder. My introductions are USD 300 a month, paid "
                 "up front by wire transfer. Message me on WhatsApp at +1 312 555 0147 and we "
                 "can start this week.")

        def reports() -> None:
            self.moderation.file_report(
                reporter=self.caller(mentee.key), member_id=self.ids[mentor.key],
                reason=ReportReason.ASKING_FOR_MONEY,
                details="He asks me to pay USD 300 a month and to move to WhatsApp. I thought "
                        "the mentors here are volunteers.",
                relationship_id=self.ids[label], message_number=2, actor=self.actor(mentee.key),
                conversations=self.mentoring,
            )

        self.at(accepted + timedelta(hours=20), reports)

    def plan_reports(self) -> None:
        def lucas_reports_victor() -> None:
            self.moderation.file_report(
                reporter=self.caller("lucas"), member_id=self.ids["victor"],
                reason=ReportReason.OFF_PLATFORM_SOLICITATION,
                details="His profile promises 'guaranteed investor introductions' for "
                        "'committed clients'. That sounds like a paid service, not "
                        "volunteering; could you have a look?",
                relationship_id=None, message_number=None, actor=self.actor("lucas"),
                conversations=self.mentoring,
            )

        def rosa_reports_mariana() -> None:
            self.ids["report:rosa"] = self.moderation.file_report(
                reporter=self.caller("rosa"), member_id=self.ids["mariana"],
                reason=ReportReason.OTHER,
                details="La mentora rechazó mi solicitud sin conocer mi negocio.",
                relationship_id=None, message_number=None, actor=self.actor("rosa"),
                conversations=self.mentoring,
            )[0].id

        def dismissed() -> None:
            self.moderation.decide(
                self.ids["report:rosa"], Decision.DISMISS,
                "Mentors may decline requests outside their expertise; Mariana suggested two "
                "better-suited mentors. We have written to Rosa with both names.",
                self.actor("programme"), open_requests=self.mentoring,
            )

        self.at(self.day(233, 19), lucas_reports_victor)
        self.at(self.day(104, 16), rosa_reports_mariana)
        self.at(self.day(106, 10), dismissed)


def _introduction(mentor: _Mentor, mentee: _Entrepreneur) -> str:
    language = _pair_language(mentor, mentee)
    shared = [area for area in mentor.expertise if area in mentee.weak] or mentor.expertise
    challenges = mentee.challenges if language == mentee.locale else ""
    text = INTRODUCTIONS[language].format(
        mentor=_first_name(mentor.name), business=mentee.business, city=mentee.city,
        challenges=challenges, expertise=_lower_first(expertise_name(shared[0], language)),
    )
    return " ".join(text.split())
