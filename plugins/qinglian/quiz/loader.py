"""Reads and validates question banks and quiz definitions.

Every mistake becomes a ContentProblem naming file and line, what is wrong
and how to fix it; nothing raises. A question or quiz with a problem is left
out, so a broken quiz is never half-rendered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from ..common.cachefiles import keep_pickled, kept_pickle
from ..common.errors import (ContentError, ContentProblem, did_you_mean, meant_path,
                             named_path)
from ..common.hashing import sha256_hex
from ..common.pages import decode_source, is_standard
from ..common.yamlio import (LineDict, LineList, YamlCache, device_named_files, misnamed_files,
                             nested_files, trainer_files)
from ..scaffold import leftover_placeholders
from .models import (
    DIFFICULTIES,
    LETTERS,
    MODES,
    QUESTION_TYPES,
    STANDARDS,
    DrawRule,
    Question,
    Quiz,
)

ID = re.compile(r"^[a-z0-9-]+$")
QUESTION_KEYS = ("id", "type", "stem", "options", "answer", "explanation",
                 "standards", "difficulty", "lesson")
QUIZ_KEYS = ("title", "mode", "draw", "questions", "pass_mark", "time_limit",
             "max_attempts", "shuffle_options")
RULE_KEYS = ("standards", "difficulty", "banks", "count")
# A bank's own keys: its questions, whether only exams may use them, and the
# sequence ``qinglian import questions`` numbers new questions from
SEQUENCE_KEY = "next_id"
BANK_KEYS = ("questions", "exam_only", SEQUENCE_KEY)


@dataclass
class Library:
    """Every valid question and quiz of a site, and every problem found."""

    questions: dict[str, Question] = field(default_factory=dict)
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # quiz ids left out for their errors
    broken_questions: dict[str, str] = field(default_factory=dict)  # those left out → their bank
    unread_banks: list[str] = field(default_factory=list)  # bank files giving no question at all
    banks: dict[str, bool] = field(default_factory=dict)  # every bank's file stem → exam only
    problems: list[ContentProblem] = field(default_factory=list)
    # Names the bank and quiz files, the code it was read from (see _LibraryCache)
    # and which of the lessons its questions name exist, for caches of what is made from it
    key: str = ""


def load_library(quizzes_dir: Path, shown_dir: str, lessons: Collection[str],
                 cache_dir: Path | None = None) -> Library:
    """Read ``quizzes_dir/banks/*.yml`` and ``quizzes_dir/*.yml`` into a Library.

    ``shown_dir`` is how the folder is named in messages (e.g. "quizzes");
    ``lessons`` holds the files a question's lesson may name (see docs_files);
    ``cache_dir`` keeps the parsed banks (see YamlCache) and the last library
    (see _LibraryCache) for the next build.
    """
    banks = _read_files(quizzes_dir / "banks", f"{shown_dir}/banks")
    quizzes = _read_files(quizzes_dir, shown_dir)
    kept = _LibraryCache(cache_dir, {**banks, **quizzes})
    library = kept.library(lessons)
    if library is None:
        checked: dict[str, str | None] = {}

        def find(lesson: str) -> str | None:
            if lesson not in checked:
                checked[lesson] = _named_lesson(lesson, lessons)
            return checked[lesson]

        parsed = YamlCache(cache_dir)
        library = _validated(banks, quizzes, find, parsed)
        parsed.prune()  # copies of banks as they were before this build's edits
        # The same files give another library when a lesson a question names (or the
        # file its "did you mean" names) comes or goes
        library.key = sha256_hex(f"{kept.key}\n{sorted(checked.items())}")
        kept.keep(library, checked)
    library.problems[:0] = (misnamed_files(quizzes_dir / "banks", f"{shown_dir}/banks", "a bank file")
                            + nested_files(quizzes_dir / "banks", f"{shown_dir}/banks", "a bank file")
                            + device_named_files(quizzes_dir / "banks", f"{shown_dir}/banks",
                                                 "a bank file")
                            + misnamed_files(quizzes_dir, shown_dir, "a quiz file")
                            + device_named_files(quizzes_dir, shown_dir, "a quiz file"))
    return library


def unread_folders(quizzes_dir: Path, shown_dir: str, read: dict[str, str]) -> list[ContentProblem]:
    """Return a problem for each sub-folder of ``quizzes_dir`` holding YAML files that
    no plugin reads (``read``: the sub-folders that are read, by name, with what they
    hold), which would otherwise be left out without a word."""
    places = "; ".join([f"quizzes go in {shown_dir}/ itself"]
                       + [f"{what} in {shown_dir}/{name}/" for name, what in read.items()])
    return [ContentProblem(f"{shown_dir}/{path.name}/", None,
                           f"a folder of {shown_dir}/ that is not read"
                           + meant_path(path.name, read),
                           f"{places}: move its files there, or out of {shown_dir}/")
            # "*/": the folders only, not a look at each of 500 quiz files
            for path in trainer_files(quizzes_dir, "*/")
            if path.name not in read
            and any(file.suffix.lower() in (".yml", ".yaml")
                    for file in trainer_files(path, "**/*"))]


