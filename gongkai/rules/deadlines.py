"""The legal clock of an application (依申请公开). Pure Python, no Django.

``compute_clock(received_on, events, as_of=None, calendar=None, conventions=None) -> ClockState``
replays the case's clock events in date order and derives the reply due date, the working days used
and left, pauses, lapses and warnings. Nothing here is stored: the application keeps its events and
recomputes (and caches ``due_on`` for indexed "overdue" queries) whenever an event is added.

Rules (RULES.md D5–D10, F7–F8, §I; article numbers of the 2019 《政府信息公开条例》):

* Day 0 = ``received_on`` (Art. 31); counting starts the next day (§I.1, *practice*).
* Reply within 20 WD (Art. 33¶2); legacy cases received before 2019-05-15 (Art. 56): 15 WD
  (2007 text Art. 24).
* Extension (``extension_granted``, Art. 33¶2): at most 20 WD in total (15 legacy), adds its working
  days to the allowance. Granted after the current due date → warning ``extension_late`` (or
  ``ClockError`` with ``refuse_late_extension``). More than the maximum → ``ClockError``.
* 补正 (Art. 30): ``amendment_requested`` must go out within 7 WD of day 0 (later → warning
  ``amendment_request_late``, or ``ClockError`` with ``refuse_late_amendment_request``). While the
  applicant has not answered, the clock does not run and there is no due date. The organ sets the
  answer period (``respond_by``); if it gave none we assume ``amendment_response_workdays`` = 15 WD
  from the request (our choice, configurable). ``amendment_received`` restarts everything: it is
  the new day 0 and a fresh 20 WD run (earlier pauses/extensions belong to the void period). No
  answer by ``respond_by`` → ``lapsed = "no_amendment"`` (annual report row ``other.no_amendment``).
* Consultation of a third party (Art. 32) or of another organ (Art. 34): the clock pauses from the
  day the letter is sent (convention ``consultation_pause_from = "sent"``; alternative
  ``"received"``, using the event's ``delivered_on``) until the answer or until the addressee's
  15 WD (counted from ``delivered_on`` or, if unknown, from sending) expire, whichever is first.
* Fee notice (F7, F8 unconfirmed → ``fee_notice_pauses``): the applicant pays within 20 WD counted
  from the day after receiving the notice (``delivered_on``, else the sending day); the clock pauses
  from sending until payment. Unpaid after that → ``lapsed = "fee_unpaid"`` (row
  ``other.fee_unpaid``). A notice sent after the due date → warning ``fee_notice_late``.
* Art. 35 (``custom_due_date``): the organ sets and notifies a later reply date; it replaces the
  computed due date (no statutory cap).
* ``replied`` (optional) stops the clock; ``replied_late`` tells whether it was after the due date.

A pause excludes the working days d with ``start < d <= end``: the day the letter goes out still
counts, the day the answer arrives does not. Pauses that begin after the due date do not revive
the clock (a warning says so). An open pause is projected to its latest possible end (the 15-WD
answer limit, the payment limit), so ``due_on`` is the latest date the reply can be due and the
state says ``due_on_provisional``.

Events dated after ``as_of`` are ignored: the state is what was known on ``as_of``. Nonsense input
(events before receipt, an answer without a consultation, an amendment received without a request,
an extension over the maximum, unknown kinds) raises ``ClockError`` with a Chinese message.

Warnings are ``{"code", "message", "msgid", "params"}`` and a ``ClockError`` carries the same
(``as_notice()``): ``message`` is the Chinese text (the CLI and the API are specified in Chinese),
``msgid`` the ``gettext_noop`` template with ``{name}`` fields. In ``params`` dates are ISO strings
(the message writes them 2025年2月10日) and keys ending in ``_label`` hold msgids; the Django layer
(``gongkai.core.i18n.localize``) translates the template and those labels and writes the dates in
the request's language.

``compute_from_cli_args(received, events, as_of)`` parses strings such as
``amendment_requested:2025-06-06`` or ``extension_granted:2025-09-05:20`` and returns
``ClockState.to_dict()`` (JSON-ready) for the ``gongkai deadline`` command and the API.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from gongkai.rules import workdays as wd
from gongkai.rules.i18n import gettext_noop

# Event kinds (GLOSSARY.md names).
AMENDMENT_REQUESTED = "amendment_requested"
AMENDMENT_RECEIVED = "amendment_received"
EXTENSION_GRANTED = "extension_granted"
CONSULTATION_STARTED = "consultation_started"
CONSULTATION_ANSWERED = "consultation_answered"
FEE_NOTICE_SENT = "fee_notice_sent"
FEE_PAID = "fee_paid"
CUSTOM_DUE_DATE = "custom_due_date"
REPLIED = "replied"

# Order of kinds on the same day (a request before its answer, etc.).
EVENT_KINDS = (
    AMENDMENT_REQUESTED,
    AMENDMENT_RECEIVED,
    EXTENSION_GRANTED,
    CONSULTATION_STARTED,
    CONSULTATION_ANSWERED,
    FEE_NOTICE_SENT,
    FEE_PAID,
    CUSTOM_DUE_DATE,
    REPLIED,
)
_KIND_ORDER = {k: i for i, k in enumerate(EVENT_KINDS)}

# Shown in the UI through gettext (gongkai.rules.i18n); the Chinese stays the msgid.
KIND_LABELS = {
    AMENDMENT_REQUESTED: gettext_noop("补正通知"),
    AMENDMENT_RECEIVED: gettext_noop("收到补正"),
    EXTENSION_GRANTED: gettext_noop("延期答复"),
    CONSULTATION_STARTED: gettext_noop("征求意见"),
    CONSULTATION_ANSWERED: gettext_noop("收到意见"),
    FEE_NOTICE_SENT: gettext_noop("收费通知"),
    FEE_PAID: gettext_noop("缴费"),
    CUSTOM_DUE_DATE: gettext_noop("另行确定答复期限"),
    REPLIED: gettext_noop("答复"),
}

STATUS_LABELS = {
    "running": gettext_noop("办理中"),
    "consultation": gettext_noop("征求意见中（暂停计时）"),
    "awaiting_fee": gettext_noop("等待缴费（暂停计时）"),
    "awaiting_amendment": gettext_noop("等待补正（暂停计时）"),
    "overdue": gettext_noop("已超期"),
    "lapsed": gettext_noop("申请视为放弃"),
    "replied": gettext_noop("已答复"),
}

LAPSE_LABELS = {
    "no_amendment": gettext_noop("逾期不补正，视为放弃申请"),
    "fee_unpaid": gettext_noop("逾期未缴费，视为放弃申请"),
}

LEGACY_CUTOFF = date(2019, 5, 15)  # Art. 56: the 2019 text is in force from this day
_TZ = ZoneInfo("Asia/Shanghai")


class ClockError(ValueError):
    """Impossible or contradictory clock events. ``str(e)`` is a Chinese message for the user."""

    def __init__(self, message: str, code: str = "clock_error", msgid=None, params=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.msgid = msgid
        self.params = params or {}

    @classmethod
    def of(cls, code: str, msgid: str, **params) -> ClockError:
        """The error of ``msgid`` (a ``gettext_noop`` template) filled with ``params``."""
        n = _notice(code, msgid, **params)
        return cls(n["message"], code, msgid, n["params"])

    def as_notice(self) -> dict:
        """The error in the shape of a warning, for ``gongkai.core.i18n.localize``."""
        return {
            "code": self.code,
            "message": self.message,
            "msgid": self.msgid,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class ClockConventions:
    """How the clock is counted where the Regulation is silent or unconfirmed (RULES.md §I)."""

    count_receipt_day: bool = False  # §I.1 practice: day 0 is not counted
    reply_workdays: int = 20  # Art. 33¶2
    extension_max_workdays: int = 20  # Art. 33¶2, total of all extensions
    legacy_before: date = LEGACY_CUTOFF  # Art. 56
    legacy_reply_workdays: int = 15  # 2007 text Art. 24
    legacy_extension_max_workdays: int = 15  # 2007 text Art. 24
    amendment_request_workdays: int = 7  # Art. 30
    amendment_response_workdays: int = 15  # our default when the organ set no respond_by
    refuse_late_amendment_request: bool = False
    refuse_late_extension: bool = False
    consultation_reply_workdays: int = 15  # Arts. 32, 34
    consultation_pause_from: str = "sent"  # "sent" | "received" (§I.5, unconfirmed)
    fee_notice_pauses: bool = True  # F8, unconfirmed
    fee_payment_workdays: int = 20  # F7

    def __post_init__(self):
        if self.consultation_pause_from not in ("sent", "received"):
            raise ValueError('consultation_pause_from must be "sent" or "received"')

    @classmethod
    def from_mapping(cls, data: dict | None) -> ClockConventions:
        """Build from a settings dict (e.g. ``settings.GONGKAI["CLOCK"]``); unknown keys raise."""
        data = dict(data or {})
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown clock convention(s): {', '.join(sorted(unknown))}")
        if isinstance(data.get("legacy_before"), str):
            data["legacy_before"] = date.fromisoformat(data["legacy_before"])
        return cls(**data)


DEFAULT_CONVENTIONS = ClockConventions()


@dataclass(frozen=True)
class ClockEvent:
    """One clock event of a case.

    ``workdays``: extension length. ``due_on``: the Art. 35 date. ``respond_by``: the 补正 answer
    limit set by the organ. ``delivered_on``: when the addressee (third party, applicant) received a
    consultation letter or fee notice. ``ref``: pairs a ``consultation_answered`` with its
    ``consultation_started`` when several consultations run at once (else the oldest open one).
    """

    kind: str
    on: date
    workdays: int | None = None
    due_on: date | None = None
    respond_by: date | None = None
    delivered_on: date | None = None
    ref: str = ""

    @classmethod
    def from_dict(cls, d: dict) -> ClockEvent:
        data = dict(d)
        if "on" not in data and "date" in data:
            data["on"] = data.pop("date")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ClockError.of(
                "clock_error",
                gettext_noop("计时事件含有无法识别的字段：{fields}"),
                fields=", ".join(sorted(unknown)),
            )
        for k in ("on", "due_on", "respond_by", "delivered_on"):
            if isinstance(data.get(k), str):
                data[k] = _parse_date(data[k], k)
        try:
            return cls(**data)
        except TypeError as e:
            raise ClockError.of(
                "clock_error", gettext_noop("计时事件不完整：{detail}"), detail=str(e)
            ) from None


@dataclass(frozen=True)
class PausedSpan:
    """Working days d with start < d <= end are not counted. ``open``: still running on as_of."""

    kind: str  # "amendment" | "consultation" | "fee"
    start: date
    end: date | None  # actual end, or None while open
    limit: date | None  # latest end (answer / payment / 补正 limit)
    open: bool
    workdays: int  # working days excluded so far (up to as_of)
    ref: str = ""

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "limit": _iso(self.limit),
            "open": self.open,
            "workdays": self.workdays,
            "ref": self.ref,
        }


@dataclass
class ClockState:
    received_on: date
    as_of: date
    start_on: date  # current day 0 (received_on, or the last amendment_received)
    legacy: bool
    reply_workdays: int
    extension_workdays: int
    allowance_workdays: int  # reply_workdays + extension_workdays
    due_on: date | None
    base_due_on: date | None  # due date without extensions and without Art. 35
    due_on_provisional: bool  # depends on an open pause or on a year without calendar data
    custom_due_on: date | None
    workdays_used: int
    workdays_left: int
    overdue: bool
    overdue_workdays: int
    paused: bool
    pause_reason: str | None
    paused_spans: list[PausedSpan]
    amendment_due_on: date  # last day to send a 补正 notice (day 0 + 7 WD)
    amendment_respond_by: date | None
    consultation_reply_due: date | None  # latest answer limit of the open consultations
    fee_payment_due_on: date | None
    extension_deadline: date | None  # last day an extension may be granted (None: none left)
    extension_workdays_available: int
    lapsed: str | None  # None | "no_amendment" | "fee_unpaid"
    replied_on: date | None
    replied_late: bool | None
    status: str
    status_label: str
    warnings: list[dict] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    calendar_provisional: bool = False

    def to_dict(self) -> dict:
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, date):
                v = v.isoformat()
            elif f.name == "paused_spans":
                v = [s.to_dict() for s in v]
            elif isinstance(v, list):
                v = [dict(x) if isinstance(x, dict) else x for x in v]
            out[f.name] = v
        out["lapsed_label"] = LAPSE_LABELS.get(self.lapsed) if self.lapsed else None
        return out


# ---------------------------------------------------------------------------- helpers
def _iso(d):
    return d.isoformat() if d else None


_DATE_LABEL = gettext_noop("日期")
_RECEIVED_LABEL = gettext_noop("收到申请之日")
_AS_OF_LABEL = gettext_noop("计算日期")


def _parse_date(s: str, what: str = _DATE_LABEL) -> date:
    """``what``: a field name (``due_on``) or one of the labels above (a msgid)."""
    try:
        return date.fromisoformat(s.strip())
    except (ValueError, AttributeError):
        raise ClockError.of(
            "bad_date",
            gettext_noop("无法识别的日期“{value}”（{what_label}），请使用 YYYY-MM-DD 格式"),
            value=s,
            what_label=what,
        ) from None


_EVENT_DATE_FIELDS = ("on", "due_on", "respond_by", "delivered_on")


def _normalise_dates(e: ClockEvent) -> ClockEvent:
    """Dates may come as ISO strings; anything else that is not a plain date is refused."""
    changes = {}
    for name in _EVENT_DATE_FIELDS:
        v = getattr(e, name)
        if v is None and name != "on":
            continue
        if isinstance(v, str):
            try:
                changes[name] = date.fromisoformat(v.strip())
            except ValueError:
                raise ClockError.of(
                    "bad_date",
                    gettext_noop(
                        "无法识别的{kind_label}日期“{value}”（{field}），请使用 YYYY-MM-DD 格式"
                    ),
                    kind_label=KIND_LABELS[e.kind],
                    value=v,
                    field=name,
                ) from None
        elif isinstance(v, datetime) or not isinstance(v, date):
            raise ClockError.of(
                "bad_date",
                gettext_noop("{kind_label}的日期（{field}）不正确"),
                kind_label=KIND_LABELS[e.kind],
                field=name,
            )
    return dataclasses.replace(e, **changes) if changes else e


def _today() -> date:
    return datetime.now(_TZ).date()


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _notice(code: str, msgid: str, **params) -> dict:
    """A warning: ``message`` in Chinese, ``msgid`` + ``params`` for translation (dates ISO)."""
    shown = {k: _fmt(v) if isinstance(v, date) else v for k, v in params.items()}
    stored = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    return {"code": code, "message": msgid.format(**shown), "msgid": msgid, "params": stored}


# The Regulation's article on the extension limit, by era (a ``_label`` param).
_ART_EXTENSION = gettext_noop("条例第三十三条")
_ART_EXTENSION_LEGACY = gettext_noop("2007年条例第二十四条")


class _Pause:
    __slots__ = ("kind", "start", "end", "limit", "ref", "answered_on")

    def __init__(self, kind, start, limit, ref=""):
        self.kind = kind
        self.start = start
        self.end = None
        self.limit = limit
        self.ref = ref
        self.answered_on = None


class _Clock:
    """Mutable replay state for one cycle (reset by amendment_received)."""

    def __init__(self, cal, conv, start, legacy):
        self.cal = cal
        self.conv = conv
        self.legacy = legacy
        self.base = conv.legacy_reply_workdays if legacy else conv.reply_workdays
        self.ext_max = conv.legacy_extension_max_workdays if legacy else conv.extension_max_workdays
        self.reset(start)

    def reset(self, start):
        self.start = start
        self.ext = 0
        self.pauses: list[_Pause] = []  # consultation / fee pauses of this cycle
        self.custom_due = None

    @property
    def count_from(self) -> date:
        # The day after which counting starts.
        return self.start - timedelta(days=1) if self.conv.count_receipt_day else self.start

    def spans(self, upto: date | None = None):
        """Merged (s, e] spans, open pauses projected to their limit (or cut at ``upto``)."""
        raw = []
        for p in self.pauses:
            if p.kind == "fee" and not self.conv.fee_notice_pauses:
                continue
            e = p.end if p.end is not None else p.limit
            if upto is not None and p.end is None:
                # an open pause runs until ``upto`` (past its limit only when lapsed)
                e = upto
            if e is not None and e > p.start:
                raw.append((p.start, e))
        raw.sort()
        merged = []
        for s, e in raw:
            if merged and s <= merged[-1][1]:
                if e > merged[-1][1]:
                    merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        return merged

    def due(self, allowance=None) -> date:
        rem = self.base + self.ext if allowance is None else allowance
        cur = self.count_from
        for s, e in self.spans():
            if e <= cur:
                continue
            if s > cur:
                w = self.cal.workdays_between(cur, s)
                if w >= rem:
                    break
                rem -= w
            cur = e
        return self.cal.add_workdays(cur, rem)

    def current_due(self) -> date:
        return self.custom_due if self.custom_due is not None else self.due()

    def used(self, t: date) -> int:
        lo = self.count_from
        if t <= lo:
            return 0
        n = self.cal.workdays_between(lo, t)
        for s, e in self.spans(upto=t):
            s, e = max(s, lo), min(e, t)
            if e > s:
                n -= self.cal.workdays_between(s, e)
        return n


def _excluded(cal, s, e, as_of):
    e = min(e, as_of) if e else as_of
    return max(0, cal.workdays_between(s, e)) if e > s else 0


# ---------------------------------------------------------------------------- main entry
def compute_clock(
    received_on: date,
    events=(),
    as_of: date | None = None,
    calendar: wd.WorkdayCalendar | None = None,
    conventions: ClockConventions | None = None,
) -> ClockState:
    """Derive the clock state of one application (see the module docstring)."""
    if isinstance(received_on, str):
        received_on = _parse_date(received_on, _RECEIVED_LABEL)
    if isinstance(received_on, datetime) or not isinstance(received_on, date):
        raise ClockError.of("bad_date", gettext_noop("收到申请之日必须是日期"))
    as_of = _today() if as_of is None else as_of
    if isinstance(as_of, str):
        as_of = _parse_date(as_of, _AS_OF_LABEL)
    cal = calendar or wd.default_calendar()
    conv = conventions or DEFAULT_CONVENTIONS
    legacy = received_on < conv.legacy_before

    evs = []
    for i, e in enumerate(events):
        if isinstance(e, dict):
            e = ClockEvent.from_dict(e)
        if not isinstance(e, ClockEvent):
            raise ClockError.of("clock_error", gettext_noop("计时事件格式不正确"))
        if e.kind not in _KIND_ORDER:
            raise ClockError.of(
                "unknown_event", gettext_noop("未知的计时事件类型“{kind}”"), kind=e.kind
            )
        e = _normalise_dates(e)
        if e.on < received_on:
            raise ClockError.of(
                "event_before_receipt",
                gettext_noop("{kind_label}日期（{on}）早于收到申请之日（{received_on}）"),
                kind_label=KIND_LABELS[e.kind],
                on=e.on,
                received_on=received_on,
            )
        evs.append((e.on, _KIND_ORDER[e.kind], i, e))
    evs.sort(key=lambda x: x[:3])

    warnings: list[dict] = []
    basis = [
        "《政府信息公开条例》（2007年）第二十四条" if legacy else "《政府信息公开条例》第三十三条"
    ]

    def warn(code, msgid, **params):
        warnings.append(_notice(code, msgid, **params))

    def add_basis(b):
        if b not in basis:
            basis.append(b)

    clk = _Clock(cal, conv, received_on, legacy)
    amendment_wait = None  # (requested_on, respond_by)
    amendment_cycles = 0
    history: list[PausedSpan] = []  # spans of earlier cycles and amendment waits
    replied_on = None
    lapsed = None

    for on, _, _, e in evs:
        if on > as_of:
            break
        k = e.kind
        if replied_on is not None:
            warn(
                "event_after_reply",
                gettext_noop("{on}的{kind_label}登记在答复之后，未计入期限"),
                kind=k,
                kind_label=KIND_LABELS[k],
                on=on,
            )
            continue
        if amendment_wait is not None and k not in (AMENDMENT_RECEIVED, REPLIED):
            raise ClockError.of(
                "event_while_awaiting_amendment",
                gettext_noop("等待申请人补正期间（{since}起）不能登记{kind_label}"),
                since=amendment_wait[0],
                kind_label=KIND_LABELS[k],
            )

        if k == AMENDMENT_REQUESTED:
            add_basis("《政府信息公开条例》第三十条")
            if any(p.end is None for p in clk.pauses):
                raise ClockError.of(
                    "amendment_during_pause", gettext_noop("征求意见或等待缴费期间不能要求补正")
                )
            limit = cal.add_workdays(clk.start, conv.amendment_request_workdays)
            if on > limit:
                args = (
                    "amendment_request_late",
                    gettext_noop(
                        "补正通知（{on}）晚于收到申请后{workdays}个工作日（{limit}），"
                        "不符合条例第三十条"
                    ),
                )
                params = {"on": on, "workdays": conv.amendment_request_workdays, "limit": limit}
                if conv.refuse_late_amendment_request:
                    raise ClockError.of(*args, **params)
                warn(*args, **params)
            if amendment_cycles:
                warn(
                    "amendment_repeated",
                    gettext_noop(
                        "再次要求补正：条例第三十条要求一次性告知需要补正的事项，"
                        "仅在补正后内容仍不明确时适用"
                    ),
                )
            respond_by = e.respond_by or cal.add_workdays(on, conv.amendment_response_workdays)
            if respond_by < on:
                raise ClockError.of("bad_respond_by", gettext_noop("补正期限早于补正通知日期"))
            amendment_wait = (on, respond_by)

        elif k == AMENDMENT_RECEIVED:
            if amendment_wait is None:
                raise ClockError.of(
                    "amendment_without_request",
                    gettext_noop(
                        "登记了收到补正（{on}），但此前没有补正通知；"
                        "补正通知的日期不能晚于收到补正的日期"
                    ),
                    on=on,
                )
            req, respond_by = amendment_wait
            if on > respond_by:
                warn(
                    "amendment_late",
                    gettext_noop("补正材料（{on}）晚于补正期限（{respond_by}）收到"),
                    on=on,
                    respond_by=respond_by,
                )
            history.extend(_closed_spans(clk, cal, as_of))
            history.append(
                PausedSpan("amendment", req, on, respond_by, False, _excluded(cal, req, on, as_of))
            )
            if clk.ext:
                warn(
                    "extension_discarded",
                    gettext_noop("收到补正后答复期限重新计算，此前的延期不再适用"),
                )
            amendment_wait = None
            amendment_cycles += 1
            clk.reset(on)  # Art. 30: the period runs afresh from receipt of the amendment

        elif k == EXTENSION_GRANTED:
            n = e.workdays
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise ClockError.of("bad_extension", gettext_noop("延期的工作日数必须是正整数"))
            if clk.ext + n > clk.ext_max:
                raise ClockError.of(
                    "extension_too_long",
                    gettext_noop(
                        "延长答复期限合计不得超过{max}个工作日（已延长{granted}个，"
                        "本次{workdays}个）（{article_label}）"
                    ),
                    max=clk.ext_max,
                    granted=clk.ext,
                    workdays=n,
                    article_label=_ART_EXTENSION_LEGACY if legacy else _ART_EXTENSION,
                )
            due_now = clk.current_due()
            if on > due_now:
                args = (
                    "extension_late",
                    gettext_noop(
                        "延期（{on}）晚于答复期限（{due_on}），应在期限届满前批准并告知申请人"
                    ),
                )
                if conv.refuse_late_extension:
                    raise ClockError.of(*args, on=on, due_on=due_now)
                warn(*args, on=on, due_on=due_now)
            clk.ext += n

        elif k == CONSULTATION_STARTED:
            add_basis("《政府信息公开条例》第三十二条、第三十四条")
            recv = e.delivered_on or on
            if recv < on:
                raise ClockError.of(
                    "bad_delivered_on", gettext_noop("征求意见函的送达日期早于发出日期")
                )
            limit = cal.add_workdays(recv, conv.consultation_reply_workdays)
            start = on if conv.consultation_pause_from == "sent" else recv
            due_now = clk.current_due()
            if on > due_now:
                warn(
                    "consultation_after_due",
                    gettext_noop("征求意见（{on}）晚于答复期限（{due_on}），不能中止已届满的期限"),
                    on=on,
                    due_on=due_now,
                )
            clk.pauses.append(_Pause("consultation", start, limit, e.ref))

        elif k == CONSULTATION_ANSWERED:
            open_ = [p for p in clk.pauses if p.kind == "consultation" and p.answered_on is None]
            if e.ref:
                open_ = [p for p in open_ if p.ref == e.ref]
            if not open_:
                if e.ref:
                    raise ClockError.of(
                        "answer_without_consultation",
                        gettext_noop(
                            "登记了收到意见（{on}），但没有进行中的征求意见（编号“{ref}”）"
                        ),
                        on=on,
                        ref=e.ref,
                    )
                raise ClockError.of(
                    "answer_without_consultation",
                    gettext_noop("登记了收到意见（{on}），但没有进行中的征求意见"),
                    on=on,
                )
            p = open_[0]
            p.answered_on = on
            if on > p.limit:
                warn(
                    "consultation_answer_late",
                    gettext_noop(
                        "意见于{on}收到，已超过{workdays}个工作日的答复期限（{limit}），"
                        "计时已于期限届满时恢复"
                    ),
                    on=on,
                    workdays=conv.consultation_reply_workdays,
                    limit=p.limit,
                )
                p.end = p.limit
            else:
                p.end = max(on, p.start)

        elif k == FEE_NOTICE_SENT:
            add_basis("《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）")
            if any(p.kind == "fee" and p.end is None for p in clk.pauses):
                raise ClockError.of(
                    "fee_notice_open", gettext_noop("上一份收费通知尚未缴费，不能再发收费通知")
                )
            recv = e.delivered_on or on
            if recv < on:
                raise ClockError.of(
                    "bad_delivered_on", gettext_noop("收费通知的送达日期早于发出日期")
                )
            due_now = clk.current_due()
            if on > due_now:
                warn(
                    "fee_notice_late",
                    gettext_noop("收费通知（{on}）应在答复期限（{due_on}）内发出"),
                    on=on,
                    due_on=due_now,
                )
            limit = cal.add_workdays(recv, conv.fee_payment_workdays)
            clk.pauses.append(_Pause("fee", on, limit))

        elif k == FEE_PAID:
            open_ = [p for p in clk.pauses if p.kind == "fee" and p.end is None]
            if not open_:
                raise ClockError.of(
                    "payment_without_notice",
                    gettext_noop("登记了缴费（{on}），但没有待缴费的收费通知"),
                    on=on,
                )
            p = open_[0]
            if on > p.limit:
                warn(
                    "fee_paid_late",
                    gettext_noop("缴费（{on}）晚于缴费期限（{limit}）"),
                    on=on,
                    limit=p.limit,
                )
            p.end = on
            p.answered_on = on

        elif k == CUSTOM_DUE_DATE:
            add_basis("《政府信息公开条例》第三十五条")
            if e.due_on is None or isinstance(e.due_on, datetime) or not isinstance(e.due_on, date):
                raise ClockError.of(
                    "bad_custom_due", gettext_noop("另行确定答复期限须给出答复日期")
                )
            if e.due_on < on:
                raise ClockError.of(
                    "bad_custom_due", gettext_noop("另行确定的答复日期早于确定之日")
                )
            statutory = clk.due()
            if e.due_on < statutory:
                warn(
                    "custom_due_before_statutory",
                    gettext_noop("另行确定的答复日期（{custom_due_on}）早于法定期限（{due_on}）"),
                    custom_due_on=e.due_on,
                    due_on=statutory,
                )
            clk.custom_due = e.due_on

        elif k == REPLIED:
            replied_on = on

    # --------------------------------------------------------------- derive the state
    # Consultations left unanswered end by themselves when the addressee's 15 WD run out.
    for p in clk.pauses:
        if p.kind == "consultation" and p.end is None and p.limit < as_of:
            p.end = p.limit
    stop = min(as_of, replied_on) if replied_on else as_of

    spans = list(history)
    spans.extend(_closed_spans(clk, cal, stop, include_open=True))

    pause_reason = None
    consultation_reply_due = None
    fee_payment_due_on = None
    amendment_respond_by = None
    open_cons = [p for p in clk.pauses if p.kind == "consultation" and p.end is None]
    open_fee = [p for p in clk.pauses if p.kind == "fee" and p.end is None]
    if open_cons:
        consultation_reply_due = max(p.limit for p in open_cons)
    if open_fee:
        fee_payment_due_on = open_fee[0].limit
    elif any(p.kind == "fee" for p in clk.pauses):
        fee_payment_due_on = [p for p in clk.pauses if p.kind == "fee"][-1].limit

    amendment_due_on = cal.add_workdays(clk.start, conv.amendment_request_workdays)
    if amendment_wait is not None:
        req, amendment_respond_by = amendment_wait
        spans.append(
            PausedSpan(
                "amendment",
                req,
                None,
                amendment_respond_by,
                True,
                _excluded(cal, req, None, stop),
            )
        )
        pause_reason = "amendment"
        if replied_on is None and as_of > amendment_respond_by:
            lapsed = "no_amendment"
    elif open_fee:
        pause_reason = "fee"
        if replied_on is None and as_of > open_fee[0].limit:
            lapsed = "fee_unpaid"
    elif open_cons:
        pause_reason = "consultation"
    if replied_on is not None:
        pause_reason = None

    if amendment_wait is not None:
        due_on = base_due = None
        used = clk.used(amendment_wait[0])
    else:
        due_on = clk.current_due()
        base_due = clk.due(clk.base)
        used = clk.used(stop)
    allowance = clk.base + clk.ext

    custom = clk.custom_due
    if due_on is not None and custom is not None:
        left = max(0, cal.workdays_between(stop, custom))
    else:
        left = max(0, allowance - used)
    overdue = bool(due_on and replied_on is None and lapsed is None and as_of > due_on)
    overdue_workdays = max(0, cal.workdays_between(due_on, stop)) if due_on else 0
    replied_late = (replied_on > due_on) if (replied_on and due_on) else None

    for p in clk.pauses:
        if due_on and p.start >= due_on and custom is None:
            warn(
                "pause_after_due",
                gettext_noop(
                    "{start}开始的{kind_label}不早于答复期限届满日（{due_on}），未中止计时"
                ),
                start=p.start,
                kind_label=KIND_LABELS[
                    CONSULTATION_STARTED if p.kind == "consultation" else FEE_NOTICE_SENT
                ],
                due_on=due_on,
            )

    ext_deadline = None
    if amendment_wait is None and clk.ext < clk.ext_max and replied_on is None and not lapsed:
        ext_deadline = due_on

    if replied_on is not None:
        status = "replied"
    elif lapsed:
        status = "lapsed"
    elif pause_reason == "amendment":
        status = "awaiting_amendment"
    elif pause_reason == "fee":
        status = "awaiting_fee"
    elif pause_reason == "consultation":
        status = "consultation"
    elif overdue:
        status = "overdue"
    else:
        status = "running"

    horizon = max(d for d in (as_of, due_on, amendment_respond_by, fee_payment_due_on) if d)
    cal_warnings = cal.warnings(received_on, horizon)
    warnings.extend(cal_warnings)
    provisional = bool(cal_warnings) or (
        replied_on is None and bool(open_cons or open_fee) and custom is None
    )

    return ClockState(
        received_on=received_on,
        as_of=as_of,
        start_on=clk.start,
        legacy=legacy,
        reply_workdays=clk.base,
        extension_workdays=clk.ext,
        allowance_workdays=allowance,
        due_on=due_on,
        base_due_on=base_due,
        due_on_provisional=provisional,
        custom_due_on=custom,
        workdays_used=used,
        workdays_left=left,
        overdue=overdue,
        overdue_workdays=overdue_workdays if overdue or replied_late else 0,
        paused=pause_reason is not None,
        pause_reason=pause_reason,
        paused_spans=sorted(spans, key=lambda s: (s.start, s.kind)),
        amendment_due_on=amendment_due_on,
        amendment_respond_by=amendment_respond_by,
        consultation_reply_due=consultation_reply_due,
        fee_payment_due_on=fee_payment_due_on,
        extension_deadline=ext_deadline,
        extension_workdays_available=clk.ext_max - clk.ext,
        lapsed=lapsed,
        replied_on=replied_on,
        replied_late=replied_late,
        status=status,
        status_label=STATUS_LABELS[status],
        warnings=warnings,
        legal_basis=basis,
        calendar_provisional=bool(cal_warnings),
    )


def _closed_spans(clk: _Clock, cal, as_of, include_open=False):
    out = []
    for p in clk.pauses:
        if p.end is None and not include_open:
            continue
        if p.kind == "fee" and not clk.conv.fee_notice_pauses:
            continue
        out.append(
            PausedSpan(
                p.kind,
                p.start,
                p.end,
                p.limit,
                p.end is None,
                _excluded(cal, p.start, p.end, as_of),
                p.ref,
            )
        )
    return out


def publication_due_on(formed_on: date, calendar: wd.WorkdayCalendar | None = None) -> date:
    """Proactive disclosure (Art. 26, RULES.md C8): publish within 20 WD of formation/change."""
    return (calendar or wd.default_calendar()).add_workdays(formed_on, 20)


# ---------------------------------------------------------------------------- CLI helper
_EXTRA_FIELD = {
    EXTENSION_GRANTED: "workdays",
    CUSTOM_DUE_DATE: "due_on",
    AMENDMENT_REQUESTED: "respond_by",
    CONSULTATION_STARTED: "delivered_on",
    FEE_NOTICE_SENT: "delivered_on",
    CONSULTATION_ANSWERED: "ref",
}
_INT_FIELDS = {"workdays"}
_DATE_FIELDS = {"due_on", "respond_by", "delivered_on"}


def parse_event(text: str) -> ClockEvent:
    """Parse ``kind:YYYY-MM-DD[:extra][:field=value...]``.

    The positional extra is the extension length (``extension_granted``), the Art. 35 date
    (``custom_due_date``), ``respond_by`` (``amendment_requested``), ``delivered_on``
    (``consultation_started``, ``fee_notice_sent``) or ``ref`` (``consultation_answered``).
    """
    parts = [p.strip() for p in str(text).split(":")]
    if len(parts) < 2 or not parts[0]:
        raise ClockError.of(
            "clock_error",
            gettext_noop("无法识别的计时事件“{text}”，格式为 类型:YYYY-MM-DD[:附加值]"),
            text=str(text),
        )
    kind = parts[0]
    if kind not in _KIND_ORDER:
        raise ClockError.of(
            "unknown_event",
            gettext_noop("未知的计时事件类型“{kind}”，可用：{kinds}"),
            kind=kind,
            kinds="、".join(EVENT_KINDS),
        )
    kw: dict = {"kind": kind, "on": _parse_date(parts[1], kind)}
    for extra in parts[2:]:
        if "=" in extra:
            name, value = (x.strip() for x in extra.split("=", 1))
        else:
            name = _EXTRA_FIELD.get(kind)
            value = extra
            if name is None:
                raise ClockError.of(
                    "clock_error",
                    gettext_noop("{kind} 不需要附加值“{extra}”"),
                    kind=kind,
                    extra=extra,
                )
        if name in _INT_FIELDS:
            try:
                kw[name] = int(value)
            except ValueError:
                raise ClockError.of(
                    "clock_error",
                    gettext_noop("“{value}”不是整数（{field}）"),
                    value=value,
                    field=name,
                ) from None
        elif name in _DATE_FIELDS:
            kw[name] = _parse_date(value, name)
        elif name == "ref":
            kw[name] = value
        else:
            raise ClockError.of(
                "clock_error", gettext_noop("计时事件含有无法识别的字段“{field}”"), field=name
            )
    if kind == EXTENSION_GRANTED and "workdays" not in kw:
        raise ClockError.of(
            "clock_error",
            gettext_noop("延期事件须写明工作日数，例如 extension_granted:2025-09-05:20"),
        )
    if kind == CUSTOM_DUE_DATE and "due_on" not in kw:
        raise ClockError.of(
            "clock_error",
            gettext_noop("另行确定答复期限须写明日期，例如 custom_due_date:2025-06-01:2025-08-29"),
        )
    if kind == CONSULTATION_STARTED and "ref" not in kw:
        kw.setdefault("ref", "")
    return ClockEvent(**kw)


def compute_from_cli_args(
    received: str,
    events: list[str] | tuple[str, ...] = (),
    as_of: str | None = None,
    calendar: wd.WorkdayCalendar | None = None,
    conventions: ClockConventions | None = None,
) -> dict:
    """Parse CLI/API strings and return the JSON-ready clock state (``ClockState.to_dict``).

    Raises ``ClockError`` (Chinese message) on bad input.
    """
    received_on = _parse_date(received, _RECEIVED_LABEL)
    parsed = [parse_event(t) for t in events or ()]
    as_of_d = _parse_date(as_of, _AS_OF_LABEL) if as_of else None
    state = compute_clock(received_on, parsed, as_of_d, calendar, conventions)
    return state.to_dict()
