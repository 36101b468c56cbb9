"""Project-list tables: column orders, synonyms, funding groups, forms left out."""

from __future__ import annotations

from extractors.model import Block, Cell, Document, Table
from normalizers.projects import extract_projects, funding_type_of, header_columns


def _table(
    order: int, rows: list[list[str]], *, page: int = 1, merged: tuple[Cell, ...] = ()
) -> Table:
    """A table from rows of texts; `merged` anchors replace the cells they cover."""
    covered = {
        (r, c)
        for cell in merged
        for r in range(cell.row, cell.row + cell.rowspan)
        for c in range(cell.col, cell.col + cell.colspan)
    }
    cells = [
        Cell(r, c, text)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        if (r, c) not in covered
    ]
    n_cols = max(len(row) for row in rows)
    return Table(order=order, page=page, cells=(*cells, *merged), n_rows=len(rows), n_cols=n_cols)


def _doc(*items: Block | Table) -> Document:
    return Document(
        doc_id="doc1",
        source_uri="mem://doc1",
        media_type="pdf",
        blocks=tuple(i for i in items if isinstance(i, Block)),
        tables=tuple(i for i in items if isinstance(i, Table)),
    )


def _block(order: int, text: str) -> Block:
    return Block(order=order, page=1, text=text)


def _rows(doc: Document) -> list[tuple[str | None, int, str, str | None, str | None]]:
    projects = extract_projects(
        doc, notice_id="n1", plan_year=2026, region="湖北省", program_level="provincial"
    )
    return [(p.funding_type, p.seq, p.project_name, p.host_org, p.applicant_org) for p in projects]


def test_tables_under_funding_headings_restart_their_numbering() -> None:
    header = ["序号", "项目名称", "承办单位"]
    funded = [
        header,
        ["1", "新能源与智能网联汽车高级研\n修班", "武汉理工大学"],
        ["2", "集成电路高级研修班", "武汉理工\n大学"],
    ]
    self_funded = [header, ["1", "畜禽疫病精准诊断与净化高级研修班", "华中农业大学"]]
    doc = _doc(
        _block(0, "附件1"),
        _block(1, "湖北省专业技术人员知识更新工程2026年高级研修项目计划"),
        _block(2, "财政资助项目（2期）"),
        _table(3, funded),
        _block(4, "自筹经费项目（1期）"),
        _table(5, self_funded),
    )
    assert _rows(doc) == [
        ("财政资助", 1, "新能源与智能网联汽车高级研修班", "武汉理工大学", None),
        ("财政资助", 2, "集成电路高级研修班", "武汉理工大学", None),
        ("自筹经费", 1, "畜禽疫病精准诊断与净化高级研修班", "华中农业大学", None),
    ]


def test_records_carry_provenance_and_notice_context() -> None:
    doc = _doc(
        _block(0, "自筹经费项目"),
        _table(1, [["序号", "项目名称", "承办单位"], ["1", "甲班", "乙大学"]], page=7),
    )
    (project,) = extract_projects(
        doc, notice_id="n1", plan_year=2021, region="全国", program_level="national"
    )
    assert (project.notice_id, project.plan_year, project.region, project.program_level) == (
        "n1", 2021, "全国", "national",
    )  # fmt: skip
    assert (project.source_doc_id, project.page, project.table_no) == ("doc1", 7, 1)


def test_applicant_host_name_order_without_seq_column_counts_rows_per_group() -> None:
    header = ["申报单位", "承办单位", "项目名称"]
    fenghuo = "武汉烽火技术服务有\n限公司（烽火通信）"
    funded = [
        header,
        [fenghuo, fenghuo, "数字技术驱动行业数\n字化转型"],
        ["天门市", "天门市第一人民医院", "静脉血栓栓塞症\n（VTE）防护治理管\n理体系的建设\n研讨班"],
    ]
    self_funded = [header, ["武汉大学", "武汉大学", "北斗定位与多源导航新技术高级研修班"]]
    doc = _doc(
        _block(0, "财政资助项目（2期）"),
        _table(1, funded),
        _block(2, "自筹经费项目（1期）"),
        _table(3, self_funded),
    )
    fenghuo_joined = "武汉烽火技术服务有限公司（烽火通信）"
    assert _rows(doc) == [
        ("财政资助", 1, "数字技术驱动行业数字化转型", fenghuo_joined, fenghuo_joined),
        (
            "财政资助",
            2,
            "静脉血栓栓塞症（VTE）防护治理管理体系的建设研讨班",
            "天门市第一人民医院",
            "天门市",
        ),
        ("自筹经费", 1, "北斗定位与多源导航新技术高级研修班", "武汉大学", "武汉大学"),
    ]


