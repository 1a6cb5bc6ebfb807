"""Signing pledges in Chromium (file://, 127.0.0.1, the non-secure intranet.test), with
every outside request blocked."""

import re
import shutil
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from conftest import INTRANET_HOST
from test_pledge import PLEDGE, PLEDGE_CONFIG, run_qinglian
from qinglian.common.records import record_problems

pytestmark = pytest.mark.browser

STAFF = {"name": "张三", "staff_id": "A001", "department": "内科"}
SUPPLIER = {"company": "某某医药有限公司", "credit_code": "91350100M000100Y43",
            "representative": "王五", "contact": "0591-12345678"}


def fill(page, person: dict, signature: str | None = None) -> None:
    """Fill the signing form as a person would, and submit it with the keyboard."""
    form = page.locator("form.qinglian-pledge")
    for name, value in person.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("node => node.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("input[name=agree]").check()
    form.locator("input[name=signature]").fill(signature or person.get("name") or person["representative"])
    form.locator("button[type=submit]").press("Enter")


def outbox(page) -> list:
    return page.evaluate("() => window.qinglian.outbox()")


def test_staff_signs_from_file(offline_site, open_page):
    """From file://: a valid record, a receipt, kept locally when no collector is set."""
    recorded = open_page()
    page = recorded.page
    page.goto((offline_site / "pledges" / "staff.html").as_uri())
    fill(page, STAFF)
    receipt = page.locator(".qinglian-pledge__receipt")
    expect(receipt).to_be_focused()
    expect(receipt).to_contain_text("医疗机构工作人员廉洁从业承诺书 · 第 1 版")
    expect(receipt).to_contain_text("张三")
    expect(page.locator(".qinglian-pledge__delivery")).to_have_text("仅保存在本机（未配置记录收集服务）")
    [item] = outbox(page)
    record = item["record"]
    assert record_problems(record) == [] and item["state"] == "kept"
    assert record["kind"] == "pledge" and record["person"] == STAFF
    code = record["id"][:8].upper()
    expect(receipt).to_contain_text(f"{code[:4]}-{code[4:]}")
    # The profile is shared with quizzes: the exam page knows who this is
    page.goto((offline_site / "quizzes" / "onboarding.html").as_uri())
    expect(page.locator(".qinglian-quiz__who")).to_contain_text("张三（工号 A001，内科）")
    page.goto((offline_site / "pledges" / "staff.html").as_uri())
    expect(page.locator(".qinglian-pledge__receipt")).to_be_visible()  # signed already
    assert recorded.blocked == [] and recorded.errors == []


def test_form_says_what_is_wrong(local_server, open_page):
    """Every field is checked with a message next to it; nothing is recorded until all are right."""
    page = open_page().page
    page.goto(f"{local_server}pledges/supplier/")
    fill(page, {**SUPPLIER, "credit_code": "91110000abc"}, signature="李四")
    expect(page.locator("#" + page.locator("[name=credit_code]").get_attribute("aria-describedby"))).to_have_text(
        "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）。")
    expect(page.locator("[name=credit_code]")).to_be_focused()
    page.locator("[name=credit_code]").fill(SUPPLIER["credit_code"])
    page.locator("form.qinglian-pledge button[type=submit]").click()
    expect(page.locator(".qinglian-pledge__error")).to_have_text("签名须与上面填写的企业代表姓名一致。")
    assert outbox(page) == []
    page.locator("input[name=signature]").fill("王五")
    page.locator("form.qinglian-pledge button[type=submit]").click()
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("91350100M000100Y43")
    assert record_problems(outbox(page)[0]["record"]) == []


def test_a_staff_number_typed_full_width_asks_for_half_width(local_server, open_page):
    """Ａ００１ typed in an input method's full-width mode is refused with a message that
    says why: "letters and digits" alone reads as wrong to someone who typed just those."""
    page = open_page().page
    page.goto(f"{local_server}pledges/staff/")
    fill(page, {**STAFF, "staff_id": "Ａ００１"}, signature=STAFF["name"])
    control = page.locator("form.qinglian-pledge [name=staff_id]")
    expect(control).to_be_focused()
    expect(control).to_have_accessible_description("工号只能用半角字母、数字和连字符。")
    assert outbox(page) == []


def test_hostile_names_are_shown_as_text(local_server, open_page):
    """Markup typed into the form appears literally on the receipt and runs nothing."""
    page = open_page().page
    page.goto(f"{local_server}pledges/family/")
    hostile = '<img src=x onerror="window.hacked=1">'
    fill(page, {"name": hostile, "relationship": "配偶", "staff_name": "张三", "staff_id": "A001"})
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text(hostile)
    assert page.locator(".qinglian-pledge__receipt img").count() == 0
    assert page.evaluate("() => window.hacked") is None


def test_download_my_records(local_server, open_page):
    """A person can take their records away as a JSON file."""
    page = open_page().page
    page.goto(f"{local_server}pledges/staff/")
    fill(page, STAFF)
    with page.expect_download() as download:
        page.locator("button", has_text="下载我的记录").click()
    data = __import__("json").loads(open(download.value.path(), encoding="utf-8").read())
    assert [item["record"]["person"] for item in data["records"]] == [STAFF]


def test_download_from_file_holds_the_quiz_attempts_too(offline_site, open_page):
    """On a PC without a collector, staff who took a quiz and signed take away one file
    with both records, as the route's 换人 gives."""
    from test_quiz_browser import LESSON, answer_all, fill_profile, right_answer, start, submit, url

    page = open_page().page
    page.goto(url(offline_site, LESSON))
    fill_profile(page)
    start(page)
    answer_all(page, right_answer)
    submit(page)
    page.goto((offline_site / "pledges" / "staff.html").as_uri())
    fill(page, STAFF)
    with page.expect_download() as download:
        page.locator("button", has_text="下载我的记录").click()
    data = __import__("json").loads(open(download.value.path(), encoding="utf-8").read())
    assert sorted(item["record"]["kind"] for item in data["records"]) == ["attempt", "pledge"]
    assert data["records"] == outbox(page)


def test_next_person_at_a_shared_pc_signs_as_themselves(local_server, open_page):
    """On a shared PC the page says whose receipt it shows; 不是你？ (by keyboard) gives
    the next person an empty form, and their download holds only their records."""
    page = open_page().page
    page.goto(f"{local_server}pledges/staff/")
    fill(page, STAFF)
    page.goto(f"{local_server}pledges/staff/")  # the next person sits down
    who = page.locator(".qinglian-pledge__who")
    expect(who).to_have_text("当前职工：张三（工号 A001，内科） 不是你？")
    not_you = who.locator("button.qinglian-pledge__not-you")
    page.locator(".qinglian-pledge__receipt").focus()  # Tab starts at the receipt
    page.keyboard.press("Shift+Tab")
    expect(not_you).to_be_focused()
    page.keyboard.press("Enter")
    form = page.locator("form.qinglian-pledge")
    expect(form).to_have_attribute("data-state", "form")
    expect(form.locator("[name=name]")).to_be_focused()
    expect(form.locator("[name=name]")).to_have_value("")
    expect(form.locator("[name=staff_id]")).to_have_value("")
    expect(who).to_have_count(0)
    nurse = {"name": "李四", "staff_id": "B002", "department": "外科"}
    fill(page, nurse)
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("李四")
    expect(who).to_have_text("当前职工：李四（工号 B002，外科） 不是你？")
    with page.expect_download() as download:
        page.locator("button", has_text="下载我的记录").click()
    data = __import__("json").loads(open(download.value.path(), encoding="utf-8").read())
    assert [item["record"]["person"] for item in data["records"]] == [nurse]
    # The first person's signature stays, to be delivered under their name
    assert [item["record"]["person"] for item in outbox(page)] == [STAFF, nurse]


def test_signing_on_a_non_secure_host(local_server, open_page):
    """On plain http under a host name (no crypto.randomUUID) signing still works."""
    port = local_server.rsplit(":", 1)[1].rstrip("/")
    page = open_page().page
    page.goto(f"http://{INTRANET_HOST}:{port}/pledges/staff/")
    assert page.evaluate("() => isSecureContext") is False
    fill(page, STAFF)
    record = outbox(page)[0]["record"]
    assert record_problems(record) == []
    assert re.fullmatch(r"[0-9a-f-]{36}", record["id"])


def test_new_version_asks_to_sign_again(make_site, open_page):
    """After a version bump, a member of staff who signed version 1 is asked again."""
    site = _locked_file_site(make_site)
    page = open_page().page
    url = (site.root / "site" / "pledges" / "staff.html").as_uri()
    page.goto(url)
    fill(page, STAFF)
    page.reload()
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("第 1 版")
    changed = PLEDGE.replace("红包", "礼金").replace('version: "1"', 'version: "2"')
    (site.root / "content" / "pledges" / "staff.md").write_text(changed, encoding="utf-8")
    assert run_qinglian(site, "pledge", "lock").returncode == 0
    assert site.build().returncode == 0
    page.reload()
    expect(page.locator(".qinglian-pledge__renew")).to_have_text("承诺书已更新为第 2 版，请重新阅读并签署。")
    expect(page.locator("[name=staff_id]")).to_have_value("A001")  # prefilled from the profile
    fill(page, STAFF)
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("第 2 版")
    assert [item["record"]["pledge"]["version"] for item in outbox(page)] == ["1", "2"]


def test_older_copy_keeps_a_signature_of_a_newer_version(make_site, open_page):
    """Two versions of the site on one USB stick (every file:// page shares storage):
    a member of staff who signed version 2 on the new copy and opens the old copy sees
    that signature, and is not told the pledge is "now version 1"."""
    site = _locked_file_site(make_site)
    old = site.root / "old copy"
    shutil.copytree(site.root / "site", old)
    changed = PLEDGE.replace("红包", "礼金").replace('version: "1"', 'version: "2"')
    (site.root / "content" / "pledges" / "staff.md").write_text(changed, encoding="utf-8")
    assert run_qinglian(site, "pledge", "lock").returncode == 0
    assert site.build().returncode == 0
    page = open_page().page
    page.goto((site.root / "site" / "pledges" / "staff.html").as_uri())
    fill(page, STAFF)
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("第 2 版")
    page.goto((old / "pledges" / "staff.html").as_uri())
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("第 2 版")
    expect(page.locator(".qinglian-pledge__renew")).to_have_count(0)
    assert [item["record"]["pledge"]["version"] for item in outbox(page)] == ["2"]


def test_renewal_period_asks_to_sign_again(offline_site, open_page):
    """A year after signing (renew_every: 1y) a member of staff is asked again."""
    page = open_page().page
    page.clock.install(time=datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc))
    page.goto((offline_site / "pledges" / "staff.html").as_uri())
    fill(page, STAFF)
    page.clock.set_system_time(datetime(2027, 6, 1, 9, 0, tzinfo=timezone.utc))
    page.reload()
    expect(page.locator(".qinglian-pledge__receipt")).to_be_visible()  # half a year: still valid
    page.clock.set_system_time(datetime(2027, 11, 25, 9, 0, tzinfo=timezone.utc))
    page.reload()
    expect(page.locator(".qinglian-pledge__renew")).to_have_text("距你上次签署已满规定期限，请重新阅读并签署。")


