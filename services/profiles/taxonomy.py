"""The vocabularies profiles are written in: stages, industries, expertise, countries, languages,
time zones. Profiles store codes only; names come from here, in the reader's locale.

Industries are the sections of ISIC Rev.4 (A-U). Countries are ISO 3166-1 alpha-2 and languages
ISO 639-1 where a language has such a code, else ISO 639-3 (from pycountry); the languages
offered are those CLDR can name, so every offered code has a name in every interface locale.
Time zones are the IANA zones of the installed tz database. Country and language names come from
CLDR (babel); the other names are ours, in the five interface locales, English as the fallback.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import cache

import msgspec
import pycountry
from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from services.errors import InvalidInputError
from tenants.domain import INTERFACE_LOCALES

__all__ = [
    "EXPERTISE",
    "INDUSTRIES",
    "STAGES",
    "BusinessStage",
    "Term",
    "check_codes",
    "check_country",
    "check_expertise",
    "check_industry",
    "check_language",
    "check_stage",
    "check_time_zone",
    "countries",
    "expertise_areas",
    "expertise_name",
    "industries",
    "languages",
    "stages",
    "time_zones",
]

Names = Mapping[str, str]
"""A term's name by interface locale; "en" is always there."""


class BusinessStage(StrEnum):
    IDEA = "idea"
    EARLY = "early"
    GROWING = "growing"
    ESTABLISHED = "established"


class Term(msgspec.Struct, frozen=True, kw_only=True):
    """A code and its name in one locale."""

    code: str
    name: str


def _names(en: str, es: str, fr: str, ar: str, id_: str) -> Names:
    return {"en": en, "es": es, "fr": fr, "ar": ar, "id": id_}


STAGES: dict[str, Names] = {
    BusinessStage.IDEA: _names("Idea", "Idea", "Idée", "فكرة", "Ide"),
    BusinessStage.EARLY: _names(
        "Early stage", "Etapa inicial", "Démarrage", "مرحلة مبكرة", "Tahap awal"
    ),
    BusinessStage.GROWING: _names(
        "Growing", "En crecimiento", "En croissance", "في طور النمو", "Berkembang"
    ),
    BusinessStage.ESTABLISHED: _names(
        "Established", "Consolidada", "Établie", "راسخة", "Mapan"
    ),
}