# -----------------------------------------------------------------------------


def _read_files(folder: Path, shown_dir: str) -> dict[str, bytes]:
    """Return the content of each ``folder``/*.yml by its shown name (a file deleted
    since the folder was listed is left out: the watcher starts another build)."""
    found = {}
    for path in trainer_files(folder, "*.yml"):
        try:
            found[f"{shown_dir}/{path.name}"] = path.read_bytes()
        except FileNotFoundError:
            pass
    return found


class _LibraryCache:
    """The last validated library, kept by the content of every bank and quiz file and
    of the code that reads them.

    With the banks' YAML from YamlCache, checking 5,000 questions again still took
    0.1 s of each build (and unpickling 510 parsed files 0.07 s; scripts/bench.py,
    cProfile). Which lessons the questions named, and whether each existed, is
    kept too and checked again: a lesson deleted since is reported.
    """

    CODE = [Path(__file__).with_name(name) for name in ("loader.py", "models.py")] + [
        Path(__file__).parent.parent / "common" / name for name in ("yamlio.py", "errors.py", "pages.py")] + [
        Path(__file__).parent.parent / "scaffold.py"]  # the placeholders named as left over

    def __init__(self, folder: Path | None, sources: dict[str, bytes]):
        self.file = folder / "library.bin" if folder else None
        digest = hashlib.sha256()
        for part in [path.read_bytes() for path in self.CODE] + [
                item for shown, data in sources.items() for item in (shown.encode(), data)]:
            digest.update(len(part).to_bytes(8, "big") + part)
        self.key = digest.hexdigest()

    def library(self, lessons: Collection[str]) -> Library | None:
        """Return the kept library if it was made from the same files and lessons."""
        kept = kept_pickle(self.file, self.key) if self.file else None
        if kept is None:  # nothing kept for these files: validate afresh
            return None
        named, library = kept
        if any(_named_lesson(lesson, lessons) != found for lesson, found in named.items()):
            return None
        return library

    def keep(self, library: Library, lessons: dict[str, str | None]) -> None:
        if self.file is not None:
            keep_pickled(self.file, self.key, (lessons, library))


def _validated(banks: dict[str, bytes], quizzes: dict[str, bytes], find_lesson,
               cache: YamlCache) -> Library:
    library = Library()
    for shown, data in banks.items():
        parsed = _read(data, shown, library.problems, cache)
        exam_only = _exam_only(parsed, shown, library.problems)
        library.banks[Path(shown).stem] = exam_only
        entries = [] if parsed is None else _questions(parsed, shown, exam_only, find_lesson,
                                                       library.problems)
        if not entries:  # its error is reported; quizzes missing its questions say so
            library.unread_banks.append(shown)
        for entry_id, question in entries:
            if question:
                _add_question(library, question)
            elif entry_id is not None:
                library.broken_questions.setdefault(str(entry_id), shown)
    for shown, data in quizzes.items():
        quiz_id = Path(shown).stem
        parsed = _read(data, shown, library.problems, cache)
        if parsed is not None:
            quiz = _quiz(quiz_id, parsed, shown, library)
            if quiz:
                library.quizzes[quiz.id] = quiz
        if quiz_id not in library.quizzes:
            library.broken.add(quiz_id)
    return library