def test_sign_another_puts_the_focus_in_the_new_form(local_server, open_page):
    """再签署一份 goes with the receipt: the focus goes to the new form's first field,
    not to the top of the page."""
    recorded = open_page()
    page = recorded.page
    page.goto(f"{local_server}pledges/family/")
    fill(page, {"name": "李四", "relationship": "配偶", "staff_name": "张三", "staff_id": "A001"})
    expect(page.locator(".qinglian-pledge__receipt")).to_be_focused()
    another = page.locator("form.qinglian-pledge button", has_text="再签署一份")
    another.focus()
    page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-pledge [name=name]")).to_be_focused()
    assert recorded.errors == []


def test_agreement_and_signature_errors_are_announced_on_their_field(local_server, open_page):
    """同意 not ticked, or a signature that differs: the field that has the focus is marked
    invalid and described by the message, as the other fields are; put right, the mark goes."""
    page = open_page().page
    page.goto(f"{local_server}pledges/staff/")
    form = page.locator("form.qinglian-pledge")
    for name, value in STAFF.items():
        control = form.locator(f"[name={name}]")
        control.select_option(value) if name == "department" else control.fill(value)
    agree, signature = form.locator("[name=agree]"), form.locator("[name=signature]")
    signature.fill(STAFF["name"])
    signature.press("Enter")
    expect(agree).to_be_focused()
    expect(agree).to_have_attribute("aria-invalid", "true")
    expect(agree).to_have_accessible_description("请先阅读承诺书并勾选同意。")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("李四")
    page.keyboard.press("Enter")
    expect(signature).to_be_focused()
    expect(signature).to_have_attribute("aria-invalid", "true")
    expect(signature).to_have_accessible_description("签名须与上面填写的姓名一致。")
    expect(agree).not_to_have_attribute("aria-invalid", "true")
    for node in (agree, signature):  # required, as the other fields are
        assert node.evaluate("node => node.required") is True