INDUSTRIES: dict[str, Names] = {
    "A": _names(
        "Agriculture, forestry and fishing",
        "Agricultura, ganadería, silvicultura y pesca",
        "Agriculture, sylviculture et pêche",
        "الزراعة والحراجة وصيد الأسماك",
        "Pertanian, kehutanan dan perikanan",
    ),
    "B": _names(
        "Mining and quarrying",
        "Explotación de minas y canteras",
        "Activités extractives",
        "التعدين واستغلال المحاجر",
        "Pertambangan dan penggalian",
    ),
    "C": _names(
        "Manufacturing",
        "Industrias manufactureras",
        "Activités de fabrication",
        "الصناعة التحويلية",
        "Industri pengolahan",
    ),
    "D": _names(
        "Electricity, gas, steam and air conditioning supply",
        "Suministro de electricidad, gas, vapor y aire acondicionado",
        "Production et distribution d'électricité, de gaz, de vapeur et climatisation",
        "إمدادات الكهرباء والغاز والبخار وتكييف الهواء",
        "Pengadaan listrik, gas, uap/air panas dan udara dingin",
    ),
    "E": _names(
        "Water supply; sewerage, waste management and remediation activities",
        "Suministro de agua; evacuación de aguas residuales, gestión de desechos y "
        "descontaminación",
        "Distribution d'eau; réseau d'assainissement; gestion des déchets et remise en état",
        "إمدادات المياه؛ أنشطة الصرف الصحي وإدارة النفايات ومعالجتها",
        "Pengadaan air, pengelolaan sampah dan limbah, dan aktivitas remediasi",
    ),
    "F": _names("Construction", "Construcción", "Construction", "التشييد", "Konstruksi"),
    "G": _names(
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
        "Comercio al por mayor y al por menor; reparación de vehículos automotores y "
        "motocicletas",
        "Commerce de gros et de détail; réparation de véhicules automobiles et de motocycles",
        "تجارة الجملة والتجزئة؛ إصلاح المركبات ذات المحركات والدراجات النارية",
        "Perdagangan besar dan eceran; reparasi dan perawatan mobil dan sepeda motor",
    ),
    "H": _names(
        "Transportation and storage",
        "Transporte y almacenamiento",
        "Transport et entreposage",
        "النقل والتخزين",
        "Pengangkutan dan pergudangan",
    ),
    "I": _names(
        "Accommodation and food service activities",
        "Actividades de alojamiento y de servicio de comidas",
        "Activités d'hébergement et de restauration",
        "أنشطة خدمات الإقامة والطعام",
        "Penyediaan akomodasi dan penyediaan makan minum",
    ),
    "J": _names(
        "Information and communication",
        "Información y comunicaciones",
        "Information et communication",
        "المعلومات والاتصالات",
        "Informasi dan komunikasi",
    ),
    "K": _names(
        "Financial and insurance activities",
        "Actividades financieras y de seguros",
        "Activités financières et d'assurances",
        "الأنشطة المالية وأنشطة التأمين",
        "Aktivitas keuangan dan asuransi",
    ),
    "L": _names(
        "Real estate activities",
        "Actividades inmobiliarias",
        "Activités immobilières",
        "الأنشطة العقارية",
        "Real estat",
    ),
    "M": _names(
        "Professional, scientific and technical activities",
        "Actividades profesionales, científicas y técnicas",
        "Activités professionnelles, scientifiques et techniques",
        "الأنشطة المهنية والعلمية والتقنية",
        "Aktivitas profesional, ilmiah dan teknis",
    ),
    "N": _names(
        "Administrative and support service activities",
        "Actividades de servicios administrativos y de apoyo",
        "Activités de services administratifs et d'appui",
        "أنشطة الخدمات الإدارية وخدمات الدعم",
        "Aktivitas jasa administrasi dan penunjang usaha",
    ),
    "O": _names(
        "Public administration and defence; compulsory social security",
        "Administración pública y defensa; planes de seguridad social de afiliación "
        "obligatoria",
        "Administration publique et défense; sécurité sociale obligatoire",
        "الإدارة العامة والدفاع؛ الضمان الاجتماعي الإلزامي",
        "Administrasi pemerintahan, pertahanan dan jaminan sosial wajib",
    ),
    "P": _names("Education", "Enseñanza", "Enseignement", "التعليم", "Pendidikan"),
    "Q": _names(
        "Human health and social work activities",
        "Actividades de atención de la salud humana y de asistencia social",
        "Activités pour la santé humaine et l'action sociale",
        "أنشطة الصحة البشرية والعمل الاجتماعي",
        "Aktivitas kesehatan manusia dan aktivitas sosial",
    ),
    "R": _names(
        "Arts, entertainment and recreation",
        "Actividades artísticas, de entretenimiento y recreativas",
        "Arts, spectacles et loisirs",
        "الفنون والترفيه والتسلية",
        "Kesenian, hiburan dan rekreasi",
    ),
    "S": _names(
        "Other service activities",
        "Otras actividades de servicios",
        "Autres activités de services",
        "أنشطة الخدمات الأخرى",
        "Aktivitas jasa lainnya",
    ),
    "T": _names(
        "Activities of households as employers; undifferentiated goods- and "
        "services-producing activities of households for own use",
        "Actividades de los hogares como empleadores; actividades no diferenciadas de los "
        "hogares como productores de bienes y servicios para uso propio",
        "Activités des ménages privés employant du personnel domestique; activités non "
        "différenciées des ménages privés produisant des biens et des services pour usage "
        "propre",
        "أنشطة الأسر المعيشية بصفتها أرباب عمل؛ أنشطة الأسر المعيشية في إنتاج سلع وخدمات غير "
        "مميزة لاستعمالها الخاص",
        "Aktivitas rumah tangga sebagai pemberi kerja; aktivitas rumah tangga yang "
        "menghasilkan barang dan jasa untuk digunakan sendiri",
    ),
    "U": _names(
        "Activities of extraterritorial organizations and bodies",
        "Actividades de organizaciones y órganos extraterritoriales",
        "Activités des organisations et organismes extraterritoriaux",
        "أنشطة المنظمات والهيئات غير الخاضعة للولاية القطرية",
        "Aktivitas badan internasional dan badan ekstra internasional lainnya",
    ),
}
"""ISIC Rev.4 sections, with the names of the UN's own translations where there is one."""