def test_header_synonyms_and_remarks_are_recognised() -> None:
    assert header_columns(["序 号", "研修项目名称", "承训单位", "举办时间"]) == {
        "seq": 0, "project_name": 1, "host_org": 2,
    }  # fmt: skip
    assert header_columns(["班次名称", "项目承办单位", "推荐单位"]) == {
        "project_name": 0, "host_org": 1, "applicant_org": 2,
    }  # fmt: skip
    assert header_columns(["项目名称（班次）", "承办单位\n（盖章）", "承办单位联系人"]) == {
        "project_name": 0, "host_org": 1,
    }  # fmt: skip


def test_category_column_with_merged_cells_gives_the_funding_type() -> None:
    rows = [
        ["类别", "序号", "项目名称", "承训单位"],
        ["财政资助", "1", "甲高级研修班", "甲大学"],
        ["", "2", "乙高级研修班", "乙大学"],
        ["自筹经费", "1", "丙高级研修班", "丙公司"],
    ]
    merged = (Cell(1, 0, "财政资助", rowspan=2),)
    doc = _doc(_block(0, "2025年高级研修项目计划"), _table(1, rows, merged=merged))
    assert _rows(doc) == [
        ("财政资助", 1, "甲高级研修班", "甲大学", None),
        ("财政资助", 2, "乙高级研修班", "乙大学", None),
        ("自筹经费", 1, "丙高级研修班", "丙公司", None),
    ]


def test_category_column_without_seq_counts_within_each_funding_type() -> None:
    rows = [
        ["项目名称", "承办单位", "经费类型"],
        ["甲班", "甲大学", "财政资助"],
        ["乙班", "乙大学", "自筹"],
        ["丙班", "丙大学", "财政资助"],
    ]
    assert _rows(_doc(_table(0, rows))) == [
        ("财政资助", 1, "甲班", "甲大学", None),
        ("自筹经费", 1, "乙班", "乙大学", None),
        ("财政资助", 2, "丙班", "丙大学", None),
    ]


def test_section_rows_inside_one_table_set_the_funding_type() -> None:
    rows = [
        ["序号", "项目名称", "承办单位"],
        ["一、财政资助项目", "", ""],
        ["1", "甲班", "甲大学"],
        ["2", "乙班", "乙大学"],
        ["二、自筹经费项目", "", ""],
        ["1", "丙班", "丙大学"],
    ]
    merged = (Cell(1, 0, "一、财政资助项目", colspan=3), Cell(4, 0, "二、自筹经费项目", colspan=3))
    assert _rows(_doc(_table(0, rows, merged=merged))) == [
        ("财政资助", 1, "甲班", "甲大学", None),
        ("财政资助", 2, "乙班", "乙大学", None),
        ("自筹经费", 1, "丙班", "丙大学", None),
    ]


def test_section_rows_without_seq_restart_row_positions() -> None:
    rows = [
        ["项目名称", "承办单位"],
        ["财政资助项目", ""],
        ["甲班", "甲大学"],
        ["乙班", "乙大学"],
        ["自筹经费项目", ""],
        ["丙班", "丙大学"],
    ]
    merged = (Cell(1, 0, "财政资助项目", colspan=2), Cell(4, 0, "自筹经费项目", colspan=2))
    assert [(f, s) for f, s, *_ in _rows(_doc(_table(0, rows, merged=merged)))] == [
        ("财政资助", 1), ("财政资助", 2), ("自筹经费", 1),
    ]  # fmt: skip


def test_blank_rows_repeated_headers_and_totals_are_skipped() -> None:
    rows = [
        ["序号", "项目名称", "承办单位"],
        ["1", "甲班", "甲大学"],
        ["", "", ""],
        ["序号", "项目名称", "承办单位"],
        ["2", "乙班", "乙大学"],
        ["", "合计", ""],
    ]
    assert _rows(_doc(_table(0, rows))) == [
        (None, 1, "甲班", "甲大学", None),
        (None, 2, "乙班", "乙大学", None),
    ]


def test_table_continued_on_the_next_page_keeps_its_group_and_columns() -> None:
    first_page = [
        ["申报单位", "承办单位", "项目名称"],
        ["甲市", "甲中心", "甲班"],
        ["乙", "乙", "乙班"],
    ]
    doc = _doc(
        _block(0, "财政资助项目（3期）"),
        _table(1, first_page),
        _block(2, "— 6 —"),
        _table(3, [["丙公司", "丙公司", "丙班"]], page=2),
    )
    assert _rows(doc) == [
        ("财政资助", 1, "甲班", "甲中心", "甲市"),
        ("财政资助", 2, "乙班", "乙", "乙"),
        ("财政资助", 3, "丙班", "丙公司", "丙公司"),
    ]


