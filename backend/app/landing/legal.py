"""Legal texts the public wizard shows before a submit, in each language of the journeys.

A text is identified by its id and version; its wordings in French, English and Arabic say the same thing, so
an acceptance is traced by (id, version, language). A change of meaning takes a new version in every
language at once; a better wording that keeps the meaning does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import ValidationFailed, field_problem
from app.landing.exceptions import LegalTextOutdated
from app.landing.schemas import AcceptedLegalText, LandingLanguage, LegalText


@dataclass(frozen=True)
class _Wording:
    title: str
    body: str


@dataclass(frozen=True)
class _LegalText:
    id: str
    version: str
    wordings: dict[LandingLanguage, _Wording]


_LEGAL_TEXTS: tuple[_LegalText, ...] = (
    _LegalText(
        id="terms_of_subscription",
        version="2026-11",
        wordings={
            "fr": _Wording(
                title="Conditions générales d'abonnement",
                body=(
                    "L'abonnement commence à la date de début choisie et il est facturé chaque mois en dirhams "
                    "marocains (MAD), toutes taxes comprises au taux légal de TVA. Les frais d'activation indiqués "
                    "avec l'offre sont facturés une seule fois, sur la première facture. Un changement d'offre prend "
                    "effet à la date de début choisie ; l'offre précédente prend fin la veille. Les factures sont "
                    "payables au plus tard à leur date d'échéance."
                ),
            ),
            "en": _Wording(
                title="Terms of subscription",
                body=(
                    "The subscription starts on the chosen start date and is billed monthly in Moroccan dirhams "
                    "(MAD), taxes included at the legal VAT rate. The activation fee shown with the offer is billed "
                    "once, on the first invoice. A change of plan takes effect on its chosen start date; the previous "
                    "plan ends the day before. Invoices are payable by their due date."
                ),
            ),
            "ar": _Wording(
                title="الشروط العامة للاشتراك",
                body=(
                    "يبدأ الاشتراك في تاريخ البدء المختار، وتصدر فاتورته كل شهر بالدرهم المغربي (MAD) شاملةً "
                    "للضرائب بالسعر القانوني للضريبة على القيمة المضافة. تُدرَج رسوم التفعيل المبيّنة مع العرض مرةً "
                    "واحدة في الفاتورة الأولى. يسري تغيير العرض ابتداءً من تاريخ البدء المختار له، وينتهي العرض "
                    "السابق في اليوم الذي يسبقه. تُؤدّى الفواتير في أجلٍ أقصاه تاريخ استحقاقها."
                ),
            ),
        },
    ),
    _LegalText(
        id="personal_data",
        version="2026-11",
        wordings={
            "fr": _Wording(
                title="Protection des données personnelles (loi 09-08)",
                body=(
                    "Votre identité (CIN, nom et prénom) et vos coordonnées sont traitées pour fournir et facturer "
                    "le service, conformément à la loi marocaine n° 09-08 relative à la protection des personnes "
                    "physiques à l'égard du traitement des données à caractère personnel. Vous pouvez exercer vos "
                    "droits d'accès, de rectification et d'opposition auprès du service client. Les brouillons "
                    "d'abonnement qui ne sont pas envoyés sont supprimés à leur expiration."
                ),
            ),
            "en": _Wording(
                title="Personal data protection (law 09-08)",
                body=(
                    "Your identity (CIN, first and last names) and contact details are processed to provide and bill "
                    "the service, in accordance with Moroccan law 09-08 on the protection of individuals with regard "
                    "to the processing of personal data. You may exercise your rights of access, rectification and "
                    "opposition with customer service. Subscription drafts that are not sent are deleted when they "
                    "expire."
                ),
            ),
            "ar": _Wording(
                title="حماية المعطيات الشخصية (القانون 09-08)",
                body=(
                    "تُعالَج هويتك (رقم البطاقة الوطنية، الاسم الشخصي والعائلي) ومعلومات الاتصال الخاصة بك من أجل "
                    "تقديم الخدمة وفوترتها، وفقاً للقانون المغربي رقم 09-08 المتعلق بحماية الأشخاص الذاتيين تجاه "
                    "معالجة المعطيات ذات الطابع الشخصي. يمكنك ممارسة حقوقك في الولوج والتصحيح والتعرض لدى خدمة "
                    "الزبناء. تُحذَف مسودات الاشتراك التي لم تُرسَل عند انتهاء صلاحيتها."
                ),
            ),
        },
    ),
)


def legal_texts(language: LandingLanguage) -> list[LegalText]:
    """Every legal text in `language`, in the order the wizard shows them."""
    return [
        LegalText(
            id=text.id,
            version=text.version,
            language=language,
            title=text.wordings[language].title,
            body=text.wordings[language].body,
        )
        for text in _LEGAL_TEXTS
    ]


_FIELD: list[str | int] = ["body", "accepted_legal_texts"]


def acceptance_record(accepted: list[AcceptedLegalText] | None) -> list[dict[str, Any]]:
    """What the audit log keeps of a submit's acceptance: every current text with its version and language.

    An accepted list must name every current text once, all in one language (a 422 naming each wrong item);
    a version other than the current one is a 409, since the visitor accepted a wording that is no longer
    offered. Without a list (a caller predating the field) the current versions are recorded and the
    language is left unstated rather than guessed.
    """
    current = {text.id: text.version for text in _LEGAL_TEXTS}
    if accepted is None:
        return [{"id": text.id, "version": text.version, "language": None} for text in _LEGAL_TEXTS]
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    language = accepted[0].language if accepted else None
    for index, item in enumerate(accepted):
        if item.id not in current:
            problems.append(field_problem([*_FIELD, index, "id"], f"No legal text has the id {item.id!r}."))
        elif item.id in seen:
            problems.append(field_problem([*_FIELD, index, "id"], f"The legal text {item.id!r} is listed twice."))
        if item.language != language:
            problems.append(
                field_problem([*_FIELD, index, "language"], "Every legal text is accepted in one language.")
            )
        seen.add(item.id)
    missing = [text_id for text_id in current if text_id not in seen]
    if missing:
        problems.append(field_problem(_FIELD, f"The legal texts {', '.join(missing)} are not accepted."))
    if problems:
        raise ValidationFailed(details=problems)
    outdated = [
        field_problem([*_FIELD, index, "version"], f"The current version of {item.id!r} is {current[item.id]!r}.")
        for index, item in enumerate(accepted)
        if item.version != current[item.id]
    ]
    if outdated:
        raise LegalTextOutdated(details=outdated)
    return [{"id": item.id, "version": item.version, "language": item.language} for item in accepted]
