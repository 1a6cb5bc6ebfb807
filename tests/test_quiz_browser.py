"""Taking quizzes in Chromium: from file:// and over http, keyboard only, with every
outside request blocked (the ``open_page`` fixture records them)."""

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from conftest import INTRANET_HOST, PROJECT, open_for_instant_navigation, same_document
from qinglian.common.records import record_problems
from qinglian.common.pages import docs_files
from qinglian.quiz.loader import load_library
from test_quiz_validation import GOOD_BANK, GOOD_QUIZ

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "quizzes", "quizzes", docs_files(PROJECT / "content"))
LESSON = "lessons/standard-1"  # the practice quiz: 10 of the standard-1 questions
EXAM = "quizzes/onboarding"  # the exam: 27 questions, 80 %, 30 minutes, 3 attempts


def url(site, page: str) -> str:
    """The page's URL in a built site: a file:// path or a served directory."""
    if isinstance(site, str):
        return f"{site}{page}/"
    return (site / f"{page}.html").as_uri()


def right_answer(question_id: str):
    """What to enter for a question: option indexes, 'true'/'false', or text."""
    question = LIBRARY.questions[question_id]
    if question.type == "true_false":
        return ["true" if question.answer[0] else "false"]
    if question.type == "fill_blank":
        # Full-width letters and spaces: the comparison folds them away
        return [" " + question.answer[0].upper().replace("A", "Ａ") + " "]
    return [str(index) for index in question.answer]


def wrong_answer(question_id: str):
    question = LIBRARY.questions[question_id]
    if question.type == "true_false":
        return ["false" if question.answer[0] else "true"]
    if question.type == "fill_blank":
        return ["不知道"]
    return [str(next(i for i in range(len(question.options)) if i not in question.answer))]


def tab_to(page, locator, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def fill_profile(page, name="张三", staff_id="A001", department_steps=1) -> None:
    """Fill the profile form with the keyboard only."""
    # A click on the quiz's heading starts Tab navigation there, as a reader who
    # scrolled to the quiz would, instead of at the top of a long lesson
    page.locator("form.qinglian-quiz h2").click()
    tab_to(page, page.locator("input[name=name]"))
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(staff_id)
    page.keyboard.press("Tab")
    for _ in range(department_steps):
        page.keyboard.press("ArrowDown")
    tab_to(page, page.locator(".qinglian-profile button"))
    page.keyboard.press("Enter")


def start(page) -> None:
    page.locator("form.qinglian-quiz h2").click()  # start Tab navigation at the quiz
    button = page.locator(".qinglian-quiz__start")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")


def start_lesson_quiz(page, site) -> None:
    """Open the lesson's practice quiz in ``site``, fill the profile and start a paper."""
    page.goto(url(site, LESSON))
    fill_profile(page)
    start(page)


def answer(page, fieldset, values) -> None:
    """Answer one question with the keyboard: arrows in a radio group, Space on boxes."""
    if not values:
        return
    inputs = fieldset.locator("input")
    kind = inputs.first.get_attribute("type")
    if kind == "text":
        tab_to(page, inputs.first)
        page.keyboard.type(values[0])
        return
    options = [inputs.nth(i).get_attribute("value") for i in range(inputs.count())]
    if kind == "radio":
        tab_to(page, inputs.first)
        position = options.index(values[0])
        if position == 0:
            page.keyboard.press("Space")
        for _ in range(position):
            page.keyboard.press("ArrowDown")
        return
    for index, value in enumerate(options):
        if value in values:
            tab_to(page, inputs.nth(index))
            page.keyboard.press("Space")


def answer_all(page, choose) -> list[str]:
    """Answer every question on the paper with ``choose(id)``; return the ids in order."""
    fieldsets = page.locator("fieldset.qinglian-question")
    ids = []
    for index in range(fieldsets.count()):
        fieldset = fieldsets.nth(index)
        question_id = fieldset.get_attribute("data-question-id")
        ids.append(question_id)
        answer(page, fieldset, choose(question_id))
    return ids


BLANK_WARNING = ".qinglian-quiz__body .qinglian-quiz__notice"


def submit(page) -> None:
    """Hand the paper in by keyboard, pressing 交卷 again if it says questions are blank."""
    button = page.locator("button[type=submit]")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.locator(f"form.qinglian-quiz[data-state=done], {BLANK_WARNING}").first).to_be_attached()
    if page.locator(BLANK_WARNING).count():
        page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "done")


def status(page):
    return page.locator("form.qinglian-quiz [role=status]")


def person(page) -> dict:
    """The current person's stored data, read the way another page would."""
    return page.evaluate("() => window.qinglian.person()")


def test_practice_quiz_by_keyboard_from_file(offline_site, open_page):
    """Practice from file://: check answers one by one, then a passing result, all by keyboard."""
    recorded = open_page()
    page = recorded.page
    page.goto(url(offline_site, LESSON))
    fill_profile(page)
    expect(page.locator(".qinglian-quiz__who")).to_contain_text("张三（工号 A001，内科）")
    start(page)
    first = page.locator("fieldset.qinglian-question").first
    answer(page, first, right_answer(first.get_attribute("data-question-id")))
    check = first.locator(".qinglian-question__check")
    tab_to(page, check)
    page.keyboard.press("Enter")
    expect(first.locator(".qinglian-question__feedback")).to_contain_text("回答正确")
    question = LIBRARY.questions[first.get_attribute("data-question-id")]
    expect(first.locator(".qinglian-question__feedback")).to_contain_text(question.explanation)
    answer_all(page, lambda qid: right_answer(qid) if qid != question.id else [])
    submit(page)
    expect(status(page)).to_contain_text("得分 100%，通过")
    expect(status(page).locator("table caption")).to_have_text("按准则统计")
    expect(status(page).locator("tbody th")).to_have_text(["第1条"])
    record = person(page)["attempts"][-1]
    assert record_problems(record) == []  # the one record format
    assert record["kind"] == "attempt" and record["site"] == "example-hospital"
    assert record["attempt"]["score"] == 100 and record["attempt"]["passed"] is True
    assert record["attempt"]["quiz_id"] == "standard-1-practice"
    assert record["person"] == {"name": "张三", "staff_id": "A001", "department": "内科"}
    assert recorded.blocked == [] and recorded.errors == []