def _read(data: bytes, shown: str, problems: list[ContentProblem], cache: YamlCache):
    text, problem = decode_source(data, shown)
    if problem:
        problems.append(problem)
        return None
    problems.extend(leftover_placeholders(text, shown, ("bank",)))
    try:
        return cache.load(text, shown)
    except ContentError as error:
        problems.extend(error.problems)
        return None


def _add_question(library: Library, question: Question) -> None:
    first = library.questions.get(question.id)
    if first:
        path, line = question.where.rsplit(":", 1)
        library.problems.append(ContentProblem(
            path, int(line), f"duplicate question id '{question.id}' (first at {first.where})",
            "give every question an id that is unique across all banks"))
    else:
        library.questions[question.id] = question


def _exam_only(data, shown: str, problems: list[ContentProblem]) -> bool:
    """Return the bank's ``exam_only`` (False when unset), noting unknown keys of the bank:
    a misspelt ``exam_only`` would put exam questions on practice pages unnoticed."""
    if not isinstance(data, LineDict) or "questions" not in data:  # _questions says so
        return False
    r = _Reader(data, data.line, shown, problems)
    r.unknown_keys(BANK_KEYS)
    return r.boolean("exam_only", default=False)


def _questions(data, shown: str, exam_only: bool, find_lesson,
               problems) -> list[tuple[object, Question | None]]:
    """Return each question's id as written and the question, or None when it has errors."""
    if not isinstance(data, LineDict) or "questions" not in data:
        problems.append(ContentProblem(
            shown, getattr(data, "line", 1) or 1, "the bank has no 'questions' list",
            "start the file with 'questions:' followed by items '- id: …'"))
        return []
    entries = data["questions"]
    if entries is not None and not isinstance(entries, LineList):
        problems.append(ContentProblem(
            shown, data.line_of("questions"), "'questions' must be a list of questions",
            "write each question as an item '- id: …' under 'questions:'"))
        return []
    if not entries:
        problems.append(ContentProblem(
            shown, data.line_of("questions"), "the bank is empty",
            "add at least one question under 'questions:', or delete the file"))
        return []
    questions = []
    for entry, line in zip(entries, entries.item_lines):
        reader = _Reader(entry, line, shown, problems)
        if reader.ok:
            questions.append((entry.get("id"), _question(reader, exam_only, find_lesson)))
    return questions


def _question(r: "_Reader", exam_only: bool, find_lesson) -> Question | None:
    r.unknown_keys(QUESTION_KEYS)
    question_id = r.identifier("id")
    kind = r.choice("type", QUESTION_TYPES)
    stem = r.text("stem")
    explanation = r.text("explanation")
    standards = r.standards("standards", required=True)
    difficulty = r.choice("difficulty", DIFFICULTIES)
    lesson = r.text("lesson", required=False)
    named = find_lesson(lesson) if lesson is not None else None
    if lesson is not None and named != lesson:
        # Windows finds lessons\standard-1.md and Lessons/Standard-1.md; the build
        # machine does not
        r.problem("lesson", f"lesson '{lesson}' does not exist under content/"
                  + (f" (did you mean '{named}'?)" if named else ""),
                  "give the path of a page relative to content/, e.g. lessons/standard-1.md "
                  "(folders separated by /, upper and lower case as in the file's name)")
    options = _options(r, kind)
    answer = _answer(r, kind, options) if kind and options is not None else None
    if not r.clean or answer is None:
        return None
    return Question(question_id, kind, stem, options, answer, explanation, standards,
                    difficulty, lesson, f"{r.path}:{r.line_of('id')}", Path(r.path).stem, exam_only)


def _named_lesson(lesson: str, lessons: Collection[str]) -> str | None:
    """Return the one of ``lessons`` that ``lesson`` names, exactly or but for letter case
    or Windows' "\" between folders (see named_path), or None."""
    return lesson if lesson in lessons else named_path(lesson, lessons)