EXPERTISE: dict[str, Names] = {
    "accounting": _names(
        "Accounting", "Contabilidad", "Comptabilité", "المحاسبة", "Akuntansi"
    ),
    "agriculture": _names(
        "Agriculture and agribusiness", "Agricultura y agronegocios",
        "Agriculture et agro-industrie", "الزراعة والأعمال الزراعية", "Pertanian dan agribisnis",
    ),
    "branding": _names(
        "Branding", "Imagen de marca", "Image de marque", "بناء العلامة التجارية",
        "Pengembangan merek",
    ),
    "business-planning": _names(
        "Business planning", "Planificación empresarial", "Planification d'entreprise",
        "تخطيط الأعمال", "Perencanaan bisnis",
    ),
    "customer-service": _names(
        "Customer service", "Atención al cliente", "Service client", "خدمة العملاء",
        "Layanan pelanggan",
    ),
    "data": _names(
        "Data and analytics", "Datos y análisis", "Données et analyse", "البيانات والتحليلات",
        "Data dan analitik",
    ),
    "digital": _names(
        "Digital transformation", "Transformación digital", "Transformation numérique",
        "التحول الرقمي", "Transformasi digital",
    ),
    "e-commerce": _names(
        "E-commerce", "Comercio electrónico", "Commerce électronique", "التجارة الإلكترونية",
        "Perdagangan elektronik",
    ),
    "export": _names(
        "Export and international trade", "Exportación y comercio internacional",
        "Export et commerce international", "التصدير والتجارة الدولية",
        "Ekspor dan perdagangan internasional",
    ),
    "finance": _names("Finance", "Finanzas", "Finance", "التمويل", "Keuangan"),
    "fundraising": _names(
        "Fundraising and investment", "Captación de fondos e inversión",
        "Levée de fonds et investissement", "جمع التمويل والاستثمار",
        "Penggalangan dana dan investasi",
    ),
    "human-resources": _names(
        "Human resources", "Recursos humanos", "Ressources humaines", "الموارد البشرية",
        "Sumber daya manusia",
    ),
    "insurance": _names(
        "Insurance and risk", "Seguros y riesgos", "Assurance et risques", "التأمين والمخاطر",
        "Asuransi dan risiko",
    ),
    "intellectual-property": _names(
        "Intellectual property", "Propiedad intelectual", "Propriété intellectuelle",
        "الملكية الفكرية", "Kekayaan intelektual",
    ),
    "leadership": _names(
        "Leadership and management", "Liderazgo y gestión", "Leadership et management",
        "القيادة والإدارة", "Kepemimpinan dan manajemen",
    ),
    "legal": _names("Legal", "Asuntos legales", "Juridique", "الشؤون القانونية", "Hukum"),
    "manufacturing": _names(
        "Manufacturing and production", "Fabricación y producción", "Fabrication et production",
        "التصنيع والإنتاج", "Manufaktur dan produksi",
    ),
    "marketing": _names("Marketing", "Marketing", "Marketing", "التسويق", "Pemasaran"),
    "negotiation": _names("Negotiation", "Negociación", "Négociation", "التفاوض", "Negosiasi"),
    "operations": _names(
        "Operations", "Operaciones", "Opérations", "العمليات", "Operasional"
    ),
    "partnerships": _names(
        "Partnerships", "Alianzas", "Partenariats", "الشراكات", "Kemitraan"
    ),
    "pricing": _names(
        "Pricing", "Fijación de precios", "Tarification", "التسعير", "Penetapan harga"
    ),
    "procurement": _names("Procurement", "Compras", "Achats", "المشتريات", "Pengadaan"),
    "product": _names(
        "Product development", "Desarrollo de producto", "Développement de produit",
        "تطوير المنتجات", "Pengembangan produk",
    ),
    "public-sector-contracts": _names(
        "Public sector contracts", "Contratación pública", "Marchés publics",
        "العقود الحكومية", "Kontrak sektor publik",
    ),
    "sales": _names("Sales", "Ventas", "Ventes", "المبيعات", "Penjualan"),
    "social-media": _names(
        "Social media", "Redes sociales", "Réseaux sociaux", "وسائل التواصل الاجتماعي",
        "Media sosial",
    ),
    "strategy": _names(
        "Business strategy", "Estrategia empresarial", "Stratégie d'entreprise",
        "استراتيجية الأعمال", "Strategi bisnis",
    ),
    "supply-chain": _names(
        "Supply chain and logistics", "Cadena de suministro y logística",
        "Chaîne d'approvisionnement et logistique", "سلسلة الإمداد والخدمات اللوجستية",
        "Rantai pasok dan logistik",
    ),
    "sustainability": _names(
        "Sustainability", "Sostenibilidad", "Développement durable", "الاستدامة",
        "Keberlanjutan",
    ),
    "tax": _names("Tax", "Impuestos", "Fiscalité", "الضرائب", "Perpajakan"),
    "technology": _names(
        "Technology and IT", "Tecnología e informática", "Technologie et informatique",
        "التكنولوجيا وتقنية المعلومات", "Teknologi dan TI",
    ),
}
"""Business expertise areas: what mentors offer and what self-assessments find lacking."""


# Names --------------------------------------------------------------------------------------


def _locale(locale: str) -> str:
    return locale if locale in INTERFACE_LOCALES else "en"


def _terms(vocabulary: Mapping[str, Names], locale: str) -> list[Term]:
    return [Term(code=code, name=names.get(locale) or names["en"])
            for code, names in vocabulary.items()]