def test_result_saved_on_one_file_page_is_read_on_another(offline_site, open_page):
    """Under file:// every page shares storage: the exam page knows the practice result."""
    page = open_page().page
    page.goto(url(offline_site, LESSON))
    fill_profile(page, staff_id="B002")
    start(page)
    answer_all(page, right_answer)
    submit(page)
    page.goto(url(offline_site, EXAM))
    expect(page.locator(".qinglian-quiz__who")).to_contain_text("工号 B002")
    assert [a["attempt"]["quiz_id"] for a in person(page)["attempts"]] == ["standard-1-practice"]


@pytest.mark.parametrize("choose, score, verdict", [
    (right_answer, "100%", "通过"),
    (wrong_answer, "0%", "未通过"),
])
def test_exam_pass_and_fail_over_http(local_server, open_page, choose, score, verdict):
    """The exam graded from digests: all right passes, all wrong fails; no explanation shown."""
    recorded = open_page()
    page = recorded.page
    page.goto(url(local_server, EXAM))
    fill_profile(page)
    expect(page.locator(".qinglian-quiz__facts")).to_have_text("共 27 题 · 80% 及格 · 限时 30 分钟 · 剩余 3/3 次")
    start(page)
    ids = answer_all(page, choose)
    assert len(ids) == 27 and len(set(ids)) == 27
    submit(page)
    expect(status(page).locator(".qinglian-quiz__score")).to_contain_text(f"得分 {score}，{verdict}")
    wrong = page.locator(".qinglian-question--wrong")
    expect(wrong).to_have_count(0 if score == "100%" else 27)
    feedback = page.locator(".qinglian-question__feedback").first
    assert re.fullmatch(r"回答(正确|错误) · 第\d条", feedback.inner_text().strip())
    assert recorded.blocked == [] and recorded.errors == []


def test_timer_warns_and_submits_at_zero(local_server, open_page):
    """A visible countdown, a warning at one minute, automatic submission at zero."""
    page = open_page().page
    page.clock.install()
    page.goto(url(local_server, EXAM))
    # Time stands still until the test runs the clock: the countdown shows 30:00 for one
    # real second only, which a loaded machine can spend before the check
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))
    fill_profile(page)
    start(page)
    timer = page.locator(".qinglian-quiz__timer")
    expect(timer).to_have_text("剩余时间 30:00")
    answer_all(page, right_answer)
    page.clock.run_for("29:01")
    expect(status(page)).to_have_text("还剩 1 分钟，时间到将自动交卷。")
    expect(timer).to_have_class(re.compile("qinglian-quiz__timer--warning"))
    page.clock.run_for("01:00")
    expect(status(page)).to_contain_text("时间到，已自动交卷。 得分 100%，通过。用时 30:00。")
    assert person(page)["attempts"][-1]["attempt"]["timed_out"] is True


@pytest.mark.parametrize("late", ["answer", "submit"])
def test_nothing_is_taken_after_the_deadline(local_server, open_page, late):
    """The computer slept (or the tab sat in the background) past the deadline and the
    timer has not run yet: an answer or 交卷 then hands the paper in as it stood at the
    deadline, timed out; it used to take the answer and record 31 minutes, not timed out."""
    page = open_page().page
    began = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
    page.clock.install(time=began)
    page.goto(url(local_server, EXAM))
    fill_profile(page)
    start(page)
    fieldsets = page.locator("fieldset.qinglian-question")
    first = fieldsets.first.get_attribute("data-question-id")
    answer(page, fieldsets.first, right_answer(first))
    # Time stands still from here, so the quiz's own timer cannot hand the paper in
    # while the keys below are pressed (on a busy machine that took over a second)
    page.clock.pause_at(began + timedelta(minutes=1))
    page.clock.set_system_time(began + timedelta(minutes=31))  # no timer runs meanwhile
    if late == "answer":
        fieldsets.nth(1).locator("input").first.focus()
        page.keyboard.press("x")  # a box ticked or a letter typed, whichever it is
        page.keyboard.press("Space")
    else:
        submit_button = page.locator("button[type=submit]")
        tab_to(page, submit_button)
        page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "done")
    expect(status(page)).to_contain_text("时间到，已自动交卷。")
    expect(status(page)).to_contain_text("用时 30:00")
    attempt = person(page)["attempts"][-1]["attempt"]
    assert attempt["timed_out"] is True
    started, finished = (datetime.fromisoformat(attempt[key].replace("Z", "+00:00"))
                         for key in ("started", "finished"))
    assert finished - started == timedelta(minutes=30)
    assert [a["question"] for a in attempt["answers"] if a["answer"] is not None] == [first]


@pytest.mark.parametrize("pass_mark, verdict", [(67, "得分 66%，未通过"), (66, "得分 66%，通过"),
                                                 (66.5, "得分 66%，通过")])