def _options(r: "_Reader", kind: str | None) -> tuple[str, ...] | None:
    if kind in ("true_false", "fill_blank"):
        if "options" in r.data:
            r.problem("options", f"a {kind} question has no options",
                      "delete 'options' (true_false answers true/false; fill_blank lists "
                      "accepted answers)")
            return None
        return ()
    values = r.list("options", required=kind is not None)
    if values is None:
        return None
    if any(isinstance(value, (dict, list)) or value in (None, "") for value in values):
        r.problem("options", "every option must be plain text", "write options: [甲, 乙, 丙]")
        return None
    if any(isinstance(value, bool) for value in values):
        return r.problem("options", _YES_NO, 'put such an option in quotes, e.g. "Yes"')
    if kind == "multiple" and len(values) < 2:
        r.problem("options", "a multiple question needs at least two options",
                  "add options, or make it a true_false question")
        return None
    if not 2 <= len(values) <= len(LETTERS):
        r.problem("options", f"{len(values)} option(s); a {kind} question needs 2 to 8",
                  "give between two and eight options")
        return None
    return tuple(str(value) for value in values)


# YAML reads yes, no, on, off, true and false (in any case) as true or false
_YES_NO = "Yes, No, On, Off, true or false written plainly is read as true or false, not as text"


def _answer(r: "_Reader", kind: str, options: tuple[str, ...]) -> tuple | None:
    if "answer" not in r.data:
        r.problem(None, "missing 'answer'", _ANSWER_FORMS[kind])
        return None
    value = r.data["answer"]
    if kind == "true_false":
        if isinstance(value, bool):
            return (value,)
        return r.problem("answer", f"answer '{value}' is not true or false", _ANSWER_FORMS[kind])
    if kind == "fill_blank":
        if isinstance(value, list) and any(isinstance(v, bool) for v in value):
            return r.problem("answer", _YES_NO, 'put such an answer in quotes, e.g. ["yes"]')
        if (isinstance(value, list) and value
                and all(isinstance(v, (str, int, float)) and str(v).strip() for v in value)):
            return tuple(str(v).strip() for v in value)
        return r.problem("answer", "a fill_blank question needs a list of accepted answers",
                         _ANSWER_FORMS[kind])
    letters = value if kind == "multiple" else [value]
    if kind == "multiple" and not isinstance(value, list):
        return r.problem("answer", f"answer '{value}' is not a list of letters",
                         _ANSWER_FORMS[kind])
    indexes = []
    for letter in letters:
        index = LETTERS.find(str(letter).strip().upper()) if len(str(letter).strip()) == 1 else -1
        if not 0 <= index < len(options):
            return r.problem("answer", f"answer '{letter}' is not among the options "
                             f"A–{LETTERS[len(options) - 1]}", _ANSWER_FORMS[kind])
        indexes.append(index)
    if not indexes:
        return r.problem("answer", "the answer names no option", _ANSWER_FORMS[kind])
    if len(set(indexes)) != len(indexes):
        return r.problem("answer", "the answer names an option twice", _ANSWER_FORMS[kind])
    return tuple(sorted(indexes))


_ANSWER_FORMS = {
    "single": "write the letter of the right option, e.g. answer: B",
    "multiple": "list the letters of the right options, e.g. answer: [A, C]",
    "true_false": "write answer: true or answer: false",
    "fill_blank": "list the accepted answers, e.g. answer: [统方, 统计处方]",
}