def test_form_tables_are_not_project_lists() -> None:
    application_form = [
        ["项目名称", "", "", ""],
        ["办班时间", "", "办班地点", ""],
        ["申报单位信息", "单位名称", "", "联系人"],
        ["承办单位信息", "单位名称", "", "联系人"],
    ]
    attendance = [
        ["序号", "姓名", "身份证号", "联系电话", "工作单位", "签名"],
        ["1", "", "", "", "", ""],
    ]
    budget = [["名称", "", "地点", ""], ["项目", "金额", "备注", ""], ["住宿费", "", "", ""]]
    survey = [["评价项目", "评价内容", "", "评价结果"], ["", "授课项目", "授课人", "优秀"]]
    summary = [
        ["序号", "研修选题", "承办单位", "联系人", "联系电话", "所属专业技术领域"],
        ["", "", "", "", "", ""],
        ["", "", "", "", "", ""],
    ]
    doc = _doc(
        _table(0, application_form), _table(1, attendance), _table(2, budget),
        _table(3, survey), _table(4, summary),
    )  # fmt: skip
    assert _rows(doc) == []


def test_body_text_about_funding_is_not_a_table_heading() -> None:
    doc = _doc(
        _block(0, "四、严格规范财务管理。高级研修项目经费采取财政资助、单位自筹等多种方式保障。"),
        _block(1, "附件1"),
        _table(2, [["序号", "项目名称", "承办单位"], ["1", "甲班", "甲大学"]]),
    )
    assert _rows(doc) == [(None, 1, "甲班", "甲大学", None)]


def test_funding_type_of_reads_headings_and_category_cells() -> None:
    assert funding_type_of("财政资助项目（9期）") == "财政资助"
    assert funding_type_of("二、自筹经费项目") == "自筹经费"
    assert funding_type_of("自筹") == "自筹经费"
    assert funding_type_of("财政资助、单位自筹等多种方式") is None
    assert funding_type_of("附件1") is None


def test_heading_is_read_after_a_form_table_that_precedes_the_list() -> None:
    survey = [["评价项目", "评价内容"], ["师资评价", ""]]
    doc = _doc(
        _table(0, survey),
        _block(1, "附件3"),
        _block(2, "自筹经费项目"),
        _table(3, [["项目名称", "承办单位"], ["甲班", "甲大学"]]),
    )
    assert _rows(doc) == [("自筹经费", 1, "甲班", "甲大学", None)]


def test_total_row_is_no_project_whichever_column_says_so() -> None:
    rows = [
        ["序号", "项目名称", "承办单位"],
        ["1", "甲班", "甲大学"],
        ["合计", "1期", ""],
        ["合\u3000计", "", "1个"],
    ]
    assert _rows(_doc(_table(0, rows))) == [(None, 1, "甲班", "甲大学", None)]


def test_two_row_header_is_skipped_whole() -> None:
    rows = [
        ["序号", "项目名称", "承办单位", ""],
        ["", "", "名称", "联系人"],
        ["1", "甲班", "甲大学", "张老师"],
    ]
    merged = (
        Cell(0, 0, "序号", rowspan=2),
        Cell(0, 1, "项目名称", rowspan=2),
        Cell(0, 2, "承办单位", colspan=2),
        Cell(1, 2, "名称"),
        Cell(1, 3, "联系人"),
    )
    assert _rows(_doc(_table(0, rows, merged=merged))) == [(None, 1, "甲班", "甲大学", None)]


def test_empty_category_cell_continues_the_group_above() -> None:
    # A merged 类别 cell cut by a page break: its part on the new page is empty.
    rows = [
        ["序号", "类别", "项目名称", "承办单位"],
        ["1", "财政资助", "甲班", "甲大学"],
        ["2", "", "乙班", "乙大学"],
        ["1", "自筹经费", "丙班", "丙大学"],
        ["2", "", "丁班", "丁大学"],
    ]
    assert _rows(_doc(_table(0, rows))) == [
        ("财政资助", 1, "甲班", "甲大学", None),
        ("财政资助", 2, "乙班", "乙大学", None),
        ("自筹经费", 1, "丙班", "丙大学", None),
        ("自筹经费", 2, "丁班", "丁大学", None),
    ]


def test_header_cut_apart_over_two_rows_is_read_column_by_column() -> None:
    # A printed page broke inside the header: "序号 | 项目名称 | 项目单位" (merged over
    # 申报单位 | 承办单位) on one page, the second header row on the next.
    rows = [
        ["序\n号", "研修项目名称", "项目单位", "项目单位"],
        ["", "", "", ""],
        ["", "", "申报单位", "承办单位"],
        ["1", "甲班", "某某厅", "甲大学"],
        ["2", "乙班", "某某局", "乙学院"],
    ]
    merged = (Cell(0, 2, "项目单位", colspan=2), Cell(1, 2, "", colspan=2))
    assert _rows(_doc(_table(0, rows, merged=merged))) == [
        (None, 1, "甲班", "甲大学", "某某厅"),
        (None, 2, "乙班", "乙学院", "某某局"),
    ]


def test_form_with_labels_down_its_first_column_is_no_header_over_rows() -> None:
    rows = [
        ["项目名称", "", "", ""],
        ["办班时间", "", "办班地点", ""],
        ["选题所属行业领域", "", "选题所属行业主管部门", ""],
        ["研修目的和作用", "", "", ""],
    ]
    assert _rows(_doc(_table(0, rows))) == []
