"""Cited documents: numbers in the text, their 《titles》, own number left out."""

from __future__ import annotations

from extractors.model import Block, Cell, Document, Table
from normalizers.citations import cited_title_before, extract_citations
from normalizers.records import CitedDocument


def _doc(*texts: str, tables: tuple[Table, ...] = ()) -> Document:
    blocks = tuple(Block(order=i, page=1, text=text) for i, text in enumerate(texts))
    return Document(
        doc_id="d1", source_uri="mem://d1", media_type="docx", blocks=blocks, tables=tables
    )


def test_numbers_are_cited_in_order_of_first_appearance_with_their_titles() -> None:
    doc = _doc(
        "湖北省人力资源和社会保障厅",
        "鄂人社函〔2026〕51号",
        "根据《湖北省专业技术人员知识更新工程实施方案》（鄂人社发〔2022〕56号）规定，",
        "各承办单位要根据《专业技术人员知识更新工程高级研修项目管理办法》（人社厅发〔2024〕55号），",
        "再次重申鄂人社发〔2022〕56号的要求。",
    )
    cited = extract_citations(doc, notice_id="n1", own_number="鄂人社函〔2026〕51号")
    assert cited == (
        CitedDocument("n1", "鄂人社发〔2022〕56号", "湖北省专业技术人员知识更新工程实施方案"),
        CitedDocument("n1", "人社厅发〔2024〕55号", "专业技术人员知识更新工程高级研修项目管理办法"),
    )


def test_decree_and_bracket_variants_are_normalised() -> None:
    doc = _doc(
        "根据《专业技术人员继续教育规定》（人社部令第25号）和《专业技术人才知识更新工程实施方案》"
        "（人社部发[2021]73号）精神，"
    )
    cited = extract_citations(doc, notice_id="n1", own_number=None)
    assert [(c.cited_doc_number, c.cited_title) for c in cited] == [
        ("人社部令第25号", "专业技术人员继续教育规定"),
        ("人社部发〔2021〕73号", "专业技术人才知识更新工程实施方案"),
    ]


def test_number_without_a_title_before_it_has_no_title() -> None:
    doc = _doc("请按照闽人社文办〔2023〕222号文附件1填写。")
    (cited,) = extract_citations(doc, notice_id="n1", own_number=None)
    assert cited == CitedDocument("n1", "闽人社文办〔2023〕222号", None)


def test_later_mention_with_a_title_fills_a_missing_title() -> None:
    doc = _doc("见鄂人社发〔2022〕56号。", "依据《实施方案》（鄂人社发〔2022〕56号）。")
    (cited,) = extract_citations(doc, notice_id="n1", own_number=None)
    assert cited.cited_title == "实施方案"


def test_own_number_in_the_header_is_not_a_citation() -> None:
    doc = _doc("人社厅发〔2021〕24号", "各省、自治区、直辖市人力资源社会保障厅（局）：")
    assert extract_citations(doc, notice_id="n1", own_number="人社厅发〔2021〕24号") == ()


def test_numbers_inside_table_cells_are_cited_too() -> None:
    table = Table(
        order=5,
        page=1,
        cells=(Cell(0, 0, "政策依据"), Cell(0, 1, "《某某办法》（川人社发〔2020〕8号）")),
        n_rows=1,
        n_cols=2,
    )
    cited = extract_citations(_doc("正文"), notice_id="n1", own_number=None)
    assert cited == ()
    cited = extract_citations(_doc("正文", tables=(table,)), notice_id="n1", own_number=None)
    assert cited == (CitedDocument("n1", "川人社发〔2020〕8号", "某某办法"),)


def test_wrapped_title_is_joined_without_line_breaks() -> None:
    text = "根据《专业技术人员知识更新工程\n高级研修项目管理办法》（人社厅发〔2024〕55号）"
    assert cited_title_before(text, text.index("人社厅发")) == (
        "专业技术人员知识更新工程高级研修项目管理办法"
    )


def test_title_lookup_needs_the_closing_book_bracket_right_before() -> None:
    text = "《管理办法》有关规定（人社厅发〔2024〕55号）"
    assert cited_title_before(text, text.index("人社厅发")) is None