def _quiz(quiz_id: str, data, shown: str, library: Library) -> Quiz | None:
    problems = library.problems
    if not ID.fullmatch(quiz_id):
        problems.append(ContentProblem(
            shown, 1, f"quiz id '{quiz_id}' (the file name) may hold only a-z, 0-9 and -",
            "rename the file, e.g. standard-1-practice.yml"))
        return None
    r = _Reader(data, 1, shown, problems)
    if not r.ok:
        return None
    r.unknown_keys(QUIZ_KEYS)
    title = r.text("title")
    mode = r.choice("mode", MODES)
    pass_mark = r.number("pass_mark", 0, 100)
    time_limit = r.number("time_limit", 0, 24 * 60, required=False, above_minimum=True)
    max_attempts = r.count("max_attempts", required=False)
    shuffle = r.boolean("shuffle_options", default=True)
    draw, fixed = (), ()
    if ("draw" in data) == ("questions" in data):
        r.problem(None, "a quiz needs either 'draw' or 'questions' (not both)",
                  "draw questions by rule with 'draw:', or list fixed ids with 'questions:'")
    elif "draw" in data:
        draw = _draw_rules(r, library, mode == "exam")
    else:
        fixed = _fixed_questions(r, library, mode == "exam")
    if not r.clean or not (draw or fixed):
        return None
    return Quiz(quiz_id, title, mode, draw, fixed, pass_mark, time_limit, max_attempts,
                shuffle, shown)


def _draw_rules(r: "_Reader", library: Library, for_exam: bool) -> tuple[DrawRule, ...]:
    entries = r.list("draw")
    rules = []
    earlier: list[tuple[int, DrawRule, set[str]]] = []  # (number, rule, pool) of those above
    for number, (entry, line) in enumerate(zip(entries or [], getattr(entries, "item_lines", [])), 1):
        rule = _Reader(entry, line, r.path, r.problems)
        if not rule.ok:
            r.clean = False
            continue
        rule.unknown_keys(RULE_KEYS)
        standards = rule.standards("standards", required=False) or tuple(STANDARDS)
        difficulties = rule.choices("difficulty", DIFFICULTIES) or DIFFICULTIES
        banks = _rule_banks(rule, library.banks, for_exam)
        count = rule.count("count")
        if not rule.clean:
            r.clean = False
            continue
        drawn = DrawRule(standards, tuple(difficulties), banks, for_exam, count, line)
        pool = {q.id for q in library.questions.values() if drawn.matches(q)}
        available = len(pool)
        if available < count:
            where = f" in banks {list(banks)}" if banks else ""
            left_out = "" if for_exam or not any(library.banks.values()) else \
                " (a practice quiz leaves out the exam-only banks)"
            fix = "lower 'count', widen the rule, or add questions to the banks"
            broken = _broken_in_reach(library, drawn)
            unread = _unread_in_reach(library, drawn)
            if broken:  # after a lesson's rename, say: its questions were left out
                left_out += (f"; left out for their errors, from the banks it draws from: "
                             f"{len(broken)} questions (first '{broken[0][0]}' in "
                             f"{broken[0][1]}), which may be why")
                fix = f"fix the errors reported for those questions first, or {fix}"
            if unread:
                left_out += f"; {_no_question_from(unread)}, which may be why"
                fix = f"fix the errors reported for {_those_files(unread)} first, or {fix}"
            rule.problem("count", f"the rule asks for {count} questions but only {available} "
                         f"match standards {list(standards)} and difficulty "
                         f"{list(difficulties)}{where}{left_out}", fix)
            r.clean = False
            continue
        # The browser draws rule by rule, leaving out what earlier rules took: at
        # worst each took as many of this rule's questions as it could
        sharing = [(other_number, other, min(other.count, len(pool & other_pool)))
                   for other_number, other, other_pool in earlier if pool & other_pool]
        taken = sum(most for _, _, most in sharing)
        if available - taken < count:
            names = ", ".join(f"rule {other_number} (line {other.line})"
                              for other_number, other, _ in sharing)
            rule.problem("count", f"the rule asks for {count} questions but shares questions "
                         f"with {names}, drawn first: of the {available} it matches, "
                         f"{taken} may be taken already, leaving {available - taken}",
                         "narrow the rules so they share no questions (e.g. different standards "
                         "or difficulty), or lower the counts")
            r.clean = False
            continue
        earlier.append((number, drawn, pool))
        rules.append(drawn)
    return tuple(rules)


