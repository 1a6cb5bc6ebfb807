"""``qinglian export questions``: a bank for Excel, for a QTI 2.1 system, for Moodle.

- ``xlsx`` / ``csv``: our sheet layout (``sheet.HEADER``) with the ID column;
  importing the file back gives the same questions, ids included.
- ``qti``: an IMS Content Package (zip) of QTI 2.1 items, one assessmentItem
  per question: choiceInteraction for single (cardinality single), multiple
  (cardinality multiple) and true_false (two choices), textEntryInteraction
  for fill_blank with every accepted answer mapped to full marks. The
  explanation is modal feedback shown once the response is processed.
- ``moodle``: Moodle XML: multichoice (single or not), truefalse, shortanswer.

The XML is written with the standard library; tests check it against the IMS
schemas offline.
"""

from __future__ import annotations

import io
import re
import zipfile
from html import escape
from xml.etree import ElementTree as ET

from ..common.tables import csv_document
from .models import LETTERS, Question
from .sheet import DIFFICULTY_LABELS, HEADER, OPTIONS, row_of

FORMATS = ("xlsx", "csv", "qti", "moodle")
QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# Zip entries get one fixed time, so the same bank always gives the same package
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
# A blank in a fill_blank stem: the answer box goes where the first one is
_BLANK = re.compile(r"_{2,}")