def stages(locale: str) -> list[Term]:
    return _terms(STAGES, _locale(locale))


def industries(locale: str) -> list[Term]:
    return _terms(INDUSTRIES, _locale(locale))


def expertise_areas(locale: str) -> list[Term]:
    return _terms(EXPERTISE, _locale(locale))


def expertise_name(code: str, locale: str) -> str:
    names = EXPERTISE.get(code)
    return (names.get(_locale(locale)) or names["en"]) if names else code


@cache
def countries(locale: str) -> list[Term]:
    names = Locale.parse(_locale(locale)).territories
    return sorted(
        (Term(code=country.alpha_2, name=names.get(country.alpha_2, country.name))
         for country in pycountry.countries),
        key=lambda term: term.name,
    )


@cache
def _language_codes() -> frozenset[str]:
    named = Locale.parse("en").languages
    codes = set()
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", None)
        if alpha_2:
            codes.add(alpha_2)
        elif language.alpha_3 in named:
            codes.add(language.alpha_3)
    return frozenset(codes)


@cache
def languages(locale: str) -> list[Term]:
    names = Locale.parse(_locale(locale)).languages
    english = Locale.parse("en").languages
    return sorted(
        (Term(code=code, name=names.get(code) or english.get(code) or code)
         for code in _language_codes()),
        key=lambda term: term.name,
    )


_NOT_PLACES = ("Factory", "localtime", "posixrules")


@cache
def _time_zone_ids() -> frozenset[str]:
    return frozenset(
        zone for zone in zoneinfo.available_timezones()
        if zone not in _NOT_PLACES and not zone.startswith(("posix/", "right/"))
    )


@cache
def time_zones(locale: str) -> list[Term]:
    """Each zone named by its country and exemplar city in the locale, e.g. España (Madrid)."""
    locale = _locale(locale)
    territory_names = Locale.parse(locale).territories
    zone_territories: Mapping[str, str] = get_global("zone_territories")
    terms = []
    for zone in sorted(_time_zone_ids()):
        city = get_timezone_location(zone, locale, return_city=True)
        territory = zone_territories.get(zone)
        name = f"{territory_names[territory]} ({city})" if territory in territory_names else zone
        terms.append(Term(code=zone, name=name))
    return terms


# Checks: each raises a 422 naming the field as the client sent it ------------------------------


def check_stage(code: str, field: str = "stage") -> str:
    if code not in STAGES:
        raise InvalidInputError(
            "'%(code)s' is not a business stage (%(stages)s)", field=field,
            values={"code": code, "stages": ", ".join(STAGES)},
        )
    return code


def check_industry(code: str, field: str = "industry") -> str:
    if code not in INDUSTRIES:
        raise InvalidInputError(
            "'%(code)s' is not an ISIC Rev.4 section (A to U)", field=field,
            values={"code": code},
        )
    return code


def check_expertise(code: str, field: str = "expertise") -> str:
    if code not in EXPERTISE:
        raise InvalidInputError(
            "'%(code)s' is not an expertise area; see /api/v1/taxonomies", field=field,
            values={"code": code},
        )
    return code


def check_country(code: str, field: str = "country") -> str:
    if len(code) != 2 or not code.isupper() or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInputError(
            "'%(code)s' is not an ISO 3166-1 alpha-2 country code (e.g. ES)", field=field,
            values={"code": code},
        )
    return code


def check_language(code: str, field: str = "languages") -> str:
    if code in _language_codes():
        return code
    known = pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
    alpha_2 = getattr(known, "alpha_2", None)
    if alpha_2:
        raise InvalidInputError(
            "'%(code)s' is not an ISO 639 language code we offer (e.g. es, fr, fil); use "
            "'%(instead)s'", field=field, values={"code": code, "instead": alpha_2},
        )
    raise InvalidInputError(
        "'%(code)s' is not an ISO 639 language code we offer (e.g. es, fr, fil)",
        field=field, values={"code": code},
    )


def check_time_zone(code: str, field: str = "timeZone") -> str:
    if code not in _time_zone_ids():
        raise InvalidInputError(
            "'%(zone)s' is not an IANA time zone (e.g. Europe/Madrid)", field=field,
            values={"zone": code},
        )
    return code


def check_codes(
    codes: list[str], check: Callable[[str, str], str], field: str
) -> list[str]:
    """Checks each code of a list, naming the one at fault (`languages[1]`); no repeats."""
    seen: set[str] = set()
    for index, code in enumerate(codes):
        check(code, f"{field}[{index}]")
        if code in seen:
            raise InvalidInputError("'%(code)s' is listed twice", field=f"{field}[{index}]",
                                    values={"code": code})
        seen.add(code)
    return codes