def _broken_in_reach(library: Library, rule: DrawRule) -> list[tuple[str, str]]:
    """Return (id, bank file) of each question left out for its errors from a bank
    ``rule`` may draw from: one of them may be what the rule is short of."""
    return [(question_id, shown) for question_id, shown in library.broken_questions.items()
            if question_id not in library.questions and _in_reach(library, rule, shown)]


def _unread_in_reach(library: Library, rule: DrawRule) -> list[str]:
    """Return each bank file ``rule`` may draw from that gave no question for its errors."""
    return [shown for shown in library.unread_banks if _in_reach(library, rule, shown)]


def _in_reach(library: Library, rule: DrawRule, shown: str) -> bool:
    """Say whether ``rule`` may draw from the bank file ``shown``: one it names (or any),
    and not one kept for exams when the rule is a practice quiz's."""
    stem = Path(shown).stem
    return (not rule.banks or stem in rule.banks) and (rule.for_exam or not library.banks.get(stem))


def _no_question_from(unread: list[str]) -> str:
    return f"{', '.join(unread)} gave no question for {'its' if len(unread) == 1 else 'their'} errors"


def _those_files(unread: list[str]) -> str:
    return "that file" if len(unread) == 1 else "those files"


def _rule_banks(rule: "_Reader", banks: dict[str, bool], for_exam: bool) -> tuple[str, ...]:
    """Return the file stems a draw rule's ``banks`` names (empty: every bank)."""
    names = rule.list("banks", required=False) or []
    stems = []
    for name in names:
        stem = str(name).strip().removesuffix(".yml")
        if isinstance(name, (dict, list)) or stem not in banks:
            rule.problem("banks", f"unknown bank '{name}'" + did_you_mean(stem, banks),
                         "name a file in quizzes/banks/ without .yml, e.g. banks: [exam]")
        elif banks[stem] and not for_exam:
            rule.problem("banks", f"bank '{stem}' is kept for exams (exam_only: true), so a "
                         "practice quiz cannot draw from it: its page would show the answers",
                         "draw from other banks, or make this quiz an exam")
        stems.append(stem)
    return tuple(stems)


def _fixed_questions(r: "_Reader", library: Library, for_exam: bool) -> tuple[str, ...]:
    entries = r.list("questions") or []
    positions: dict[str, int] = {}  # where each id is first listed, counting from 1
    for position, (entry, line) in enumerate(zip(entries, getattr(entries, "item_lines", [])), 1):
        if str(entry) in positions:
            # The browser would put it on the paper twice: one set of answer
            # boxes, scored twice
            r.problems.append(ContentProblem(
                r.path, line, f"question '{entry}' is listed twice (first at position "
                f"{positions[str(entry)]})", "list each question once: delete this one or "
                "put another id in its place"))
            r.clean = False
        elif str(entry) in library.broken_questions and str(entry) not in library.questions:
            # It is in a bank: "unknown id, did you mean …" would send the trainer elsewhere
            r.problems.append(ContentProblem(
                r.path, line, f"question '{entry}' is left out because it has errors in "
                f"{library.broken_questions[str(entry)]}", "fix the errors reported for it there"))
            r.clean = False
        elif str(entry) not in library.questions and library.unread_banks:
            # It may be in a bank that could not be read: no "did you mean" elsewhere
            unread = library.unread_banks
            r.problems.append(ContentProblem(
                r.path, line, f"unknown question id '{entry}'; {_no_question_from(unread)}, "
                "which may be why", f"fix the errors reported for {_those_files(unread)} "
                "first, or use the id of a question in quizzes/banks/"))
            r.clean = False
        elif str(entry) not in library.questions:
            r.problems.append(ContentProblem(
                r.path, line, f"unknown question id '{entry}'"
                + did_you_mean(entry, library.questions),
                "use the id of a question in quizzes/banks/"))
            r.clean = False
        elif library.questions[str(entry)].exam_only and not for_exam:
            question = library.questions[str(entry)]
            r.problems.append(ContentProblem(
                r.path, line, f"question '{entry}' is in a bank kept for exams "
                f"({question.where.rsplit(':', 1)[0]} has exam_only: true), so a practice page "
                "would show its answer", "take it out of this practice quiz, or make the quiz "
                "an exam"))
            r.clean = False
        positions.setdefault(str(entry), position)
    return tuple(str(entry) for entry in entries)