def test_pass_mark_is_met_by_the_share_not_its_rounding(make_site, open_page, pass_mark, verdict):
    """Two of three right (66.67 %) fail a 67 % mark: the share was rounded to 67 %
    first and passed. The score is shown rounded down, so it never reads as the mark."""
    bank = "questions:\n" + "".join(GOOD_BANK.split("\n", 1)[1].replace("s1-001", f"s1-00{n}")
                                    for n in (1, 2, 3))
    quiz = f"title: 考试\nmode: exam\nquestions: [s1-001, s1-002, s1-003]\npass_mark: {pass_mark}\n"
    site = make_site({"quizzes/banks/a.yml": bank, "quizzes/boundary.yml": quiz,
                      "content/lessons/standard-1.md": "# 第一条\n\n```quiz\nid: boundary\n```\n"},
                     {"extra": {"hospital": {"departments": ["内科", "外科"]}}})
    assert site.build().returncode == 0
    page = open_page().page
    page.goto((site.root / "site" / "lessons" / "standard-1" / "index.html").as_uri())
    fill_profile(page)
    start(page)
    for question_id, option in (("s1-001", 1), ("s1-002", 1), ("s1-003", 0)):  # B is right
        page.locator(f"fieldset[data-question-id={question_id}] input[value='{option}']").check()
    submit(page)
    expect(status(page).locator(".qinglian-quiz__score")).to_contain_text(verdict)
    attempt = person(page)["attempts"][-1]["attempt"]
    assert attempt["score"] == 66 and attempt["passed"] is verdict.endswith("，通过")


MULTIPLE = """questions:
  - id: s1-001
    type: multiple
    stem: Which are right?
    options: [one, two, three]
    answer: [A, C]
    explanation: One and three.
    standards: [1, 3]
    difficulty: easy
"""


@pytest.mark.parametrize("language, feedback", [
    # Options are shuffled: which letters are right varies
    ("zh", ["回答错误 · 第1条、第3条", re.compile("正确答案：[ABC]、[ABC]")]),
    ("en", ["Wrong · Standard 1, Standard 3", re.compile("Correct answer: [ABC], [ABC]")]),
])
def test_feedback_lists_in_the_sites_language(make_site, open_page, language, feedback):
    """A question's standards and right options are listed the site's way (an English
    site read "Standard 1、Standard 3" and "A、C")."""
    site = make_site({"quizzes/banks/a.yml": MULTIPLE, "quizzes/practice.yml": GOOD_QUIZ,
                      "content/lessons/standard-1.md": "# One\n\n```quiz\nid: practice\n```\n"},
                     {"theme": {"language": language},
                      "extra": {"hospital": {"departments": ["内科"]}}})
    assert site.build().returncode == 0
    page = open_page().page
    page.goto((site.root / "site" / "lessons" / "standard-1" / "index.html").as_uri())
    fill_profile(page)
    start(page)
    question = page.locator("fieldset[data-question-id=s1-001]")
    question.locator("input[value='1']").check()
    question.locator(".qinglian-question__check").click()
    expect(question.locator(".qinglian-question__feedback")).to_contain_text(feedback[0])
    expect(question.locator(".qinglian-question__feedback")).to_contain_text(feedback[1])


def test_attempt_limit(local_server, open_page):
    """After three attempts the exam offers no fourth; the count is shown each time."""
    page = open_page().page
    page.goto(url(local_server, EXAM))
    fill_profile(page)
    facts = page.locator(".qinglian-quiz__facts")
    for left in (3, 2, 1):
        expect(facts).to_contain_text(f"剩余 {left}/3 次")
        start(page)
        submit(page)
        page.locator(".qinglian-quiz__again").click()
    expect(facts).to_contain_text("剩余 0/3 次")
    expect(page.locator(".qinglian-quiz__start")).to_have_count(0)
    expect(page.locator(".qinglian-quiz__locked")).to_have_text("答题次数已用完。")
    page.reload()
    expect(page.locator(".qinglian-quiz__locked")).to_be_visible()


def test_a_paper_with_blank_questions_is_handed_in_on_the_second_press(offline_site, open_page):
    """A slip on 交卷 spent an attempt on a paper half done: the first press says, by the
    button and to a screen reader, how many are blank; the second hands it in (and the
    warning goes), but not the second click of a double click or Enter held down. A
    paper with every question answered goes in on the first press."""
    page = open_page().page
    start_lesson_quiz(page, offline_site)
    fieldsets = page.locator("fieldset.qinglian-question")
    answer(page, fieldsets.first, right_answer(fieldsets.first.get_attribute("data-question-id")))
    button = page.locator("button[type=submit]")
    tab_to(page, button)
    # Enter held down: its repeats do not pass the warning as soon as it shows
    page.keyboard.down("Enter")
    page.keyboard.down("Enter")
    page.keyboard.up("Enter")
    warning = page.locator(BLANK_WARNING)
    expect(warning).to_have_text("还有 9 题未答。仍要交卷，请再按一次。")
    expect(warning).to_have_attribute("role", "alert")
    assert warning.evaluate("node => node.nextElementSibling.type") == "submit"
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    assert not person(page).get("attempts")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "done")
    assert len(person(page)["attempts"]) == 1
    expect(warning).to_be_hidden()  # handed in: no "press again" beside the result

    # Nor does the second click of a double click
    page.locator(".qinglian-quiz__again").click()
    start(page)
    button.dblclick()
    expect(warning).to_have_text("还有 10 题未答。仍要交卷，请再按一次。")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    button.click()
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "done")
    assert len(person(page)["attempts"]) == 2

    page.locator(".qinglian-quiz__again").click()
    start(page)
    answer_all(page, right_answer)
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "done")
    assert len(person(page)["attempts"]) == 3


