"""Every UI string Qinglian shows, in zh (the site language) and en.

Templates reach these through the ``qinglian_t`` global that the portal plugin
adds to the Jinja environment; browser code gets them embedded by its plugin.
"""

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "portal.contact": "联系方式",
        "portal.cta.title": "新职工入职培训",
        "portal.cta.text": "上岗前请依次完成：学习九项准则、阅读警示案例、通过入职测验、签署廉洁从业承诺书。",
        "portal.cta.button": "开始入职培训",
        "portal.printed_from": "打印自",
    },
    "en": {
        "portal.contact": "Contact",
        "portal.cta.title": "Onboarding for new staff",
        "portal.cta.text": "Before starting work, study the nine standards, read the warning cases, pass the onboarding quiz and sign the integrity pledge.",
        "portal.cta.button": "Start onboarding",
        "portal.printed_from": "Printed from",
    },
}

DEFAULT_LANGUAGE = "zh"


def translate(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """Return the string for ``key`` in ``language`` (zh when the language is unknown)."""
    table = STRINGS.get(language.split("-")[0].lower(), STRINGS[DEFAULT_LANGUAGE])
    return table[key]
