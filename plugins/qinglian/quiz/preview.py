"""``qinglian preview bank NAME``: a trainer's review page of one question bank.

Every question with its answer and explanation, grouped by standard and
difficulty, with counts: for checking a bank before it goes live. It shows
the answers, so it is written outside the site and never published.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from .models import DIFFICULTIES, LETTERS, STANDARDS, Question


def bank_questions(questions: dict[str, Question], bank: str) -> list[Question]:
    """Return the questions written in ``bank`` (its file stem), in file order."""
    mine = [q for q in questions.values() if q.bank == bank]
    return sorted(mine, key=lambda q: int(q.where.rsplit(":", 1)[1]))


def render_preview(bank: str, questions: list[Question], problems: list[str], t, label,
                   language: str) -> str:
    """Return the review page: counts, the bank's problems, then the questions by standard
    (a question on several standards is listed under its first) and difficulty."""
    counts = Counter((q.standards[0], q.difficulty) for q in questions)
    head = "".join(f"<th scope='col'>{escape(t(f'preview.{d}'))}</th>" for d in DIFFICULTIES)
    rows = "".join(
        f"<tr><th scope='row'>{escape(label(n))}</th>"
        + "".join(f"<td>{counts[n, d]}</td>" for d in DIFFICULTIES)
        + f"<td>{sum(counts[n, d] for d in DIFFICULTIES)}</td></tr>"
        for n in STANDARDS if any(counts[n, d] for d in DIFFICULTIES))
    table = (f"<table><thead><tr><th scope='col'>{escape(t('preview.standard'))}</th>{head}"
             f"<th scope='col'>{escape(t('preview.total'))}</th></tr></thead><tbody>{rows}</tbody>"
             f"<tfoot><tr><th scope='row'>{escape(t('preview.total'))}</th>"
             + "".join(f"<td>{sum(c for (_, d), c in counts.items() if d == difficulty)}</td>"
                       for difficulty in DIFFICULTIES)
             + f"<td>{len(questions)}</td></tr></tfoot></table>")
    issues = ("<section class='problems' role='alert'><h2>" + escape(t("preview.problems"))
              + "</h2><ul>" + "".join(f"<li><code>{escape(p)}</code></li>" for p in problems)
              + "</ul></section>") if problems else ""
    sections = []
    for standard in STANDARDS:
        for difficulty in DIFFICULTIES:
            group = [q for q in questions if q.standards[0] == standard and q.difficulty == difficulty]
            if group:
                sections.append(f"<h2>{escape(label(standard))} · {escape(t(f'preview.{difficulty}'))}"
                                f"{t('preview.count', count=len(group))}</h2>" + "".join(_question(q, t) for q in group))
    title = t("preview.title", bank=bank)
    return (f"<!doctype html>\n<html lang='{escape(language)}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{escape(title)}</h1><p class='note'>{escape(t('preview.note'))}</p>"
            f"{issues}{table}{''.join(sections)}</body></html>\n")


def _question(q: Question, t) -> str:
    if q.type in ("single", "multiple"):
        options = "".join(
            f"<li class='{'right' if n in q.answer else ''}'>{LETTERS[n]}. {escape(text)}"
            + (f" <strong>✓ {escape(t('preview.right'))}</strong>" if n in q.answer else "")
            + "</li>" for n, text in enumerate(q.options))
        answer = f"<ol class='options'>{options}</ol>"
    elif q.type == "true_false":
        answer = f"<p>{escape(t('preview.answer'))}<strong>{escape(t('quiz.true' if q.answer[0] else 'quiz.false'))}</strong></p>"
    else:
        answer = (f"<p>{escape(t('preview.answer'))}<strong>"
                  + escape(" | ".join(q.answer)) + "</strong></p>")
    return (f"<article><p class='meta'><code>{escape(q.id)}</code> {escape(t(f'quiz.type.{q.type}'))} "
            f"<span>{escape(q.where)}</span></p><p class='stem'>{escape(q.stem)}</p>{answer}"
            f"<p class='explanation'>{escape(t('preview.explanation'))}{escape(q.explanation)}</p>"
            "</article>")


_STYLE = """
body { max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.6; color: #222;
  font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #999; padding: .2rem .6rem; text-align: right; }
th[scope=row] { text-align: left; }
article { border-top: 1px solid #ddd; padding: .5rem 0; break-inside: avoid; }
.meta { color: #666; font-size: .9em; margin: 0; }
.meta span { float: right; }
.stem { font-weight: bold; margin: .3rem 0; }
.options { list-style: none; padding-left: 1rem; }
.options .right { color: #1b5e20; }
.explanation { color: #444; }
.note { color: #b71c1c; }
.problems { border-left: 4px solid #c62828; background: #ffebee; padding: .3rem 1rem; }
"""