def test_reload_mid_attempt_keeps_paper_and_answers(offline_site, open_page):
    """A reload restores the same questions, option order and answers given so far."""
    page = open_page().page
    start_lesson_quiz(page, offline_site)
    fieldsets = page.locator("fieldset.qinglian-question")
    before = fieldsets.evaluate_all("sets => sets.map(s => s.innerText)")
    for index in range(2):
        fieldset = fieldsets.nth(index)
        answer(page, fieldset, right_answer(fieldset.get_attribute("data-question-id")))
    checked = page.evaluate("""() => [...document.querySelectorAll('fieldset input')]
        .map(i => i.type === 'text' ? i.value : i.checked)""")
    page.reload()
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    assert fieldsets.evaluate_all("sets => sets.map(s => s.innerText)") == before
    assert page.evaluate("""() => [...document.querySelectorAll('fieldset input')]
        .map(i => i.type === 'text' ? i.value : i.checked)""") == checked
    assert any(value not in (False, "") for value in checked)


def test_unseen_questions_come_first(offline_site, open_page):
    """The second paper holds every question not yet seen (as many as fit)."""
    page = open_page().page
    page.goto(url(offline_site, LESSON))
    fill_profile(page)
    papers = []
    for _ in range(2):
        start(page)
        papers.append(set(page.locator("fieldset.qinglian-question").evaluate_all(
            "sets => sets.map(s => s.dataset.questionId)")))
        submit(page)
        page.locator(".qinglian-quiz__again").click()
    data = json.loads(page.locator("form.qinglian-quiz").get_attribute("data-quiz"))
    size, pool = data["size"], len(data["draw"][0]["pool"])
    assert len(papers[0]) == len(papers[1]) == size and pool > size
    assert len(papers[1] - papers[0]) == min(size, pool - size)


def test_shared_pc_keeps_people_apart(local_server, open_page):
    """'Not you?' switches person; the second nurse inherits nothing of the first."""
    page = open_page().page
    page.goto(url(local_server, EXAM))
    fill_profile(page, name="李护士", staff_id="N001")
    start(page)
    submit(page)
    page.locator(".qinglian-quiz__again").click()
    expect(page.locator(".qinglian-quiz__facts")).to_contain_text("剩余 2/3 次")
    page.locator(".qinglian-quiz__not-you").click()
    fill_profile(page, name="王护士", staff_id="N002")
    expect(page.locator(".qinglian-quiz__facts")).to_contain_text("剩余 3/3 次")
    assert person(page)["profile"]["staff_id"] == "N002" and "attempts" not in person(page)


def test_not_you_after_a_result_takes_the_result_away(offline_site, open_page):
    """'Not you?' under a result: the next nurse sees neither that score nor its table,
    which would read as theirs once they sign in."""
    page = open_page().page
    page.goto(url(offline_site, LESSON))
    fill_profile(page, name="李护士", staff_id="N001")
    start(page)
    submit(page)
    expect(status(page)).to_contain_text("得分")
    page.locator(".qinglian-quiz__not-you").click()
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "profile")
    expect(status(page)).to_be_empty()
    fill_profile(page, name="王护士", staff_id="N002")
    expect(page.locator(".qinglian-quiz__who")).to_contain_text("王护士")
    expect(status(page)).to_be_empty()


def test_typed_names_are_shown_as_text(local_server, open_page):
    """A name with markup is displayed literally, never run."""
    recorded = open_page()
    page = recorded.page
    page.goto(url(local_server, EXAM))
    fill_profile(page, name='<img src=x onerror="window.hacked=1">')
    expect(page.locator(".qinglian-quiz__who")).to_contain_text('<img src=x onerror="window.hacked=1">')
    assert page.locator(".qinglian-quiz__who img").count() == 0
    assert page.evaluate("() => window.hacked") is None


STORAGE_FAULTS = {
    # what the page's storage does, the notice the person sees
    "disabled": ("Object.defineProperty(window, 'localStorage', {get() {"
                 " throw new DOMException('denied', 'SecurityError'); }});",
                 "本浏览器无法保存记录"),
    "full": ("const set = Storage.prototype.setItem;"
             "Storage.prototype.setItem = function (key, value) {"
             " if (String(value).length > 1) throw new DOMException('full', 'QuotaExceededError');"
             " return set.call(this, key, value); };",
             "浏览器存储已满"),
}


@pytest.mark.parametrize("fault", sorted(STORAGE_FAULTS))
def test_quiz_works_when_storage_fails(offline_site, open_page, fault):
    """Disabled or full storage: a visible notice, said to a screen reader too (the
    focus goes to the first question, below it), and the quiz still gives a result."""
    script, notice = STORAGE_FAULTS[fault]
    recorded = open_page()
    page = recorded.page
    page.add_init_script(script)
    start_lesson_quiz(page, offline_site)
    expect(page.locator(".qinglian-quiz__notice")).to_contain_text(notice)
    expect(status(page)).to_contain_text(notice)
    answer_all(page, right_answer)
    submit(page)
    expect(status(page)).to_contain_text("得分 100%，通过")
    # With storage disabled, Material's own palette script throws when it reads it
    assert set(recorded.errors) <= ({"denied"} if fault == "disabled" else set())


def test_full_storage_notice_goes_once_the_paper_is_kept(offline_site, open_page):
    """Storage that was full when the paper began, with room again by the next answer
    (nothing else held in memory alone): the paper is kept, and the notice that it
    will be lost goes, it no longer being true."""
    page = open_page().page
    # Full while window.storageFull says so (set below), as another tab or site may fill it
    page.add_init_script("const set = Storage.prototype.setItem;"
                         "Storage.prototype.setItem = function (key, value) {"
                         " if (window.storageFull) throw new DOMException('full', 'QuotaExceededError');"
                         " return set.call(this, key, value); };")
    page.goto(url(offline_site, LESSON))
    fill_profile(page)
    page.evaluate("() => { window.storageFull = true; }")
    start(page)
    notice = page.locator(".qinglian-quiz__notice")
    expect(notice).to_contain_text("浏览器存储已满")
    page.evaluate("() => { window.storageFull = false; }")
    question = page.locator("fieldset.qinglian-question").first
    answer(page, question, right_answer(question.get_attribute("data-question-id")))
    expect(notice).to_be_hidden()
    assert _stored_person(page)["open"]