class _Reader:
    """Reads typed fields from one YAML mapping, collecting problems as it goes."""

    def __init__(self, data, line: int, path: str, problems: list[ContentProblem]):
        self.data, self.line, self.path, self.problems = data, line, path, problems
        self.ok = self.clean = isinstance(data, LineDict)
        if not self.ok:
            problems.append(ContentProblem(path, line, "expected a mapping of 'key: value' lines",
                                           "check the indentation of this entry"))

    def line_of(self, key) -> int:
        return self.data.line_of(key) if key is not None else self.data.line

    def problem(self, key, message: str, fix: str) -> None:
        self.problems.append(ContentProblem(self.path, self.line_of(key), message, fix))
        self.clean = False

    def unknown_keys(self, allowed) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(key, f"unknown key '{key}'" + did_you_mean(key, allowed),
                             f"use only {', '.join(allowed)}")

    def _get(self, key, required: bool, examples=("…",)):
        value = self.data.get(key)
        if value is None and required:
            written = [f"'{key}: {example}'" for example in examples]
            either = " or ".join(filter(None, (", ".join(written[:-1]), written[-1])))
            self.problem(None, f"missing '{key}'", f"add {either} to this entry")
        return value

    def text(self, key, required: bool = True, example: str = "…") -> str | None:
        value = self._get(key, required, (example,))
        if value is None:
            return None
        if isinstance(value, (dict, list, bool)) or not str(value).strip():
            return self.problem(key, f"'{key}' must be non-empty text", f"write {key}: …")
        return str(value).strip()

    def identifier(self, key) -> str | None:
        value = self.text(key, example="s1-001")
        if value is not None and not ID.fullmatch(value):
            return self.problem(key, f"{key} '{value}' may hold only a-z, 0-9 and -",
                                "write e.g. s1-001")
        return value

    def choice(self, key, choices) -> str | None:
        value = self._get(key, True, choices)
        if value is None:
            return None
        if value not in choices:
            return self.problem(key, f"unknown {key} '{value}'" + did_you_mean(value, choices),
                                f"use one of {', '.join(choices)}")
        return value

    def choices(self, key, choices) -> tuple[str, ...] | None:
        values = self.list(key, required=False)
        for value in values or []:
            if value not in choices:
                return self.problem(key, f"unknown {key} '{value}'"
                                    + did_you_mean(value, choices),
                                    f"use {', '.join(choices)}")
        return tuple(values) if values else None

    def list(self, key, required: bool = True, example: str = "[…, …]") -> list | None:
        value = self._get(key, required, (example,))
        if value is None:
            return None
        if not isinstance(value, list) or not value:
            return self.problem(key, f"'{key}' must be a non-empty list",
                                f"write {key}: [..] or one '- item' per line")
        return value

    def standards(self, key, required: bool) -> tuple[int, ...] | None:
        values = self.list(key, required, "[1, 3]")
        for value in values or []:
            if not is_standard(value):
                return self.problem(key, f"standard '{value}' is not one of the nine (1–9)",
                                    "write the standards' numbers, e.g. standards: [1, 3]")
        return tuple(values) if values else None

    def number(self, key, low: float, high: float, required: bool = True,
               above_minimum: bool = False) -> float | None:
        value = self._get(key, required, ("80",))
        if value is None:
            return None
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not low <= value <= high or (above_minimum and value == low)):
            return self.problem(key, f"'{key}' is {value!r}, not a number from {low} to {high}"
                                + (" (above 0)" if above_minimum else ""),
                                f"write e.g. {key}: 80")
        return value

    def count(self, key, required: bool = True) -> int | None:
        value = self._get(key, required, ("3",))
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return self.problem(key, f"'{key}' is {value!r}, not a whole number of 1 or more",
                                f"write e.g. {key}: 3")
        return value

    def boolean(self, key, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, f"'{key}' is {value!r}, not true or false",
                         f"write {key}: true or {key}: false")
            return default
        return value
