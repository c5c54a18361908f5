/// The ERP layouts bilag ships, by the name `layout:` gives. Each is the YAML an operator would write (docs/outbox.md
/// shows them); copy one to a file and change it to make your own.
public enum ShippedLayouts {
    public static let all: [String: String] = ["plain-csv": plainCSV, "unit4-gl07": unit4GL07]

    /// One row per voucher line, semicolon-separated, UTF-8, a header row of column names; signed amounts with a
    /// decimal point. For ERPs that import a spreadsheet-like file, and for looking at vouchers.
    public static let plainCSV = """
    description: one row per voucher line, semicolon-separated, UTF-8, column names first
    format: separated
    separator: ";"
    quoting: minimal
    charset: UTF-8
    line_end: lf
    date_format: yyyy-MM-dd
    amounts: { decimals: 2, decimal_separator: ".", sign: minus }
    column_names: true
    fields:
      - { name: voucher, field: voucher_no }
      - { name: line, field: line_no }
      - { name: role, field: role }
      - { name: invoice_id, field: invoice_id }
      - { name: invoice_number, field: invoice_number }
      - { name: document, field: document_kind }
      - { name: supplier, field: supplier_id }
      - { name: supplier_name, field: supplier_name }
      - { name: issue_date, field: issue_date }
      - { name: due_date, field: due_date }
      - { name: booked, field: booked_date }
      - { name: account, field: account }
      - { name: costcentre, field: dimension, key: costcentre }
      - { name: project, field: dimension, key: project }
      - { name: vat_code, field: vat_code }
      - { name: currency, field: currency }
      - { name: amount, field: amount }
      - { name: payment_account, field: payment_account, roles: [payable] }
      - { name: payment_id, field: payment_id, roles: [payable] }
      - { name: text, field: text }
    """

    /// A Unit4 ERP (Agresso/UBW) GL07-style batch-input file: one fixed-width record per voucher line, in the order
    /// of GL07's batch input format. The columns Unit4's batch input table `acrbatchinput` is known to hold (batch_id,
    /// interface, voucher_type, trans_type, client, account, dim_1 to dim_7, tax_code, currency, cur_amount, amount,
    /// description, trans_date, voucher_date, period, ext_inv_ref, sequence_no) are filled; the widths, and the
    /// columns between them, follow the GL07 layout as commonly documented and must be checked against the
    /// municipality's own GL07 setup before the first import (a layout file of its own fixes any difference).
    /// ISO-8859-1, CRLF. The supplier's line (trans_type AP, apar_type P) carries its organisation number, due date,
    /// KID and bank account.
    public static let unit4GL07 = """
    description: Unit4 ERP (Agresso/UBW) GL07 batch input, fixed width, one record per voucher line
    format: fixed
    charset: ISO-8859-1
    line_end: crlf
    date_format: yyyyMMdd
    amounts: { decimals: 2, decimal_separator: ".", sign: minus }
    fields:
      - { name: batch_id, field: batch_id, width: 25 }
      - { name: interface, value: "BI", width: 25 }
      - { name: voucher_type, field: setting, key: voucher_type, width: 25 }
      - { name: trans_type, field: role, map: { payable: "AP", default: "GL" }, width: 2 }
      - { name: client, field: setting, key: client, width: 25 }
      - { name: account, field: account, width: 25 }
      - { name: dim_1, field: dimension, key: costcentre, width: 25 }
      - { name: dim_2, field: dimension, key: project, width: 25 }
      - { name: dim_3, field: dimension, key: activity, width: 25 }
      - { name: dim_4, field: dimension, key: function, width: 25 }
      - { name: dim_5, field: dimension, key: case, width: 25 }
      - { name: dim_6, field: dimension, key: dim_6, width: 25 }
      - { name: dim_7, field: dimension, key: dim_7, width: 25 }
      - { name: tax_code, field: vat_code, width: 25 }
      - { name: tax_system, value: "", width: 25 }
      - { name: currency, field: currency, width: 25 }
      - { name: dc_flag, field: debit_credit, map: { D: "1", C: "-1" }, width: 2 }
      - { name: cur_amount, field: amount, width: 20 }
      - { name: amount, field: company_amount, width: 20 }
      - { name: number_1, value: "", width: 11 }
      - { name: value_1, value: "", width: 20 }
      - { name: value_2, value: "", width: 20 }
      - { name: value_3, value: "", width: 20 }
      - { name: description, field: text, width: 255, truncate: true }
      - { name: trans_date, field: booked_date, width: 8 }
      - { name: voucher_date, field: issue_date, width: 8 }
      - { name: voucher_no, field: voucher_no, width: 15 }
      - { name: period, field: period, width: 6 }
      - { name: tax_flag, value: "", width: 1 }
      - { name: ext_inv_ref, field: invoice_number, width: 100, truncate: true }
      - { name: ext_ref, field: invoice_id, width: 255 }
      - { name: due_date, field: due_date, roles: [payable], width: 8 }
      - { name: disc_date, value: "", width: 8 }
      - { name: discount, value: "", width: 20 }
      - { name: commitment, value: "", width: 25 }
      - { name: order_id, field: order_reference, width: 15, truncate: true }
      - { name: kid, field: payment_id, roles: [payable], width: 27 }
      - { name: pay_transfer, value: "", width: 2 }
      - { name: status, value: "", width: 1 }
      - { name: apar_type, field: role, map: { payable: "P", default: "" }, width: 1 }
      - { name: apar_id, field: supplier_id, roles: [payable], width: 25 }
      - { name: pay_flag, value: "", width: 1 }
      - { name: voucher_ref, value: "", width: 15 }
      - { name: sequence_ref, value: "", width: 9 }
      - { name: intrule_id, value: "", width: 25 }
      - { name: factor_short, value: "", width: 25 }
      - { name: responsible, value: "", width: 25 }
      - { name: apar_name, field: supplier_name, roles: [payable], width: 255, truncate: true }
      - { name: address, value: "", width: 160 }
      - { name: province, value: "", width: 40 }
      - { name: place, value: "", width: 40 }
      - { name: bank_account, field: payment_account, roles: [payable], width: 35 }
      - { name: pay_method, value: "", width: 2 }
      - { name: vat_reg_no, field: supplier_vat, roles: [payable], width: 25 }
      - { name: zip_code, value: "", width: 15 }
      - { name: curr_licence, value: "", width: 3 }
      - { name: account2, value: "", width: 25 }
      - { name: base_amount, value: "", width: 20 }
      - { name: base_curr, value: "", width: 20 }
      - { name: pay_temp_id, value: "", width: 4 }
      - { name: allocation_key, value: "", width: 2 }
      - { name: pay_plan_id, value: "", width: 2 }
      - { name: clearing_code, value: "", width: 13 }
      - { name: arrive_id, value: "", width: 15 }
      - { name: sequence_no, field: line_no, width: 9 }
    """
}