def test_corrupt_storage_is_set_aside(offline_site, open_page):
    """Unreadable saved data is kept under another key, said, and the quiz works."""
    page = open_page().page
    page.goto(url(offline_site, LESSON))
    page.evaluate("""() => {
        const prefix = 'qinglian:v1:example-hospital:';
        localStorage.setItem(prefix + 'current', '"C003"');
        localStorage.setItem(prefix + 'person:C003', '{"profile": broken');
    }""")
    page.reload()
    expect(page.locator(".qinglian-quiz__notice")).to_contain_text("本机记录已损坏")
    kept = page.evaluate("() => Object.keys(localStorage).filter(k => k.includes(':corrupt:'))")
    assert len(kept) == 1
    fill_profile(page, staff_id="C003")
    start(page)


PREFIX = "qinglian:v1:example-hospital:"
PROFILE = {"name": "李四", "staff_id": "C003", "department": "内科"}
# Valid JSON that the scripts cannot use: hand edits, an old version's data
MISSHAPEN = {
    "no-profile": {"attempts": []},
    "attempts-not-a-list": {"profile": PROFILE, "attempts": "3"},
    "attempt-null": {"profile": PROFILE, "attempts": [None]},
    "paper-without-items": {"profile": PROFILE, "open": {"standard-1-practice": {"answers": {}}}},
    "seen-a-mapping": {"profile": PROFILE, "seen": {"s1-001": 1}},
}


@pytest.mark.parametrize("shape", sorted(MISSHAPEN))
def test_stored_person_of_another_shape_is_set_aside(offline_site, open_page, shape):
    """A person's saved data of the wrong shape is kept aside untouched, said, and
    the quiz starts afresh (it used to stop with a script error)."""
    recorded = open_page()
    page = recorded.page
    page.goto(url(offline_site, LESSON))
    stored = json.dumps(MISSHAPEN[shape])
    page.evaluate("""([prefix, stored]) => {
        localStorage.setItem(prefix + 'current', '"C003"');
        localStorage.setItem(prefix + 'person:C003', stored);
    }""", [PREFIX, stored])
    page.reload()
    expect(page.locator(".qinglian-quiz__notice")).to_contain_text("本机记录已损坏")
    kept = page.evaluate("""(prefix) => Object.keys(localStorage)
        .filter(k => k.startsWith(prefix + 'corrupt:person:C003:')).map(k => localStorage.getItem(k))""", PREFIX)
    assert kept == [stored]
    fill_profile(page, staff_id="C003")
    start(page)
    assert not recorded.errors


def _stored_person(page, staff_id="A001") -> dict:
    return json.loads(page.evaluate("([prefix, id]) => localStorage.getItem(prefix + 'person:' + id)",
                                    [PREFIX, staff_id]))


def test_unfinished_paper_survives_a_bank_change(offline_site, open_page):
    """Questions taken out of the quiz (or whose options changed in number) since the
    paper was drawn leave it, said in the status region; the other answers stay."""
    recorded = open_page()
    page = recorded.page
    start_lesson_quiz(page, offline_site)
    ids = answer_all(page, right_answer)
    # As if the trainer had since removed one question and given another an option more
    person = _stored_person(page)
    paper = person["open"]["standard-1-practice"]
    paper["items"][0]["id"] = "s1-removed"
    paper["items"][1]["order"].append(len(paper["items"][1]["order"]))
    page.evaluate("([prefix, person]) => localStorage.setItem(prefix + 'person:A001', person)",
                  [PREFIX, json.dumps(person)])
    page.reload()
    expect(status(page)).to_contain_text("未交卷答卷中的 2 道题已撤下")
    fieldsets = page.locator("fieldset.qinglian-question")
    expect(fieldsets).to_have_count(len(ids) - 2)
    assert [fieldsets.nth(i).get_attribute("data-question-id") for i in range(len(ids) - 2)] == ids[2:]
    # The answers given before stay on the paper and count
    assert len(_stored_person(page)["open"]["standard-1-practice"]["answers"]) == len(ids)
    fieldsets.last.locator("legend").click()  # Tab on from the last question, as after answering
    submit(page)
    expect(status(page)).to_contain_text("得分 100%，通过")
    assert not recorded.errors


def test_paper_of_withdrawn_questions_only_is_dropped(offline_site, open_page):
    """With none of its questions left, the unfinished paper goes and the quiz can start again."""
    page = open_page().page
    start_lesson_quiz(page, offline_site)
    person = _stored_person(page)
    for item in person["open"]["standard-1-practice"]["items"]:
        item["id"] = "gone-" + item["id"]
    page.evaluate("([prefix, person]) => localStorage.setItem(prefix + 'person:A001', person)",
                  [PREFIX, json.dumps(person)])
    page.reload()
    expect(status(page)).to_contain_text("道题已撤下")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "intro")
    assert "standard-1-practice" not in _stored_person(page)["open"]
    start(page)