def xlsx_bytes(questions: list[Question]) -> bytes:
    """Return the questions as an Excel workbook: our layout on the first sheet, what the
    columns take on a second."""
    from openpyxl import Workbook  # only when Excel is asked for
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(HEADER)
    for row in map(row_of, questions):
        sheet.append([value or None for value in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            # openpyxl takes text starting with = for a formula; these are words
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "D2"
    widths = {"题干": 48, "解析": 40, **{name: 18 for name in OPTIONS}}
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = widths.get(cell.value, 9)
    notes = workbook.create_sheet("填写说明")
    for line in _NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(questions: list[Question]) -> bytes:
    """Return the questions as CSV in our layout: UTF-8 with a BOM for Excel, cells that
    Excel would run as formulas behind a ' (the import takes it off again)."""
    return csv_document(HEADER, map(row_of, questions)).encode("utf-8")


def qti_package(questions: list[Question], bank: str) -> bytes:
    """Return a zip holding ``imsmanifest.xml`` and ``items/<id>.xml`` per question."""
    items = {_qti_identifier(question.id): _qti_item(question) for question in questions}
    manifest = ET.Element("manifest", {
        **_namespace(CP, "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"),
        "identifier": f"bank-{bank}"})
    metadata = _add(manifest, "metadata")
    _add(metadata, "schema", "QTIv2.1 Package")
    _add(metadata, "schemaversion", "1.0.0")
    _add(manifest, "organizations")
    resources = _add(manifest, "resources")
    for identifier in items:
        href = f"items/{identifier}.xml"
        resource = _add(resources, "resource", identifier=f"R-{identifier}",
                        type="imsqti_item_xmlv2p1", href=href)
        _add(resource, "file", href=href)
    files = {"imsmanifest.xml": _xml(manifest),
             **{f"items/{key}.xml": _xml(item) for key, item in items.items()}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(entry, data)
    return out.getvalue()


def moodle_xml(questions: list[Question]) -> bytes:
    """Return the questions as Moodle XML (Question bank → Import → Moodle XML format);
    each carries its id as name and ID number, its standards and difficulty as tags."""
    quiz = ET.Element("quiz")
    for question in questions:
        kind = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse",
                "fill_blank": "shortanswer"}[question.type]
        item = _add(quiz, "question", type=kind)
        _add(_add(item, "name"), "text", question.id)
        _add(_add(item, "questiontext", format="html"), "text", _html(question.stem))
        _add(_add(item, "generalfeedback", format="html"), "text", _html(question.explanation))
        _add(item, "defaultgrade", "1")
        _add(item, "hidden", "0")
        _add(item, "idnumber", question.id)
        if question.type in ("single", "multiple"):
            _add(item, "single", "true" if question.type == "single" else "false")
            _add(item, "shuffleanswers", "true")
            _add(item, "answernumbering", "ABCD")
            right = len(question.answer)
            for index, option in enumerate(question.options):
                # Right options share 100%; a wrong pick costs all of it, as on our site
                fraction = f"{100 / right:.7g}" if index in question.answer else (
                    "0" if question.type == "single" else "-100")
                answer = _add(item, "answer", fraction=fraction, format="html")
                _add(answer, "text", _html(option))
                _add(_add(answer, "feedback", format="html"), "text", "")
        elif question.type == "true_false":
            for value in (True, False):
                answer = _add(item, "answer", format="moodle_auto_format",
                              fraction="100" if question.answer[0] is value else "0")
                _add(answer, "text", "true" if value else "false")
                _add(_add(answer, "feedback", format="html"), "text", "")
        else:
            _add(item, "usecase", "0")
            for text in question.answer:
                answer = _add(item, "answer", fraction="100", format="moodle_auto_format")
                # In a short answer * is a wildcard; \* is the star itself
                _add(answer, "text", text.replace("*", "\\*"))
                _add(_add(answer, "feedback", format="html"), "text", "")
        tags = _add(item, "tags")
        for tag in [*(f"准则{number}" for number in question.standards),
                    f"难度-{DIFFICULTY_LABELS[question.difficulty]}"]:
            _add(_add(tags, "tag"), "text", tag)
    return _xml(quiz)


# -----------------------------------------------------------------------------


def _qti_item(question: Question) -> ET.Element:
    item = ET.Element("assessmentItem", {
        **_namespace(QTI, "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"),
        "identifier": _qti_identifier(question.id), "title": _title(question),
        "adaptive": "false", "timeDependent": "false"})
    fill = question.type == "fill_blank"
    response = _add(item, "responseDeclaration", identifier="RESPONSE",
                    cardinality="multiple" if question.type == "multiple" else "single",
                    baseType="string" if fill else "identifier")
    correct = _add(response, "correctResponse")
    if fill:
        _add(correct, "value", question.answer[0])
        mapping = _add(response, "mapping", defaultValue="0")
        for text in question.answer:
            _add(mapping, "mapEntry", mapKey=text, mappedValue="1", caseSensitive="false")
    else:
        for identifier in _choices(question):
            if _is_right(question, identifier):
                _add(correct, "value", identifier)
    _add(_add(_add(item, "outcomeDeclaration", identifier="SCORE", cardinality="single",
                   baseType="float"), "defaultValue"), "value", "0")
    _add(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality="single",
         baseType="identifier")
    body = _add(item, "itemBody")
    if fill:
        parts = _BLANK.split(question.stem, 1)
        # A stem without ____ gets the answer box after it
        before, after = parts if len(parts) == 2 else (question.stem + " ", "")
        paragraph = _add(body, "p", before)
        entry = _add(paragraph, "textEntryInteraction", responseIdentifier="RESPONSE",
                     expectedLength=str(max(len(text) for text in question.answer)))
        entry.tail = after
    else:
        choices = _add(body, "choiceInteraction", responseIdentifier="RESPONSE",
                       shuffle="false" if question.type == "true_false" else "true",
                       maxChoices="0" if question.type == "multiple" else "1")
        _add(choices, "prompt", question.stem)
        for identifier, text in _choices(question).items():
            _add(choices, "simpleChoice", text, identifier=identifier)
    processing = _add(item, "responseProcessing")
    score = "setOutcomeValue"
    if fill:
        _add(_add(processing, score, identifier="SCORE"), "mapResponse",
             identifier="RESPONSE")
    else:
        # The match_correct template, written out so the explanation can follow it
        condition = _add(processing, "responseCondition")
        when = _add(condition, "responseIf")
        match = _add(when, "match")
        _add(match, "variable", identifier="RESPONSE")
        _add(match, "correct", identifier="RESPONSE")
        _add(_add(when, score, identifier="SCORE"), "baseValue", "1", baseType="float")
        otherwise = _add(condition, "responseElse")
        _add(_add(otherwise, score, identifier="SCORE"), "baseValue", "0", baseType="float")
    _add(_add(processing, score, identifier="FEEDBACK"), "baseValue", "EXPLANATION",
         baseType="identifier")
    feedback = _add(item, "modalFeedback", outcomeIdentifier="FEEDBACK",
                    showHide="show", identifier="EXPLANATION", title="解析")
    feedback.text = question.explanation
    return item


def _choices(question: Question) -> dict[str, str]:
    """Return the choices' identifiers and texts (true/false for a true_false question)."""
    if question.type == "true_false":
        return {"true": "正确", "false": "错误"}
    return {LETTERS[index]: text for index, text in enumerate(question.options)}


def _is_right(question: Question, identifier: str) -> bool:
    if question.type == "true_false":
        return question.answer[0] is (identifier == "true")
    return LETTERS.index(identifier) in question.answer


def _qti_identifier(text: str) -> str:
    """Return ``text`` as an XML name: ids may start with a digit, names may not (and a
    capital Q cannot clash with an id, which holds only lower case)."""
    return text if text[0].isalpha() else f"Q{text}"


def _title(question: Question) -> str:
    stem = " ".join(question.stem.split())
    return f"{question.id} {stem[:30]}{'…' if len(stem) > 30 else ''}"


def _html(text: str) -> str:
    return "<p>" + escape(text).replace("\n", "<br>") + "</p>" if text else ""


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _namespace(namespace: str, schema: str) -> dict[str, str]:
    """Return the attributes that put a root element and all below it in ``namespace``.

    Written as plain attributes: ElementTree's own namespaces would prefix every
    tag (qti:choiceInteraction), which some importers do not follow."""
    return {"xmlns": namespace, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{namespace} {schema}"}


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


_NOTES = (
    "第一张工作表每行一道题，改好后用 qinglian import questions 导回题库。",
    "ID：题目编号。保留原编号即更新原题（导入时加 --replace）；留空则导入为新题并自动编号。",
    "题型：单选题、多选题、判断题、填空题。",
    "选项A–选项H：单选、多选题的选项，从选项A起连续填写；判断题、填空题不填。",
    "答案：单选填一个字母（B）；多选填多个字母（ACD，也可写 A,C,D 或 A、C、D）；"
    "判断填 对 或 错；填空题的多种可接受写法用 | 隔开（统方|统计处方）。",
    "解析：必填，答题后显示。准则：考查第几条准则，1–9，多条用、隔开（1、3）。",
    "难度：容易、中等、较难。课程：可选，对应课程页面的路径，如 lessons/standard-1.md。",
)