def _locked_file_site(make_site):
    """A file:// site with the staff pledge (test_pledge's) locked at version 1 and built."""
    site = make_site({"content/pledges/index.md": "# 承诺\n\n签署。\n",
                      "content/pledges/staff.md": PLEDGE},
                     config={**PLEDGE_CONFIG, "plugins": {**PLEDGE_CONFIG["plugins"],
                                                          "material/offline": {}}})
    assert run_qinglian(site, "pledge", "lock").returncode == 0
    assert site.build().returncode == 0
    return site


def test_failed_tries_are_not_announced_again(delivery, open_page):
    """With the collector down the receipt is drawn anew after each failed try: the
    status region (a live region) says how many records wait once, not after every try."""
    page = open_page().page
    page.clock.install()
    page.goto((delivery["root"] / "offline" / "pledges" / "staff.html").as_uri())
    # Time stands still, so that each retry comes only when the test runs the clock: on
    # a loaded machine five real seconds could pass before the first try is read
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))
    fill(page, STAFF)
    status = page.locator("form.qinglian-pledge [role=status]")
    expect(status).to_have_text("本机记录：待发送 1 条，已送达 0 条，被拒绝 0 条。")
    page.wait_for_function("() => window.qinglian.outbox()[0].tries === 1")
    status.evaluate("""node => { window.changes = 0; new MutationObserver(() => window.changes++)
        .observe(node, {childList: true, subtree: true, characterData: true}); }""")
    for tries in (2, 3):
        page.clock.run_for(5000 * 2 ** (tries - 2))  # the backoff: 5 s, then 10 s
        page.wait_for_function(f"() => window.qinglian.outbox()[0].tries === {tries}")
    expect(page.locator(".qinglian-pledge__delivery")).to_have_text("等待发送到医院服务器")
    assert page.evaluate("window.changes") == 0