def test_ids_that_name_an_objects_own_property(make_site, open_page):
    """A quiz and a question may both be called "constructor" (a valid id): the
    person's papers, answers and checked questions are looked up by their own keys,
    never finding the property every JavaScript object inherits."""
    bank = GOOD_BANK.replace("s1-001", "constructor")
    site = make_site({"quizzes/banks/a.yml": bank,
                      "quizzes/constructor.yml": GOOD_QUIZ.replace("s1-001", "constructor"),
                      "content/lessons/standard-1.md": "# 第一条\n\n```quiz\nid: constructor\n```\n"},
                     {"extra": {"hospital": {"departments": ["内科", "外科"]}}})
    assert site.build().returncode == 0
    recorded = open_page()
    page = recorded.page
    page.goto((site.root / "site" / "lessons" / "standard-1" / "index.html").as_uri())
    fill_profile(page)
    start(page)
    question = page.locator("fieldset.qinglian-question")
    expect(question).to_have_attribute("data-question-id", "constructor")
    expect(question).to_be_enabled()  # not shown as checked already
    expect(question.locator(".qinglian-question__feedback")).to_be_hidden()
    page.reload()  # the unfinished paper is found again
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    submit(page)  # unanswered: no answer recorded, not Object's constructor read as one
    expect(status(page)).to_contain_text("得分 0%，未通过")
    assert person(page)["attempts"][0]["attempt"]["answers"] == [
        {"question": "constructor", "answer": None, "correct": False}]
    assert not recorded.errors


def test_instant_navigation_starts_the_quiz(local_server, open_page):
    """With instant navigation (no page load), the quiz on the new page starts once."""
    recorded = open_page()
    page = recorded.page
    open_for_instant_navigation(page, local_server)
    # Instant navigation rewrites links to absolute URLs: find them by their text
    page.locator("a.md-tabs__link", has_text="测验").click()
    page.locator(".md-nav a", has_text="新职工廉洁从业入职测验").first.click()
    expect(page.locator("form.qinglian-quiz .qinglian-profile")).to_have_count(1)
    assert same_document(page)  # no full load happened
    fill_profile(page)
    page.locator("a.md-tabs__link", has_text="九项准则").click()
    page.locator("article a", has_text="合法按劳取酬").first.click()
    expect(page.locator("form.qinglian-quiz .qinglian-quiz__start")).to_have_count(1)
    assert same_document(page)
    start(page)
    answer_all(page, right_answer)
    submit(page)
    expect(status(page)).to_contain_text("得分 100%，通过")
    assert recorded.blocked == [] and recorded.errors == []


# A start that counts its runs, handed to the shared module the way a script that
# ran before it waits (see quiz.js)
COUNT_STARTS = """window.qinglianWaiting = [function () {
    window.qinglian.onPage(function () { window.pageStarts = (window.pageStarts || 0) + 1; });
}];"""


def test_scripts_start_once_for_each_page(local_server, open_page):
    """Material's document$ announces each page once, and the last one again to each new
    subscriber: a start runs once on load, once on the page that first brings the shared
    module by instant navigation (the lesson list, for the route's nav marks), and once
    after each navigation from there."""
    recorded = open_page()
    page = recorded.page
    page.add_init_script(COUNT_STARTS)
    open_for_instant_navigation(page, local_server)
    assert page.evaluate("window.qinglian === undefined")  # the home page has no block
    page.evaluate("document$.subscribe(() => { window.pagesShown = (window.pagesShown || 0) + 1; })")
    links = [page.locator("article a", has_text="九项准则"), page.locator("article a", has_text="合法按劳取酬"),
             page.locator("a.md-tabs__link", has_text="测验")]
    for shown, link in enumerate(links, start=2):
        link.first.click()
        # The page announced, and the module (which may run after that) started
        page.wait_for_function(f"window.pagesShown == {shown} && window.pageStarts >= {shown - 1}")
        assert page.evaluate("window.pageStarts") == shown - 1, page.url
    assert same_document(page)
    page.goto(url(local_server, LESSON))  # a load with the module in the page
    assert page.evaluate("window.pageStarts") == 1
    assert recorded.blocked == [] and recorded.errors == []


def test_instant_navigation_after_an_update_loads_the_page_afresh(local_server, open_page):
    """The site was updated while a quiz page was open: instant navigation to the new
    build's pages loads them afresh, so their blocks never run with the old page's code
    (an older shared module left the pledge form empty)."""
    page = open_page().page
    open_for_instant_navigation(page, f"{local_server}lessons/standard-1/")
    expect(page.locator("form.qinglian-quiz .qinglian-profile")).to_have_count(1)
    # The shared module as a build of another qinglian version left it
    page.evaluate("() => { window.qinglian.config.build = 'earlier'; }")
    page.locator("a.md-tabs__link", has_text="承诺").click()
    page.locator(".md-nav a", has_text="廉洁从业承诺书").first.click()
    # Loaded afresh: the marker of the first document is gone. (Instant navigation may
    # draw the new page before the reload replaces it: asking same_document() once the
    # form showed could land in the middle of that reload)
    page.wait_for_function("window.qinglianTestMarker !== 1")
    expect(page.locator("form.qinglian-pledge input[name=name]")).to_have_count(1)
    assert page.evaluate("() => window.qinglian.config.build") != "earlier"


def test_non_secure_intranet_host(intranet_site, local_server, open_page):
    """On plain http under a host name (not a secure context) the exam works: UUIDs come
    from getRandomValues and hashing from our own SHA-256."""
    port = local_server.rsplit(":", 1)[1].rstrip("/")
    page = open_page().page
    page.goto(f"http://{INTRANET_HOST}:{port}/{EXAM}/")
    assert page.evaluate("() => [isSecureContext, typeof crypto.randomUUID, typeof crypto.subtle]") == [
        False, "undefined", "undefined"]
    fill_profile(page)
    start(page)
    answer_all(page, right_answer)
    submit(page)
    expect(status(page)).to_contain_text("得分 100%，通过")
    assert re.fullmatch(r"[0-9a-f-]{36}", person(page)["attempts"][-1]["id"])


