"""The built-in self-assessment questionnaire (version 1 of every tenant).

Frozen: submissions recorded against version 1 are read with these areas. A better questionnaire
is a new version a tenant admin publishes, never an edit here.
"""

from __future__ import annotations

from services.programme.domain import QuestionnaireArea

__all__ = ["DEFAULT_AREAS"]


def _area(area: str, en: str, es: str, fr: str, ar: str, id_: str) -> QuestionnaireArea:
    return QuestionnaireArea(
        area=area, question={"en": en, "es": es, "fr": fr, "ar": ar, "id": id_}
    )


DEFAULT_AREAS: tuple[QuestionnaireArea, ...] = (
    _area(
        "strategy",
        "How clear and realistic are your business strategy and plan?",
        "¿Qué tan claros y realistas son la estrategia y el plan de su negocio?",
        "La stratégie et le plan de votre entreprise sont-ils clairs et réalistes ?",
        "ما مدى وضوح وواقعية استراتيجية عملك وخطته؟",
        "Seberapa jelas dan realistis strategi serta rencana bisnis Anda?",
    ),
    _area(
        "finance",
        "How well do you manage your finances, budgets and cash flow?",
        "¿Qué tan bien gestiona sus finanzas, presupuestos y flujo de caja?",
        "Gérez-vous bien vos finances, vos budgets et votre trésorerie ?",
        "ما مدى إتقانك لإدارة أموالك وميزانياتك وتدفقاتك النقدية؟",
        "Seberapa baik Anda mengelola keuangan, anggaran, dan arus kas?",
    ),
    _area(
        "marketing",
        "How well do you reach and attract the customers you want?",
        "¿Qué tan bien llega y atrae a los clientes que busca?",
        "Atteignez-vous et attirez-vous bien les clients que vous visez ?",
        "ما مدى نجاحك في الوصول إلى العملاء الذين تستهدفهم وجذبهم؟",
        "Seberapa baik Anda menjangkau dan menarik pelanggan yang Anda inginkan?",
    ),
    _area(
        "sales",
        "How well do you turn interest into paying customers?",
        "¿Qué tan bien convierte el interés en clientes que pagan?",
        "Transformez-vous bien l'intérêt suscité en clients payants ?",
        "ما مدى نجاحك في تحويل الاهتمام إلى عملاء يدفعون؟",
        "Seberapa baik Anda mengubah minat menjadi pelanggan yang membayar?",
    ),
    _area(
        "operations",
        "How smoothly do your day-to-day operations run?",
        "¿Con qué fluidez funcionan las operaciones diarias de su negocio?",
        "Vos opérations quotidiennes se déroulent-elles sans accroc ?",
        "ما مدى سلاسة سير عملياتك اليومية؟",
        "Seberapa lancar operasional harian bisnis Anda?",
    ),
    _area(
        "human-resources",
        "How well do you recruit, manage and keep your team?",
        "¿Qué tan bien recluta, gestiona y retiene a su equipo?",
        "Recrutez-vous, gérez-vous et fidélisez-vous bien votre équipe ?",
        "ما مدى نجاحك في توظيف فريقك وإدارته والحفاظ عليه؟",
        "Seberapa baik Anda merekrut, mengelola, dan mempertahankan tim Anda?",
    ),
    _area(
        "digital",
        "How well does your business use digital tools and online channels?",
        "¿Qué tan bien usa su negocio las herramientas digitales y los canales en línea?",
        "Votre entreprise utilise-t-elle bien les outils numériques et les canaux en ligne ?",
        "ما مدى استفادة عملك من الأدوات الرقمية والقنوات الإلكترونية؟",
        "Seberapa baik bisnis Anda memanfaatkan alat digital dan saluran daring?",
    ),
    _area(
        "legal",
        "How well do you handle contracts, permits and legal obligations?",
        "¿Qué tan bien maneja contratos, permisos y obligaciones legales?",
        "Gérez-vous bien les contrats, les autorisations et les obligations légales ?",
        "ما مدى إتقانك للتعامل مع العقود والتراخيص والالتزامات القانونية؟",
        "Seberapa baik Anda menangani kontrak, izin, dan kewajiban hukum?",
    ),
    _area(
        "fundraising",
        "How ready are you to raise the funding your business needs?",
        "¿Qué tan preparado está para conseguir la financiación que su negocio necesita?",
        "Êtes-vous prêt à lever les fonds dont votre entreprise a besoin ?",
        "ما مدى استعدادك للحصول على التمويل الذي يحتاجه عملك؟",
        "Seberapa siap Anda menggalang dana yang dibutuhkan bisnis Anda?",
    ),
    _area(
        "customer-service",
        "How well do you look after your customers and keep them coming back?",
        "¿Qué tan bien atiende a sus clientes y consigue que vuelvan?",
        "Prenez-vous bien soin de vos clients et reviennent-ils vers vous ?",
        "ما مدى اهتمامك بعملائك وقدرتك على جعلهم يعودون إليك؟",
        "Seberapa baik Anda melayani pelanggan sehingga mereka kembali lagi?",
    ),
)
