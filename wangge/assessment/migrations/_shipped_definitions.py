"""The shipped indicators' definitions, English (as 0002 seeded them) and Chinese, by code.

Frozen here for migrations: later edits belong in new migrations, not in this table."""

DEFINITIONS = {
    "response_rate": (
        "Of the cases reported in the period, the share whose first response (accept, reject, merge or solve on the spot) came before the accept deadline. Counted on the report day.",
        "统计期内上报的案件中，首次响应（立案、不予立案、合并或当场解决）在受理时限前完成的比例。按上报日统计。",
    ),
    "resolution_rate": (
        "Of the cases filed in the period, the share closed now and not rated as unresolved. Counted on the filing day.",
        "统计期内立案的案件中，现已结案且未被评为未解决的比例。按立案日统计。",
    ),
    "satisfaction_rate": (
        "Of the ratings given in the period, the share that are satisfied (speed and result at least 3 of 5).",
        "统计期内的评价中，满意（速度和结果均不低于 3 分，满分 5 分）的比例。",
    ),
    "closure_rate": (
        "Closed ÷ (due − deferred): of the cases filed in the period and not parked now, the share closed now.",
        "已结案 ÷（应结 − 挂账）：统计期内立案且当前未挂账的案件中，现已结案的比例。",
    ),
    "on_time_closure_rate": (
        "Closed on time ÷ (due − deferred): closed now with no late step since last reopened.",
        "按期结案 ÷（应结 − 挂账）：现已结案，且自上次重新打开以来没有超时环节。",
    ),
    "rework_rate": (
        "Of the verifications in the period, the share that sent the case back for rework.",
        "统计期内的核查中，退回返工的比例。",
    ),
    "extension_rate": (
        "Approved extensions ÷ dispatches in the period (credited to the department holding the case).",
        "批准延期次数 ÷ 统计期内派遣次数（计入持有案件的部门）。",
    ),
    "overdue_rate": (
        "Of the cases filed in the period and not parked now, the share with a late step since last reopened.",
        "统计期内立案且当前未挂账的案件中，自上次重新打开以来有超时环节的比例。",
    ),
    "return_rate": (
        "Approved returns ÷ dispatches in the period (a return is credited to the department that returned it).",
        "批准退单次数 ÷ 统计期内派遣次数（退单计入退回案件的部门）。",
    ),
    "timely_sign_rate": (
        "Of the sign-fors in the period, the share before the sign deadline.",
        "统计期内的签收中，在签收时限前完成的比例。",
    ),
    "on_time_handling_rate": (
        "Of the feedbacks in the period, the share before the (possibly extended) handling deadline.",
        "统计期内的处置反馈中，在（可能已延期的）处置时限前完成的比例。",
    ),
    "valid_report_rate": (
        "Of the person's reports in the period, the share that were filed (accepted or solved on the spot).",
        "统计期内本人上报的案件中，被立案（受理或当场解决）的比例。",
    ),
    "timely_verification_rate": (
        "Of the person's verifications in the period, the share before the deadline.",
        "统计期内本人的核查中，在核查时限前完成的比例。",
    ),
    "person_on_time_handling_rate": (
        "Of the person's feedbacks in the period, the share before the handling deadline.",
        "统计期内本人的处置反馈中，在处置时限前完成的比例。",
    ),
}