def test_browser_sha256_matches_python(offline_site, open_page):
    """The shared module's SHA-256 agrees with Python's on short, long and Chinese text."""
    page = open_page().page
    page.goto(url(offline_site, LESSON))
    samples = ["", "abc", "统方", "a" * 55, "b" * 56, "c" * 64, "清廉" * 100]
    hashes = page.evaluate("samples => samples.map(s => window.qinglian.sha256(s))", samples)
    assert hashes == [hashlib.sha256(s.encode()).hexdigest() for s in samples]


def test_fill_blank_normalisation_matches_the_build(offline_site, open_page):
    """Width, spaces and case fold the same way in the browser as in Python."""
    from qinglian.quiz.render import normalize_answer
    page = open_page().page
    page.goto(url(offline_site, LESSON))
    samples = [" ＡＢＣ １２３ ", "统　方", "Ｘ-ray", "双通道 "]
    folded = page.evaluate("samples => samples.map(s => window.qinglian.normalize(s))", samples)
    assert folded == [normalize_answer(s) for s in samples]


def test_route_part_before_the_shared_module(intranet_site, open_page):
    """Instant navigation may run page scripts in any order: on a lesson, the route's
    part (its own code only: the quiz's bundle brings the shared module) waits for the
    shared module instead of failing."""
    page_html = (intranet_site / LESSON / "index.html").read_text(encoding="utf-8")
    blocks = {kind: block for block, kind in re.findall(
        r'(<div class="qinglian-(quiz|study)-block".*?</form>(?:<script[^>]*></script>)+</div>)',
        page_html, re.S)}
    scripts = re.findall(r'assets/qinglian/([\w-]+)\.[0-9a-f]{8}\.js', blocks["quiz"] + blocks["study"])
    assert scripts == ["qinglian-quiz", "path"]  # the shared module comes with the quiz
    test_page = intranet_site / LESSON / "reordered.html"
    test_page.write_text(f"<!doctype html><meta charset=utf-8><body>{blocks['study']}{blocks['quiz']}",
                         encoding="utf-8")
    recorded = open_page()
    recorded.page.goto(test_page.as_uri())
    expect(recorded.page.locator("form.qinglian-quiz .qinglian-profile")).to_have_count(1)
    expect(recorded.page.locator("form.qinglian-study")).to_have_attribute("data-state", re.compile("."))
    assert recorded.errors == []
    test_page.unlink()


CONTRAST = """(element) => {
  // WCAG contrast of the element's text against its own background, else the page's
  const channels = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (colour) => {
    const [r, g, b] = channels(colour).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const own = getComputedStyle(element).backgroundColor;
  const text = luminance(getComputedStyle(element).color);
  const ground = luminance(own === "rgba(0, 0, 0, 0)" ? getComputedStyle(document.body).backgroundColor : own);
  return (Math.max(text, ground) + 0.05) / (Math.min(text, ground) + 0.05);
}"""


def start_in_scheme(page, address: str, scheme: str) -> None:
    """Open ``address`` in Material's light (default) or dark (slate) scheme and start
    its quiz."""
    page.goto(address)
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    fill_profile(page)
    start(page)


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_verdicts_are_readable_in_light_and_dark(local_server, open_page, scheme):
    """'回答正确/错误' keeps 4.5:1 contrast on Material's light and dark pages."""
    page = open_page().page
    start_in_scheme(page, url(local_server, LESSON), scheme)
    questions = page.locator("fieldset.qinglian-question")
    for index, choose in ((0, right_answer), (1, wrong_answer)):
        question = questions.nth(index)
        answer(page, question, choose(question.get_attribute("data-question-id")))
        question.locator(".qinglian-question__check").click()
        verdict = question.locator(".qinglian-question__feedback > :first-child")
        expect(verdict).to_contain_text("回答正确" if index == 0 else "回答错误")
        assert verdict.evaluate(CONTRAST) >= 4.5


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_timer_hides_the_questions_scrolling_beneath_it(local_server, open_page, scheme):
    """The sticky countdown has an opaque background (the page's colour under its tint),
    so questions scrolling under it do not show through its digits."""
    page = open_page().page
    start_in_scheme(page, url(local_server, EXAM), scheme)
    timer = page.locator(".qinglian-quiz__timer")
    expect(timer).to_be_visible()
    colour = timer.evaluate("(element) => getComputedStyle(element).backgroundColor")
    page_colour = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert colour == page_colour and not colour.startswith("rgba"), colour


def test_enter_that_ends_a_pinyin_word_keeps_the_profile_open(offline_site, open_page):
    """The Enter that ends an input method's word (pinyin typed for a name) is the input
    method's: it does not save the profile with the name half typed; the next does."""
    page = open_page().page
    page.goto(url(offline_site, LESSON))
    page.locator("input[name=staff_id]").fill("A001")
    page.locator("select[name=department]").select_option(index=1)
    name = page.locator("input[name=name]")
    name.fill("张")
    name.dispatch_event("keydown", {"key": "Enter", "isComposing": True, "bubbles": True})
    expect(page.locator(".qinglian-profile")).to_be_visible()
    assert person(page) is None
    name.fill("张三")
    name.press("Enter")
    expect(page.locator(".qinglian-quiz__start")).to_be_visible()
    assert person(page)["profile"]["name"] == "张三"


def test_enter_in_an_answer_keeps_the_paper_open(local_server, open_page):
    """Enter on an option or in a fill-in box answers, it does not hand in the paper;
    交卷 does, and the focus then rests on the result."""
    page = open_page().page
    page.goto(url(local_server, EXAM))
    fill_profile(page)
    start(page)
    boxes = [page.locator(f"fieldset.qinglian-question input[type={kind}]").first
             for kind in ("radio", "text") if page.locator(f"fieldset.qinglian-question input[type={kind}]").count()]
    for box in boxes:
        tab_to(page, box)
        page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # after the Enter's own work, whatever it did
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    assert "attempts" not in person(page)
    submit(page)
    expect(status(page).locator(".qinglian-quiz__score")).to_be_focused()


def test_checked_verdict_takes_the_focus(offline_site, open_page):
    """检查 moves the focus to the verdict, so it is read out, in any order of questions."""
    page = open_page().page
    start_lesson_quiz(page, offline_site)
    fieldsets = page.locator("fieldset.qinglian-question")
    for index in (1, 0):
        fieldset = fieldsets.nth(index)
        fieldset.locator("legend").click()  # Tab navigation starts at the question
        answer(page, fieldset, right_answer(fieldset.get_attribute("data-question-id")))
        tab_to(page, fieldset.locator(".qinglian-question__check"))
        page.keyboard.press("Enter")
        expect(fieldset.locator(".qinglian-question__feedback")).to_be_focused()


def test_no_attempt_past_the_limit_from_a_tab_drawn_before_it_was_used(local_server, open_page):
    """A tab showing the exam's start with one attempt left, while that attempt is used
    in another tab: 开始答题 there begins no fourth paper, and says none are left."""
    recorded = open_page()
    page = recorded.page
    page.goto(url(local_server, EXAM))
    fill_profile(page)
    for _ in range(2):
        start(page)
        submit(page)
        page.locator(".qinglian-quiz__again").click()
    expect(page.locator(".qinglian-quiz__facts")).to_contain_text("剩余 1/3 次")
    other = page.context.new_page()
    other.goto(url(local_server, EXAM))
    start(other)
    submit(other)
    page.locator(".qinglian-quiz__start").click()
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "locked")
    expect(page.locator(".qinglian-quiz__locked")).to_have_text("答题次数已用完。")
    expect(page.locator(".qinglian-question")).to_have_count(0)
    stored = person(page)
    assert len(stored["attempts"]) == 3 and not (stored.get("open") or {}).get("onboarding")
    assert recorded.errors == []


def test_a_second_tab_never_writes_back_an_old_copy(local_server, open_page):
    """Two tabs of the exam: what one hands in stays, the other says so and carries on
    from there; one record per paper, and the timer of a paper handed in elsewhere stops."""
    recorded = open_page()
    first = recorded.page
    first.clock.install()
    first.goto(url(local_server, EXAM))
    fill_profile(first)
    second = first.context.new_page()
    second.clock.install()
    second.goto(url(local_server, EXAM))
    start(second)
    first.reload()  # the paper begun in the second tab
    answer_all(first, right_answer)
    submit(first)
    # The second tab still shows the paper: answering it finds it handed in
    box = second.locator("fieldset.qinglian-question input").first
    box.focus()
    second.keyboard.type("x") if box.get_attribute("type") == "text" else second.keyboard.press("Space")
    expect(status(second)).to_contain_text("已在本网站的另一窗口交卷")
    expect(second.locator(".qinglian-quiz__facts")).to_contain_text("剩余 2/3 次")
    second.clock.run_for("31:00")  # its old paper's deadline passes: nothing more happens
    start(second)
    attempts = person(second)["attempts"]
    assert len(attempts) == 1 and attempts[0]["attempt"]["score"] == 100
    assert len(second.evaluate("() => window.qinglian.outbox()")) == 1
    assert recorded.errors == []


def test_start_after_a_sign_in_elsewhere_says_why_the_quiz_changed(local_server, open_page):
    """开始答题 in a tab still naming the last nurse, after the next one signed in in
    another tab, begins no paper: the quiz names the new nurse and says why it changed,
    rather than redrawing as someone else with no word of it."""
    recorded = open_page()
    first = recorded.page
    first.goto(url(local_server, EXAM))
    fill_profile(first, name="李护士", staff_id="N001")
    second = first.context.new_page()
    second.goto(url(local_server, EXAM))
    second.locator(".qinglian-quiz__not-you").click()
    fill_profile(second, name="王护士", staff_id="N002")
    first.bring_to_front()
    first.locator(".qinglian-quiz__start").click()
    expect(status(first)).to_have_text("已在本网站的另一窗口交卷或换人，现按最新情况显示。")
    expect(first.locator(".qinglian-quiz__who")).to_contain_text("王护士")
    expect(first.locator("form.qinglian-quiz")).to_have_attribute("data-state", "intro")
    assert "open" not in person(first)
    assert recorded.errors == []


def test_redrawn_quiz_keeps_the_focus(local_server, open_page):
    """Saving the profile, 不是你？ and 返回 redraw the quiz without the control that had
    the focus: it goes on to what comes next (开始答题, the name field), never back to
    the top of the page."""
    recorded = open_page()
    page = recorded.page
    page.goto(url(local_server, EXAM))
    fill_profile(page)
    start_button = page.locator(".qinglian-quiz__start")
    expect(start_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    submit(page)
    tab_to(page, page.locator(".qinglian-quiz__again"))
    page.keyboard.press("Enter")
    expect(start_button).to_have_text("再答一次")
    expect(start_button).to_be_focused()
    page.keyboard.press("Shift+Tab")  # back past the facts to 不是你？
    expect(page.locator(".qinglian-quiz__not-you")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-quiz input[name=name]")).to_be_focused()
    assert recorded.errors == []
